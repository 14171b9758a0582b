"""The import's job: claimed once, idempotent, stopped cleanly at its time limit, failed by the sweep
when its worker is gone, and tried again by the person who uploaded the file."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from observatory import services, tasks
from observatory.models import BatchStatus, ImportBatch, Observation
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory

from .helpers import csv_text, dataset, upload

pytestmark = pytest.mark.django_db

ROWS = [
    ("38421", 2020, "population", "", "", 27000, "inhabitants", "consolidated"),
    ("38421", 2021, "population", "", "", 27100, "inhabitants", "consolidated"),
    ("38151", 2020, "population", "", "", 36000, "inhabitants", "consolidated"),
]


@pytest.fixture
def communes(db):
    CommuneFactory(insee_code="38421")
    CommuneFactory(insee_code="38151")


@pytest.fixture
def officer(db):
    return UserFactory(officer_of=TerritoryFactory())


def waiting_batch(user) -> ImportBatch:
    """A batch as the upload view leaves it (outside a test's commit the job is not sent yet)."""
    return services.batch_create(
        dataset=dataset(), file_format="long", upload=upload(csv_text(ROWS)), user=user
    )


def started_long_ago(batch, *, status=BatchStatus.RUNNING, hours=2):
    past = timezone.now() - timedelta(hours=hours)
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, started_at=past, created_at=past)
    batch.refresh_from_db()
    return batch


def test_a_batch_is_claimed_once(communes, officer):
    batch = waiting_batch(officer)
    assert services.batch_claim(batch_id=batch.pk) is True
    assert services.batch_claim(batch_id=batch.pk) is False
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING and batch.started_at is not None


def test_the_job_delivered_twice_imports_once(communes, officer):
    batch = waiting_batch(officer)
    tasks.import_batch_task.delay(batch.pk)
    first = ImportBatch.objects.get(pk=batch.pk)
    tasks.import_batch_task.delay(batch.pk)
    again = ImportBatch.objects.get(pk=batch.pk)
    assert first.status == again.status == BatchStatus.DONE
    assert again.finished_at == first.finished_at  # the second delivery did nothing
    assert Observation.objects.filter(batch_id=batch.pk).count() == 3


def test_a_second_delivery_while_the_job_runs_does_nothing(communes, officer):
    batch = waiting_batch(officer)
    services.batch_claim(batch_id=batch.pk)
    tasks.import_batch_task.delay(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING
    assert not Observation.objects.exists()


def test_the_soft_time_limit_records_a_failure_with_a_message(communes, officer, monkeypatch, english):
    def slow(**kwargs):
        kwargs["progress"]("reading", 10, 100)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "import_file", slow)
    batch = services.batch_run(batch=waiting_batch(officer))
    assert (batch.status, batch.message_code) == (BatchStatus.FAILED, "timeout")
    assert batch.message == "The import took too long and was stopped: nothing was imported. Try again."
    assert batch.finished_at is not None and not Observation.objects.exists()


def test_the_sweep_fails_imports_whose_worker_is_gone_and_only_those(communes, officer, english):
    lost = started_long_ago(waiting_batch(officer))
    never_started = started_long_ago(waiting_batch(officer), status=BatchStatus.PENDING)
    alive = started_long_ago(waiting_batch(officer))  # long, but still reporting progress
    cache.set(services.progress_key(alive.pk), {"phase": "reading", "done": 1, "total": 9, "at": 1e12})
    recent = waiting_batch(officer)
    services.batch_claim(batch_id=recent.pk)

    assert sorted(services.stale_batches_sweep()) == sorted([lost.pk, never_started.pk])

    lost.refresh_from_db()
    assert (lost.status, lost.message_code) == (BatchStatus.FAILED, "worker_lost")
    assert lost.message.startswith("The import stopped before its end")
    assert ImportBatch.objects.get(pk=never_started.pk).message_code == "not_queued"
    assert ImportBatch.objects.get(pk=alive.pk).status == BatchStatus.RUNNING
    assert ImportBatch.objects.get(pk=recent.pk).status == BatchStatus.RUNNING
    assert services.stale_batches_sweep() == []


def test_a_stuck_import_shows_as_failed_and_its_uploader_retries_it(
    communes, officer, login, django_capture_on_commit_callbacks
):
    batch = started_long_ago(waiting_batch(officer))
    client = login(officer)
    url = reverse("observatory:import_detail", args=[batch.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-result"' in fragment and 'id="import-retry"' in fragment
    assert "hx-get" not in fragment and 'role="progressbar"' not in fragment  # no spinning for ever

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("observatory:import_retry", args=[batch.pk]))
    assert response.status_code == 302 and response.url == url
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE, batch.message
    assert Observation.objects.filter(batch_id=batch.pk).count() == 3
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-retry"' not in done


def test_only_the_uploader_may_retry(communes, officer, login, django_capture_on_commit_callbacks):
    batch = started_long_ago(waiting_batch(officer))
    colleague = UserFactory(officer_of=TerritoryFactory())
    client = login(colleague)
    fragment = client.get(reverse("observatory:import_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert 'id="import-result"' in fragment.text and 'id="import-retry"' not in fragment.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("observatory:import_retry", args=[batch.pk]))
    assert response.status_code == 403
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING
    assert not Observation.objects.exists()


def test_a_refused_file_offers_no_retry(communes, officer, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(
            dataset=dataset(), file_format="long", upload=upload("insee_code\n38421\n"), user=officer
        )
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.FAILED
    page = login(officer).get(reverse("observatory:import_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert 'id="import-result"' in page.text and 'id="import-retry"' not in page.text


def test_a_broker_error_after_the_commit_fails_the_upload_clearly(
    communes, officer, login, broker_fails_after_commit, django_capture_on_commit_callbacks, english
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = waiting_batch(officer)
    batch.refresh_from_db()
    assert (batch.status, batch.message_code) == (BatchStatus.FAILED, "not_queued")
    assert "queue of background jobs is unreachable" in batch.message
    page = login(officer).get(reverse("observatory:import_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert 'id="import-retry"' in page.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="work tables exist on PostgreSQL only")
def test_a_lost_import_no_longer_blocks_the_work_tables_sweep(communes, officer):
    started_long_ago(waiting_batch(officer))
    with connection.cursor() as cursor:
        cursor.execute("CREATE UNLOGGED TABLE obs_half_lost99_0 (line bigint)")
    # (Other tests on this database may have left work tables of their own: DDL outlives their rollback.)
    assert "obs_half_lost99_0" in services.work_tables_sweep()
    assert not ImportBatch.objects.filter(status=BatchStatus.RUNNING).exists()
