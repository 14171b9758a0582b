"""Queueing jobs while the broker is down (pcl/jobs.py): the job is refused with a clear message and
nothing is recorded; a broker error after the commit is logged, never turned into a server error."""

import datetime
import logging
import threading
from types import SimpleNamespace

import pytest
from celery.schedules import crontab
from django.contrib.messages import get_messages
from django.core.exceptions import MiddlewareNotUsed
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from communes.models import Invitation, Role
from observatory.models import ImportBatch
from pcl import jobs
from pcl.celery import app as celery_app
from reporting import letters, services
from reporting.models import DocumentKind, GeneratedDocument
from tests.actions.factories import build_scene
from tests.observatory.helpers import dataset, upload

pytestmark = pytest.mark.django_db

REFUSED = (
    "Les tâches de fond ne peuvent pas démarrer pour l’instant : la file d’attente ne répond pas. "
    "Rien n’a été enregistré ; réessayez dans quelques minutes."
)


@pytest.fixture
def queue_down():
    """A real broker configuration (not eager) pointing at a port where nothing listens."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class FakeTask:
    name = "tests.fake_task"

    def __init__(self, error=None):
        self.error = error
        self.calls = []

    def apply_async(self, args):
        if self.error:
            raise self.error
        self.calls.append(args)


def test_the_queue_is_always_there_when_tasks_run_eagerly():
    assert jobs.queue_available() is True
    jobs.require_queue()


def test_an_unreachable_broker_is_refused_with_a_message_for_the_person(queue_down, caplog):
    with caplog.at_level(logging.ERROR, logger="pcl.jobs"):
        with pytest.raises(jobs.QueueUnavailable) as refused:
            jobs.require_queue()
    assert refused.value.code == "queue_unavailable"
    assert "Job queue unreachable" in caplog.text


def test_enqueue_says_whether_the_job_was_queued_and_never_raises_a_broker_error(queue_down, caplog):
    queued = FakeTask()
    assert jobs.enqueue(queued, 7, "x") is True
    assert queued.calls == [(7, "x")]
    with caplog.at_level(logging.ERROR, logger="pcl.jobs"):
        assert jobs.enqueue(FakeTask(OperationalError("Connection refused")), 7) is False
    assert "Job tests.fake_task(7,) not queued: OperationalError: Connection refused" in caplog.text


def test_eager_tasks_keep_raising_their_own_errors():
    with pytest.raises(OSError):
        jobs.enqueue(FakeTask(OSError("disk full")), 1)


def test_a_report_asked_for_while_the_queue_is_down_is_refused_and_nothing_recorded(cast, login, queue_down):
    response = login(cast.metro_officer).post(reverse("reporting:network_report_request"), {"year": 2024})
    assert response.status_code == 302 and response.url == reverse("reporting:documents")
    assert messages_of(response) == [REFUSED]
    assert not GeneratedDocument.objects.exists()


def test_a_plan_document_asked_for_while_the_queue_is_down_shows_the_message(cast, login, queue_down):
    scene = build_scene(cast)
    url = reverse("reporting:plan_document_request", args=[scene.plan.pk, DocumentKind.DELIBERATION_DOCX])
    response = login(cast.referent).post(url, follow=True)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_the_documents_of_an_adoption_are_recorded_even_while_the_queue_is_down(
    cast, queue_down, django_capture_on_commit_callbacks
):
    scene = build_scene(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = services.document_request(
            kind=DocumentKind.DELIBERATION, user=cast.advisor, plan=scene.plan, at_adoption=True
        )
    assert GeneratedDocument.objects.get() == document
    assert len(callbacks) == 1  # queued after the commit; a broker error there is only logged


def test_an_import_uploaded_while_the_queue_is_down_is_refused_and_its_file_not_kept(
    cast, login, queue_down, media
):
    response = login(cast.metro_officer).post(
        reverse("observatory:import_new"),
        {
            "dataset": dataset().pk,
            "format": "long",
            "file": upload("insee_code,year,quantity,sector,energy,value,unit,status\n"),
        },
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert [path for path in media.rglob("*") if path.is_file()] == []


def test_an_invitation_made_while_the_queue_is_down_is_refused(cast, login, queue_down):
    response = login(cast.advisor).post(
        reverse("communes:invite", args=[cast.commune.insee_code]),
        {"email": "nouvelle@example.org", "role": Role.STAFF},
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Invitation.objects.filter(email="nouvelle@example.org").exists()


def test_a_letter_sent_while_the_queue_is_down_stays_unsent(cast, login, queue_down):
    letter = letters.letter_assemble(
        territory=cast.territory,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        user=cast.advisor,
    )
    letter.sections.create(heading="À la une", body="Un texte.")
    letters.letter_publish(letter=letter, user=cast.advisor)
    response = login(cast.metro_officer).post(reverse("reporting:letter_send", args=[letter.pk]))
    assert messages_of(response) == [REFUSED]
    letter.refresh_from_db()
    assert letter.sent_at is None


# Without a broker (make run) the web process runs the beat schedule in a thread: the sweep of stuck jobs
# and the reminders still happen.


def test_the_in_process_beat_runs_a_task_once_its_interval_has_passed_and_not_again_at_once():
    schedule = {
        "sweep": {"task": "reporting.tasks.stale_jobs_sweep_task", "schedule": crontab(minute="*/10")}
    }
    now = timezone.now()
    last_runs = {"sweep": now - datetime.timedelta(minutes=11)}
    assert jobs.beat_due(schedule, last_runs, now) == ["reporting.tasks.stale_jobs_sweep_task"]
    assert last_runs == {"sweep": now}
    assert jobs.beat_due(schedule, last_runs, now) == []


def test_the_in_process_beat_counts_a_task_s_interval_from_its_start():
    schedule = {
        "sweep": {"task": "reporting.tasks.stale_jobs_sweep_task", "schedule": crontab(minute="*/10")}
    }
    last_runs = {}
    assert jobs.beat_due(schedule, last_runs, timezone.now()) == []
    assert "sweep" in last_runs


def test_the_in_process_beat_starts_only_where_jobs_run_in_background_threads(settings, monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "_beat_started", threading.Event())
    monkeypatch.setattr(
        jobs.threading, "Thread", lambda **kwargs: SimpleNamespace(start=lambda: started.append(kwargs))
    )
    settings.JOBS_EAGER_IN_BACKGROUND = False
    with pytest.raises(MiddlewareNotUsed):
        jobs.EagerBeatMiddleware(lambda request: None)
    settings.JOBS_EAGER_IN_BACKGROUND = True
    jobs.EagerBeatMiddleware(lambda request: None)
    jobs.EagerBeatMiddleware(lambda request: None)  # a second handler of the same process: one beat
    assert [kwargs["name"] for kwargs in started] == ["eager beat"]
