"""Which plotly bundle each chart page loads, and how: the basic one (bar, scatter) everywhere but on the
agglomeration's map, the full one (choroplethmap) there alone; both `defer`, followed by the page's
drawing script, also `defer`, so that the page and its tables show before plotly has arrived and the
drawing runs once it has. The browser side is tests/browser/test_chart_loading.py."""

import datetime
import re

import pytest
from django.urls import reverse

from communes.models import CommuneOutline
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.factories import CommuneFactory, UserFactory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>", re.S)
BASIC = "/static/vendor/plotly/plotly-basic.min.js"
FULL = "/static/vendor/plotly/plotly.min.js"


EVERY_PAGE = ("/static/vendor/bootstrap/", "/static/vendor/htmx/", "/static/js/forms.js")


def chart_scripts(response) -> list[tuple[str, bool]]:
    """The page's own scripts, after those of every page (bootstrap, htmx, forms.js): (src, deferred)."""
    found = []
    for attributes in SCRIPT.findall(response.content.decode()):
        source = re.search(r'\ssrc="([^"]+)"', attributes)
        if source and not source.group(1).startswith(EVERY_PAGE):
            found.append((source.group(1), re.search(r"\sdefer\b", attributes) is not None))
    return found


@pytest.fixture
def scene(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = UserFactory(is_superuser=True, is_staff=True)
    commune = CommuneFactory(insee_code="38382", population=16_000)
    plan = ActionPlanFactory(commune=commune, start_year=2025, end_year=2030)
    ActionFactory(plan=plan, start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2027, 6, 30))
    import_rows(series_rows(["38382"], [2019, 2020, 2021]), user=admin)
    # Its outline: the territory's map draws it.
    CommuneOutline.objects.create(
        commune=commune,
        geometry='{"type":"Polygon","coordinates":[[[5.6,45.2],[5.7,45.2],[5.7,45.3],[5.6,45.2]]]}',
    )
    return {"admin": admin, "commune": commune, "plan": plan}


@pytest.mark.parametrize(
    "name, drawing",
    [
        ("network_dashboard", "/static/js/reporting.js"),
        ("commune_dashboard", "/static/js/reporting.js"),
        ("commune_observatory", "/static/js/observatory.js"),
        ("plan_schedule", "/static/js/schedule.js"),
    ],
)
def test_chart_pages_defer_the_basic_plotly_then_their_drawing_script(client, scene, name, drawing):
    client.force_login(scene["admin"])
    url = {
        "network_dashboard": reverse("reporting:network_dashboard"),
        "commune_dashboard": reverse("reporting:commune_dashboard", args=["38382"]),
        "commune_observatory": reverse("observatory:commune", args=["38382"]),
        "plan_schedule": reverse("actions:plan_schedule", args=[scene["plan"].pk]),
    }[name]
    response = client.get(url)
    assert response.status_code == 200
    assert chart_scripts(response) == [(BASIC, True), (drawing, True)]


def test_the_agglomeration_map_alone_defers_the_full_plotly(client, scene):
    client.force_login(scene["admin"])
    response = client.get(reverse("observatory:agglomeration"))
    assert 'id="chart-map"' in response.content.decode()
    assert chart_scripts(response) == [(FULL, True), ("/static/js/observatory.js", True)]


def test_the_agglomeration_without_a_map_to_draw_defers_the_basic_plotly(client, scene):
    client.force_login(scene["admin"])
    # No reference year (no target): no commune has an emissions change, the map is left out.
    response = client.get(reverse("observatory:agglomeration"), {"indicator": "emissions_change"})
    html = response.content.decode()
    assert 'id="map-message"' in html and 'id="chart-map"' not in html
    assert chart_scripts(response) == [(BASIC, True), ("/static/js/observatory.js", True)]


def test_a_page_without_charts_loads_no_plotly(client, scene):
    client.force_login(scene["admin"])
    response = client.get(reverse("actions:plan", args=[scene["plan"].pk]))
    assert response.status_code == 200
    assert not [src for src, _ in chart_scripts(response) if "plotly" in src]
