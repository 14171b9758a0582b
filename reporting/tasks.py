"""The reporting app's background jobs: documents, the letter's emailing, the sweep of stuck jobs.

Thin (STYLE.md rule 12): each imports its service inside its body; the services claim the job and
make a second delivery of it change nothing."""

from celery import shared_task


@shared_task
def generate_document_task(document_id: int) -> None:
    from . import services
    from .models import GeneratedDocument

    document = GeneratedDocument.objects.filter(pk=document_id).first()
    if document is not None:
        services.document_run(document=document)


@shared_task
def letter_email_task(letter_id: int) -> None:
    from . import letters

    letters.letter_email_job(letter_id=letter_id)


@shared_task
def stale_jobs_sweep_task() -> list[int]:
    from . import services

    return services.stale_documents_sweep()
