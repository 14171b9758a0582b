"""A large long CSV on PostgreSQL, imported on two connections at once (the machine's cores).

The file is cut at a line boundary near its middle. Two worker connections, each in a thread, COPY one
half each into an UNLOGGED table (the second half's lines numbered after the first's) and return the
distinct codes and kinds of value they hold. The import's own connection resolves those (the lookups of
long_csv.py, in its transaction: it sees the communes the workers would not see in a test) and splits
the communes in two ranges of about as many rows. Each worker then writes the rows of its range of
communes, read from both halves, into a table of its own, checks it and builds its unique index; the
import's connection attaches both, under the dataset lock, as the sub-partitions of the batch's
partition (partitioned by commune range): the unique key holds the commune, so a value repeated across
the halves meets its twin in the same table and is refused there.

The workers commit their tables (the import's connection must see them); the import's transaction drops
the halves or, when it fails, the workers drop everything they made. A file with quotes in its first half
is imported on one connection: a quoted field may hold a line break, and line numbers would then drift."""

import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from .common import CHUNK, ImportFailed, ImportResult, Progress, Timer, scalar, years_of
from .facts import RowsRejected, create_as_sql, facts_attach_halves, key_index_sql, partition_checks_sql
from .long_csv import KIND_COLUMNS, lookups, report, rows_sql
from .staging import Staging, copy_errors

# Files from this size on (bytes) are imported on two connections; a setting so that tests can split
# a small file. Below it, the second connection and its round trips cost more than they save.
SPLIT_SETTING = "OBSERVATORY_IMPORT_SPLIT_BYTES"
SPLIT_BYTES = 8 << 20

# Each worker is one core: no parallel workers of its own. The joins run in the order written: first to
# the worker's communes (half the rows of both halves go no further), then to the kinds of value, whose
# six-column match the planner cannot estimate.
WORKER_SETTINGS = {
    "join_collapse_limit": "1",
    "work_mem": "256MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_workers_per_gather": "0",
    "max_parallel_maintenance_workers": "0",
    "enable_mergejoin": "off",
    "enable_nestloop": "off",
    "jit": "off",
    "synchronous_commit": "off",
}

KIND_TYPES = (
    *(f"{name}_raw text" for name in KIND_COLUMNS),
    "year integer",
    "quantity text",
    "sector_id bigint",
    "carrier_id bigint",
    "source_id bigint",
    "factor double precision",
    "is_estimate boolean",
    "position bigint",
)


@dataclass
class Split:
    offset: int  # the first byte of the second half, at the start of a line
    lines_before: int  # the file's lines before it, header included


def split_point(handle, size: int, threshold: int | None = None) -> Split | None:
    """A line boundary near the middle of the file, or None when the file is small or holds quotes
    in its first half. Reads the first half in chunks (counting line breaks is fast), not at once."""
    threshold = getattr(settings, SPLIT_SETTING, SPLIT_BYTES) if threshold is None else threshold
    handle.seek(0)
    handle.readline()
    body = handle.tell()
    if size - body < max(threshold, 2):
        return None
    handle.seek(body + (size - body) // 2)
    handle.readline()
    offset = handle.tell()
    if offset >= size:
        return None
    handle.seek(0)
    lines = 0
    while handle.tell() < offset:
        chunk = handle.read(min(CHUNK, offset - handle.tell()))
        if not chunk or b'"' in chunk:
            return None
        lines += chunk.count(b"\n")
    return Split(offset, lines)


def half_table(token: str, index: int) -> str:
    return f"obs_half_{token}_{index}"


class SharedFile:
    """One file read by both threads: each read seeks first, under a lock."""

    def __init__(self, handle):
        self.handle = handle
        self.lock = threading.Lock()

    def chunks(self, start: int, end: int):
        position = start
        while position < end:
            with self.lock:
                self.handle.seek(position)
                chunk = self.handle.read(min(CHUNK, end - position))
            if not chunk:
                return
            position += len(chunk)
            yield chunk


class Half:
    """One worker connection and the tables it makes: its half of the file, then its share of the rows."""

    def __init__(
        self,
        index: int,
        *,
        token: str,
        staging: Staging,
        file: SharedFile,
        start: int,
        end: int,
        lines_before: int,
    ):
        self.index = index
        self.staging = staging
        self.file = file
        self.start, self.end = start, end
        self.lines_before = lines_before
        self.table = half_table(token, index)
        self.output = f"obs_part_{token}_{index}"
        self.rows = self.imported = self.done = 0
        self.codes: list[tuple[str, int]] = []
        self.kinds: list[tuple] = []
        self.timings: dict[str, float] = {}
        params = connection.get_connection_params()
        params = {key: value for key, value in params.items() if key not in ("cursor_factory", "context")}
        self.connection = psycopg.connect(**params, autocommit=True)
        with self.connection.cursor() as cursor:
            for name, value in WORKER_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, false)", [name, value])

    @contextmanager
    def _phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    def load(self) -> None:
        """COPYs the half (the first one with the header), then lists its codes (with their row count,
        to balance the second step) and its distinct kinds of value."""
        c = self.staging.col
        header = self.index == 0
        first_line = self.lines_before + (2 if header else 1)
        with self.connection.cursor() as cursor:
            with self._phase("copy"):
                cursor.execute(
                    f"CREATE UNLOGGED TABLE {self.table} (line bigint GENERATED ALWAYS AS IDENTITY "
                    f"(START WITH {first_line} CACHE 1000000), {self.staging.text_columns()})"
                )
                with (
                    copy_errors(self.lines_before),
                    cursor.copy(self.staging.copy_sql(self.table, header=header)) as copy,
                ):
                    for chunk in self.file.chunks(self.start, self.end):
                        copy.write(chunk)
                        self.done += len(chunk)
                # No ANALYZE (a third of the COPY's time): the plans here are fixed (WORKER_SETTINGS).
                self.rows = cursor.rowcount
            with self._phase("distinct"):
                # One scan, two hash tables: the codes (with their rows) and the kinds of value.
                raw = ", ".join(c(name) for name in KIND_COLUMNS)
                cursor.execute(
                    f"SELECT GROUPING({c('insee_code')}), {c('insee_code')}, {raw}, count(*) "
                    f"FROM {self.table} s GROUP BY GROUPING SETS (({c('insee_code')}), ({raw}))"
                )
                for row in cursor:
                    if row[0]:  # the code is not part of this row's grouping: a kind of value
                        self.kinds.append(row[2:-1])
                    else:
                        self.codes.append((row[1], row[-1]))

    def write(
        self, *, codes: list[tuple], kinds: list[tuple], select_sql: str, checks_sql: str, index_sql: str
    ):
        """Writes its communes' rows (those of `codes`) from both halves into its table, checks it and
        indexes it. Raises RowsRejected when the database refuses a row."""
        try:
            with self.connection.cursor() as cursor:
                with self._phase("write"):
                    cursor.execute("CREATE TEMP TABLE obs_codes (code_raw text, commune_id bigint)")
                    cursor.execute(f"CREATE TEMP TABLE obs_kinds ({', '.join(KIND_TYPES)})")
                    for table, rows in (("obs_codes", codes), ("obs_kinds", kinds)):
                        with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                        cursor.execute(f"ANALYZE {table}")
                    cursor.execute(select_sql)
                    self.imported = cursor.rowcount
                with self._phase("constraints"):
                    cursor.execute(checks_sql)
                with self._phase("index"):
                    cursor.execute(index_sql)
        except (psycopg.DataError, psycopg.IntegrityError) as error:
            raise RowsRejected(str(error)) from error

    def drop(self) -> None:
        """After a failure: the import's transaction has rolled back, nothing else holds these tables."""
        with self.connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute(f"DROP TABLE IF EXISTS {self.output}, {self.table}")

    def close(self) -> None:
        self.connection.close()


class Halves:
    """The two workers, opened around the import's transaction: on a failure they drop their tables once
    that transaction has rolled back (which releases its locks on them)."""

    def __init__(self, handle, size: int, split: Split, header: list[str], delimiter: str, batch_id: int):
        token = secrets.token_hex(4)  # names no earlier run (or open test transaction) holds
        file = SharedFile(handle)
        ranges = [(0, split.offset, 0), (split.offset, size, split.lines_before)]
        source = " UNION ALL ".join(f"SELECT * FROM {half_table(token, index)}" for index in range(2))
        self.size = size
        self.staging = Staging(header, delimiter, batch_id, source=source)
        self.halves: list[Half] = []
        try:
            for index, (start, end, lines_before) in enumerate(ranges):
                half = Half(
                    index,
                    token=token,
                    staging=self.staging,
                    file=file,
                    start=start,
                    end=end,
                    lines_before=lines_before,
                )
                self.halves.append(half)
        except BaseException:
            for half in self.halves:
                half.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        for half in self.halves:
            try:
                if error is not None:
                    half.drop()
            finally:
                half.close()

    def _both(self, calls, tick=None) -> None:
        """Runs the two calls at once; raises the first half's error, if any, once both have ended."""
        language = translation.get_language()  # the threads' messages speak the caller's language

        def run(call):
            with translation.override(language):
                return call()

        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            futures = [pool.submit(run, call) for call in calls]
            while True:
                _, pending = wait(futures, timeout=0.25)
                if tick:
                    tick()
                if not pending:
                    break
        for future in futures:
            if future.exception() is not None:
                raise future.exception()

    def import_long(
        self, *, dataset_id: int, batch_id: int, progress: Progress, timer: Timer
    ) -> ImportResult:
        staging = self.staging
        halves = self.halves
        with timer.phase("copy"):
            self._both(
                [half.load for half in halves],
                tick=lambda: progress("reading", sum(half.done for half in halves), self.size),
            )
        staging.rows = sum(half.rows for half in halves)
        progress("checking", 0, 1)
        with timer.phase("lookups"):
            codes, kinds = self._lookups()
        with timer.phase("checks"):
            wrong_codes = scalar(f"SELECT count(*) FROM {codes} WHERE commune_id IS NULL")
            wrong_kinds = scalar(f"SELECT count(*) FROM {kinds} WHERE problem IS NOT NULL")
            if wrong_codes or wrong_kinds:
                report(staging, codes, kinds)
            years = years_of(f"SELECT DISTINCT year FROM {kinds}")
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT code_raw, commune_id FROM {codes}")
                communes = dict(cursor.fetchall())
                # Each kind's position in the unique key's order after the commune: a worker writes its
                # rows sorted on one integer (commune, position), cheap to sort, and its index build then
                # finds them in order (a check of each row against the next instead of a sort).
                columns = [column.split()[0] for column in KIND_TYPES[:-1]]
                cursor.execute(
                    f'SELECT {", ".join(columns)}, dense_rank() OVER (ORDER BY year, quantity COLLATE "C", '
                    f"sector_id, carrier_id, source_id) FROM {kinds}"
                )
                kind_rows = cursor.fetchall()
                positions = len(kind_rows) + 1
                boundary = _balance(communes, [half.codes for half in halves])
                # Each worker reads both halves and passes over the other range's rows: cheap (measured:
                # a file grouped by commune, whose halves could each stay with one worker, is no faster).
                sort_key = f"co.commune_id * {positions} + k.position"
                select_sql = rows_sql(staging, "obs_codes", "obs_kinds", dataset_id, batch_id, sort_key)
                bounds = [f"commune_id < {boundary}", f"commune_id >= {boundary}"]
                work = [
                    {
                        "codes": [
                            (raw, commune)
                            for raw, commune in communes.items()
                            if (commune < boundary) == (half.index == 0)
                        ],
                        "kinds": kind_rows,
                        "select_sql": create_as_sql(half.output, select_sql, batch_id, sorted_rows=True),
                        "checks_sql": partition_checks_sql(cursor, half.output, dataset_id, batch_id, bound),
                        "index_sql": key_index_sql(cursor, half.output),
                    }
                    for half, bound in zip(halves, bounds, strict=True)
                ]
        progress("writing", 0, 1)
        rejected = None
        with timer.phase("write"):
            try:
                self._both([partial(half.write, **args) for half, args in zip(halves, work, strict=True)])
            except RowsRejected as error:
                rejected = error
        if rejected:
            with timer.phase("checks"):
                report(staging, codes, kinds)
            # Nothing the checks know of (a number too large for a float...): the database's own words.
            raise ImportFailed(
                _("The file could not be imported: %(reason)s") % {"reason": str(rejected).splitlines()[0]}
            ) from rejected
        with timer.phase("swap"):
            facts_attach_halves(
                tables=[half.output for half in halves],
                boundary=boundary,
                dataset_id=dataset_id,
                batch_id=batch_id,
                years=years,
            )
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {', '.join(half.table for half in halves)}")
            staging.drop()
        for half in halves:
            for phase, seconds in half.timings.items():
                timer.timings[f"worker {half.index + 1} · {phase}"] = seconds
        imported = sum(half.imported for half in halves)
        return ImportResult(rows_read=staging.rows, rows_imported=imported, rows_skipped=0, years=years)

    def _lookups(self) -> tuple[str, str]:
        """long_csv's lookups, from the distinct values the halves found."""
        staging = self.staging
        raw_codes, create_codes = staging.scratch_table("raw_codes")
        raw_kinds, create_kinds = staging.scratch_table("raw_kinds")
        codes = {code for half in self.halves for code, _count in half.codes}
        kinds = {kind for half in self.halves for kind in half.kinds}
        with connection.cursor() as cursor:
            cursor.execute(f"{create_codes} (code_raw text)")
            cursor.execute(f"{create_kinds} ({', '.join(KIND_TYPES[: len(KIND_COLUMNS)])})")
            for table, rows in ((raw_codes, [(code,) for code in codes]), (raw_kinds, kinds)):
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        return lookups(
            staging,
            codes_source=f"SELECT code_raw FROM {raw_codes}",
            kinds_source=f"SELECT * FROM {raw_kinds}",
        )


def _balance(communes: dict[str, int], counts: list[list[tuple[str, int]]]) -> int:
    """The commune id that cuts the rows in two halves of about the same size (below it, the first)."""
    rows = Counter()
    for half in counts:
        for raw, count in half:
            rows[communes[raw]] += count
    total = sum(rows.values())
    seen = 0
    for commune in sorted(rows):
        seen += rows[commune]
        if 2 * seen >= total:
            return commune + 1
    return 0
