from django.core.management.base import BaseCommand

from actions.services import catalogue_load_starter


class Command(BaseCommand):
    help = "Adds the themes and the starter catalogue entries that are missing (edited entries are kept)."

    def handle(self, *args, **options):
        created = catalogue_load_starter()
        self.stdout.write(self.style.SUCCESS(f"{created} catalogue actions added."))
