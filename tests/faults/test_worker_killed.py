"""A worker process killed (SIGKILL) in the middle of an observatory import and of a document
generation, on a real PostgreSQL, Redis and Celery workers of the tests' own: once a new worker runs,
the sweep marks the lost job failed with a message, nothing of it was written, and the person who asked
for it tries again: the job completes once, with no duplicate value and no job left RUNNING."""

import time

import pytest
from celery import Celery
from django.utils import translation

from observatory import services as observatory_services
from observatory.models import BatchStatus, ImportBatch, Observation
from reporting import services as reporting_services
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionPlanFactory
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory
from tests.observatory.helpers import csv_text, dataset, series_rows, upload

from .conftest import wait_until, worker_environment

pytestmark = pytest.mark.faults

STALE_SECONDS = 1  # the workers' JOB_STALE_SECONDS: a lost job is given up after this long


@pytest.fixture
def jobs_redis(private_redis) -> str:
    """A database of the private Redis of these tests' own (the web server's tests use 0)."""
    return private_redis.url.rsplit("/", 1)[0] + "/5"


@pytest.fixture
def client_app(jobs_redis):
    """Sends jobs to the private Redis as the web process does."""
    app = Celery("faults-client", broker=jobs_redis)
    app.conf.broker_connection_retry_on_startup = True
    yield app
    app.close()


@pytest.fixture
def start_worker(celery_worker_factory, faults_database, jobs_redis, use_faults_database, tmp_path):
    def start(*, pause_at: str | None = None, wait: bool = True):
        extra = {"JOB_STALE_SECONDS": STALE_SECONDS}
        if pause_at:
            extra.update(FAULT_PAUSE_AT=pause_at, FAULT_PAUSE_FILE=tmp_path / f"paused-{pause_at}")
        environment = worker_environment(
            database_url=faults_database,
            redis_url=jobs_redis,
            media_root=use_faults_database,
            **extra,
        )
        return celery_worker_factory(environment=environment, app="tests.faults.paused_app", wait=wait)

    return start


def send(client_app, name: str, *args):
    return client_app.send_task(name, args=list(args))


def run_on(worker, client_app, name: str, *args) -> None:
    """Sends the task and waits until the worker says it ended (Celery's results are not stored)."""
    task_id = send(client_app, name, *args).id
    wait_until(lambda: f"[{task_id}] succeeded" in worker.text(), timeout=60, what=f"{name} on {worker.name}")


def sweep_after_staleness(client_app, worker, name: str) -> None:
    """Runs the periodic sweep on the new worker once the lost job is past JOB_STALE_SECONDS."""
    time.sleep(STALE_SECONDS + 0.2)
    worker.wait_ready()
    run_on(worker, client_app, name)


def test_an_import_killed_mid_way_leaves_nothing_and_is_retried_once(
    start_worker, client_app, tmp_path, monkeypatch
):
    communes = [CommuneFactory(insee_code=code).insee_code for code in ("38421", "38151", "38185")]
    officer = UserFactory(officer_of=TerritoryFactory())
    rows = series_rows(communes, [2019, 2020, 2021])
    batch = ImportBatch.objects.create(
        dataset=dataset(), format="long", original_name="orcae.csv", uploaded_by=officer
    )
    batch.file.save("orcae.csv", upload(csv_text(rows)), save=True)

    first = start_worker(pause_at="import")
    send(client_app, "observatory.tasks.import_batch_task", batch.pk)
    wait_until((tmp_path / "paused-import").exists, timeout=60, what="the import to reach its last step")
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.RUNNING
    second = start_worker(wait=False)  # boots while the first holds the job, then takes over
    first.kill()

    assert not Observation.objects.exists()  # the killed transaction took its values with it
    sweep_after_staleness(client_app, second, "observatory.tasks.stale_batches_sweep_task")
    batch.refresh_from_db()
    assert (batch.status, batch.message_code) == (BatchStatus.FAILED, "worker_lost")
    with translation.override("en"):
        assert observatory_services.batch_message(batch.message_code, {}).startswith(
            "The import stopped before its end"
        )

    # The uploader tries again: the new worker imports it, once.
    monkeypatch.setattr(
        observatory_services.tasks.import_batch_task,
        "apply_async",
        lambda args: send(client_app, "observatory.tasks.import_batch_task", *args),
    )
    observatory_services.batch_retry(batch=batch)
    wait_until(
        lambda: ImportBatch.objects.get(pk=batch.pk).status not in (BatchStatus.PENDING, BatchStatus.RUNNING),
        timeout=60,
        what="the retried import",
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE, batch.message
    assert Observation.objects.filter(batch_id=batch.pk).count() == len(rows) == batch.rows_imported
    assert Observation.objects.count() == len(rows)  # no value twice
    # A late second delivery (the killed worker's message, given back past Redis's visibility timeout)
    # changes nothing.
    run_on(second, client_app, "observatory.tasks.import_batch_task", batch.pk)
    assert Observation.objects.count() == len(rows)
    assert not ImportBatch.objects.filter(status__in=[BatchStatus.PENDING, BatchStatus.RUNNING]).exists()


def test_a_document_generation_killed_mid_way_is_failed_and_made_again_once(
    start_worker, client_app, tmp_path, monkeypatch
):
    commune = CommuneFactory(insee_code="38421", name="Saint-Martin-d'Hères")
    plan = ActionPlanFactory(commune=commune, title="Plan climat 2024-2030")
    referent = UserFactory()
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION_DOCX,
        commune=commune,
        plan=plan,
        plan_version=plan.version,
        plan_status=plan.status,
        requested_by=referent,
    )

    first = start_worker(pause_at="document")
    send(client_app, "reporting.tasks.generate_document_task", document.pk)
    wait_until((tmp_path / "paused-document").exists, timeout=60, what="the generation to start")
    running = GeneratedDocument.objects.get(pk=document.pk)
    assert running.status == DocumentStatus.RUNNING and running.progress >= 10
    second = start_worker(wait=False)
    first.kill()

    sweep_after_staleness(client_app, second, "reporting.tasks.stale_jobs_sweep_task")
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and not document.file
    assert document.error  # what the page shows, with the retry button for the requester

    monkeypatch.setattr(
        reporting_services.tasks.generate_document_task,
        "apply_async",
        lambda args: send(client_app, "reporting.tasks.generate_document_task", *args),
    )
    reporting_services.document_retry(document=document)
    wait_until(
        lambda: (
            GeneratedDocument.objects.get(pk=document.pk).status
            not in (DocumentStatus.PENDING, DocumentStatus.RUNNING)
        ),
        timeout=90,
        what="the retried generation",
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE, document.error
    assert document.file and document.file.size == document.size and not document.error
    assert GeneratedDocument.objects.count() == 1
    finished = document.finished_at
    run_on(second, client_app, "reporting.tasks.generate_document_task", document.pk)
    assert GeneratedDocument.objects.get(pk=document.pk).finished_at == finished  # made once
