"""The jobs of the reporting app (documents, the letter's emailing): claimed once, idempotent, stopped
cleanly at their time limit, failed by the sweep when their worker is gone, tried again by the person
who asked, queued after the commit without ever undoing it."""

import datetime
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from actions.models import ActionPlan, PlanStatus
from reporting import letters, services, tasks
from reporting.documents import Rendered
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument, Letter
from tests.actions.factories import build_scene
from tests.actions.helpers import adopt

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(cast):
    return build_scene(cast)


@pytest.fixture
def renders(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    calls = []

    def fake(kind):
        def render(document, progress):
            calls.append(document.pk)
            progress(50, "Mise en page…")
            return Rendered(content=b"%PDF-1.7 fake", filename=f"doc-{document.pk}.pdf", pages=1)

        return render

    monkeypatch.setattr(services, "renderer", fake)
    return calls


def waiting(scene, user=None, **fields) -> GeneratedDocument:
    return GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        commune=scene.cast.commune,
        plan=scene.plan,
        plan_version=1,
        requested_by=user or scene.cast.referent,
        **fields,
    )


def lost(scene, user=None, **fields) -> GeneratedDocument:
    """A document whose worker died two hours ago, mid-way."""
    past = timezone.now() - timedelta(hours=2)
    document = waiting(scene, user, status=DocumentStatus.RUNNING, progress=40, started_at=past, **fields)
    GeneratedDocument.objects.filter(pk=document.pk).update(created_at=past)
    document.refresh_from_db()
    return document


def test_a_document_is_claimed_once(scene):
    document = waiting(scene)
    assert services.document_claim(document_id=document.pk) is True
    assert services.document_claim(document_id=document.pk) is False
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.RUNNING


def test_the_job_delivered_twice_generates_once(scene, renders):
    document = waiting(scene)
    tasks.generate_document_task.delay(document.pk)
    tasks.generate_document_task.delay(document.pk)
    document.refresh_from_db()
    assert renders == [document.pk] and document.status == DocumentStatus.DONE and document.file


def test_a_delivery_while_the_job_runs_does_nothing(scene, renders):
    document = waiting(scene)
    services.document_claim(document_id=document.pk)
    tasks.generate_document_task.delay(document.pk)
    assert renders == [] and GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.RUNNING


def test_the_soft_time_limit_records_a_failure_with_a_message(scene, monkeypatch):
    def slow(kind):
        def render(document, progress):
            progress(30, "Chargement…")
            raise SoftTimeLimitExceeded()

        return render

    monkeypatch.setattr(services, "renderer", slow)
    with translation.override("en"):
        document = services.document_run(document=waiting(scene))
    assert document.status == DocumentStatus.FAILED and not document.file
    assert document.error.startswith("The generation took too long and was stopped. Try again")
    assert document.finished_at is not None


def test_the_sweep_fails_documents_whose_worker_is_gone_and_only_those(scene):
    gone = lost(scene)
    running = waiting(scene)
    services.document_claim(document_id=running.pk)
    assert services.stale_documents_sweep() == [gone.pk]
    gone.refresh_from_db()
    assert gone.status == DocumentStatus.FAILED
    assert (
        gone.error
        == "La génération s'est arrêtée avant la fin (le serveur qui la faisait a disparu). Réessayez."
    )
    assert GeneratedDocument.objects.get(pk=running.pk).status == DocumentStatus.RUNNING
    assert services.stale_documents_sweep() == []


def test_a_stuck_document_shows_as_failed_and_its_requester_retries_it(
    scene, login, renders, django_capture_on_commit_callbacks
):
    document = lost(scene)
    client = login(scene.cast.referent)
    url = reverse("reporting:document", args=[document.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).text
    assert 'id="document-result"' in fragment and 'id="document-retry"' in fragment
    assert "hx-get" not in fragment and 'role="progressbar"' not in fragment

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:document_retry", args=[document.pk]))
    assert response.status_code == 302 and response.url == url
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and renders == [document.pk] and not document.error


def test_only_the_requester_may_retry(scene, login, renders, django_capture_on_commit_callbacks):
    document = lost(scene)
    client = login(scene.cast.elected)  # may see the document, did not ask for it
    fragment = client.get(reverse("reporting:document", args=[document.pk]), headers={"HX-Request": "true"})
    assert 'id="document-result"' in fragment.text and 'id="document-retry"' not in fragment.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:document_retry", args=[document.pk]))
    assert response.status_code == 403 and renders == []
    assert GeneratedDocument.objects.get(pk=document.pk).status == DocumentStatus.RUNNING


def test_a_stuck_frozen_deliberation_is_made_again_not_returned_as_it_is(
    scene, renders, django_capture_on_commit_callbacks
):
    adopt(scene.plan)
    frozen = lost(scene, is_frozen=True, plan_status="follow_up")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.document_request(
            kind=DocumentKind.DELIBERATION, user=scene.cast.referent, plan=scene.plan
        )
    assert again.pk == frozen.pk and again.is_frozen
    again.refresh_from_db()
    assert again.status == DocumentStatus.DONE and renders == [frozen.pk]


def test_a_broker_error_after_the_adoption_leaves_it_committed_and_says_why(
    scene, login, broker_fails_after_commit, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    adopt(scene.plan, status=PlanStatus.VALIDATED)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(scene.cast.referent).post(
            reverse("actions:plan_transition", args=[scene.plan.pk, "deliberated"]),
            {"deliberation_date": "2024-06-20", "deliberation_number": "31", "comment": ""},
        )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=scene.plan.pk).status == PlanStatus.DELIBERATED
    frozen = GeneratedDocument.objects.filter(plan=scene.plan, is_frozen=True)
    assert frozen.count() == 2
    assert [(d.status, d.error) for d in frozen] == [
        (
            DocumentStatus.FAILED,
            "Le document n'a pas pu être mis en file d'attente (la file des tâches de fond est injoignable). "
            "Réessayez dans quelques minutes.",
        )
    ] * 2


# --- the letter's emailing -----------------------------------------------------------------------


def published_letter(cast) -> Letter:
    letter = letters.letter_assemble(
        territory=cast.territory,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        user=cast.advisor,
    )
    letter.sections.create(heading="À la une", body="Un texte")
    return letters.letter_publish(letter=letter, user=cast.advisor)


def test_the_emailing_job_delivered_twice_sends_once(cast, django_capture_on_commit_callbacks):
    letter = published_letter(cast)
    with django_capture_on_commit_callbacks(execute=True):
        letters.letter_send(letter=letter, user=cast.metro_officer)
    sent = len(mail.outbox)
    tasks.letter_email_task.delay(letter.pk)
    assert sent == 6 and len(mail.outbox) == sent  # the territory's network, not the administrators
    assert Letter.objects.get(pk=letter.pk).recipient_count == sent


def test_a_broker_error_leaves_the_letter_unsent_to_send_again(
    cast, login, broker_fails_after_commit, django_capture_on_commit_callbacks
):
    letter = published_letter(cast)
    client = login(cast.metro_officer)
    send = reverse("reporting:letter_send", args=[letter.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(send).status_code == 302
    letter.refresh_from_db()
    assert (letter.sent_at, letter.recipient_count) == (None, None) and mail.outbox == []
    assert send in client.get(reverse("reporting:letter", args=[letter.pk])).text  # offered again


def test_a_letter_whose_job_was_lost_can_be_sent_again(cast, login, django_capture_on_commit_callbacks):
    letter = published_letter(cast)
    Letter.objects.filter(pk=letter.pk).update(
        sent_at=timezone.now() - timedelta(hours=2), sent_by=cast.metro_officer
    )
    client = login(cast.metro_officer)
    send = reverse("reporting:letter_send", args=[letter.pk])
    page = client.get(reverse("reporting:letter", args=[letter.pk])).text
    assert send in page and "Being sent" not in page and "Envoi en cours" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
    assert len(mail.outbox) == 6 and Letter.objects.get(pk=letter.pk).recipient_count == 6
