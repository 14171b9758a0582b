from celery import shared_task

from . import services


@shared_task
def meeting_reminders_task() -> int:
    return len(services.reminders_send())
