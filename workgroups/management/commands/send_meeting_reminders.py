from django.core.management.base import BaseCommand

from workgroups.services import reminders_send


class Command(BaseCommand):
    help = "Reminds the advisors and referents of communes whose working group has gone quiet (no spam)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders sent."))
        for reminder in sent:
            self.stdout.write(f"  {reminder.commune}: {reminder.recipients}")
