"""The migrations that bring territories (issue 15) move a platform's existing data into one territory, the
Métro's, without loss: run from the previous schema with its data, then forward to the latest."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from communes.models import Commune, CommuneGroup, Epci, Signatory, Territory, TerritoryRole
from observatory.models import Dataset, Target
from reporting.models import GeneratedDocument, Letter

# The schema just before territories, app by app.
BEFORE = [
    ("communes", "0004_dashboard_indexes"),
    ("accounts", "0002_audit_event"),
    ("observatory", "0007_observation_totals"),
    ("reporting", "0004_document_detail_communes"),
    ("actions", "0006_dashboard_indexes"),
]


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_data(apps) -> dict:
    """A platform as it was: the Métro's EPCI holding the agglomeration's targets and its plan, two communes
    (one with no EPCI), a group, a partner, an officer, targets, letters, a dataset and documents."""
    epci = apps.get_model("communes", "Epci").objects.create(
        siren="200040715",
        name="Grenoble-Alpes Métropole",
        climate_plan_name="Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole",
        climate_plan_year=2020,
        holds_agglomeration_targets=True,
    )
    commune_model = apps.get_model("communes", "Commune")
    meylan = commune_model.objects.create(insee_code="38229", name="Meylan", sort_name="meylan", epci=epci)
    commune_model.objects.create(insee_code="38563", name="Voiron", sort_name="voiron")
    group = apps.get_model("communes", "CommuneGroup").objects.create(name="Grésivaudan", order=1)
    group.communes.set([meylan])
    apps.get_model("communes", "Signatory").objects.create(name="ACTIS", type="social_landlord")
    officer = apps.get_model("accounts", "User").objects.create(
        email="marc@example.org", is_metro_officer=True
    )
    apps.get_model("accounts", "User").objects.create(email="nobody@example.org")
    target_model = apps.get_model("observatory", "Target")
    target_model.objects.all().delete()
    target_model.objects.create(target_year=2030, ghg_reduction_pct=50, source="PCAET 2020")
    target_model.objects.create(commune=meylan, target_year=2030, ghg_reduction_pct=55)
    letter_model = apps.get_model("reporting", "Letter")
    period = {"period_start": datetime.date(2024, 1, 1), "period_end": datetime.date(2024, 3, 31)}
    letters = [
        letter_model.objects.create(number=number, title=f"n° {number}", **period) for number in (1, 2)
    ]
    dataset, _created = apps.get_model("observatory", "Dataset").objects.get_or_create(
        code="orcae", defaults={"name": "ORCAE", "producer": "ORCAE"}
    )
    document_model = apps.get_model("reporting", "GeneratedDocument")
    document_model.objects.create(kind="commune_report", commune=meylan, year=2024)
    document_model.objects.create(kind="letter", letter=letters[1])
    document_model.objects.create(kind="network_report", year=2024)
    return {"officer": officer.pk, "dataset": dataset.pk}


@pytest.mark.django_db(transaction=True)
def test_the_existing_data_moves_into_the_metro_territory_without_loss():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    ids = _old_data(old_apps)

    _migrate_to_latest()

    territory = Territory.objects.get()
    assert (territory.name, territory.siren, territory.slug) == (
        "Grenoble-Alpes Métropole",
        "200040715",
        "grenoble-alpes-metropole",
    )
    # The EPCI's plan is now the territory's: the deliberations keep quoting it.
    assert (territory.climate_plan_name, territory.climate_plan_year) == (
        "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole",
        2020,
    )
    assert Epci.objects.get().name == "Grenoble-Alpes Métropole"
    # Every row is still there, in the territory.
    assert sorted(Commune.objects.filter(territory=territory).values_list("insee_code", flat=True)) == [
        "38229",
        "38563",
    ]
    group = CommuneGroup.objects.get(territory=territory)
    assert (group.name, list(group.communes.values_list("insee_code", flat=True))) == (
        "Grésivaudan",
        ["38229"],
    )
    assert Signatory.objects.get(territory=territory).name == "ACTIS"
    targets = Target.objects.filter(territory=territory)
    assert sorted((target.commune_id is None, int(target.ghg_reduction_pct)) for target in targets) == [
        (False, 55),
        (True, 50),
    ]
    assert Target.objects.get(commune__isnull=True).source == "PCAET 2020"
    assert list(
        Letter.objects.filter(territory=territory).order_by("number").values_list("number", flat=True)
    ) == [
        1,
        2,
    ]
    assert Dataset.objects.get(pk=ids["dataset"]).territory == territory
    assert GeneratedDocument.objects.filter(territory=territory).count() == 3
    # The Métro / observatory officer is now the territory's officer; nobody else got a role.
    assert list(TerritoryRole.objects.values_list("user_id", "territory_id", "role")) == [
        (ids["officer"], territory.pk, "officer")
    ]
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_a_fresh_installation_gets_no_territory_from_the_migrations():
    """A fresh installation (the test database as `migrate` made it) has nothing to move: no territory, no
    targets (the Métro's come with its territory), shared reference datasets. The demo or
    `territory_create` makes the territories."""
    assert not Territory.objects.exists()
    assert not Target.objects.exists()
    assert set(Dataset.objects.values_list("territory", flat=True)) == {None}
