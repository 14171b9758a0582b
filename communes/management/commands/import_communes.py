from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes.importers import NATIONAL_FILE, CommuneImportError, communes_import


class Command(BaseCommand):
    help = (
        "Onboards the communes of an EPCI from the national commune list (or another CSV with the columns "
        "insee_code, name, population_municipale and optionally epci_siren and siren). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--epci", required=True, metavar="SIREN", help="SIREN of the EPCI, e.g. 200040715"
        )
        parser.add_argument("--name", default="", help="Name of the EPCI, e.g. 'Grenoble-Alpes Métropole'")
        parser.add_argument(
            "--file", type=Path, default=NATIONAL_FILE, help="CSV file (default: bundled list)"
        )
        parser.add_argument(
            "--population-year", type=int, default=None, help="INSEE vintage of the populations, when known"
        )

    def handle(self, *args, epci, name, file, population_year, **options):
        try:
            result = communes_import(
                path=file, epci_siren=epci.strip(), epci_name=name.strip(), population_year=population_year
            )
        except CommuneImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.epci.name} ({result.epci.siren}): {len(result.created)} communes created, "
                f"{len(result.updated)} updated."
            )
        )
