from celery import shared_task

from . import services
from .models import BatchStatus, ImportBatch


@shared_task
def import_batch_task(batch_id: int) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING).first()
    if batch is not None:
        services.batch_run(batch=batch)


@shared_task
def work_tables_sweep_task() -> list[str]:
    return services.work_tables_sweep()
