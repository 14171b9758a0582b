"""Writes of the observatory: reference lists, import batches, targets."""

import logging
import time
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.files.base import File
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from communes.models import managed_list_load
from pcl import jobs

from . import reference, tasks
from .importers import ImportFailed, batch_message, import_file
from .models import BatchStatus, Carrier, Dataset, ImportBatch, RenewableSource, Sector, Target
from .totals import data_committed

logger = logging.getLogger(__name__)

PROGRESS_TIMEOUT = 24 * 3600
# The codes of the failures of the job itself (not of the file): trying again may succeed.
JOB_FAILURE_CODES = ("worker_lost", "not_queued", "timeout", "error")


@transaction.atomic
def reference_load(
    *,
    sector_model=Sector,
    carrier_model=Carrier,
    source_model=RenewableSource,
    dataset_model=Dataset,
    target_model=Target,
) -> None:
    """Creates the managed lists and datasets that are missing (and, in the data migration from before
    territories, the Métro's targets: observatory 0008 then gives them to the Métro's territory when the
    platform has communes; since territories, `metro_targets_load` gives them to the Métro's territory).

    The models are parameters so that the data migration can pass its historical models.
    """
    for model, rows in (
        (sector_model, reference.SECTORS),
        (carrier_model, reference.CARRIERS),
        (source_model, reference.SOURCES),
    ):
        managed_list_load(model, rows)
    # A data migration's historical model may be from before the English names: they are left out then.
    has_english = any(field.name == "name_en" for field in dataset_model._meta.get_fields())
    for dataset in reference.DATASETS:
        defaults = (
            dataset if has_english else {key: value for key, value in dataset.items() if key != "name_en"}
        )
        entry, created = dataset_model.objects.get_or_create(code=dataset["code"], defaults=defaults)
        if has_english and not created and not entry.name_en:
            entry.name_en = dataset["name_en"]
            entry.save(update_fields=["name_en"])
    if any(field.name == "territory" for field in target_model._meta.get_fields()):
        return
    for target in reference.TARGETS:
        target_model.objects.get_or_create(
            commune=None, target_year=target["target_year"], defaults={"reference_year": 2005, **target}
        )


def metro_datasets_load(territory) -> None:
    """The regional observatory's series (ORCAE) the Métro's officers import: the Métro's own dataset, as on
    a platform from before territories (observatory 0010), when it is still nobody's."""
    Dataset.objects.filter(code="orcae", territory__isnull=True).update(territory=territory)


def metro_targets_load(territory) -> None:
    """Grenoble-Alpes Métropole's own targets (its charter's and its plans'), for its territory: those
    that are missing."""
    for target in reference.TARGETS:
        Target.objects.get_or_create(
            territory=territory,
            commune=None,
            target_year=target["target_year"],
            defaults={"reference_year": 2005, **target},
        )


# --- imports ------------------------------------------------------------------------------------


def progress_key(batch_id: int) -> str:
    return f"observatory:import-progress:{batch_id}"


def progress_get(batch_id: int) -> dict:
    return cache.get(progress_key(batch_id)) or {"phase": "waiting", "done": 0, "total": 0}


@transaction.atomic
def batch_create(
    *, dataset: Dataset, file_format: str, upload, user, version_date: date | None = None
) -> ImportBatch:
    """Stores the uploaded file and queues its import (a Celery job; run at once without a broker)."""
    jobs.require_queue()
    batch = ImportBatch(
        dataset=dataset,
        format=file_format,
        original_name=upload.name[:255],
        uploaded_by=user,
        version_date=version_date,
    )
    batch.created_at = timezone.now()
    batch.file.save(upload.name.rsplit("/", 1)[-1], File(upload), save=False)
    batch.full_clean()
    batch.save()
    _enqueue_on_commit(batch.pk)
    return batch


def _enqueue_on_commit(batch_id: int) -> None:
    """After the commit, and never at its expense: a broker that cannot take the job (it went down
    after `require_queue`) records it as failed with a message, for a retry."""
    transaction.on_commit(
        lambda: jobs.enqueue(
            tasks.import_batch_task,
            batch_id,
            on_failure=lambda: _fail(batch_id, "not_queued", statuses=[BatchStatus.PENDING]),
        ),
        robust=True,
    )


def batch_claim(*, batch_id: int) -> bool:
    """PENDING → RUNNING, once: the job that wins runs the import; a second delivery of the same job
    (or a job already finished, failed or running) changes nothing."""
    return (
        ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING).update(
            status=BatchStatus.RUNNING, started_at=timezone.now(), finished_at=None
        )
        == 1
    )


def _fail(batch_id: int, code: str, *, statuses, before=None) -> bool:
    """Records a failure of the job itself (see `batch_message` for the sentences), only while the
    batch is in one of `statuses` (and, for `before`, has shown no sign of life since then)."""
    batches = ImportBatch.objects.filter(pk=batch_id, status__in=statuses)
    if before is not None:
        batches = batches.filter(Q(started_at__lt=before) | Q(started_at__isnull=True, created_at__lt=before))
    return (
        batches.update(
            status=BatchStatus.FAILED,
            message=batch_message(code, {}),
            message_code=code,
            message_params={},
            finished_at=timezone.now(),
        )
        == 1
    )


def batch_run(*, batch: ImportBatch, path: str | None = None, progress_callback=None) -> ImportBatch:
    """Imports the batch's file (or the file at `path`, for the command line), once: a batch that is
    not PENDING any more (a second delivery of its job) is returned as it is. Its status is written
    outside the import's transaction, so that a refused file still records why; the import itself is
    all or nothing. The returned batch's `timings` gives the seconds spent per phase (for `make bench`)."""
    if not batch_claim(batch_id=batch.pk):
        batch.refresh_from_db()
        batch.timings = {}
        return batch

    def progress(phase: str, done: int, total: int) -> None:
        # The time is the job's heartbeat (see batch_is_stuck); the cache, not the row: the row's
        # import transaction is still open.
        cache.set(
            progress_key(batch.pk),
            {"phase": phase, "done": done, "total": total, "at": time.time()},
            PROGRESS_TIMEOUT,
        )
        if progress_callback:
            progress_callback(phase, done, total)

    fields = {}
    timings = {}
    try:
        # The values and the batch's DONE are committed together: a worker killed before the commit
        # leaves neither (the batch stays RUNNING for the sweep), never values under a batch not done.
        with transaction.atomic():
            with open(path, "rb") if path else batch.file.open("rb") as handle:
                result = import_file(
                    path_or_file=handle,
                    file_format=batch.format,
                    dataset_id=batch.dataset_id,
                    batch_id=batch.pk,
                    progress=progress,
                )
            imported = {"values": result.rows_imported, "years": result.years}
            done = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
                status=BatchStatus.DONE,
                rows_read=result.rows_read,
                rows_imported=result.rows_imported,
                rows_skipped=result.rows_skipped,
                years=result.years,
                message=batch_message("imported", imported),
                message_code="imported",
                message_params=imported,
                finished_at=timezone.now(),
            )
            if not done:  # the sweep gave the batch up meanwhile: its values go with it
                raise BatchTakenAway()
            _mark_replaced(batch, result.years)
            timings = result.timings
        data_committed()
    except ImportFailed as failure:
        fields.update(
            status=BatchStatus.FAILED,
            message=failure.message,
            message_code=failure.code,
            message_params=failure.params,
            errors=failure.errors,
            error_count=failure.error_count,
        )
    except BatchTakenAway:
        logger.warning("Import %s was marked failed while it ran: nothing imported", batch.pk)
    except SoftTimeLimitExceeded:
        logger.warning("Import %s stopped at its time limit", batch.pk)
        fields.update(status=BatchStatus.FAILED, message=batch_message("timeout", {}), message_code="timeout")
    except Exception:  # the job must never stay "running": record it, the requester can try again
        logger.exception("Import %s failed", batch.pk)
        fields.update(status=BatchStatus.FAILED, message=batch_message("error", {}), message_code="error")
    if fields:
        fields["finished_at"] = timezone.now()
        # Only the run that holds the batch writes its end (a batch the sweep failed meanwhile stays so).
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(**fields)
    progress("finished", 1, 1)
    batch.refresh_from_db()
    batch.timings = timings
    return batch


class BatchTakenAway(Exception):
    """The batch is no longer RUNNING when its import ends (the sweep failed it): roll back."""


def batch_is_stuck(*, batch: ImportBatch, progress: dict | None = None, stale_after=None) -> bool:
    """A batch waiting or running with no sign of life (start, progress) for `JOB_STALE_SECONDS`."""
    if batch.status not in (BatchStatus.PENDING, BatchStatus.RUNNING):
        return False
    cutoff = jobs.stale_before(stale_after=stale_after)
    progress = progress if progress is not None else progress_get(batch.pk)
    beat = progress.get("at")
    if beat is not None and beat >= cutoff.timestamp():
        return False
    return (batch.started_at or batch.created_at) < cutoff


def stale_batches_sweep(*, stale_after: timedelta | None = None) -> list[int]:
    """Marks FAILED the imports whose worker is gone (running, or waiting, with no sign of life for
    `JOB_STALE_SECONDS`) and returns their ids: their page shows why, and the importer can try again.
    A killed import wrote nothing (all or nothing); its work tables go with the nightly sweep."""
    cutoff = jobs.stale_before(stale_after=stale_after)
    candidates = ImportBatch.objects.filter(status__in=[BatchStatus.PENDING, BatchStatus.RUNNING]).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff)
    )
    failed = []
    for batch in candidates:
        if batch_is_stuck(batch=batch, stale_after=stale_after):
            code = "worker_lost" if batch.status == BatchStatus.RUNNING else "not_queued"
            if _fail(batch.pk, code, statuses=[batch.status], before=cutoff):
                failed.append(batch.pk)
    if failed:
        logger.warning("Imports with no worker any more, marked failed: %s", failed)
    return failed


@transaction.atomic
def batch_retry(*, batch: ImportBatch, stale_after: timedelta | None = None) -> ImportBatch:
    """Queues a failed (or stuck) import again, as the same batch: FAILED → PENDING once, whoever
    clicks twice. The file is kept with the batch; a batch from the command line has none to read.
    Refused while the job queue does not answer (nothing changes)."""
    jobs.require_queue()
    if batch_is_stuck(batch=batch, stale_after=stale_after):
        _fail(batch.pk, "worker_lost", statuses=[BatchStatus.PENDING, BatchStatus.RUNNING])
    reset = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.FAILED).update(
        status=BatchStatus.PENDING,
        started_at=None,
        finished_at=None,
        message="",
        message_code="",
        message_params={},
        errors=[],
        error_count=0,
    )
    if reset:
        cache.delete(progress_key(batch.pk))
        _enqueue_on_commit(batch.pk)
    batch.refresh_from_db()
    return batch


def _mark_replaced(batch: ImportBatch, years: list[int]) -> None:
    """Earlier imports of the dataset whose years are all covered again are replaced by this one."""
    earlier = ImportBatch.objects.filter(
        dataset=batch.dataset, status=BatchStatus.DONE, replaced_by__isnull=True
    ).exclude(pk=batch.pk)
    replaced = [other.pk for other in earlier if other.years and set(other.years) <= set(years)]
    ImportBatch.objects.filter(pk__in=replaced).update(replaced_by=batch)


@transaction.atomic
def batch_create_from_path(
    *, dataset: Dataset, file_format: str, path: str, version_date=None
) -> ImportBatch:
    """A batch for a file given on the command line: it is read where it is, not copied."""
    return ImportBatch.objects.create(
        dataset=dataset,
        format=file_format,
        original_name=path.rsplit("/", 1)[-1][:255],
        file=f"command-line/{path.rsplit('/', 1)[-1]}"[:255],
        version_date=version_date,
    )


# --- targets ------------------------------------------------------------------------------------


@transaction.atomic
def target_save(*, target: Target, territory=None) -> Target:
    """Saves a target of the territory (`territory`, else the target's own): a commune's target must be
    of one of the territory's communes (Target.clean)."""
    if territory is not None:
        target.territory = territory
    target.full_clean()
    target.save()
    return target


# Work tables of the PostgreSQL import path (see importers/direct.py, staging.py, facts.py). An import
# drops its own; one killed mid-way (worker lost, server restarted) leaves them behind.
WORK_TABLE_PREFIXES = ("obs_direct_", "obs_half_", "obs_part_", "obs_staging_", "obs_new_")


def work_tables_sweep() -> list[str]:
    """Drops the work tables that killed imports left behind and returns their names.

    Attached partitions are never touched. Tables are listed first, then nothing is dropped while an
    import is pending or running: a table listed before that check belongs to a batch the check sees.
    """
    if connection.vendor != "postgresql":
        return []  # SQLite imports in one transaction: nothing outlives it
    stale_batches_sweep()  # an import whose worker is gone blocks nothing any more
    patterns = [prefix.replace("_", r"\_") + "%" for prefix in WORK_TABLE_PREFIXES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND c.relname LIKE ANY (%s)
              AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
            ORDER BY c.relname
            """,
            [patterns],
        )
        names = [name for (name,) in cursor.fetchall()]
        if (
            not names
            or ImportBatch.objects.filter(status__in=[BatchStatus.PENDING, BatchStatus.RUNNING]).exists()
        ):
            return []
        cursor.execute("DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(name) for name in names))
    return names
