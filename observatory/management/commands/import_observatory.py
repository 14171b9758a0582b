import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from observatory import selectors, services
from observatory.models import BatchStatus, Dataset, ImportFormat
from pcl import formatting


class Command(BaseCommand):
    # Messages speak the active language: the project's default (French) unless one is activated.
    help = (
        "Imports an observatory file: the platform's long CSV (--format long) or the Agence ORE file "
        "of electricity and gas consumption by commune (--format ore). All or nothing: a file with any "
        "wrong row imports nothing and lists them. Importing a dataset again replaces the years it covers."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=ImportFormat.values)
        parser.add_argument("--dataset", required=True, help="Dataset code, e.g. orcae, agence-ore")
        parser.add_argument("--version-date", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, file, format, dataset, version_date, **options):
        if not file.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": file})
        found = Dataset.objects.filter(code=dataset).first()
        if found is None:
            codes = ", ".join(Dataset.objects.values_list("code", flat=True))
            message = _("Unknown dataset “%(code)s”; known datasets: %(codes)s.")
            raise CommandError(message % {"code": dataset, "codes": codes})
        batch = services.batch_create_from_path(
            dataset=found, file_format=format, path=str(file), version_date=version_date
        )
        batch = services.batch_run(batch=batch, path=str(file), progress_callback=self._progress)
        sys.stderr.write("\n")
        if batch.status != BatchStatus.DONE:
            shown = selectors.batch_errors(batch, limit=50)
            lines = [
                "  "
                + _("line %(line)s, column %(column)s, value “%(value)s”: %(reason)s")
                % {"line": e["line"], "column": e["column"], "value": e["value"], "reason": e["reason"]}
                for e in shown
            ]
            if batch.error_count > len(shown):
                lines.append("  " + _("… and %(count)s more") % {"count": batch.error_count - len(shown)})
            raise CommandError("\n".join([selectors.batch_result_message(batch), *lines]))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(message)s %(read)s rows read, %(imported)s values imported, %(skipped)s rows skipped "
                    "(import #%(batch)s)."
                )
                % {
                    "message": selectors.batch_result_message(batch),
                    "read": formatting.number(batch.rows_read),
                    "imported": formatting.number(batch.rows_imported),
                    "skipped": formatting.number(batch.rows_skipped),
                    "batch": batch.pk,
                }
            )
        )

    def _progress(self, phase: str, done: int, total: int) -> None:
        percent = (
            " " + formatting.percent(100 * done // total).rjust(5) if total and phase == "reading" else ""
        )
        sys.stderr.write(f"\r{phase:<10}{percent}   ")
        sys.stderr.flush()
