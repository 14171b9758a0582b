"""The open observatory and the open data page in a browser: no accessibility violation (axe-core, WCAG 2.1
A and AA), in French and English, on a phone, and without JavaScript, where every figure is still there
in its table."""

import datetime

import pytest
from django.utils import timezone

from communes.outlines import SHIPPED_OUTLINES, SHIPPED_SOURCE, outlines_import
from observatory.models import Dataset
from tests.actions.factories import ActionFactory, MilestoneFactory, adopted_plan
from tests.browser.conftest import State, page_problems
from tests.browser.tours import assert_no_problem
from tests.factories import CommuneFactory, UserFactory, voironnais_territory
from tests.observatory.helpers import csv_text, run_import, series_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_data(monkeypatch):
    """Three communes of the Métro with their outlines, an open dataset of every one of them (and the
    demonstration data, which never shows), a published plan, and a territory without open data."""
    monkeypatch.setattr("pcl.pagination.PAGE_SIZE", 2)
    saint_egreve = CommuneFactory(name="Saint-Égrève", insee_code="38382", population=16_000)
    sassenage = CommuneFactory(name="Sassenage", insee_code="38474")
    CommuneFactory(name="Fontaine", insee_code="38169")
    territory = saint_egreve.territory
    outlines_import(territory_id=territory.pk, data=SHIPPED_OUTLINES.read_bytes(), source=SHIPPED_SOURCE)
    dataset = Dataset.objects.create(
        code="metro-ouvert",
        name="Observatoire ouvert de la Métro",
        name_en="The Métro's open observatory",
        producer="Grenoble-Alpes Métropole",
        url="https://data.example.org/observatoire",
        territory=territory,
        is_open=True,
        priority=5,
    )
    admin = UserFactory(is_superuser=True, is_staff=True)
    rows = series_rows(["38382", "38474", "38169"], [2005, 2015, 2022, 2023], estimated_years=(2023,))
    run_import(csv_text(rows), dataset_code=dataset.code, user=admin)
    run_import(csv_text(series_rows(["38382"], [2022], base=777111)), dataset_code="demo", user=admin)
    plan = adopted_plan(sassenage, title="Plan climat de Sassenage", published_at=timezone.now())
    action = ActionFactory(plan=plan, title="Rénovation de la mairie", progress=50, status="in_progress")
    MilestoneFactory(action=action, name="Travaux", due_date=datetime.date(2026, 6, 30))
    return {"territory": territory, "other": voironnais_territory()}


def test_the_open_observatory_and_the_open_data_have_no_accessibility_violation(live_server, page, open_data):
    observatory = f"/public/territories/{open_data['territory'].slug}/observatory/"
    steps = [
        observatory,
        State(
            observatory,
            "charts and map drawn",
            shows="#chart-consumption .plot-container, #chart-map .plot-container",
        ),
        f"{observatory}?dataset=metro-ouvert&indicator=renewable_share&page=2",
        f"/public/territories/{open_data['other'].slug}/observatory/",
        "/open-data/",
    ]
    assert_no_problem(page, live_server.url, steps)
    assert_no_problem(page, live_server.url, [observatory, "/open-data/"], width=390)
    # The charts drawn by plotly, the map from the public outlines.
    page.goto(live_server.url + observatory)
    page.wait_for_load_state("networkidle")
    assert page.locator("#chart-emissions .plot-container").count() == 1
    assert page.locator("#chart-map .plot-container").count() == 1
    assert "777" not in page.locator("main").inner_text().replace("\u202f", "")
    # In English (the switch is the public base's: the cookie it sets).
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    assert_no_problem(page, live_server.url, [observatory, "/open-data/"])
    page.goto(live_server.url + observatory)
    assert page.locator("html").get_attribute("lang") == "en"


def test_without_javascript_the_figures_are_in_their_tables(live_server, browser, open_data):
    # The page's own scripts never load (plotly, the drawing script): the page as a browser without
    # JavaScript shows it. (Chromium with JavaScript switched off would also stop axe-core, which runs
    # in the page.)
    context = browser.new_context(locale="fr-FR", reduced_motion="reduce")
    context.set_default_timeout(10_000)
    context.route("**/*.js", lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/public/territories/{open_data['territory'].slug}/observatory/")
        for table in (
            "#years-table",
            "#consumption-table",
            "#emissions-table",
            "#production-table",
            "#comparison-table",
            "#targets-table",
        ):
            assert page.locator(table).is_visible(), table
        years = page.locator("#years-table").inner_text()
        assert "2005" in years and "2023 (e)" in years
        assert page.locator("#comparison-table tbody tr").count() == 2  # a page of two communes
        assert page.locator("#chart-consumption .plot-container").count() == 0  # no chart drawn
        assert page_problems(page) == ""
        page.goto(f"{live_server.url}/open-data/")
        assert page.locator("#datasets-table").is_visible()
        assert "Observatoire ouvert de la Métro" in page.locator("#datasets-table").inner_text()
        assert "Sassenage" in page.locator(".plans-table").inner_text()
        assert page.locator(".columns-table").count() == 6
        assert page_problems(page) == ""
    finally:
        context.close()
