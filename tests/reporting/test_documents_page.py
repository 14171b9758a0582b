"""The commune's documents page as elected officials use it: the signed deliberation first, then the file
adopted with the plan, then the drafts; every download named for what it is (no storage suffix, no id).
And a document asked for answers at once: the page polls its progress until the download is offered."""

import datetime
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from actions.models import PlanStatus, ReplacedDeliberation
from communes.models import Role
from pcl import jobs
from reporting import services
from reporting.documents import Rendered
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionPlanFactory
from tests.factories import CommuneFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(media):
    commune = CommuneFactory(name="Échirolles", insee_code="38151")
    return ActionPlanFactory(
        commune=commune,
        title="Plan climat 2026-2031",
        start_year=2026,
        end_year=2031,
        status=PlanStatus.FOLLOW_UP,
        deliberation_date=datetime.date(2026, 3, 12),
        deliberation_number="2026-031",
    )


@pytest.fixture
def elected(plan):
    return MembershipFactory(commune=plan.commune, role=Role.ELECTED, user__full_name="Émile Élu").user


def stored(plan, kind, *, frozen, at):
    """A generated document, stored under a name the storage made unique (its random suffix)."""
    document = GeneratedDocument.objects.create(
        kind=kind,
        commune=plan.commune,
        plan=plan,
        plan_version=plan.version,
        plan_status=plan.status,
        status=DocumentStatus.DONE,
        is_frozen=frozen,
        progress=100,
    )
    extension = "docx" if kind == DocumentKind.DELIBERATION_DOCX else "pdf"
    document.file.save(
        f"deliberation-echirolles-v1_Ab12Cd3.{extension}", ContentFile(b"%PDF-1.7"), save=False
    )
    document.filename = f"deliberation-echirolles-v1_Ab12Cd3.{extension}"
    document.save()
    GeneratedDocument.objects.filter(pk=document.pk).update(created_at=at)
    return document


@pytest.fixture
def documents(plan):
    plan.deliberation_file.save("scan_0042_XyZ.pdf", ContentFile(b"%PDF-1.7 signed"))
    moment = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
    return {
        "older_draft": stored(plan, DocumentKind.DELIBERATION, frozen=False, at=moment),
        "adopted": stored(
            plan, DocumentKind.DELIBERATION, frozen=True, at=moment + datetime.timedelta(days=3)
        ),
        "newer_draft": stored(
            plan, DocumentKind.DELIBERATION_DOCX, frozen=False, at=moment + datetime.timedelta(days=5)
        ),
    }


def test_the_documents_page_shows_the_signed_deliberation_then_the_adopted_file_then_the_drafts(
    plan, elected, documents, login, django_assert_max_num_queries
):
    client = login(elected)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reporting:commune_documents", args=[plan.commune.insee_code])).text
    signed = page.index(f'id="signed-deliberation-{plan.pk}"')
    adopted_button = page.index(f'id="adopted-file-{plan.pk}"')
    rows = [
        page.index(f'id="document-row-{documents[name].pk}"')
        for name in ("adopted", "newer_draft", "older_draft")
    ]
    assert signed < adopted_button < rows[0] < rows[1] < rows[2]


def test_the_signed_deliberation_downloads_under_a_clean_name(plan, elected, documents, login):
    response = login(elected).get(reverse("actions:plan_deliberation_file", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Plan-climat-Echirolles-2026-2031-deliberation-signee.pdf"'
    )


def test_generated_documents_download_under_clean_names(plan, elected, documents, login):
    client = login(elected)

    def name(document):
        response = client.get(reverse("reporting:document_download", args=[document.pk]))
        assert response.status_code == 200
        return response["Content-Disposition"]

    assert name(documents["adopted"]) == (
        'attachment; filename="Plan-climat-Echirolles-2026-2031-dossier-de-deliberation-adopte.pdf"'
    )
    assert name(documents["older_draft"]) == (
        'attachment; filename="Plan-climat-Echirolles-2026-2031-dossier-de-deliberation-projet-'
        '2026-03-01.pdf"'
    )
    assert name(documents["newer_draft"]) == (
        'attachment; filename="Plan-climat-Echirolles-2026-2031-projet-de-deliberation-2026-03-06.docx"'
    )


def test_a_replaced_signed_deliberation_is_named_by_the_day_it_was_replaced(plan, elected, login):
    stored_name = default_storage.save("deliberations/38151/v1-old_scan_9f8e7d.pdf", ContentFile(b"%PDF-1.7"))
    replaced = ReplacedDeliberation.objects.create(
        plan=plan, file=stored_name, replaced_at=datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC)
    )
    response = login(elected).get(reverse("actions:plan_replaced_deliberation", args=[plan.pk, replaced.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="Plan-climat-Echirolles-2026-2031-deliberation-signee-remplacee-le-'
        '2026-04-02.pdf"'
    )


def test_a_second_version_and_a_yearly_report_say_so_in_their_names(plan):
    second = ActionPlanFactory(commune=plan.commune, start_year=2026, end_year=2031, previous_version=plan)
    assert second.signed_deliberation_name == "Plan-climat-Echirolles-2026-2031-v2-deliberation-signee.pdf"
    report = GeneratedDocument(kind=DocumentKind.COMMUNE_REPORT, commune=plan.commune, year=2025)
    assert report.download_name == "Rapport-evaluation-2025-Echirolles.pdf"


# --- generation without blocking the page -------------------------------------------------------


@pytest.fixture
def gated_renderer(monkeypatch):
    """A renderer that waits for the test's signal: the job is seen running, then ending."""
    started, release = threading.Event(), threading.Event()

    def fake(kind):
        def render(document, progress):
            progress(40, "Mise en page…")
            started.set()
            assert release.wait(10), "the test never released the renderer"
            return Rendered(content=b"%PDF-1.7 fake", filename="ignored.pdf", pages=2)

        return render

    monkeypatch.setattr(services, "renderer", fake)
    return started, release


def test_asking_for_a_document_answers_at_once_and_the_fragment_ends_with_the_download(
    plan, elected, login, media, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    plan.status = PlanStatus.DRAFT
    plan.save()
    client = login(elected)
    url = reverse("reporting:plan_document_request", args=[plan.pk, "deliberation"])
    # The job is queued after the commit, not run in the request: the page shows it waiting, polling.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, follow=True)
    document = GeneratedDocument.objects.get()
    assert len(callbacks) == 1 and document.status == DocumentStatus.PENDING
    assert 'id="document-status"' in response.text
    assert 'hx-trigger="every 1s"' in response.text and 'role="progressbar"' in response.text
    assert 'id="document-download"' not in response.text
    with django_assert_max_num_queries(8):
        fragment = client.get(reverse("reporting:document", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert "hx-get" in fragment.text and "<html" not in fragment.text

    services.document_run(document=document)  # what the worker (or the background thread) does
    fragment = client.get(reverse("reporting:document", args=[document.pk]), HTTP_HX_REQUEST="true").text
    assert "hx-get" not in fragment
    assert 'id="document-download"' in fragment
    assert reverse("reporting:document_download", args=[document.pk]) in fragment


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_job_runs_after_the_response_in_a_thread(
    plan, elected, login, settings, gated_renderer
):
    started, release = gated_renderer
    settings.JOBS_EAGER_IN_BACKGROUND = True
    plan.status = PlanStatus.DRAFT
    plan.save()
    client = login(elected)
    response = client.post(reverse("reporting:plan_document_request", args=[plan.pk, "deliberation"]))
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("reporting:document", args=[document.pk])
    try:
        # The request has answered while the generation is still under way in its thread.
        assert started.wait(10)
        document.refresh_from_db()
        assert document.status == DocumentStatus.RUNNING and document.progress == 40
        page = client.get(response.url).text
        assert 'hx-trigger="every 1s"' in page and "Mise en page…" in page
    finally:
        release.set()
        assert jobs.background_jobs_wait(10)
    document.refresh_from_db()
    assert (document.status, document.progress, document.pages) == (DocumentStatus.DONE, 100, 2)
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").text
    assert 'id="document-download"' in fragment
