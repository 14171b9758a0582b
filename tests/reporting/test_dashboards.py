"""Evaluation dashboards: who may read them, the figures people read in their tables (in French), the
filters, and query counts that do not grow with the network."""

import datetime
import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus, BudgetKind, CoFunderStatus, PlanStatus
from communes.demo import DEMO_GROUPS, commune_groups_demo_load
from communes.importers import GRENOBLE_METROPOLE, METRO_FILE, communes_import
from communes.models import Commune, CommuneGroup, Role, Stage
from reporting.charts import Link, Table
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    adopted_plan,
)
from tests.browser.fixtures import describe_tour, page_problems, sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, TerritoryFactory
from tests.reporting.conftest import meet, sign

pytestmark = pytest.mark.django_db

NETWORK = reverse("reporting:network_dashboard")
# The Métro's network (the cast also has the Pays Voironnais, which the administrator would see first).
METRO = {"territory": "grenoble-alpes-metropole"}


def commune_url(insee_code="38421"):
    return reverse("reporting:commune_dashboard", args=[insee_code])


class _Tables(HTMLParser):
    """Collects each table of a page by id: its caption and its rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = self.tables.setdefault(attrs.get("id", ""), {"caption": "", "rows": []})
        elif self.current is not None and tag == "tr":
            self.row = []
        elif self.current is not None and tag in ("td", "th", "caption"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag == "caption" and self.current is not None:
            self.current["caption"] = _clean("".join(self.cell))
            self.cell = None
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(_clean("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current["rows"].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _clean(text: str) -> str:
    # French formats use no-break spaces (1 234 €, 40 %): read them as plain spaces.
    return re.sub(r"\s+", " ", unescape(text)).strip()


def tables(response) -> dict:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def rows(response, table_id) -> list[list[str]]:
    return tables(response)[table_id]["rows"]


def text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return _clean(re.sub(r"<[^>]+>", " ", main))


def text_of(response, element_id: str) -> str:
    """The text of the element (a div) of this id."""
    html = response.content.decode()
    start = html.index(">", html.index(f'id="{element_id}"')) + 1
    return _clean(re.sub(r"<[^>]+>", " ", html[start : html.index("</div>", start)]))


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- who may read them -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "metro_officer", "advisor"])
def test_the_network_dashboard_is_open_to_the_network_roles(login, cast, role):
    response = login(getattr(cast, role)).get(NETWORK, METRO)
    assert response.status_code == 200
    assert "Évaluation du réseau" in text(response)


@pytest.mark.parametrize("role", ["referent", "staff", "elected"])
def test_the_network_dashboard_is_refused_to_the_people_of_a_commune(login, cast, role):
    assert login(getattr(cast, role)).get(NETWORK, METRO).status_code == 403


def test_the_network_dashboard_asks_anonymous_people_to_sign_in(client, cast):
    assert_login_redirect(client.get(NETWORK, METRO))


@pytest.mark.parametrize("role", ["admin", "metro_officer", "advisor", "referent", "staff", "elected"])
def test_the_commune_dashboard_is_open_to_the_commune_and_the_network_roles(login, cast, role):
    response = login(getattr(cast, role)).get(commune_url())
    assert response.status_code == 200
    assert "Tableau de bord de Saint-Martin-d'Hères" in text(response)


def test_the_commune_dashboard_is_not_found_for_an_outsider(login, cast):
    # The outsider advises another commune: they must not learn that this one has a dashboard.
    assert login(cast.outsider).get(commune_url()).status_code == 404
    assert login(cast.outsider).get(commune_url("99999")).status_code == 404


def test_the_commune_dashboard_asks_anonymous_people_to_sign_in(client, cast):
    assert_login_redirect(client.get(commune_url()))


def test_an_advisor_reads_the_whole_network_but_opens_only_their_communes(login, network):
    response = login(network.cast.outsider).get(NETWORK, METRO)  # advisor of Échirolles only
    html = response.content.decode()
    assert [row[0] for row in rows(response, "communes-table")[1:]] == [
        "Échirolles",
        "Saint-Martin-d'Hères",
        "Sarcenas",
        "Seyssins",
    ]
    assert f'href="{commune_url("38151")}"' in html
    assert f'href="{commune_url("38421")}"' not in html


# --- the network's evaluation ------------------------------------------------------------------


def test_the_network_counts_deliberated_plans_by_year_and_the_signatories_that_have_one(login, network):
    # A draft second version neither counts as deliberated nor hides the adopted first one.
    ActionPlanFactory(commune=network.commune, previous_version=network.plan)
    response = login(network.cast.metro_officer).get(NETWORK, METRO)
    page = text(response)
    assert "2 plans d'actions délibérés" in page
    # Three communes signed the charter; Saint-Martin-d'Hères and Échirolles have a deliberated plan.
    assert "67 % des communes signataires ont un plan délibéré (2 sur 3)" in page
    assert rows(response, "chart-deliberations-table") == [
        ["Année", "Plans délibérés"],
        ["2022", "1"],
        ["2024", "1"],
        ["Total", "2"],
    ]
    figure = json.loads(
        re.search(r'id="chart-deliberations-data"[^>]*>(.*?)</script>', response.content.decode()).group(1)
    )
    assert figure["data"][0]["x"] == ["2022", "2024"] and figure["data"][0]["y"] == [1, 1]


def test_the_network_counts_actions_by_theme_and_status_with_the_late_and_stale_ones(login, network):
    response = login(network.cast.admin).get(NETWORK, METRO)
    first, second = (theme.name for theme in network.themes)
    assert rows(response, "chart-themes-table") == [
        ["Thématique", "À venir", "En cours", "Réalisé", "Suspendu", "Abandonné", "Total"],
        [first, "0", "2", "1", "0", "0", "3"],
        [second, "1", "0", "1", "0", "1", "3"],
        ["Total", "1", "2", "2", "0", "1", "6"],
    ]
    page = text(response)
    assert "6 actions" in page
    assert "1 actions en retard" in page and "1 action sans nouvelles" in page
    # Average progress leaves out the abandoned action: (40 + 100 + 20 + 0 + 100) / 5.
    assert "52 % d'avancement en moyenne" in page
    assert rows(response, "chart-completed-table")[1:] == [["2023", "1"], ["2025", "1"], ["Total", "2"]]


def test_expected_impacts_leave_out_abandoned_actions(login, network):
    response = login(network.cast.advisor).get(NETWORK, METRO)
    assert rows(response, "chart-impacts-table") == [
        ["Indicateur", "Attendu", "Atteint", "Atteint / attendu"],
        # 120 + 40 + 15 expected (not the 1 000 of the abandoned action); 30 + 45 + 12 achieved.
        ["Énergie économisée (MWh/an)", "175 MWh", "87 MWh", "50 %"],
        ["Émissions évitées (t CO2e/an)", "24,5 t CO2e", "0 t CO2e", "0 %"],
        ["Production renouvelable (MWh/an)", "10 MWh", "8 MWh", "80 %"],
    ]


def test_the_network_budget_reads_forecast_and_actual_by_year_and_theme_and_co_funding(login, network):
    response = login(network.cast.admin).get(NETWORK, METRO)
    assert rows(response, "chart-budget-years-table") == [
        [
            "Année",
            "Investissement, prévisionnel",
            "Investissement, réalisé",
            "Fonctionnement, prévisionnel",
            "Fonctionnement, réalisé",
            "Total prévisionnel",
            "Total réalisé",
        ],
        ["2023", "0,00 €", "—", "8 000,00 €", "7 000,00 €", "8 000,00 €", "7 000,00 €"],
        ["2024", "100 000,00 €", "80 000,00 €", "0,00 €", "—", "100 000,00 €", "80 000,00 €"],
        ["2025", "30 000,00 €", "32 500,00 €", "20 000,00 €", "—", "50 000,00 €", "32 500,00 €"],
        [
            "Total",
            "130 000,00 €",
            "112 500,00 €",
            "28 000,00 €",
            "7 000,00 €",
            "158 000,00 €",
            "119 500,00 €",
        ],  # noqa: E501
    ]
    first, second = (theme.name for theme in network.themes)
    assert rows(response, "chart-budget-themes-table")[1:] == [
        [first, "128 000,00 €", "87 000,00 €", "68 %"],
        [second, "30 000,00 €", "32 500,00 €", "108 %"],
    ]
    assert rows(response, "chart-cofunding-table")[1:] == [
        ["Demandé", "1", "15 000,00 €"],
        ["Accordé", "1", "50 000,00 €"],
        ["Total", "2", "65 000,00 €"],
    ]
    assert "Cofinancements accordés ou reçus : 50 000,00 € (sur 65 000,00 € demandés ou obtenus)." in text(
        response
    )


def test_the_network_lists_communes_with_their_plan_late_actions_and_working_group(login, network):
    response = login(network.cast.admin).get(NETWORK, METRO)
    table = rows(response, "communes-table")
    assert table[0][:3] == ["Commune", "Plan d'actions", "Actions"]
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Saint-Martin-d'Hères"][1:9] == [
        "v1 · En suivi",
        "5",
        "1",
        "40 %",
        "1",
        "1",
        "150 000,00 €",
        "112 500,00 €",
    ]
    assert by_name["Seyssins"][1] == "aucun plan pour l'instant"
    assert by_name["Seyssins"][9] == "pas de groupe"
    assert by_name["Échirolles"][9].startswith("aucune réunion depuis 400 jours")


def test_the_network_shows_the_working_groups_gone_quiet(login, network):
    response = login(network.cast.admin).get(NETWORK, METRO)
    quiet = re.search(r'<ul id="quiet-groups">(.*?)</ul>', response.content.decode(), re.S).group(1)
    # Échirolles last met 400 days ago, Seyssins signed and has no group; Sarcenas never signed.
    assert "Échirolles" in quiet and "Seyssins" in quiet
    assert "Saint-Martin-d'Hères" not in quiet and "Sarcenas" not in quiet
    assert "2 groupes de travail sans réunion récente" in text(response)


def test_the_network_reads_the_agglomeration_against_its_targets(login, observatory_everywhere):
    response = login(observatory_everywhere.cast.metro_officer).get(NETWORK, METRO)
    # The 2030 target (GHG −50 % in total against 2005) sets the basis of the chart.
    assert rows(response, "chart-trajectory-table") == [
        ["Année", "Valeurs mesurées", "Trajectoire des objectifs"],
        ["2005", "210 000", "210 000"],
        ["2020", "165 000", "136 500"],
        ["2030", "—", "105 000"],
    ]
    targets = rows(response, "targets-table")
    assert [
        "GES −50,0 % au total d'ici 2030",
        "210 000 t CO2e",
        "105 000 t CO2e",
        "165 000 t CO2e (2020)",
        "147 000 t CO2e",
        "+12,2 %",
    ] in targets
    assert 'id="network-coverage-note"' not in response.content.decode()


def test_the_network_gives_no_agglomeration_total_from_two_communes_of_many(login, observatory_figures):
    response = login(observatory_figures.cast.metro_officer).get(NETWORK, METRO)
    page = text(response)
    total = Commune.objects.filter(territory=observatory_figures.cast.territory).count()  # not Voiron
    # Two communes of the agglomeration have figures: their sums are no agglomeration totals.
    assert "210 000" not in page and "165 000" not in page
    note = text_of(response, "network-coverage-note")
    assert "Données partielles" in note
    assert f"2005 — 2 communes sur {total}" in note
    targets = rows(response, "targets-table")
    ghg = next(row for row in targets if row[0].startswith("GES −50,0 %"))
    assert ghg[0].endswith("L'année de référence 2005 ne couvre qu'une partie du territoire.")
    assert ghg[1:] == ["—", "—", "—", "—", "—"]


def test_percentages_in_sentences_follow_the_page_language(login, observatory_figures, settings):
    """A percentage inside a sentence is written by the formatting rules: a no-break space before "%" in
    French, none in English."""
    client = login(observatory_figures.cast.admin)
    network_page, commune_page = (
        client.get(page, METRO).content.decode() for page in (NETWORK, commune_url())
    )
    assert "52\u00a0% d'avancement en moyenne" in network_page
    assert "Soit 33\u00a0% du budget prévisionnel." in commune_page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    network_page, commune_page = (
        client.get(page, METRO).content.decode() for page in (NETWORK, commune_url())
    )
    assert "52% progress on average" in network_page
    assert "That is 33% of the forecast budget." in commune_page
    assert "its followed plan: the version its council adopted" in network_page


def test_the_network_says_so_when_there_is_no_observatory_data(login, network):
    response = login(network.cast.admin).get(NETWORK, METRO)
    assert "Aucune donnée d'observatoire pour ce territoire pour l'instant." in text(response)


# --- filters ------------------------------------------------------------------------------------


def test_the_network_filters_by_group_of_communes(login, network):
    response = login(network.cast.admin).get(NETWORK, {**METRO, "group": network.south.pk})
    page = text(response)
    assert "1 commune dans cette évaluation." in page
    assert "Groupe : Sud de l'agglomération." in page
    assert [row[0] for row in rows(response, "communes-table")[1:]] == ["Échirolles"]
    assert rows(response, "chart-deliberations-table")[1:] == [["2022", "1"], ["Total", "1"]]
    assert "100 % des communes signataires ont un plan délibéré (1 sur 1)" in page


def test_the_network_filters_by_advisor_and_an_advisor_finds_their_communes_in_one_click(login, network):
    client = login(network.cast.advisor)
    response = client.get(NETWORK, METRO)
    assert (
        f'href="{NETWORK}?territory=grenoble-alpes-metropole&amp;advisor={network.cast.advisor.pk}"'
        in response.content.decode()
    )
    response = client.get(NETWORK, {**METRO, "advisor": network.cast.advisor.pk})
    assert [row[0] for row in rows(response, "communes-table")[1:]] == ["Saint-Martin-d'Hères"]
    assert "Communes suivies par Claire Conseillère." in text(response)
    assert rows(response, "chart-themes-table")[-1] == ["Total", "1", "2", "1", "0", "1", "5"]


def test_the_network_filters_by_period(login, network):
    # A completed action without an end date stays in every period.
    ActionFactory(plan=network.plan, theme=network.themes[0], title="Sans date", status=ActionStatus.DONE)
    response = login(network.cast.admin).get(NETWORK, {**METRO, "year_from": 2025, "year_to": 2025})
    page = text(response)
    assert "Période : de 2025 à 2025." in page
    # No council voted a plan in 2025 (2022 and 2024), but both plans were deliberated by then.
    assert "Aucun plan délibéré sur cette période." in page
    assert "0 plans d'actions délibérés" in page
    assert "67 % des communes signataires ont un plan délibéré (2 sur 3)" in page
    # Budget lines of 2025 only.
    assert rows(response, "chart-budget-years-table")[1:] == [
        ["2025", "30 000,00 €", "32 500,00 €", "20 000,00 €", "—", "50 000,00 €", "32 500,00 €"],
        ["Total", "30 000,00 €", "32 500,00 €", "20 000,00 €", "—", "50 000,00 €", "32 500,00 €"],
    ]
    # Actions whose dates meet 2025: the Échirolles action ended in 2023, the lighting in 2025.
    assert rows(response, "chart-completed-table")[1:] == [["2025", "1"], ["Total", "1"]]
    assert rows(response, "chart-themes-table")[-1] == ["Total", "1", "2", "2", "0", "1", "6"]


def test_a_period_may_be_open_at_one_end(login, network):
    response = login(network.cast.admin).get(NETWORK, {**METRO, "year_from": 2025})
    assert "Période : de 2025 à …." in text(response)
    assert [row[0] for row in rows(response, "chart-budget-years-table")[1:]] == ["2025", "Total"]
    assert "chart-deliberations-table" not in tables(response)  # no council vote since 2025


def test_a_period_that_ends_before_it_starts_is_refused(login, network):
    response = login(network.cast.admin).get(NETWORK, {**METRO, "year_from": 2026, "year_to": 2024})
    page = text(response)
    assert "La période ne peut pas finir avant de commencer." in page
    assert "2 plans d'actions délibérés" in page  # the whole network, unfiltered


def test_demo_groups_of_communes_are_labelled_in_the_filter(login, network):
    CommuneGroup.objects.create(territory=network.cast.territory, name="Grésivaudan", is_demo=True, order=2)
    response = login(network.cast.admin).get(NETWORK, METRO)
    assert '<option value="' in response.content.decode()
    assert "Grésivaudan (démo)" in response.content.decode()


# --- a commune's evaluation --------------------------------------------------------------------


def test_the_commune_dashboard_reads_the_plan_progress_and_its_alerts(login, network):
    response = login(network.cast.elected).get(commune_url())
    page = text(response)
    assert "v1 · En suivi" in page and "Délibéré le 12/03/2024" in page
    assert "40 % avancement moyen" in page
    assert rows(response, "chart-statuses-table") == [
        ["Statut", "Actions", "Part"],
        ["À venir", "1", "20 %"],
        ["En cours", "2", "40 %"],
        ["Réalisé", "1", "20 %"],
        ["Suspendu", "0", "0 %"],
        ["Abandonné", "1", "20 %"],
        ["Total", "5", "100 %"],
    ]
    flagged = {row[0]: row for row in rows(response, "flagged-table")[1:]}
    assert flagged["Isoler la mairie annexe"][-1] == "en retard"
    assert flagged["Plan de déplacements des agents"][-1] == "sans nouvelles depuis longtemps"
    assert len(flagged) == 2


def test_the_commune_dashboard_shows_the_schedule_budget_and_impacts(login, network):
    response = login(network.cast.referent).get(commune_url())
    assert rows(response, "chart-schedule-table")[1:] == [
        ["1. Rénover le groupe scolaire Langevin", "08/01/2024", "17/12/2027", "En cours", "40 %"],
        ["2. Éclairage public à LED", "01/02/2024", "30/06/2025", "Réalisé", "100 %"],
        ["3. Isoler la mairie annexe", "01/09/2024", "30/06/2026", "En cours", "20 %"],
    ]
    budget = rows(response, "chart-budget-years-table")
    # Every year of the plan (2024-2030) is a row, spent or not.
    assert [row[0] for row in budget[1:]] == ["2024", "2025", "2026", "2027", "2028", "2029", "2030", "Total"]
    total = ["Total", "130 000,00 €", "112 500,00 €", "20 000,00 €", "—", "150 000,00 €", "112 500,00 €"]
    assert budget[-1] == total
    assert rows(response, "chart-impacts-table")[1] == [
        "Énergie économisée (MWh/an)",
        "160 MWh",
        "75 MWh",
        "47 %",
    ]
    assert (
        "Cofinancements accordés ou reçus : 50 000,00 € (sur 65 000,00 € demandés ou obtenus). "
        "Soit 33 % du budget prévisionnel." in text(response)
    )


def test_the_commune_dashboard_shows_the_working_group_activity(login, network):
    meet(network.commune, days_ago=400)
    response = login(network.cast.staff).get(commune_url())
    page = text(response)
    now = timezone.localtime()
    this_year = sum(1 for days in (30, 400) if (now - datetime.timedelta(days=days)).year == now.year)
    assert f"{this_year} réunion" in page and "Dernière réunion :" in page
    assert 'id="group-quiet"' not in response.content.decode()  # it met 30 days ago
    years = rows(response, "chart-meetings-table")[1:]
    assert sum(int(count) for _year, count in years) == 2


def test_the_commune_dashboard_compares_per_inhabitant_trends_with_the_agglomeration(
    login, observatory_everywhere
):
    response = login(observatory_everywhere.cast.advisor).get(commune_url())
    # Saint-Martin-d'Hères: 300 000 MWh for 10 000 inhabitants in 2005; the agglomeration (the two
    # communes with figures, zero elsewhere): 900 000 MWh for 40 000.
    assert rows(response, "chart-consumption-table") == [
        ["Année", "Saint-Martin-d'Hères", "Grenoble-Alpes Métropole"],  # its territory, by name
        ["2005", "30,00", "22,50"],
        ["2020", "20,00", "18,59"],
    ]
    assert rows(response, "chart-emissions-table")[1:] == [["2005", "6,00", "5,25"], ["2020", "3,60", "3,88"]]
    assert rows(response, "chart-renewable-share-table")[1:] == [
        ["2005", "5,0", "5,0"],
        ["2020", "10,0", "13,4"],
    ]


def test_the_commune_dashboard_gives_no_agglomeration_trend_from_two_communes_of_many(
    login, observatory_figures
):
    response = login(observatory_figures.cast.advisor).get(commune_url())
    assert rows(response, "chart-consumption-table")[1:] == [["2005", "30,00", "—"], ["2020", "20,00", "—"]]
    note = text_of(response, "agglomeration-coverage-note")
    assert note.startswith("Grenoble-Alpes Métropole — Données partielles")
    assert (
        f"2 communes sur {Commune.objects.filter(territory=observatory_figures.cast.territory).count()}"
        in note
    )


def test_a_commune_without_a_plan_reads_so(login, cast):
    response = login(cast.referent).get(commune_url())
    page = text(response)
    assert "La commune n'a pas encore de plan d'actions." in page
    assert "Aucun plan d'actions pour l'instant" in page
    assert "Aucune donnée d'observatoire pour ce territoire pour l'instant." in page


# --- bounded queries ----------------------------------------------------------------------------


def grow(network, count: int):
    """Adds communes followed by the cast's advisor, each with a deliberated plan of three actions
    (budget lines, co-funding, milestones), a working group that met and a place in the group."""
    for index in range(count):
        commune = sign(CommuneFactory(), on=datetime.date(2010, 1, 1))
        MembershipFactory(user=network.cast.advisor, commune=commune, role=Role.ADVISOR)
        plan = adopted_plan(commune, deliberation_date=datetime.date(2020 + index % 5, 6, 1))
        for number in range(3):
            action = ActionFactory(
                plan=plan,
                theme=network.themes[number % 2],
                status=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE][number],
                start_date=datetime.date(2024, 1, 1),
                end_date=datetime.date(2026, 12, 31),
                mwh_saved=Decimal("10"),
            )
            BudgetLineFactory(action=action, year=2024, kind=BudgetKind.INVESTMENT)
            BudgetLineFactory(action=action, year=2025, kind=BudgetKind.OPERATING, actual=Decimal("900"))
            CoFunderFactory(action=action, status=CoFunderStatus.RECEIVED)
            MilestoneFactory(action=action, due_date=datetime.date(2025, 3, 1))
        meet(commune, days_ago=10 + index)
        network.south.communes.add(commune)


# session, user, roles, the territories offered, filter lists, then the dashboard's fixed reads (with its
# figures not cached yet, the territory's commune ids for its observatory among them)
NETWORK_QUERIES = 33
COMMUNE_QUERIES = 37  # of which two observatory territories (the commune's and the agglomeration's)


@pytest.mark.parametrize(
    "query",
    [{}, {"advisor": "me", "group": "south", "year_from": 2024, "year_to": 2026}],
    ids=["whole network", "filtered"],
)
def test_the_network_dashboard_reads_in_a_fixed_number_of_queries(
    login, observatory_figures, django_assert_max_num_queries, query
):
    network = observatory_figures
    client = login(network.cast.advisor)
    params = {**query}
    if query:
        params["advisor"], params["group"] = network.cast.advisor.pk, network.south.pk
    limit = NETWORK_QUERIES + (2 if query else 0)  # the chosen advisor and group are looked up
    grow(network, 3)
    with django_assert_max_num_queries(limit) as small:
        response = client.get(NETWORK, {**METRO, **params})
    assert len(rows(response, "communes-table")) == (4 if query else 8)
    grow(network, 27)
    with django_assert_max_num_queries(limit) as large:
        response = client.get(NETWORK, {**METRO, **params})
    assert len(rows(response, "communes-table")) == (31 if query else 35)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_commune_dashboard_reads_in_a_fixed_number_of_queries(
    login, observatory_figures, django_assert_max_num_queries
):
    network = observatory_figures
    client = login(network.cast.referent)
    with django_assert_max_num_queries(COMMUNE_QUERIES) as small:
        client.get(commune_url())
    for number in range(30):
        action = ActionFactory(
            plan=network.plan,
            theme=network.themes[number % 2],
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 1, 1),
        )
        BudgetLineFactory(action=action, year=2026, kind=BudgetKind.INVESTMENT)
        CoFunderFactory(action=action)
        MilestoneFactory(action=action, due_date=datetime.date(2025, 2, 1))
        meet(network.commune, days_ago=40 + number)
    grow(network, 10)  # more communes in the agglomeration
    with django_assert_max_num_queries(COMMUNE_QUERIES) as large:
        response = client.get(commune_url())
    assert len(rows(response, "chart-schedule-table")) == 34
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the chart include, demo groups -------------------------------------------------------------


def test_every_chart_comes_with_a_table_of_its_figures():
    table = Table(
        caption="Plans par année",
        columns=["Année", "Plans"],
        rows=[[Link("2024", "/plans/2024/"), "3"]],
        footer=["Total", "3"],
    )
    html = render_to_string(
        "reporting/includes/chart_with_table.html",
        {
            "chart_id": "chart-plans",
            "figure": {"data": [{"type": "bar", "x": ["2024"], "y": [3]}], "layout": {}},
            "table": table,
        },
    )
    assert 'id="chart-plans" class="dashboard-chart" data-plotly-figure="chart-plans-data" role="img"' in html
    assert '<script id="chart-plans-data" type="application/json">' in html
    assert "<caption" in html and "Plans par année</caption>" in html
    assert (
        '<th scope="col">Année</th>' in html
        and '<th scope="row"><a href="/plans/2024/">2024</a></th>' in html
    )
    assert '<tfoot><tr class="fw-semibold"><th scope="row">Total</th>' in html
    empty = render_to_string(
        "reporting/includes/chart_with_table.html",
        {
            "chart_id": "chart-none",
            "figure": {},
            "table": Table("Rien", ["Année"], []),
            "empty": "Rien à montrer.",
        },
    )
    assert "Rien à montrer." in empty and "data-plotly-figure" not in empty


def test_demo_groups_cover_the_49_communes_once_and_a_second_run_keeps_changes():
    communes_import(
        path=METRO_FILE, epci_siren=GRENOBLE_METROPOLE["siren"], epci_name=GRENOBLE_METROPOLE["name"]
    )
    territory = TerritoryFactory()
    commune_groups_demo_load(territory)
    groups = list(CommuneGroup.objects.prefetch_related("communes"))
    assert len(groups) == len(DEMO_GROUPS) == 4
    assert all(group.is_demo for group in groups)
    members = [commune.pk for group in groups for commune in group.communes.all()]
    assert len(members) == len(set(members)) == Commune.objects.count() == 49
    groups[0].communes.remove(Commune.objects.get(insee_code="38185"))
    commune_groups_demo_load(territory)
    assert CommuneGroup.objects.count() == 4
    assert not groups[0].communes.filter(insee_code="38185").exists()


def test_a_signatory_whose_only_plan_is_a_draft_has_no_deliberated_plan(login, cast):
    sign(cast.commune, on=datetime.date(2010, 1, 1), stage=Stage.PLAN_IN_PREPARATION)
    ActionPlanFactory(commune=cast.commune, status=PlanStatus.DRAFT)
    response = login(cast.admin).get(NETWORK, METRO)
    assert "0 % des communes signataires ont un plan délibéré (0 sur 1)" in text(response)


# --- in a browser: the charts are drawn and the pages pass axe-core -----------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboards_draw_their_charts_and_have_no_accessibility_violation(
    live_server,
    new_page,
    observatory_figures,
):
    page = new_page()
    sign_in(page, live_server.url, observatory_figures.cast.advisor.email, PASSWORD)

    problems = {}
    for path in (NETWORK, commune_url()):
        page.goto(live_server.url + path)
        page.locator("#chart-themes .main-svg").first.wait_for()
        if found := page_problems(page):
            problems[path] = found
        # Unfolded, the tables behind the charts pass too.
        page.evaluate("document.querySelectorAll('main details').forEach((d) => { d.open = true; })")
        if found := page_problems(page):
            problems[f"{path} (tables unfolded)"] = found
    assert problems == {}, describe_tour(problems)
