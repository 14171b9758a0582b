"""manage.py load_scale (PostgreSQL only: the observatory's partitions and COPY import) on a small size:
the first 30 communes of the national list under their EPCIs, three years of observatory values through
the observatory import, three plans of five actions, the bench accounts; then every page bench_pages
reads answers 200 to the role that reads it."""

import csv
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection

from actions.models import ADOPTED_STATUSES, Action, ActionPlan, BudgetLine
from communes.importers import NATIONAL_FILE
from communes.models import Commune, Epci, Membership, Role
from observatory.models import BatchStatus, Dataset, ImportBatch, Observation
from reporting.scale.pages import bench_plan

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="load_scale needs PostgreSQL")

COMMUNES, YEARS, PLANS, ACTIONS = 30, 3, 3, 5
VALUES_PER_COMMUNE_AND_YEAR = 30  # 12 consumption, 9 emissions, 8 productions, the population


def first_rows() -> list[dict]:
    with NATIONAL_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))[:COMMUNES]


@pytest.fixture
def loaded():
    out = io.StringIO()
    call_command(
        "load_scale",
        communes=COMMUNES,
        years=YEARS,
        plans=PLANS,
        actions=ACTIONS,
        password="s3cret",
        stdout=out,
    )
    return out.getvalue()


@postgres_only
def test_it_loads_the_communes_under_their_epcis_the_values_the_plans_and_the_bench_accounts(loaded):
    rows = first_rows()

    assert Commune.objects.count() == COMMUNES
    assert Epci.objects.count() == len({row["epci_siren"] for row in rows})
    assert dict(Commune.objects.values_list("insee_code", "epci__siren")) == {
        row["insee_code"]: row["epci_siren"] for row in rows
    }
    demo = Dataset.objects.get(code="demo")
    assert demo.is_demo and not demo.is_open
    values = COMMUNES * YEARS * VALUES_PER_COMMUNE_AND_YEAR
    assert Observation.objects.filter(dataset=demo).count() == values
    batches = ImportBatch.objects.filter(dataset=demo)
    assert {batch.status for batch in batches} == {BatchStatus.DONE}
    assert sorted(year for batch in batches for year in batch.years) == [2022, 2023, 2024]
    # The public pages' data: the bench territory's own open dataset, the adopted plans published.
    territory = bench_plan().commune.territory
    opened = Dataset.objects.get(is_open=True)
    assert (opened.territory, opened.is_demo) == (territory, False)
    assert Observation.objects.filter(dataset=opened).count() == (
        territory.communes.count() * YEARS * VALUES_PER_COMMUNE_AND_YEAR
    )
    assert set(ActionPlan.objects.filter(published_at__isnull=False)) == set(
        ActionPlan.objects.filter(status__in=ADOPTED_STATUSES)
    )
    assert ActionPlan.objects.count() == PLANS
    assert Action.objects.count() == PLANS * ACTIONS
    assert BudgetLine.objects.count() == PLANS * ACTIONS * 7 * 2
    assert f"{COMMUNES} communes" in loaded
    # One load (about 8 s) for every check that reads it.
    the_bench_accounts_sign_in_with_the_given_password_in_their_roles()
    every_benchmarked_page_answers_its_reader()
    it_fills_only_an_empty_database_unless_asked_if_empty()


def the_bench_accounts_sign_in_with_the_given_password_in_their_roles():
    advisor = authenticate(username="advisor-001@bench.example", password="s3cret")
    referent = authenticate(username="referent-001@bench.example", password="s3cret")

    assert advisor is not None and referent is not None
    assert Membership.objects.filter(user=advisor, role=Role.ADVISOR).count() == COMMUNES
    plan_communes = set(ActionPlan.objects.values_list("commune_id", flat=True))
    assert (
        set(Membership.objects.filter(role=Role.REFERENT).values_list("commune_id", flat=True))
        == plan_communes
    )
    assert (
        set(Membership.objects.filter(role=Role.ELECTED).values_list("commune_id", flat=True))
        == plan_communes
    )


def it_fills_only_an_empty_database_unless_asked_if_empty():
    with pytest.raises(CommandError, match="already holds communes"):
        call_command("load_scale", communes=5, years=1, plans=1, actions=1, stdout=io.StringIO())

    out = io.StringIO()
    call_command("load_scale", communes=5, years=1, plans=1, actions=1, if_empty=True, stdout=out)

    assert "already loaded" in out.getvalue()
    assert Commune.objects.count() == COMMUNES


def every_benchmarked_page_answers_its_reader():
    out = io.StringIO()

    call_command("bench_pages", repeat=1, warmup=0, stdout=out, stderr=io.StringIO())

    table = out.getvalue()
    assert "/portfolio/" in table and "/observatory/imports/" in table
    assert "/territories/" in table
    assert "/public/communes/" in table and "/open-data/" in table and "/api/v1/plans" in table
    assert " 200 " in table and "not 200" not in table


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
def test_it_refuses_sqlite_with_what_to_do():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("load_scale", communes=5, stdout=io.StringIO())

    assert not Commune.objects.exists()
