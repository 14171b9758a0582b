from celery import shared_task


@shared_task
def import_batch_task(batch_id: int) -> None:
    """Runs the import once: a second delivery of the same job changes nothing (services.batch_run)."""
    from . import services
    from .models import ImportBatch

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        services.batch_run(batch=batch)


@shared_task
def stale_batches_sweep_task() -> list[int]:
    from . import services

    return services.stale_batches_sweep()


@shared_task
def work_tables_sweep_task() -> list[str]:
    from . import services

    return services.work_tables_sweep()
