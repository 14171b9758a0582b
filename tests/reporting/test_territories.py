"""The administrator's view comparing the territories (reporting/territories.py): each territory's figures
to the unit, for the administrator only, as CSV, sorted, in a number of queries that does not grow with
the territories."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionStatus, PlanStatus
from actions.selectors import TerritoryPlanFigures, plan_figures_by_territory
from communes.models import Agency, Stage, TerritoryRole
from communes.selectors import territory_comparison_rows
from communes.services import commune_stage_update
from observatory.models import Dataset
from observatory.selectors import territory_latest_figures
from pcl import pagination
from tests.actions.factories import ActionFactory, ActionPlanFactory, BudgetLineFactory, adopted_plan
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory
from tests.observatory.helpers import import_rows, series_rows

PAGE = "reporting:territories"
EXPORT = "reporting:territories_export"
NBSP, NNBSP = "\u00a0", "\u202f"


# --- reading the page ---------------------------------------------------------------------------


def text(html: str) -> str:
    # Collapses the markup's white space only: no-break spaces are part of the figures.
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def row_cells(content: str, row_id: str) -> list[str]:
    """The texts of the cells of the table row of this id."""
    row = content.split(f'<tr id="{row_id}">', 1)[1].split("</tr>", 1)[0]
    return [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def row_ids(content: str) -> list[str]:
    """The slugs of the territories' rows, in the page's order."""
    return re.findall(r'<tr id="territory-([^"]+)">', content)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def speaking(client, language: str):
    """The client with the language chosen with the switch (the platform ignores Accept-Language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def luhn_siren(number: int) -> str:
    """A valid SIREN from eight digits: the check digit that makes the Luhn sum a multiple of ten."""
    stem = f"{number:08d}"
    for check in range(10):
        candidate = stem + str(check)
        total = 0
        for position, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if position % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


# --- the scene: two territories with all their figures ------------------------------------------


def engage(commune, stage, population):
    commune.stage, commune.population = stage, population
    commune.charter_signed_on = date(2021, 5, 1)
    commune.save()


@pytest.fixture
def scene(cast):
    """The Métro: Saint-Martin-d'Hères in follow-up (a closed first plan, then an adopted second one
    whose three actions are counted, one done), Échirolles preparing a plan of one action; two officers;
    the Pays Voironnais: Voiron signatory with a draft plan of two actions, one done, and no budget.
    Observatory values of both Métro communes for 2020–2021 and of Voiron for 2019."""
    engage(cast.commune, Stage.IN_FOLLOW_UP, 27000)
    engage(cast.other_commune, Stage.PLAN_IN_PREPARATION, 36000)
    engage(cast.foreign_commune, Stage.SIGNATORY, 45000)

    closed = adopted_plan(
        cast.commune, status=PlanStatus.CLOSED, deliberation_date=date(2019, 6, 1), start_year=2019
    )
    for action in ActionFactory.create_batch(5, plan=closed, status=ActionStatus.DONE):
        BudgetLineFactory(action=action, year=2019, forecast=Decimal("99999.00"))
    followed = adopted_plan(cast.commune)
    done = ActionFactory(plan=followed, status=ActionStatus.DONE)
    started = ActionFactory(plan=followed, status=ActionStatus.IN_PROGRESS)
    ActionFactory(plan=followed)
    BudgetLineFactory(action=done, forecast=Decimal("10000.00"))
    BudgetLineFactory(action=started, year=2025, forecast=Decimal("2500.50"))
    draft = ActionPlanFactory(commune=cast.other_commune)
    BudgetLineFactory(action=ActionFactory(plan=draft), forecast=Decimal("1000.00"))

    voiron_plan = ActionPlanFactory(commune=cast.foreign_commune)
    ActionFactory(plan=voiron_plan, status=ActionStatus.DONE)
    ActionFactory(plan=voiron_plan)

    UserFactory(full_name="Odile Observatoire", officer_of=cast.territory)
    isere = Agency.objects.create(name="ALEC de la grande région grenobloise")
    isere.territories.add(cast.territory, cast.foreign_territory)
    Agency.objects.create(name="AGEDEN").territories.add(cast.foreign_territory)

    # Each territory's values in its own dataset (ORCAE is the Métro's; a territory's dataset holds its
    # communes' values only).
    import_rows(series_rows(["38421", "38151"], [2020, 2021], base=100000.0), user=cast.admin)
    own_dataset(cast.foreign_territory)
    import_rows(
        series_rows(["38563"], [2019], base=10000.0),
        user=cast.admin,
        dataset_code=own_code(cast.foreign_territory),
    )
    return cast


def own_code(territory) -> str:
    return f"orcae-{territory.slug}"[:60]


def own_dataset(territory) -> Dataset:
    """The regional observatory's series of a territory other than the Métro: a dataset of its own."""
    return Dataset.objects.create(
        code=own_code(territory), name="ORCAE", producer="ORCAE", territory=territory
    )


# --- what the page shows ------------------------------------------------------------------------


def test_each_territory_shows_its_own_figures_to_the_unit(scene, login):
    response = speaking(login(scene.admin), "en").get(reverse(PAGE))
    assert response.status_code == 200
    content = response.content.decode()
    assert row_cells(content, "territory-grenoble-alpes-metropole") == [
        "Grenoble-Alpes Métropole Observatory — Grenoble-Alpes Métropole",
        "200040715",
        "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole (2020)",
        "2",
        "63,000",
        "0",  # signatories
        "1",  # plans in preparation
        "0",  # plans deliberated
        "1",  # in follow-up
        "2",  # the closed plan and the adopted one
        "4",  # the followed plans' actions: not the closed plan's five
        "25% (1)",
        "€13,501",  # 10,000 + 2,500.50 + 1,000: not the closed plan's lines
        "ALEC de la grande région grenobloise",
        "2",
        "1",
        "2021",
        f"4.5{NBSP}t{NBSP}CO2e (2021)",  # 89,100 t for 20,001 inhabitants
    ]
    assert row_cells(content, "territory-communaute-dagglomeration-du-pays-voironnais") == [
        "Communauté d'agglomération du Pays Voironnais Observatory — "
        "Communauté d'agglomération du Pays Voironnais",
        "243800984",
        "Plan Climat Air Énergie Territorial du Pays Voironnais (2019)",
        "1",
        "45,000",
        "1",
        "0",
        "0",
        "0",
        "0",
        "2",
        "50% (1)",
        "€0",
        "AGEDEN, ALEC de la grande région grenobloise",
        "1",
        "1",
        "2019",
        f"0.3{NBSP}t{NBSP}CO2e (2019)",  # 3,000 t for 10,000 inhabitants
    ]
    assert row_cells(content, "territories-totals") == [
        "All territories",
        "",
        "",
        "3",
        "108,000",
        "1",
        "1",
        "0",
        "1",
        "2",
        "6",
        "33% (2)",
        "€13,501",
        "",
        "3",
        "",
        "",
        "",
    ]
    assert "2 territories on the platform" in content


def test_rows_link_each_territory_to_its_evaluation_and_its_observatory(scene, login):
    content = login(scene.admin).get(reverse(PAGE)).content.decode()
    dashboard, observatory = reverse("reporting:network_dashboard"), reverse("observatory:agglomeration")
    for slug in ("grenoble-alpes-metropole", "communaute-dagglomeration-du-pays-voironnais"):
        assert f'href="{dashboard}?territory={slug}"' in content
        assert f'href="{observatory}?territory={slug}"' in content


def test_the_emissions_per_inhabitant_wait_for_every_commune_of_the_territory(scene, login):
    """A Métro commune with no values: 2021 covers part of the territory, no total per inhabitant."""
    CommuneFactory(name="Vizille", insee_code="38562", territory=scene.territory)
    content = speaking(login(scene.admin), "en").get(reverse(PAGE)).content.decode()
    metro = row_cells(content, "territory-grenoble-alpes-metropole")
    assert metro[3] == "3"
    assert metro[-2:] == ["2021", "—"]
    assert row_cells(content, "territory-communaute-dagglomeration-du-pays-voironnais")[-1] == (
        f"0.3{NBSP}t{NBSP}CO2e (2019)"
    )


def test_the_observatory_figures_are_those_of_the_dataset_shown_first(scene, login):
    """Agence ORE (priority 20) holds 2023 consumption of the Métro: two datasets, but its observatory
    shows ORCAE (priority 10) first, whose latest year is 2021."""
    rows = [
        (code, 2023, "consumption", "residential", "electricity", 5000, "MWh", "consolidated")
        for code in ("38421", "38151")
    ]
    import_rows(rows, dataset_code="agence-ore", user=scene.admin)
    content = speaking(login(scene.admin), "en").get(reverse(PAGE)).content.decode()
    assert row_cells(content, "territory-grenoble-alpes-metropole")[-3:] == [
        "2",
        "2021",
        f"4.5{NBSP}t{NBSP}CO2e (2021)",
    ]
    assert row_cells(content, "territory-communaute-dagglomeration-du-pays-voironnais")[-3] == "1"


def test_a_territory_without_plans_nor_values_reads_zeros_and_dashes(cast, login):
    TerritoryFactory(
        siren=luhn_siren(24380001),
        name="Communauté de communes du Trièves",
        slug="trieves",
        climate_plan_name="",
        climate_plan_year=None,
    )
    content = speaking(login(cast.admin), "en").get(reverse(PAGE)).content.decode()
    assert row_cells(content, "territory-trieves")[1:] == [
        luhn_siren(24380001),
        "not set",
        "0",
        "—",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "—",
        "€0",
        "none",
        "0",
        "0",
        "—",
        "—",
    ]


# --- the selectors the page reads, each in its fixed number of queries ---------------------------


def test_each_app_answers_for_every_territory_in_its_fixed_number_of_queries(
    scene, django_assert_num_queries
):
    metro, voironnais = scene.territory.pk, scene.foreign_territory.pk
    with django_assert_num_queries(4):
        territories = {territory.pk: territory for territory in territory_comparison_rows()}
    assert territories[metro].stage_counts == {
        Stage.SIGNATORY: 0,
        Stage.PLAN_IN_PREPARATION: 1,
        Stage.PLAN_DELIBERATED: 0,
        Stage.IN_FOLLOW_UP: 1,
    }
    assert (territories[metro].commune_count, territories[metro].population) == (2, 63000)
    assert territories[voironnais].agency_names == ["AGEDEN", "ALEC de la grande région grenobloise"]
    assert (territories[metro].officer_count, territories[voironnais].officer_count) == (2, 1)

    with django_assert_num_queries(3):
        plans = plan_figures_by_territory()
    assert plans[metro] == TerritoryPlanFigures(
        plans_deliberated=2, actions=4, actions_done=1, forecast=Decimal("13500.50")
    )
    assert plans[voironnais] == TerritoryPlanFigures(plans_deliberated=0, actions=2, actions_done=1)
    assert plans[voironnais].done_share == 50

    with django_assert_num_queries(2):
        observatory = territory_latest_figures()
    assert (observatory[metro].datasets, observatory[metro].latest_year) == (1, 2021)
    assert observatory[metro].emissions_year == 2021
    assert observatory[metro].emissions_per_inhabitant == pytest.approx(89100 / 20001)
    assert observatory[voironnais].emissions_per_inhabitant == pytest.approx(0.3)


# --- who may open it ----------------------------------------------------------------------------

NOT_ADMINISTRATORS = [
    "metro_officer",
    "advisor",
    "referent",
    "staff",
    "elected",
    "outsider",
    "foreign_officer",
    "foreign_advisor",
]


@pytest.mark.parametrize("role", NOT_ADMINISTRATORS)
@pytest.mark.parametrize("url_name", [PAGE, EXPORT])
def test_no_one_but_the_administrator_opens_the_page_or_its_csv(cast, login, role, url_name):
    assert login(getattr(cast, role)).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", [PAGE, EXPORT])
def test_a_visitor_is_sent_to_sign_in(cast, client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["admin", *NOT_ADMINISTRATORS])
def test_the_menu_offers_the_page_to_the_administrator_only(cast, login, role):
    content = login(getattr(cast, role)).get(reverse("accounts:account")).content.decode()
    assert (f'href="{reverse(PAGE)}"' in content) is (role == "admin")


# --- the CSV ------------------------------------------------------------------------------------


def test_the_csv_holds_every_figure_of_the_table(scene, login):
    response = speaking(login(scene.admin), "fr").get(reverse(EXPORT))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="territoires-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    header, voironnais, metro = csv_rows(response)  # by name
    assert len(header) == len(metro) == 22
    assert metro == [
        "Grenoble-Alpes Métropole",
        "grenoble-alpes-metropole",
        "200040715",
        "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole",
        "2020",
        "2",
        "63000",
        "0",
        "1",
        "0",
        "1",
        "2",
        "4",
        "1",
        "25",
        "13500,5",
        "ALEC de la grande région grenobloise",
        "2",
        "1",
        "2021",
        "2021",
        "4,455",
    ]
    assert voironnais[:3] == ["Communauté d'agglomération du Pays Voironnais", voironnais[1], "243800984"]
    assert voironnais[11:] == [
        "0",
        "2",
        "1",
        "50",
        "0",
        "AGEDEN, ALEC de la grande région grenobloise",
        "1",
        "1",
        "2019",
        "2019",
        "0,3",
    ]


def test_the_csv_speaks_english_with_commas_and_points(scene, login):
    response = speaking(login(scene.admin), "en").get(reverse(EXPORT))
    body = b"".join(response.streaming_content).decode("utf-8")[1:]
    header, _voironnais, metro = list(csv.reader(io.StringIO(body)))
    assert header[:7] == [
        "Territory",
        "Short name",
        "SIREN",
        "Climate plan",
        "Climate plan adopted in",
        "Communes",
        "Population",
    ]
    assert header[7:11] == ["Charter signatory", "Plan in preparation", "Plan deliberated", "In follow-up"]
    assert header[-1] == "Emissions per inhabitant (t CO2e)"
    assert metro[15] == "13500.5" and metro[-1] == "4.455"


def test_the_csv_writes_a_name_like_a_formula_as_text(cast, login):
    TerritoryFactory(siren=luhn_siren(24380002), name='=HYPERLINK("http://evil")', slug="evil")
    response = login(cast.admin).get(reverse(EXPORT))
    names = [row[0] for row in csv_rows(response)[1:]]
    assert '\'=HYPERLINK("http://evil")' in names


# --- sorting and pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("", "communaute-dagglomeration-du-pays-voironnais"),  # by name: "Communauté" before "Grenoble"
        ("population", "grenoble-alpes-metropole"),
        ("engaged", "grenoble-alpes-metropole"),
        ("done", "communaute-dagglomeration-du-pays-voironnais"),
        ("budget", "grenoble-alpes-metropole"),
        ("emissions", "grenoble-alpes-metropole"),
        ("unknown", "communaute-dagglomeration-du-pays-voironnais"),
    ],
)
def test_the_territories_are_sorted_by_the_column_asked_for(scene, login, sort, first):
    content = login(scene.admin).get(reverse(PAGE), {"sort": sort}).content.decode()
    ids = row_ids(content)
    assert len(ids) == 2 and ids[0] == first


def test_a_territory_without_the_figure_comes_last_whatever_the_order(scene, login):
    TerritoryFactory(siren=luhn_siren(24380001), name="Agglo A", slug="agglo-a")
    client = login(scene.admin)
    assert row_ids(client.get(reverse(PAGE)).content.decode())[0] == "agglo-a"
    assert row_ids(client.get(reverse(PAGE), {"sort": "emissions"}).content.decode()) == [
        "grenoble-alpes-metropole",
        "communaute-dagglomeration-du-pays-voironnais",
        "agglo-a",
    ]


def test_the_csv_follows_the_order_of_the_page(scene, login):
    response = login(scene.admin).get(reverse(EXPORT), {"sort": "population"})
    assert [row[1] for row in csv_rows(response)[1:]] == [
        "grenoble-alpes-metropole",
        "communaute-dagglomeration-du-pays-voironnais",
    ]


def test_the_table_is_cut_into_pages_that_keep_the_order(cast, login, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    TerritoryFactory(siren=luhn_siren(24380001), name="Agglo A", slug="agglo-a")
    client = login(cast.admin)
    first = client.get(reverse(PAGE), {"sort": "communes"}).content.decode()
    second = client.get(reverse(PAGE), {"sort": "communes", "page": 2}).content.decode()
    assert row_ids(first) == ["grenoble-alpes-metropole", "communaute-dagglomeration-du-pays-voironnais"]
    assert row_ids(second) == ["agglo-a"]
    assert "sort=communes&amp;page=2" in first
    # The totals count every territory, not only the page's.
    assert row_cells(second, "territories-totals")[3] == "3"


# --- a change shows on the next read ------------------------------------------------------------
# The rows and the totals are kept in the cache (figures_cache): each test reads the page once, so that
# they are there, writes as the platform does, and reads the page again.

METRO_ROW, VOIRONNAIS_ROW = (
    "territory-grenoble-alpes-metropole",
    "territory-communaute-dagglomeration-du-pays-voironnais",
)


def read_page(client, **params) -> str:
    return client.get(reverse(PAGE), params).content.decode()


@pytest.fixture
def reader(scene, login):
    """The administrator's client, speaking English, once the page has been read (its figures cached)."""
    client = speaking(login(scene.admin), "en")
    read_page(client)
    return client


def test_a_new_commune_shows_on_the_next_read(scene, reader):
    CommuneFactory(name="Vizille", insee_code="38562", territory=scene.territory, population=7500)
    content = read_page(reader)
    assert row_cells(content, METRO_ROW)[3:5] == ["3", "70,500"]
    assert row_cells(content, "territories-totals")[3:5] == ["4", "115,500"]


def test_a_commune_moving_to_another_stage_shows_on_the_next_read(scene, reader):
    commune_stage_update(commune=scene.other_commune, stage=Stage.PLAN_DELIBERATED)
    content = read_page(reader)
    assert row_cells(content, METRO_ROW)[5:9] == ["0", "0", "1", "1"]
    assert row_cells(content, "territories-totals")[5:9] == ["1", "0", "1", "1"]


def test_a_commune_moving_to_another_territory_shows_on_the_next_read(scene, reader):
    scene.other_commune.territory = scene.foreign_territory
    scene.other_commune.save()
    content = read_page(reader)
    assert row_cells(content, METRO_ROW)[3:5] == ["1", "27,000"]
    assert row_cells(content, VOIRONNAIS_ROW)[3:5] == ["2", "81,000"]


def test_an_officer_named_or_removed_shows_on_the_next_read(scene, reader):
    UserFactory(full_name="Paul Pays", officer_of=scene.foreign_territory)
    content = read_page(reader)
    assert row_cells(content, VOIRONNAIS_ROW)[-4] == "2"
    assert row_cells(content, "territories-totals")[-4] == "4"

    TerritoryRole.objects.get(user=scene.metro_officer).delete()
    scene.foreign_officer.delete()  # the person's role goes with them
    content = read_page(reader)
    assert row_cells(content, METRO_ROW)[-4] == "1"
    assert row_cells(content, VOIRONNAIS_ROW)[-4] == "1"
    assert row_cells(content, "territories-totals")[-4] == "2"


def test_an_agency_serving_renamed_or_leaving_a_territory_shows_on_the_next_read(scene, reader):
    ageden = Agency.objects.get(name="AGEDEN")
    scene.territory.agencies.add(ageden)
    assert row_cells(read_page(reader), METRO_ROW)[-5] == "AGEDEN, ALEC de la grande région grenobloise"

    ageden.name = "AGEDEN du Pays Voironnais"
    ageden.save()
    content = read_page(reader)
    assert row_cells(content, METRO_ROW)[-5] == (
        "AGEDEN du Pays Voironnais, ALEC de la grande région grenobloise"
    )

    ageden.territories.remove(scene.territory)
    Agency.objects.get(name__startswith="ALEC").delete()
    content = read_page(reader)
    assert row_cells(content, METRO_ROW)[-5] == "none"
    assert row_cells(content, VOIRONNAIS_ROW)[-5] == "AGEDEN du Pays Voironnais"


def test_a_territory_renamed_or_added_shows_on_the_next_read(scene, reader):
    scene.territory.name, scene.territory.climate_plan_year = "Alpes Métropole", 2024
    scene.territory.save()
    TerritoryFactory(siren=luhn_siren(24380001), name="Trièves", slug="trieves")
    content = read_page(reader)
    assert row_ids(content) == [
        "grenoble-alpes-metropole",  # "Alpes Métropole" now comes first by name
        "communaute-dagglomeration-du-pays-voironnais",
        "trieves",
    ]
    assert row_cells(content, METRO_ROW)[0].startswith("Alpes Métropole Observatory")
    assert row_cells(content, METRO_ROW)[2].endswith("(2024)")
    assert "3 territories on the platform" in content


def test_an_action_done_shows_on_the_next_read(scene, reader):
    ActionFactory(plan=scene.foreign_commune.action_plans.get(), status=ActionStatus.DONE)
    content = read_page(reader)
    assert row_cells(content, VOIRONNAIS_ROW)[10:12] == ["3", "67% (2)"]
    assert row_cells(content, "territories-totals")[10:12] == ["7", "43% (3)"]


def test_an_action_edit_counts_the_plans_again_but_not_the_observatory(scene, reader):
    """The observatory's figures are kept under the observatory's own version: an action's edit does not
    read the communes' yearly totals again (over a second at national scale), and they still show."""
    before = row_cells(read_page(reader), VOIRONNAIS_ROW)
    ActionFactory(plan=scene.foreign_commune.action_plans.get(), status=ActionStatus.DONE)
    with CaptureQueriesContext(connection) as captured:
        content = read_page(reader)
    read = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in read if "observatory_observationtotal" in sql]
    assert row_cells(content, VOIRONNAIS_ROW)[10:12] == ["3", "67% (2)"]
    assert row_cells(content, VOIRONNAIS_ROW)[-3:] == before[-3:]  # datasets, latest year, emissions


def test_an_import_into_the_observatory_shows_on_the_next_read(scene, reader):
    rows = [("38563", 2023, "consumption", "residential", "electricity", 5000, "MWh", "consolidated")]
    import_rows(rows, dataset_code="agence-ore", user=scene.admin)
    assert row_cells(read_page(reader), VOIRONNAIS_ROW)[-3] == "2"  # its own ORCAE, and Agence ORE


def test_every_sort_page_and_the_csv_show_the_change(scene, reader, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 1)
    for sort in ("communes", "officers"):
        read_page(reader, sort=sort, page=2)
    b"".join(reader.get(reverse(EXPORT)).streaming_content)
    CommuneFactory(name="Vizille", insee_code="38562", territory=scene.foreign_territory, population=7500)
    UserFactory(officer_of=scene.foreign_territory)
    UserFactory(officer_of=scene.foreign_territory)
    # The Pays Voironnais now has as many communes as the Métro (ties by name: it comes first) and more
    # officers: the Métro is on the second page of both orders.
    for sort in ("communes", "officers"):
        assert row_ids(read_page(reader, sort=sort, page=2)) == ["grenoble-alpes-metropole"]
    voironnais = csv_rows(speaking(reader, "fr").get(reverse(EXPORT)))[1]
    assert (voironnais[5], voironnais[6], voironnais[-5]) == ("2", "52500", "3")


# --- queries ------------------------------------------------------------------------------------

PINNED_QUERIES = 12


def add_territory(number: int, admin) -> None:
    """A territory with two communes, a plan with actions and budget, an agency, an officer and
    observatory values: everything the page counts."""
    territory = TerritoryFactory(siren=luhn_siren(24390000 + number), name=f"Territoire {number}")
    communes = [
        CommuneFactory(territory=territory, insee_code=f"{number:02d}{index:03d}") for index in (1, 2)
    ]
    engage(communes[0], Stage.IN_FOLLOW_UP, 1000)
    plan = adopted_plan(communes[0])
    BudgetLineFactory(action=ActionFactory(plan=plan, status=ActionStatus.DONE))
    ActionFactory(plan=ActionPlanFactory(commune=communes[1]))
    Agency.objects.create(name=f"Agence {number}").territories.add(territory)
    UserFactory(officer_of=territory)
    own_dataset(territory)
    rows = series_rows([commune.insee_code for commune in communes], [2020 + number])
    import_rows(rows, user=admin, dataset_code=own_code(territory))


def count_queries(client, territories: int) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(PAGE), {"sort": "budget"})
    assert len(row_ids(response.content.decode())) == territories
    return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries]


def test_the_page_costs_the_same_queries_for_two_territories_or_five(scene, login):
    client = login(scene.admin)
    two = count_queries(client, 2)
    for number in (10, 11, 12):
        add_territory(number, scene.admin)
    cache.clear()
    five = count_queries(client, 5)
    assert two[0] == five[0] == PINNED_QUERIES, (two, five)
    # Once the figures are in the cache, the page reads none of them (nine queries fewer): the session,
    # the user and their roles.
    assert count_queries(client, 5)[0] == PINNED_QUERIES - 9


def test_with_the_cache_down_the_page_computes_its_figures_once(scene, login, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = speaking(login(scene.admin), "en")
    with CaptureQueriesContext(connection) as captured:
        content = read_page(client, sort="budget")
    assert len(captured.captured_queries) == PINNED_QUERIES
    assert row_ids(content) == ["grenoble-alpes-metropole", "communaute-dagglomeration-du-pays-voironnais"]
    assert row_cells(content, "territories-totals")[3:5] == ["3", "108,000"]
