"""End to end: an élu opens the commune dashboard and downloads the deliberation PDF; an advisor asks
for the network's yearly report and watches the job's progress until it is ready."""

import datetime
import io

import pytest
from pypdf import PdfReader

from actions.models import BudgetKind
from communes.models import Role, Stage
from reporting import services
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionFactory, ActionPlanFactory, BudgetLineFactory
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    elected = UserFactory(email="emile@example.org", full_name="Émile Élu")
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    MembershipFactory(user=elected, commune=commune, role=Role.ELECTED)
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    plan = ActionPlanFactory(
        commune=commune, title="Plan climat de Saint-Égrève", start_year=2025, end_year=2030
    )
    for title in ("Rénover l'école Barnave", "Éclairage public à LED", "Chaufferie bois du gymnase"):
        action = ActionFactory(
            plan=plan,
            title=title,
            start_date=datetime.date(2025, 3, 1),
            end_date=datetime.date(2027, 6, 30),
        )
        BudgetLineFactory(action=action, year=2026, kind=BudgetKind.INVESTMENT, forecast=40_000)
    return {"commune": commune, "plan": plan, "elected": elected, "advisor": advisor}


def test_an_elected_official_downloads_the_deliberation_file(live_server, page, network):
    base = live_server.url
    sign_in(page, base, "emile@example.org", PASSWORD)
    page.goto(f"{base}/communes/38382/dashboard/")
    assert "Saint-Égrève" in page.locator("main h1").inner_text()

    page.locator("main").get_by_role("link", name="Documents", exact=True).click()
    page.get_by_role("button", name="Générer le dossier de délibération (PDF)").click()
    page.locator("#document-download").wait_for()
    with page.expect_download() as download_info:
        page.locator("#document-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert "Saint-Égrève" in text and "Plan climat de Saint-Égrève" in text
    assert "Éclairage public à LED" in text
    assert "après en avoir délibéré" in text
    document = GeneratedDocument.objects.get(kind=DocumentKind.DELIBERATION)
    assert document.requested_by == network["elected"] and document.pages == len(reader.pages)


def test_an_advisor_generates_the_network_report_and_watches_its_progress(
    live_server, page, network, monkeypatch
):
    # The job waits in the queue (as with a real broker) until the test runs it, so that the page's
    # progress is seen moving from waiting to ready.
    queued = []
    monkeypatch.setattr(
        services.tasks.generate_document_task, "apply_async", lambda args: queued.append(args[0])
    )
    base = live_server.url
    sign_in(page, base, "claire@example.org", PASSWORD)
    page.locator("#nav-evaluation").click()
    page.get_by_role("link", name="Tableau de bord du réseau").click()
    assert page.locator("main h1").count() == 1
    page.goto(f"{base}/reporting/documents/")
    page.locator("#network-report-year").select_option("2025")
    page.locator("#network-report-generate").click()
    assert page.locator("#document-status .progress").is_visible()
    assert queued, "the generation was queued"
    document = GeneratedDocument.objects.get(pk=queued[0])
    assert document.status == DocumentStatus.PENDING and document.year == 2025

    services.document_run(document=document)
    page.locator("#document-download").wait_for()
    assert "Le document est prêt." in page.locator("#document-result").inner_text()
    with page.expect_download() as download_info:
        page.locator("#document-download").click()
    reader = PdfReader(download_info.value.path())
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert "2025" in text and "Saint-Égrève" in text
