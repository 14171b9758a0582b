"""Charts that do not hold the page up: while plotly is still on its way (its request held here), a chart
page has painted its heading and the table of each chart's figures, and its parser has finished; once
plotly arrives, the charts draw. If plotly never arrives, the dashboards unfold the tables in the charts'
place. Which bundle each page loads: tests/test_chart_scripts.py."""

import datetime

import pytest

from actions.models import BudgetKind
from tests.actions.factories import ActionFactory, ActionPlanFactory, BudgetLineFactory
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, UserFactory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLOTLY = "**/static/vendor/plotly/*.js"
PAINTED = "() => performance.getEntriesByName('first-contentful-paint').length > 0"


@pytest.fixture
def network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    commune = CommuneFactory(name="Saint-Égrève", insee_code="38382", population=16_000)
    plan = ActionPlanFactory(commune=commune, start_year=2025, end_year=2030)
    action = ActionFactory(
        plan=plan, start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2027, 6, 30)
    )
    BudgetLineFactory(action=action, year=2026, kind=BudgetKind.INVESTMENT, forecast=40_000)
    import_rows(series_rows(["38382"], [2019, 2020, 2021]), user=admin)
    return {"plan": plan}


# Each page: its path, one of its charts, the table that gives that chart's figures.
PAGES = {
    "network dashboard": ("/reporting/", "#chart-budget-years", "#chart-budget-years-table"),
    "commune observatory": ("/observatory/communes/38382/", "#chart-emissions", "#years-table"),
    "schedule": ("/plans/{plan}/schedule/", "#schedule-chart", "#schedule-table"),
}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_and_its_tables_show_before_plotly_arrives_and_the_chart_draws_after(
    live_server, page, network, name
):
    path, chart, table = PAGES[name]
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    held = []
    page.route(PLOTLY, lambda route: held.append(route))  # neither answered nor refused: on its way

    page.goto(live_server.url + path.format(plan=network["plan"].pk), wait_until="commit")
    page.locator("main h1").wait_for()
    page.wait_for_function(PAINTED)
    assert len(held) == 1 and held[0].request.url.endswith("/plotly-basic.min.js")
    # The whole document is parsed (only the deferred scripts wait) and the figures are there to read.
    assert page.evaluate("document.readyState") == "interactive"
    details = page.locator(f"figure:has({chart}) details")
    if details.count():
        details.locator("summary").click()
    assert page.locator(table).is_visible()
    assert page.locator(f"{chart} .main-svg").count() == 0

    held[0].continue_()
    page.locator(f"{chart} .main-svg").first.wait_for()
    assert page.locator(table).is_visible()


def test_without_plotly_the_dashboard_unfolds_the_figures_of_its_charts(live_server, page, network):
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    page.route(PLOTLY, lambda route: route.abort())
    page.goto(f"{live_server.url}/reporting/")
    assert page.locator("#chart-budget-years-table").is_visible()
    assert page.locator("[data-plotly-figure] .main-svg").count() == 0
