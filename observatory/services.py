"""Writes of the observatory: reference lists, import batches, targets."""

from datetime import date

from django.core.cache import cache
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone

from pcl import jobs

from . import reference, tasks
from .importers import ImportFailed, batch_message, import_file
from .models import BatchStatus, Carrier, Dataset, ImportBatch, RenewableSource, Sector, Target

PROGRESS_TIMEOUT = 24 * 3600


@transaction.atomic
def reference_load(
    *,
    sector_model=Sector,
    carrier_model=Carrier,
    source_model=RenewableSource,
    dataset_model=Dataset,
    target_model=Target,
) -> None:
    """Creates the managed lists, datasets and agglomeration targets that are missing.

    The models are parameters so that the data migration can pass its historical models.
    """
    for model, rows in (
        (sector_model, reference.SECTORS),
        (carrier_model, reference.CARRIERS),
        (source_model, reference.SOURCES),
    ):
        for order, (code, name) in enumerate(rows):
            model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for dataset in reference.DATASETS:
        dataset_model.objects.get_or_create(code=dataset["code"], defaults=dataset)
    for target in reference.TARGETS:
        target_model.objects.get_or_create(
            commune=None, target_year=target["target_year"], defaults={"reference_year": 2005, **target}
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
    transaction.on_commit(lambda: jobs.enqueue(tasks.import_batch_task, batch.pk))
    return batch


def batch_run(*, batch: ImportBatch, path: str | None = None, progress_callback=None) -> ImportBatch:
    """Imports the batch's file (or the file at `path`, for the command line). Its status is written
    outside the import's transaction, so that a refused file still records why; the import itself is
    all or nothing. The returned batch's `timings` gives the seconds spent per phase (for `make bench`)."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, started_at=timezone.now())

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(batch.pk), {"phase": phase, "done": done, "total": total}, PROGRESS_TIMEOUT)
        if progress_callback:
            progress_callback(phase, done, total)

    fields = {"finished_at": None}
    timings = {}
    try:
        with open(path, "rb") if path else batch.file.open("rb") as handle:
            result = import_file(
                path_or_file=handle,
                file_format=batch.format,
                dataset_id=batch.dataset_id,
                batch_id=batch.pk,
                progress=progress,
            )
    except ImportFailed as failure:
        fields.update(
            status=BatchStatus.FAILED,
            message=failure.message,
            message_code=failure.code,
            message_params=failure.params,
            errors=failure.errors,
            error_count=failure.error_count,
        )
    else:
        imported = {"values": result.rows_imported, "years": result.years}
        fields.update(
            status=BatchStatus.DONE,
            rows_read=result.rows_read,
            rows_imported=result.rows_imported,
            rows_skipped=result.rows_skipped,
            years=result.years,
            message=batch_message("imported", imported),
            message_code="imported",
            message_params=imported,
        )
        _mark_replaced(batch, result.years)
        timings = result.timings
    fields["finished_at"] = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    progress("finished", 1, 1)
    batch.refresh_from_db()
    batch.timings = timings
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
def target_save(*, target: Target) -> Target:
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
