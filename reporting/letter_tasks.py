"""Jobs of the Lettre du Plan Climat (kept apart from the documents' jobs in `tasks.py`)."""

from celery import shared_task

from . import letters
from .models import Letter


@shared_task
def letter_email_task(letter_id: int) -> None:
    letter = Letter.objects.filter(pk=letter_id, sent_at__isnull=False).first()
    if letter is not None:
        letters.letter_email_send(letter=letter)
