from django.core.management.base import BaseCommand
from django.db import transaction

from actions.demo import plans_demo_load
from communes.demo import demo_load, demo_territories_text
from observatory.demo import observatory_demo_load
from reporting.demo import letters_demo_load
from workgroups.demo import groups_demo_load


# It lives in reporting, the app that reads all the others: each app's demo is loaded by a plain call,
# in the order the apps depend on each other (communes first, the Letter, which reads them all, last).
class Command(BaseCommand):
    help = (
        "Loads the demonstration data: two territories (Grenoble-Alpes Métropole's 49 communes and the Pays "
        "Voironnais's 31), their agencies, demo people of each role, charter partners, plans, observatory "
        "series and letters. Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo person a new password, printed once.",
        )

    def handle(self, *args, reset_passwords, **options):
        # One transaction: the demo loads whole or not at all.
        with transaction.atomic():
            people = demo_load(reset_passwords=reset_passwords)
            plans_demo_load()
            observatory_demo_load()
            groups_demo_load()
            letters_demo_load()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {demo_territories_text()}; charter partners, demo people.")
        )
        new = [(person, password) for person, password in people if password]
        if not new:
            self.stdout.write(
                "Demo people already exist with the passwords printed when they were created "
                "(`manage.py load_demo --reset-passwords` gives them new ones)."
            )
            return
        self.stdout.write("\nDemo accounts (these passwords are printed only once):")
        width = max(len(person.email) for person, _ in new)
        for person, password in new:
            self.stdout.write(f"  {person.email:<{width}}  {password}  {person.label}")
        self.stdout.write("")
