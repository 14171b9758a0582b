"""The dashboards and the portfolio at national scale: figures cached until something they count changes,
tables paginated, query counts that do not grow with the network."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import services
from actions.models import ActionStatus, BudgetKind, BudgetLine
from communes.importers import GRENOBLE_METROPOLE, METRO_FILE, communes_import
from communes.models import Commune, Membership, Role, Stage
from observatory.models import Quantity
from reporting import dashboards
from reporting.dashboards import COMMUNES_PER_PAGE
from reporting.figures_cache import figures_version
from tests.actions.factories import ActionFactory, BudgetLineFactory, adopted_plan
from tests.factories import TerritoryFactory
from tests.reporting.conftest import meet, observe
from tests.reporting.test_dashboards import METRO, NETWORK, grow, rows, text, text_of

pytestmark = pytest.mark.django_db

PORTFOLIO = reverse("communes:portfolio")


def add_communes(count: int, *, advisor=None) -> list[Commune]:
    """Communes in bulk (no plan), signatories, followed by the advisor when given."""
    start = Commune.objects.count()
    territory = TerritoryFactory()  # the Métro's
    communes = Commune.objects.bulk_create(
        Commune(
            territory=territory,
            insee_code=f"9{index:04d}",
            name=f"Zz Commune {index:04d}",  # after the other communes by name
            sort_name=f"zz commune {index:04d}",
            charter_signed_on=datetime.date(2020, 1, 1),
            stage=Stage.SIGNATORY,
        )
        for index in range(start, start + count)
    )
    if advisor is not None:
        Membership.objects.bulk_create(
            Membership(user=advisor, commune=commune, role=Role.ADVISOR) for commune in communes
        )
    return communes


def figure(response, figure_id: str) -> int:
    """The headline figure's number, as it reads."""
    return int(re.sub(r"\D", "", text_of(response, figure_id).split()[0]))


def forecast(response) -> int:
    """The network's forecast budget, in euros, as its headline figure reads."""
    return int(re.sub(r"\D", "", text_of(response, "figure-budget").split("€")[0]))


def names(response, table_id: str) -> list[str]:
    return [row[0] for row in rows(response, table_id)[1:]]


# --- the network's figures: cached, never stale -------------------------------------------------


def test_the_network_figures_are_read_from_the_cache_until_something_changes(
    login, network, django_assert_max_num_queries
):
    client = login(network.cast.admin)
    with CaptureQueriesContext(connection) as first:
        client.get(NETWORK, METRO)
    with CaptureQueriesContext(connection) as second:
        response = client.get(NETWORK, METRO)
    # The selection's aggregates (counts, deliberations, actions, completed, budget by year and theme,
    # co-funding, quiet groups) are not read again.
    assert len(first.captured_queries) - len(second.captured_queries) >= 9
    assert response.context["dashboard"].actions.total == figure(response, "figure-actions") > 0


def test_an_action_added_shows_at_once_on_the_network_dashboard(login, network):
    client = login(network.cast.admin)
    before = figure(client.get(NETWORK, METRO), "figure-actions")
    ActionFactory(plan=network.plan, theme=network.themes[0], status=ActionStatus.DONE)
    after = client.get(NETWORK, METRO)
    assert figure(after, "figure-actions") == before + 1
    row = next(row for row in rows(after, "communes-table")[1:] if row[0] == "Saint-Martin-d'Hères")
    assert row[2:4] == ["6", "2"]  # actions, done


def test_a_budget_line_edited_shows_at_once_on_the_network_dashboard(login, network):
    client = login(network.cast.admin)
    before = forecast(client.get(NETWORK, METRO))
    line = BudgetLine.objects.get(action=network.renovation, year=2024)
    line.forecast = Decimal("200000")  # was 100 000
    line.save()
    assert forecast(client.get(NETWORK, METRO)) == before + 100000
    line.delete()
    assert forecast(client.get(NETWORK, METRO)) == before - 100000


def test_a_status_changed_through_the_service_shows_at_once(login, network):
    client = login(network.cast.admin)
    before = figure(client.get(NETWORK, METRO), "figure-late")
    assert before >= 1
    action = network.late
    services.action_update(
        action=action,
        data={"status": ActionStatus.DONE, "progress": 100},
        user=network.cast.advisor,
        base_revision=action.revision,
    )
    assert figure(client.get(NETWORK, METRO), "figure-late") == before - 1


def test_a_meeting_held_takes_a_group_off_the_quiet_list_at_once(login, network):
    client = login(network.cast.admin)
    quiet = re.compile(r'<ul id="quiet-groups">(.*?)</ul>', re.S)
    assert "Échirolles" in quiet.search(client.get(NETWORK, METRO).content.decode()).group(1)
    meet(network.other, days_ago=3)
    assert "Échirolles" not in quiet.search(client.get(NETWORK, METRO).content.decode()).group(1)


def test_the_quiet_groups_list_is_bounded_and_says_how_many_it_leaves_out(login, network, monkeypatch):
    monkeypatch.setattr(dashboards, "QUIET_GROUPS_SHOWN", 1)
    response = login(network.cast.admin).get(NETWORK, METRO)
    quiet = re.search(r'<ul id="quiet-groups">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert quiet.count("<li>") == 1
    assert "2 groupes de travail sans réunion récente" in text(response)
    assert text_of_p(response, "quiet-groups-more").startswith(
        "Les 1 premiers des 2 groupes de travail sans réunion récente, par nom"
    )


def text_of_p(response, element_id: str) -> str:
    html = response.content.decode()
    start = html.index(">", html.index(f'id="{element_id}"')) + 1
    return re.sub(r"\s+", " ", html[start : html.index("</p>", start)]).strip()


def test_every_counted_write_replaces_the_figures_version(network):
    version = figures_version()
    BudgetLineFactory(action=network.renovation, year=2026, kind=BudgetKind.INVESTMENT)
    assert figures_version() != version
    version = figures_version()
    network.south.communes.add(network.never_signed)
    assert figures_version() != version
    version = figures_version()
    communes_import(  # communes created in bulk: no post_save, the import says so
        path=METRO_FILE, epci_siren=GRENOBLE_METROPOLE["siren"], epci_name=GRENOBLE_METROPOLE["name"]
    )
    assert figures_version() != version


# --- the network's table: a page of communes ----------------------------------------------------


def test_the_network_table_shows_a_page_of_communes_and_keeps_the_filters_in_its_links(login, network):
    add_communes(COMMUNES_PER_PAGE + 10, advisor=network.cast.advisor)
    client = login(network.cast.admin)
    total = Commune.objects.filter(territory=network.cast.territory).count()
    first = client.get(NETWORK, METRO)
    assert len(names(first, "communes-table")) == COMMUNES_PER_PAGE
    assert f"{total} communes dans cette évaluation" in first.content.decode()
    second = client.get(NETWORK, {**METRO, "page": 2})
    assert len(names(second, "communes-table")) == total - COMMUNES_PER_PAGE
    assert not set(names(first, "communes-table")) & set(names(second, "communes-table"))

    advisor = network.cast.advisor.pk
    filtered = client.get(NETWORK, {**METRO, "advisor": advisor, "year_from": 2024})
    assert f"?territory=grenoble-alpes-metropole&amp;advisor={advisor}&amp;year_from=2024&amp;page=2" in (
        filtered.content.decode()
    )
    last = client.get(NETWORK, {**METRO, "advisor": advisor, "year_from": 2024, "page": 2})
    followed = Membership.objects.filter(user=network.cast.advisor, role=Role.ADVISOR).count()
    assert len(names(last, "communes-table")) == followed - COMMUNES_PER_PAGE


@pytest.mark.parametrize("cached", [False, True], ids=["figures computed", "figures cached"])
def test_the_network_dashboard_costs_the_same_queries_for_3_or_60_more_communes(
    login, observatory_figures, django_assert_max_num_queries, cached
):
    network = observatory_figures
    client = login(network.cast.advisor)
    params = {"advisor": network.cast.advisor.pk, "year_from": 2020}
    grow(network, 3)
    if cached:
        client.get(NETWORK, {**METRO, **params})
    with django_assert_max_num_queries(33) as small:  # the chosen advisor is looked up
        client.get(NETWORK, {**METRO, **params})
    grow(network, 5)
    add_communes(55, advisor=network.cast.advisor)
    if cached:
        client.get(NETWORK, {**METRO, **params})
    with django_assert_max_num_queries(33) as large:
        response = client.get(NETWORK, {**METRO, **params})
    assert len(names(response, "communes-table")) == COMMUNES_PER_PAGE
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the portfolio ------------------------------------------------------------------------------


def test_the_portfolio_shows_a_page_of_communes_with_the_counts_of_all(login, cast):
    add_communes(60, advisor=cast.advisor)
    client = login(cast.advisor)
    first = client.get(PORTFOLIO)
    assert len(names(first, "portfolio-table")) == 50
    page = first.content.decode()
    assert re.search(r'display-6 mb-0">61</p><p class="mb-0">communes suivies', page)
    assert "Signataire de la charte · 60" in page
    second = client.get(PORTFOLIO, {"page": 2})
    assert len(names(second, "portfolio-table")) == 11
    assert not set(names(first, "portfolio-table")) & set(names(second, "portfolio-table"))


def test_an_administrator_pages_through_an_advisors_portfolio(login, cast):
    add_communes(55, advisor=cast.advisor)
    client = login(cast.admin)
    response = client.get(PORTFOLIO, {"advisor": cast.advisor.pk})
    assert f"?advisor={cast.advisor.pk}&amp;page=2" in response.content.decode()
    second = client.get(PORTFOLIO, {"advisor": cast.advisor.pk, "page": 2})
    assert len(names(second, "portfolio-table")) == 6


def test_the_portfolio_costs_the_same_queries_for_5_or_300_communes(
    login, cast, django_assert_max_num_queries
):
    client = login(cast.advisor)
    add_communes(4, advisor=cast.advisor)
    with django_assert_max_num_queries(9) as small:
        client.get(PORTFOLIO)
    extra = add_communes(300, advisor=cast.advisor)[4:]
    for commune in extra[:3]:
        plan = adopted_plan(commune)
        for _ in range(3):
            ActionFactory(plan=plan, end_date=datetime.date(2020, 1, 1))
    with django_assert_max_num_queries(9) as large:
        response = client.get(PORTFOLIO)
    assert len(names(response, "portfolio-table")) == 50
    assert len(large.captured_queries) == len(small.captured_queries)


# --- a plan's budget ----------------------------------------------------------------------------


def test_the_plan_budget_page_costs_the_same_queries_for_3_or_60_actions(
    login, network, django_assert_max_num_queries
):
    client = login(network.cast.advisor)
    url = reverse("actions:plan_budget", args=[network.plan.pk])
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    for number in range(55):
        action = ActionFactory(plan=network.plan, theme=network.themes[number % 2])
        BudgetLineFactory(action=action, year=2025, kind=BudgetKind.INVESTMENT)
    with django_assert_max_num_queries(8) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# --- a commune's dashboard: rendered once per version of its figures -------------------------------


def test_the_commune_dashboard_is_read_from_the_cache_until_something_changes(login, observatory_figures):
    network = observatory_figures
    client = login(network.cast.referent)
    url = reverse("reporting:commune_dashboard", args=[network.commune.insee_code])
    with CaptureQueriesContext(connection) as first:
        before = client.get(url)
    with CaptureQueriesContext(connection) as second:
        again = client.get(url)
    assert text(again) == text(before)
    # Only the session, the reader, the commune and its permissions are read again.
    assert len(second.captured_queries) <= 5 < len(first.captured_queries)

    ActionFactory(plan=network.plan, theme=network.themes[0], status=ActionStatus.DONE)
    assert figure(client.get(url), "figure-actions") == figure(before, "figure-actions") + 1

    network.themes[0].name = "Thème renommé"
    network.themes[0].save()
    assert "Thème renommé" in text_of(client.get(url), "chart-themes-table")


def test_new_observatory_values_show_at_once_on_the_commune_dashboard(login, observatory_figures):
    network = observatory_figures
    client = login(network.cast.referent)
    url = reverse("reporting:commune_dashboard", args=[network.commune.insee_code])
    assert rows(client.get(url), "chart-consumption-table")[1:] == [
        ["2005", "30,00", "—"],
        ["2020", "20,00", "—"],
    ]
    observe({network.commune: {2021: 200000}, network.other: {2021: 480000}}, Quantity.CONSUMPTION)
    observe({network.commune: {2021: 10000}, network.other: {2021: 30000}}, Quantity.POPULATION)
    assert rows(client.get(url), "chart-consumption-table")[-1][:2] == ["2021", "20,00"]
