"""Set-based imports of observatory files. On PostgreSQL a long CSV in the platform's own form is COPYed
straight into the fact table (direct.py); any other file streams into a staging table (COPY on
PostgreSQL), SQL checks it as a whole, and one statement writes the values (see facts.py).

A file with any bad row imports nothing and returns every bad row (line, column, value, reason).
Re-importing a dataset replaces the years the file covers, so the same file twice changes nothing."""

import io

from django.db import connection, transaction

from ..models import ImportFormat
from ..totals import AGGREGATE_TABLES, FACT_TABLE, data_changed, statistics_refresh
from .common import (
    LONG_COLUMNS,
    ORE_COLUMNS,
    ImportFailed,
    ImportResult,
    Progress,
    Timer,
    batch_message,
    no_progress,
    read_header,
)
from .direct import try_direct
from .long_csv import import_long
from .ore import import_ore
from .staging import Staging

# For the import's transaction only. Sorts and hashes of a million rows fit in memory; the bulk
# statements run in parallel even on small tables; JIT compilation costs more than it saves here. The
# planner underestimates joins on six text columns (by six times on the benchmark's file) and would then
# sort a million rows for a merge join, or loop over a lookup table for each row, where hashing the few
# thousand lookup rows is far cheaper.
POSTGRES_SETTINGS = {
    "enable_mergejoin": "off",
    "enable_nestloop": "off",
    "work_mem": "256MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_maintenance_workers": "2",
    "parallel_setup_cost": "100",
    "parallel_tuple_cost": "0.01",
    "jit": "off",
    # The batch's status is committed right after, synchronously, which flushes this commit too.
    "synchronous_commit": "off",
}

__all__ = ["ImportFailed", "ImportResult", "batch_message", "import_file"]


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
            raise ImportFailed("missing_columns", {"missing": missing, "found": header})
        timer = Timer()
        postgres = connection.vendor == "postgresql"
        handle.seek(0)
        with transaction.atomic():
            result = None
            if postgres:
                with connection.cursor() as cursor:
                    for name, value in POSTGRES_SETTINGS.items():
                        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
                if file_format == ImportFormat.LONG:
                    result = try_direct(
                        handle,
                        size,
                        header=header,
                        delimiter=delimiter,
                        dataset_id=dataset_id,
                        batch_id=batch_id,
                        progress=progress,
                        timer=timer,
                    )
            if result is None:
                staging = Staging(header, delimiter, batch_id)
                with timer.phase("copy"):
                    staging.load(handle, size, progress)
                progress("checking", 0, 1)
                run = import_long if file_format == ImportFormat.LONG else import_ore
                result = run(staging, dataset_id, batch_id, progress, timer)
                # A refused file rolls back and takes the work tables with it; a good one drops them.
                staging.drop()
            # Statistics of the new partition, the parent and the aggregates before success is reported:
            # the first page after the import is then planned as well as the hundredth.
            with timer.phase("statistics"), connection.cursor() as cursor:
                statistics_refresh(cursor, [FACT_TABLE, *AGGREGATE_TABLES])
            data_changed()
        result.timings = timer.timings
        return result
    finally:
        if isinstance(path_or_file, str):
            handle.close()
