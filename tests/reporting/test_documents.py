"""The generation job around every document: request, progress, failure, freezing, downloads and
who may do what. The renderers themselves are tested in their own modules; here a stand-in renderer
records what it was asked so that the job's behaviour is visible on its own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import PlanStatus
from actions.services import plan_transition
from reporting import services
from reporting.documents import Rendered
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionPlanFactory, build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fake_renderer(monkeypatch, media):
    calls = []

    def fake(kind):
        def render(document, progress):
            calls.append((kind, document.pk))
            progress(40, "Mise en page…")
            progress(90, "Écriture…")
            extension = "docx" if kind == DocumentKind.DELIBERATION_DOCX else "pdf"
            return Rendered(
                content=f"%{kind} {document.pk}".encode(), filename=f"doc-{document.pk}.{extension}", pages=3
            )

        return render

    monkeypatch.setattr(services, "renderer", fake)
    return calls


@pytest.fixture
def scene(cast):
    return build_scene(cast)


def request_document(client, url, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    return response


def test_an_elected_official_generates_the_deliberation_file_and_downloads_it(
    scene, login, fake_renderer, django_capture_on_commit_callbacks
):
    client = login(scene.cast.elected)
    url = reverse("reporting:plan_document_request", args=[scene.plan.pk, "deliberation"])
    response = request_document(client, url, django_capture_on_commit_callbacks)
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("reporting:document", args=[document.pk])
    assert (document.kind, document.status, document.progress) == ("deliberation", DocumentStatus.DONE, 100)
    assert document.commune == scene.cast.commune and document.plan == scene.plan
    assert (document.plan_version, document.plan_status, document.pages) == (1, "draft", 3)
    assert document.requested_by == scene.cast.elected and not document.is_frozen
    page = client.get(response.url)
    assert 'id="document-download"' in page.text and "hx-get" not in page.text
    download = client.get(reverse("reporting:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == f"%deliberation {document.pk}".encode()
    made_on = timezone.localdate(document.created_at)
    assert download["Content-Disposition"] == (
        'attachment; filename="Plan-climat-Saint-Martin-d-Heres-2024-2030-dossier-de-deliberation-projet-'
        f'{made_on:%Y-%m-%d}.pdf"'
    )
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_pending_document_shows_its_progress_and_polls(scene, login, fake_renderer):
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        commune=scene.cast.commune,
        plan=scene.plan,
        plan_version=1,
        status=DocumentStatus.RUNNING,
        progress=40,
        step="Mise en page…",
    )
    client = login(scene.cast.referent)
    page = client.get(reverse("reporting:document", args=[document.pk]), headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert 'aria-valuenow="40"' in page.text and "Mise en page…" in page.text
    assert "hx-get" in page.text and "<html" not in page.text
    not_ready = client.get(reverse("reporting:document_download", args=[document.pk]))
    assert not_ready.status_code == 404


def test_a_failed_generation_is_recorded_and_can_be_retried(
    scene, login, monkeypatch, media, django_capture_on_commit_callbacks
):
    def broken(kind):
        def render(document, progress):
            progress(30, "Chargement…")
            raise RuntimeError("boom")

        return render

    monkeypatch.setattr(services, "renderer", broken)
    client = login(scene.cast.referent)
    url = reverse("reporting:plan_document_request", args=[scene.plan.pk, "deliberation"])
    request_document(client, url, django_capture_on_commit_callbacks)
    failed = GeneratedDocument.objects.get()
    assert failed.status == DocumentStatus.FAILED and not failed.file
    assert "RuntimeError" in failed.error and failed.finished_at is not None
    page = client.get(reverse("reporting:document", args=[failed.pk]))
    assert 'id="document-result"' in page.text and "RuntimeError" in page.text

    monkeypatch.setattr(
        services,
        "renderer",
        lambda kind: lambda document, progress: Rendered(b"%PDF ok", "ok.pdf", 1),
    )
    retry = request_document(
        client, reverse("reporting:document_retry", args=[failed.pk]), django_capture_on_commit_callbacks
    )
    retried = GeneratedDocument.objects.get()  # the same document, made again
    assert retried.pk == failed.pk and retry.url == reverse("reporting:document", args=[retried.pk])
    assert retried.status == DocumentStatus.DONE and retried.plan == scene.plan and not retried.error


def test_adoption_freezes_the_deliberation_file_and_its_text(
    scene, fake_renderer, django_capture_on_commit_callbacks
):
    plan, referent = scene.plan, scene.cast.referent
    with django_capture_on_commit_callbacks(execute=True):
        services.document_request(kind=DocumentKind.DELIBERATION, user=referent, plan=plan)
    draft_document = GeneratedDocument.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        for status in (PlanStatus.SUBMITTED, PlanStatus.VALIDATED):
            plan_transition(plan=plan, to_status=status, user=referent)
        plan_transition(
            plan=plan,
            to_status=PlanStatus.DELIBERATED,
            user=referent,
            deliberation_date=datetime.date(2026, 3, 12),
            deliberation_number="2026-031",
        )
    frozen = {doc.kind: doc for doc in GeneratedDocument.objects.filter(is_frozen=True)}
    assert set(frozen) == {DocumentKind.DELIBERATION, DocumentKind.DELIBERATION_DOCX}
    assert all(
        doc.status == DocumentStatus.DONE and doc.plan_status == "deliberated" for doc in frozen.values()
    )
    assert all(doc.plan_version == 1 and doc.requested_by == referent for doc in frozen.values())
    draft_document.refresh_from_db()
    assert not draft_document.is_frozen

    # Asking again returns the adopted file; nothing is generated any more.
    calls_before = len(fake_renderer)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.document_request(kind=DocumentKind.DELIBERATION, user=scene.cast.elected, plan=plan)
    assert again == frozen[DocumentKind.DELIBERATION] and len(fake_renderer) == calls_before


def test_the_commune_documents_page_offers_the_adopted_file_instead_of_generating(
    scene, login, fake_renderer, django_capture_on_commit_callbacks
):
    commune = scene.cast.commune
    adopted = ActionPlanFactory(
        commune=commune,
        status=PlanStatus.FOLLOW_UP,
        deliberation_date=datetime.date(2024, 3, 12),
        deliberation_number="2024-031",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.deliberation_freeze(plan=adopted, user=scene.cast.advisor)
    frozen_pdf = GeneratedDocument.objects.get(plan=adopted, kind=DocumentKind.DELIBERATION)
    page = login(scene.cast.elected).get(reverse("reporting:commune_documents", args=[commune.insee_code]))
    assert page.status_code == 200
    assert reverse("reporting:document_download", args=[frozen_pdf.pk]) in page.text
    assert reverse("reporting:plan_document_request", args=[adopted.pk, "deliberation"]) not in page.text
    assert reverse("reporting:plan_document_request", args=[scene.plan.pk, "deliberation"]) in page.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("metro_officer", 200),
        ("advisor", 200),
        ("referent", 200),
        ("staff", 200),
        ("elected", 200),
        ("outsider", 404),
    ],
)
def test_commune_documents_permission_matrix(scene, login, fake_renderer, role, status):
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        commune=scene.cast.commune,
        plan=scene.plan,
        plan_version=1,
        status=DocumentStatus.DONE,
        file="reporting/deliberation/x.pdf",
    )
    client = login(getattr(scene.cast, role))
    urls = [
        reverse("reporting:commune_documents", args=[scene.cast.commune.insee_code]),
        reverse("reporting:document", args=[document.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == status, url
    request = reverse("reporting:plan_document_request", args=[scene.plan.pk, "deliberation"])
    assert client.post(request).status_code == (302 if status == 200 else 404)
    assert client.post(
        reverse("reporting:commune_report_request", args=[scene.cast.commune.insee_code]), {"year": 2025}
    ).status_code == (302 if status == 200 else 404)


def test_outsiders_never_download_another_communes_document(scene, login, fake_renderer, media):
    (media / "reporting").mkdir()
    (media / "reporting" / "x.pdf").write_bytes(b"%PDF secret")
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        commune=scene.cast.commune,
        plan=scene.plan,
        status=DocumentStatus.DONE,
        file="reporting/x.pdf",
    )
    url = reverse("reporting:document_download", args=[document.pk])
    assert login(scene.cast.outsider).get(url).status_code == 404
    assert login(scene.cast.staff).get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(scene, client):
    for url in (
        reverse("reporting:documents"),
        reverse("reporting:commune_documents", args=[scene.cast.commune.insee_code]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 302),
        ("metro_officer", 302),
        ("advisor", 302),
        ("referent", 403),
        ("elected", 403),
        ("staff", 403),
    ],
)
def test_only_network_roles_generate_the_network_report(
    scene, login, fake_renderer, role, status, django_capture_on_commit_callbacks
):
    client = login(getattr(scene.cast, role))
    response = request_document(
        client, reverse("reporting:network_report_request"), django_capture_on_commit_callbacks, year=2025
    )
    assert response.status_code == status
    assert GeneratedDocument.objects.filter(kind=DocumentKind.NETWORK_REPORT).exists() == (status == 302)


def test_network_reports_are_hidden_from_commune_roles(scene, login, fake_renderer):
    report = GeneratedDocument.objects.create(
        kind=DocumentKind.NETWORK_REPORT,
        territory=scene.cast.territory,
        year=2025,
        status=DocumentStatus.DONE,
    )
    own = GeneratedDocument.objects.create(
        kind=DocumentKind.COMMUNE_REPORT,
        territory=scene.cast.territory,
        commune=scene.cast.commune,
        year=2025,
        status=DocumentStatus.DONE,
    )
    other = GeneratedDocument.objects.create(
        kind=DocumentKind.COMMUNE_REPORT,
        territory=scene.cast.territory,
        commune=scene.cast.other_commune,
        year=2025,
        status=DocumentStatus.DONE,
    )
    referent = login(scene.cast.referent)
    assert referent.get(reverse("reporting:document", args=[report.pk])).status_code == 404
    listing = referent.get(reverse("reporting:documents"))
    shown = {doc.pk for doc in listing.context["page"].object_list}
    assert shown == {own.pk}
    officer = login(scene.cast.metro_officer).get(reverse("reporting:documents"))
    assert {doc.pk for doc in officer.context["page"].object_list} == {report.pk, own.pk, other.pk}


def test_a_year_out_of_range_generates_nothing(scene, login, fake_renderer):
    client = login(scene.cast.advisor)
    response = client.post(reverse("reporting:network_report_request"), {"year": "1789"})
    assert response.status_code == 302 and response.url == reverse("reporting:documents")
    response = client.post(
        reverse("reporting:commune_report_request", args=[scene.cast.commune.insee_code]), {"year": "abc"}
    )
    assert response.status_code == 302
    assert not GeneratedDocument.objects.exists()


def test_an_unknown_document_kind_is_not_found(scene, login):
    response = login(scene.cast.referent).post(
        reverse("reporting:plan_document_request", args=[scene.plan.pk, "letter"])
    )
    assert response.status_code == 404


def test_the_commune_documents_page_costs_the_same_with_many_documents(
    scene, login, django_assert_max_num_queries
):
    client = login(scene.cast.referent)
    url = reverse("reporting:commune_documents", args=[scene.cast.commune.insee_code])

    def make(count):
        GeneratedDocument.objects.bulk_create(
            GeneratedDocument(
                kind=DocumentKind.DELIBERATION,
                commune=scene.cast.commune,
                plan=scene.plan,
                plan_version=1,
                requested_by=scene.cast.referent,
                status=DocumentStatus.DONE,
                file=f"reporting/{index}.pdf",
            )
            for index in range(count)
        )

    make(2)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
    make(40)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_years_read_as_years(scene, login, fake_renderer):
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.COMMUNE_REPORT,
        territory=scene.cast.territory,
        commune=scene.cast.commune,
        year=2025,
        status=DocumentStatus.DONE,
    )
    client = login(scene.cast.referent)
    detail = client.get(reverse("reporting:document", args=[document.pk])).text
    listing = client.get(reverse("reporting:commune_documents", args=[scene.cast.commune.insee_code])).text
    assert ">2025<" in detail and "2\xa0025" not in detail and "2 025" not in detail
    assert '<option value="2025"' in listing and "2\xa0025" not in listing


def test_an_adopted_plan_without_a_frozen_file_freezes_the_first_one_asked_for(
    scene, fake_renderer, django_capture_on_commit_callbacks
):
    adopted = ActionPlanFactory(
        commune=scene.cast.commune,
        status=PlanStatus.FOLLOW_UP,
        deliberation_date=datetime.date(2024, 3, 12),
        deliberation_number="2024-031",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = services.document_request(
            kind=DocumentKind.DELIBERATION, user=scene.cast.elected, plan=adopted
        )
        second = services.document_request(
            kind=DocumentKind.DELIBERATION, user=scene.cast.advisor, plan=adopted
        )
    assert first.is_frozen and second == first
    assert GeneratedDocument.objects.filter(plan=adopted).count() == 1


def test_an_adoption_not_announced_generates_no_file(cast, fake_renderer, django_capture_on_commit_callbacks):
    """The demo adopts its plans with `announce=False`: their files are made on first request."""
    plan = ActionPlanFactory(commune=cast.commune, status=PlanStatus.VALIDATED)
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(
            plan=plan,
            to_status=PlanStatus.DELIBERATED,
            user=cast.advisor,
            deliberation_date=datetime.date(2025, 1, 9),
            deliberation_number="2025-001",
            announce=False,
        )
    assert not GeneratedDocument.objects.exists() and fake_renderer == []


def test_identifiers_in_addresses_and_forms_are_not_written_as_numbers(cast, login):
    """French number formatting would write 12 345 (with a space) inside links and form values."""
    from communes.models import Membership, Role
    from tests.factories import UserFactory

    advisor = UserFactory(pk=12_345, full_name="Paul Grand-Numéro")
    Membership.objects.create(user=advisor, commune=cast.commune, role=Role.ADVISOR)
    plan = ActionPlanFactory(pk=23_456, commune=cast.commune)
    portfolio = login(cast.admin).get(reverse("communes:portfolio")).text
    assert 'value="12345"' in portfolio
    client = login(advisor)
    dashboard = client.get(reverse("reporting:network_dashboard")).text
    assert "&amp;advisor=12345" in dashboard
    documents = client.get(reverse("reporting:commune_documents", args=[cast.commune.insee_code])).text
    assert f'id="plan-{plan.pk}"' in documents
