"""The layout where people really work: the header on a 1366 px laptop in French (every menu entry on one
line, the language selector inside the screen), and the documents page on a 390 px phone (the download
links reachable, the page itself never scrolling sideways, no axe violation). Every other wide page is
visited at 390 px by the accessibility tours, which fail a page that scrolls sideways (`tour_problems`)."""

import datetime

import pytest
from django.core.files.base import ContentFile

from actions.models import PlanStatus
from communes.models import Role, Stage
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.browser.conftest import page_problems, sign_in
from tests.browser.fixtures import NO_SIDEWAYS_SCROLL
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, TerritoryFactory, UserFactory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commune = CommuneFactory(
        name="Saint-Martin-d'Hères",
        insee_code="38421",
        population=38_000,
        stage=Stage.IN_FOLLOW_UP,
        charter_signed_on=datetime.date(2007, 3, 1),
    )
    # The administrator with the most menu entries: every network role and a commune of their own.
    admin = UserFactory(
        email="admin@example.org",
        full_name="Alexandra Administratrice-Delacroix",
        is_superuser=True,
        is_staff=True,
        officer_of=TerritoryFactory(),
    )
    advisor = UserFactory(email="claire@example.org", full_name="Claire Conseillère-Martin")
    elected = UserFactory(email="emile@example.org", full_name="Émile Élu")
    MembershipFactory(user=admin, commune=commune, role=Role.ADVISOR)
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    MembershipFactory(user=elected, commune=commune, role=Role.ELECTED)
    plan = ActionPlanFactory(
        commune=commune,
        title="Plan climat de Saint-Martin-d'Hères",
        start_year=2026,
        end_year=2031,
        status=PlanStatus.FOLLOW_UP,
        deliberation_date=datetime.date(2026, 3, 12),
        deliberation_number="2026-031",
    )
    for number in range(1, 4):
        ActionFactory(
            plan=plan,
            title=f"Rénovation thermique du groupe scolaire n° {number} et de son restaurant",
            start_date=datetime.date(2026, 1, 5),
            end_date=datetime.date(2028, 6, 30),
            owner_name="Direction du patrimoine bâti",
        )
    plan.deliberation_file.save("signee.pdf", ContentFile(b"%PDF-1.7 signed"))
    documents = []
    for frozen, kind in ((True, DocumentKind.DELIBERATION), (False, DocumentKind.DELIBERATION_DOCX)):
        document = GeneratedDocument.objects.create(
            kind=kind,
            commune=commune,
            plan=plan,
            plan_version=1,
            plan_status=plan.status,
            status=DocumentStatus.DONE,
            is_frozen=frozen,
            progress=100,
            requested_by=advisor,
        )
        document.file.save(f"document-{kind}.pdf", ContentFile(b"%PDF-1.7"), save=True)
        documents.append(document)
    # Observatory figures, so that its pages show their charts' data tables and the list of imports.
    import_rows(series_rows(["38421"], list(range(2012, 2024)), estimated_years=(2023,)), user=admin)
    return {"commune": commune, "plan": plan, "admin": admin, "documents": documents}


HEADER_MEASURES = """() => {
    const links = document.querySelectorAll('#main-nav .navbar-nav > .nav-item > .nav-link');
    const lines = [...links].map((link) => {
        const style = getComputedStyle(link);
        const box = link.getBoundingClientRect();
        const inner = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
            - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
        return {text: link.innerText.trim(), lines: Math.round(inner / parseFloat(style.lineHeight))};
    });
    const select = document.querySelector('#language-select').getBoundingClientRect();
    const button = document.querySelector('#language-select ~ button').getBoundingClientRect();
    return {
        lines,
        select: [select.left, select.right, select.top, select.bottom],
        button: [button.left, button.right],
        header: document.querySelector('header nav').getBoundingClientRect().height,
        width: document.documentElement.clientWidth,
        scrollWidth: document.documentElement.scrollWidth,
    };
}"""


@pytest.mark.parametrize("email", ["claire@example.org", "admin@example.org"])
def test_the_french_header_fits_a_1366_pixel_screen(live_server, new_page, network, email):
    page = new_page()
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, email, PASSWORD)
    page.goto(f"{live_server.url}/portfolio/")
    assert page.locator("html").get_attribute("lang") == "fr"
    measures = page.evaluate(HEADER_MEASURES)
    wrapped = [line for line in measures["lines"] if line["lines"] != 1]
    assert wrapped == [], f"menu entries on more than one line: {wrapped}"
    assert "Mon portefeuille" in [line["text"] for line in measures["lines"]]
    left, right, top, bottom = measures["select"]
    assert 0 <= left and right <= measures["width"], f"language selector cut: {measures}"
    assert measures["button"][1] <= measures["width"]
    assert measures["scrollWidth"] <= measures["width"]
    assert measures["header"] < 70, f"the header takes two rows: {measures}"
    assert page.locator("#language-select").is_visible()
    # At this width the account menu shows its icon; the person's name stays its accessible name.
    account = page.locator("#nav-account")
    assert account.is_visible()
    assert account.evaluate("(button) => button.textContent.trim()") in (
        "Claire Conseillère-Martin",
        "Alexandra Administratrice-Delacroix",
    )


def test_the_documents_page_works_on_a_phone(live_server, new_page, network):
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "emile@example.org", PASSWORD)
    page.goto(f"{live_server.url}/communes/38421/documents/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for document in network["documents"]:
        link = page.locator(f"#document-row-{document.pk} a.document-download")
        link.scroll_into_view_if_needed()
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.startswith("Plan-climat-Saint-Martin-d-Heres-2026-2031-")
    signed = page.locator(f"#signed-deliberation-{network['plan'].pk}")
    assert signed.is_visible()
    with page.expect_download() as download:
        signed.click()
    assert (
        download.value.suggested_filename
        == "Plan-climat-Saint-Martin-d-Heres-2026-2031-deliberation-signee.pdf"
    )
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page_problems(page) == ""
