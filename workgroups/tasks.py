from celery import shared_task


@shared_task
def meeting_reminders_task() -> int:
    from . import services

    return len(services.reminders_send())
