import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from observatory import services
from observatory.models import BatchStatus, Dataset, ImportFormat


class Command(BaseCommand):
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
            raise CommandError(f"No file at {file}.")
        found = Dataset.objects.filter(code=dataset).first()
        if found is None:
            codes = ", ".join(Dataset.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown dataset {dataset!r}; known datasets: {codes}.")
        batch = services.batch_create_from_path(
            dataset=found, file_format=format, path=str(file), version_date=version_date
        )
        batch = services.batch_run(batch=batch, path=str(file), progress_callback=self._progress)
        sys.stderr.write("\n")
        if batch.status != BatchStatus.DONE:
            lines = [
                f"  line {e['line']}, column {e['column']}, value {e['value']!r}: {e['reason']}"
                for e in batch.errors[:50]
            ]
            more = f"\n  … and {batch.error_count - 50} more" if batch.error_count > 50 else ""
            raise CommandError(f"{batch.message}\n" + "\n".join(lines) + more)
        self.stdout.write(
            self.style.SUCCESS(
                f"{batch.message} {batch.rows_read} rows read, {batch.rows_imported} values imported, "
                f"{batch.rows_skipped} rows skipped (import #{batch.pk})."
            )
        )

    def _progress(self, phase: str, done: int, total: int) -> None:
        percent = f" {100 * done // total:3d} %" if total and phase == "reading" else ""
        sys.stderr.write(f"\r{phase:<10}{percent}   ")
        sys.stderr.flush()
