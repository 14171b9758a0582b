"""No page needs 'unsafe-inline' (or 'unsafe-eval'): the main pages and their states, visited with the
site's own Content-Security-Policy in force, draw their charts and map, poll their progress through htmx,
and the browser refuses nothing on any of them.

Every browser test collects the policy's violations (the `csp_violations` fixture, tests/browser/
fixtures.py) and fails on any; this one tours the pages on purpose and first checks that the collector
does see what the policy refuses."""

import datetime
import time

import pytest

from actions.models import BudgetKind, PlanAxis
from communes.models import Role, Stage
from communes.outlines import SHIPPED_OUTLINES, SHIPPED_SOURCE, outlines_import
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionFactory, ActionPlanFactory, BudgetLineFactory
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(page, violations, count=1, seconds=5.0):
    """Violations reach the test asynchronously (an event, then a binding call), delivered while
    Playwright runs: wait through it, not with time.sleep."""
    deadline = time.monotonic() + seconds
    while len(violations) < count and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def test_the_collector_sees_what_the_policy_refuses(live_server, page, csp_violations):
    page.goto(f"{live_server.url}/login/")
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            document.querySelector("main").setAttribute("style", "color: red");
            return window.inlineRan === true;
        }"""
    )
    assert ran is False
    wait_for(page, csp_violations, 4)  # each refusal: an event and a console error
    events = {violation["directive"] for violation in csp_violations if "directive" in violation}
    assert events == {"script-src-elem", "style-src-attr"}
    console = [violation["console"] for violation in csp_violations if "console" in violation]
    assert len(console) == 2 and all("Content Security Policy" in text for text in console)
    assert page.locator("main").evaluate("main => getComputedStyle(main).color") != "rgb(255, 0, 0)"
    csp_violations.clear()


@pytest.fixture
def network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commune = CommuneFactory(
        name="Saint-Égrève",
        insee_code="38382",
        population=16_000,
        stage=Stage.PLAN_IN_PREPARATION,
        charter_signed_on=datetime.date(2007, 3, 1),
    )
    # The Métro's outlines, shipped with the platform: the observatory's map draws the commune.
    outlines_import(
        territory_id=commune.territory_id, data=SHIPPED_OUTLINES.read_bytes(), source=SHIPPED_SOURCE
    )
    admin = UserFactory(email="admin@example.org", full_name="Alice Admin", is_superuser=True, is_staff=True)
    MembershipFactory(commune=commune, role=Role.ADVISOR, user=admin)
    plan = ActionPlanFactory(
        commune=commune, title="Plan climat de Saint-Égrève", start_year=2025, end_year=2030
    )
    parent = PlanAxis.objects.create(plan=plan, title="Bâtiments")
    PlanAxis.objects.create(plan=plan, title="Écoles", parent=parent)
    action = ActionFactory(
        plan=plan,
        title="Rénover l'école Barnave",
        progress=40,
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    BudgetLineFactory(action=action, year=2026, kind=BudgetKind.INVESTMENT, forecast=40_000)
    batch = import_rows(series_rows(["38382"], [2019, 2020, 2021]), user=admin)
    pending = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        commune=commune,
        plan=plan,
        plan_version=1,
        requested_by=admin,
        status=DocumentStatus.PENDING,
    )
    return {
        "commune": commune,
        "plan": plan,
        "action": action,
        "batch": batch,
        "pending": pending,
    }


def test_no_page_needs_unsafe_inline(live_server, page, network, csp_violations):
    base = live_server.url
    response = page.goto(f"{base}/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    sign_in(page, base, "admin@example.org", PASSWORD)
    plan, action = network["plan"], network["action"]
    # Pages, and what must be seen on them: the charts and the map are drawn by plotly under the policy.
    # Every browser test fails on a violation (the `csp_violations` fixture), so the pages that the
    # accessibility tours already visit (portfolio, communes, dashboards, reporting, documents, letters,
    # plan, budget, catalogue, account, audit log) are not visited again here: this tour covers the rest.
    pages = {
        "/communes/38382/edit/": "main form",
        "/observatory/": "main h1",
        "/observatory/communes/38382/": "#chart-emissions .main-svg",
        f"/observatory/imports/{network['batch'].pk}/": "#import-result",
        "/observatory/imports/new/": "main form",
        f"/plans/{plan.pk}/axes/": "#axes .axis-depth-1",
        f"/plans/{plan.pk}/schedule/": "#schedule-chart .main-svg",
        f"/actions/{action.pk}/": "main .progress-bar.pct-40",
        f"/actions/{action.pk}/edit/": "main form",
        "/admin/": "#content",
        "/admin/communes/commune/": "#changelist",
        f"/admin/communes/commune/{network['commune'].pk}/change/": "#content form",
    }
    for path, selector in pages.items():
        page.goto(base + path)
        page.locator(selector).first.wait_for(state="attached")
        wait_for(page, csp_violations, seconds=0.3)  # what the page's scripts do once they have run
        assert csp_violations == [], (path, [v for v in csp_violations if "directive" in v])

    # The agglomeration's map: outlines fetched, drawn by MapLibre in its worker, with its colour bar.
    page.goto(f"{base}/observatory/")
    page.locator("#chart-map canvas").first.wait_for(state="attached")
    page.locator("#chart-map .colorbar").first.wait_for(state="attached")
    # htmx polls a waiting document's progress and swaps it in, with no inline style of its own.
    page.goto(f"{base}/reporting/documents/{network['pending'].pk}/")
    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        pass  # the next poll
    assert page.locator("#document-status .progress-bar.pct-2").count() == 1
    wait_for(page, csp_violations, seconds=0.5)
    assert csp_violations == []
