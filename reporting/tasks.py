from celery import shared_task

from . import services
from .models import DocumentStatus, GeneratedDocument


@shared_task
def generate_document_task(document_id: int) -> None:
    document = GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.PENDING).first()
    if document is not None:
        services.document_run(document=document)
