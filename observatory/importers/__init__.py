"""Set-based imports of observatory files: the file streams into a staging table (COPY on
PostgreSQL), SQL checks every row at once, and one INSERT ... SELECT writes the values.

A file with any bad row imports nothing and returns every bad row (line, column, value, reason).
Re-importing a dataset replaces the years the file covers, so the same file twice changes nothing."""

import io

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ImportFormat
from .common import LONG_COLUMNS, ORE_COLUMNS, ImportFailed, ImportResult, Progress, no_progress, read_header
from .long_csv import import_long
from .ore import import_ore
from .staging import Staging

__all__ = ["ImportFailed", "ImportResult", "import_file"]


def import_file(
    *, path_or_file, file_format: str, dataset_id: int, batch_id: int, progress: Progress = no_progress
) -> ImportResult:
    """Imports a file into the dataset, all or nothing. Raises ImportFailed with the bad rows."""
    handle = open(path_or_file, "rb") if isinstance(path_or_file, str) else path_or_file  # noqa: SIM115
    try:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        header, delimiter = read_header(handle)
        required = LONG_COLUMNS if file_format == ImportFormat.LONG else ORE_COLUMNS
        missing = [column for column in required if column not in header]
        if missing:
            raise ImportFailed(
                _("The file lacks the columns %(missing)s (found: %(found)s). Is it the right format?")
                % {"missing": ", ".join(missing), "found": ", ".join(header) or "—"}
            )
        handle.seek(0)
        with transaction.atomic():
            staging = Staging(header, delimiter, batch_id)
            try:
                staging.load(handle, size, progress)
                progress("checking", 0, 1)
                if file_format == ImportFormat.LONG:
                    return import_long(staging, dataset_id, batch_id, progress)
                return import_ore(staging, dataset_id, batch_id, progress)
            finally:
                staging.drop()
    finally:
        if isinstance(path_or_file, str):
            handle.close()
