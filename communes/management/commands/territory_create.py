from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes.onboarding import OnboardingError, territory_onboard


class Command(BaseCommand):
    help = (
        "Onboards a territory: the EPCI's territory, its communes from the bundled national list, their "
        "outlines from a GeoJSON file (IGN Admin Express or a simplified derivative), the agency serving it, "
        "and the national strategy's targets (SNBC) until it sets its own. All or nothing; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--epci", required=True, metavar="SIREN", help="SIREN of the EPCI, e.g. 243800984"
        )
        parser.add_argument(
            "--name",
            default="",
            help="The territory's name (required for an EPCI the platform does not know by name)",
        )
        parser.add_argument("--slug", default="", help="Its short name in addresses (default: from the name)")
        parser.add_argument(
            "--outlines",
            type=Path,
            default=None,
            metavar="FILE.geojson",
            help="GeoJSON of the communes' outlines, INSEE code in properties code, INSEE_COM or insee",
        )
        parser.add_argument(
            "--outlines-source", default="", help="Where the outlines come from (default: the file's name)"
        )
        parser.add_argument("--agency", default="", metavar="NAME", help="The energy agency serving it")

    def handle(self, *args, epci, name, slug, outlines, outlines_source, agency, **options):
        data = None
        if outlines is not None:
            try:
                data = outlines.read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {outlines}: {error}") from error
        try:
            result = territory_onboard(
                siren=epci,
                name=name,
                slug=slug,
                outlines=data,
                outlines_name=outlines.name if outlines else "",
                outlines_source=outlines_source,
                agency_name=agency,
            )
        except OnboardingError as error:
            raise CommandError(str(error)) from error
        lines = result.summary()
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(f"  {line}")
