"""A long CSV in the platform's own form, COPYed straight into the batch's partition (PostgreSQL).

The platform's own form is what its export writes: the eight columns, INSEE codes, the lower-case codes
of its lists, numbers with a decimal point in the stored unit of their quantity ("MWh", "t CO2e",
"inhabitants") and the statuses "consolidated" or "estimated". Such a file maps column for column onto
the fact table (migration 0004), so it needs no staging table and no second write of its rows:

1. Each part of the file (two halves on two connections for a large file, the cores of the machine;
   else the whole file on the import's own connection) is COPYed, FREEZE, into a table created in the
   same transaction: rows are written once, already frozen, and later scans set no hint bits. The
   table's column types and CHECK constraints check each row as it comes in: a number, a year between
   1990 and 2100, a known quantity in its stored unit, a status. Line numbers become ids (batch << 32 |
   line) through a sequence. The dataset and the batch, the same for every row, are columns added
   afterwards with a default, which PostgreSQL keeps once rather than in each row.
2. Each part gets its lookup index and its aggregates (totals.py), which list its communes and years,
   and each quantity's sectors and energies: those must be of the platform's lists where the quantity
   takes them and none where it does not (checked on a few hundred aggregates, not on each row); one
   scan counts its repeated keys (by a 64-bit hash of the key, then exactly when the hash finds any).
3. The import's connection checks the communes (in its transaction, which sees communes the workers'
   connections might not; those of the dataset's territory for a territory's own dataset), the keys
   repeated across the parts (only the communes both parts hold can repeat there), and attaches the
   parts as the batch's partition.

Whatever does not fit - a line the types or constraints refuse, an unknown commune, a value given twice,
a commune of another territory, a file with other columns - raises NotDirect: the parts are dropped and
the general path (staging.py, long_csv.py) imports the file, normalising its spellings, or lists every bad
row. This path never reports an error itself, so that both always agree on what a file is worth."""

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager

import psycopg
from django.db import connection, transaction
from psycopg import sql

from ..models import STORED_UNIT, Carrier, Quantity, RenewableSource, Sector, Status
from ..totals import dataset_territory_id, stage_select_sql, totals_replace
from .common import LONG_COLUMNS, ImportResult, Progress, Timer
from .facts import KEY_COLUMNS, attach_partition, key_index_sql, parent_checks, repeats, swap_out
from .split import SharedFile, Split, split_point

logger = logging.getLogger(__name__)

# The file's columns, each to the fact table's column it is COPYed into.
COLUMNS = {
    "insee_code": "insee_code",
    "year": "year",
    "quantity": "quantity",
    "sector": "sector_code",
    "energy": "energy",
    "value": "value",
    "unit": "unit",
    "status": "status",
}

# Each worker is one core: no parallel workers of its own.
WORKER_SETTINGS = {
    "work_mem": "256MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_workers_per_gather": "0",
    "max_parallel_maintenance_workers": "0",
    "jit": "off",
    "synchronous_commit": "off",
}


class NotDirect(Exception):
    """The file is not in the platform's own form, or not right: the general path takes it."""


# Every name and value built into this module's SQL goes through psycopg.sql: names as sql.Identifier,
# values (the codes of the platform's lists, units, numbers, the file's delimiter) as sql.Literal,
# which psycopg quotes; only the SQL text of this module and of the catalogue is sql.SQL.


def _literals(values) -> sql.Composable:
    """The values as a list of SQL literals, or NULL (which nothing is IN) for none."""
    literals = [sql.Literal(value) for value in values]
    return sql.SQL(", ").join(literals) if literals else sql.SQL("NULL")


def _unit_check() -> sql.Composed:
    """Each row's unit is the stored unit of its quantity, a quantity of the platform's (per row: cheap)."""
    units = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(quantity), sql.Literal(STORED_UNIT[quantity]))
        for quantity in Quantity.values
    )
    return sql.SQL("coalesce(unit = CASE quantity {} END, false)").format(units)


def _kinds_check() -> sql.Composed:
    """Which sector and energy each quantity takes, from the platform's lists: checked on the part's
    aggregates (one row per year, quantity, sector and energy) rather than on each of its rows, where
    the lists' comparisons cost a fifth of the COPY."""
    return sql.SQL(
        """coalesce(CASE quantity
        WHEN {consumption} THEN sector_code IN ({sectors}) AND energy IN ({carriers})
        WHEN {emissions} THEN sector_code IN ({sectors}) AND energy IS NULL
        WHEN {production} THEN sector_code IS NULL AND energy IN ({sources})
        WHEN {population} THEN sector_code IS NULL AND energy IS NULL
    END, false)"""
    ).format(
        sectors=_literals(Sector.objects.values_list("code", flat=True)),
        carriers=_literals(Carrier.objects.values_list("code", flat=True)),
        sources=_literals(RenewableSource.objects.values_list("code", flat=True)),
        **{quantity: sql.Literal(quantity) for quantity in Quantity.values},
    )


class Part:
    """One part of the file, COPYed into a table of its own on one connection, checked and indexed.

    `own`: a psycopg connection of the part's own, which commits its table for the import's connection
    to attach; without it, the part runs on the import's connection, in its transaction."""

    def __init__(
        self, index: int, *, table: str, file: SharedFile, start: int, end: int, first_line: int, own: bool
    ):
        self.index = index
        self.table = table
        self.totals_table = f"{table}_totals"
        self.file = file
        self.start, self.end = start, end
        self.first_line = first_line
        self.rows = self.done = 0
        self.codes: set[str] = set()
        self.years: set[int] = set()
        self.timer = Timer()  # the part's own phases
        self.connection = None
        if own:
            params = connection.get_connection_params()
            params = {key: value for key, value in params.items() if key not in ("cursor_factory", "context")}
            self.connection = psycopg.connect(**params, autocommit=True)
            with self.connection.cursor() as cursor:
                for name, value in WORKER_SETTINGS.items():
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])

    @contextmanager
    def _cursor(self):
        if self.connection is None:
            with connection.cursor() as cursor:
                yield cursor.cursor
        else:
            with self.connection.transaction(), self.connection.cursor() as cursor:
                yield cursor

    def run(
        self,
        *,
        create_sql: sql.Composable,
        constants_sql: sql.Composable,
        header: list[str],
        delimiter: str,
        index_sql: sql.Composable,
        totals_sql: sql.Composable,
        kinds_sql: sql.Composable,
    ) -> None:
        """COPYs, checks and indexes the part. Raises NotDirect when a row does not fit."""
        copy_sql = sql.SQL(
            "COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, HEADER {header}, DELIMITER {delimiter}, "
            "ENCODING 'UTF8', FREEZE)"
        ).format(
            table=sql.Identifier(self.table),
            names=sql.SQL(", ").join(sql.Identifier(COLUMNS[name]) for name in header),
            header=sql.Literal(self.index == 0),
            delimiter=sql.Literal(delimiter),
        )
        try:
            with self._cursor() as cursor:
                with self.timer.phase("copy"):
                    cursor.execute(create_sql)
                    with cursor.copy(copy_sql) as copy:
                        for chunk in self.file.chunks(self.start, self.end):
                            copy.write(chunk)
                            self.done += len(chunk)
                    self.rows = cursor.rowcount
                    cursor.execute(constants_sql)
                with self.timer.phase("index"):
                    cursor.execute(index_sql)
                with self.timer.phase("totals"):
                    # The part's aggregates (totals.py), in the one pass over its rows that also lists
                    # its communes and years, for the import's connection to check.
                    cursor.execute(totals_sql)
                with self.timer.phase("checks"):
                    cursor.execute(
                        sql.SQL(
                            "SELECT insee_code, year FROM {} WHERE insee_code IS NOT NULL "
                            "GROUP BY insee_code, year"
                        ).format(sql.Identifier(self.totals_table))
                    )
                    for code, year in cursor.fetchall():
                        self.codes.add(code)
                        self.years.add(year)
                    cursor.execute(
                        sql.SQL(
                            "SELECT EXISTS (SELECT 1 FROM {} WHERE insee_code IS NULL AND NOT {})"
                        ).format(sql.Identifier(self.totals_table), kinds_sql)
                    )
                    if cursor.fetchone()[0]:
                        raise NotDirect("a sector or an energy its quantity does not take")
                    if repeats(cursor, self.table):
                        raise NotDirect("a value given twice")
        except (psycopg.DataError, psycopg.IntegrityError, psycopg.errors.BadCopyFileFormat) as error:
            raise NotDirect(str(error)) from error

    def drop(self) -> None:
        """After a failure, once the import's connection has let go of the table."""
        if self.connection is not None:
            with self.connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '10s'")
                cursor.execute(
                    sql.SQL("DROP TABLE IF EXISTS {}, {}").format(
                        sql.Identifier(self.table), sql.Identifier(self.totals_table)
                    )
                )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def eligible(header: list[str]) -> bool:
    return sorted(header) == sorted(LONG_COLUMNS)


class Direct:
    """The parts of one import, opened around the import's transaction: on a failure the parts that
    committed their table drop it once that transaction has let go of it."""

    def __init__(self, handle, size: int, split: Split | None, batch_id: int):
        token = secrets.token_hex(4)  # names no earlier run (or open test transaction) holds
        file = SharedFile(handle)
        if split:
            ranges = [(0, split.offset, 2), (split.offset, size, split.lines_before + 1)]
        else:
            ranges = [(0, size, 2)]
        self.size = size
        self.batch_id = batch_id
        self.parts: list[Part] = []
        try:
            for index, (start, end, first_line) in enumerate(ranges):
                self.parts.append(
                    Part(
                        index,
                        table=f"obs_direct_{token}_{index}",
                        file=file,
                        start=start,
                        end=end,
                        first_line=first_line,
                        own=split is not None,
                    )
                )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for part in self.parts:
            part.close()

    def drop(self) -> None:
        for part in self.parts:
            part.drop()

    def _id(self, line: int) -> int:
        return (self.batch_id << 32) + line

    def _create_sql(
        self, part: Part, dataset_id: int, checks: list[tuple[str, str]], units: sql.Composable
    ) -> sql.Composed:
        table = part.table
        bounds = []
        if len(self.parts) > 1:  # the range of ids (lines) the part holds within the batch
            if part.index == 0:
                bounds.append(sql.SQL("id < {}").format(sql.Literal(self._id(self.parts[1].first_line))))
            else:
                bounds.append(sql.SQL("id >= {}").format(sql.Literal(self._id(part.first_line))))

        def constraint(name: str, definition: sql.Composable) -> sql.Composed:
            return sql.SQL("CONSTRAINT {} {}").format(sql.Identifier(name), definition)

        # The parent's checks, as the catalogue writes them (pg_get_constraintdef): SQL of the database's own.
        constraints = [
            constraint(name, sql.SQL(definition.replace("{", "{{").replace("}", "}}")))
            for name, definition in checks
        ]
        constraints += [
            constraint(f"{table}_year", sql.SQL("CHECK (year BETWEEN 1990 AND 2100)")),
            constraint(
                f"{table}_value",
                sql.SQL("CHECK (abs(value) < 'Infinity' AND (value >= 0 OR quantity = {}))").format(
                    sql.Literal(Quantity.EMISSIONS.value)
                ),
            ),
            constraint(f"{table}_unit", sql.SQL("CHECK ({})").format(units)),
            constraint(f"{table}_status", sql.SQL("CHECK (status IN ({}))").format(_literals(Status.values))),
            *(constraint(f"{table}_ids", sql.SQL("CHECK ({})").format(bound)) for bound in bounds),
        ]
        sequence = f"{table}_line"
        return sql.SQL(
            """CREATE SEQUENCE {sequence} START WITH {start} CACHE 1000000;
            CREATE TABLE {table} (
                id bigint NOT NULL DEFAULT nextval({sequence_name}),
                insee_code varchar(5) COLLATE "C" NOT NULL,
                year smallint NOT NULL,
                quantity varchar(12) COLLATE "C" NOT NULL,
                sector_code varchar(40) COLLATE "C",
                energy varchar(40) COLLATE "C",
                value double precision NOT NULL,
                status varchar(12) COLLATE "C" NOT NULL,
                unit text NOT NULL,
                {constraints}
            ); ALTER SEQUENCE {sequence} OWNED BY {table}.id"""
        ).format(
            sequence=sql.Identifier(sequence),
            sequence_name=sql.Literal(sequence),
            start=sql.Literal(self._id(part.first_line)),
            table=sql.Identifier(table),
            constraints=sql.SQL(", ").join(constraints),
        )

    def _constants_sql(self, part: Part, dataset_id: int) -> sql.Composed:
        """The dataset and the batch, the same for every row: columns added once the rows are in, with a
        default, are not written into each row (PostgreSQL keeps the value once, for the rows before).
        Their checks (one scan) let ATTACH skip its own and queries skip other datasets' partitions."""
        return sql.SQL(
            "ALTER TABLE {table} ADD COLUMN dataset_id bigint NOT NULL DEFAULT {dataset}, "
            "ADD COLUMN batch_id bigint NOT NULL DEFAULT {batch}, "
            "ADD CONSTRAINT {batch_check} CHECK (batch_id = {batch}), "
            "ADD CONSTRAINT {dataset_check} CHECK (dataset_id = {dataset})"
        ).format(
            table=sql.Identifier(part.table),
            dataset=sql.Literal(dataset_id),
            batch=sql.Literal(self.batch_id),
            batch_check=sql.Identifier(f"{part.table}_batch"),
            dataset_check=sql.Identifier(f"{part.table}_dataset"),
        )

    def _totals_sql(self, part: Part, dataset_id: int, territory_id: int | None) -> sql.Composed:
        """The part's aggregates (totals.py), in one pass over its rows, into a table read once by the
        import's connection (unlogged: nothing of it need survive a crash)."""
        select = stage_select_sql(
            connection.ops.quote_name(part.table),
            batch=(dataset_id, self.batch_id),
            territory_id=territory_id,
        )
        return sql.SQL("CREATE UNLOGGED TABLE {} AS {}").format(
            sql.Identifier(part.totals_table), sql.SQL(select.replace("{", "{{").replace("}", "}}"))
        )

    def _both(self, calls, tick=None) -> None:
        """Runs the calls at once (each part on its own connection); raises the first error, if any,
        once all have ended."""
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            futures = [pool.submit(call) for call in calls]
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
        self, *, header: list[str], delimiter: str, dataset_id: int, progress: Progress, timer: Timer
    ) -> ImportResult:
        """Imports the file, or raises NotDirect with nothing written (the caller's savepoint)."""
        with connection.cursor() as cursor:
            checks = parent_checks(cursor)
            index_sql = {part.index: key_index_sql(cursor, part.table) for part in self.parts}
            territory_id = dataset_territory_id(cursor, dataset_id)
        units, kinds = _unit_check(), _kinds_check()
        calls = [
            lambda part=part: part.run(
                create_sql=self._create_sql(part, dataset_id, checks, units),
                constants_sql=self._constants_sql(part, dataset_id),
                header=header,
                delimiter=delimiter,
                index_sql=index_sql[part.index],
                totals_sql=self._totals_sql(part, dataset_id, territory_id),
                kinds_sql=kinds,
            )
            for part in self.parts
        ]
        size = self.size

        def tick():
            progress("reading", sum(part.done for part in self.parts), size)

        with timer.phase("copy"):
            if len(calls) > 1:
                self._both(calls, tick)
            else:
                calls[0]()
        progress("checking", 0, 1)
        with timer.phase("checks"):
            codes = set().union(*(part.codes for part in self.parts))
            with connection.cursor() as cursor:
                # On the parts' list of communes, not on each row: of the platform and, for a territory's
                # own dataset, of its territory (the general path lists the lines of any other).
                same_territory = "" if territory_id is None else " AND territory_id = %s"
                cursor.execute(
                    f"SELECT count(*) FROM communes_commune WHERE insee_code = ANY(%s){same_territory}",
                    [sorted(codes)] + ([] if territory_id is None else [territory_id]),
                )
                if cursor.fetchone()[0] != len(codes):
                    raise NotDirect("a commune outside the platform or the dataset's territory")
                if len(self.parts) > 1:
                    self._check_across(cursor)
        years = sorted(set().union(*(part.years for part in self.parts)))
        rows = sum(part.rows for part in self.parts)
        progress("writing", 0, 1)
        with timer.phase("swap"), connection.cursor() as cursor:
            swap_out(cursor, dataset_id, self.batch_id, years)
            tables = [part.table for part in self.parts]
            for table in tables:
                # The file's unit was checked: the stored unit of the quantity. The sequence made the ids.
                cursor.execute(
                    sql.SQL(
                        "ALTER TABLE {} ALTER COLUMN id DROP DEFAULT, ALTER COLUMN dataset_id DROP "
                        "DEFAULT, ALTER COLUMN batch_id DROP DEFAULT, DROP COLUMN unit"
                    ).format(sql.Identifier(table))
                )
                cursor.execute(sql.SQL("DROP SEQUENCE {}").format(sql.Identifier(f"{table}_line")))
            if rows:
                bounds = [self._id(part.first_line) for part in self.parts[1:]]
                attach_partition(cursor, tables, self.batch_id, bounds)
            else:
                cursor.execute(
                    sql.SQL("DROP TABLE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
                )
        with timer.phase("totals"), connection.cursor() as cursor:
            stages = [part.totals_table for part in self.parts]
            totals_replace(cursor, dataset_id=dataset_id, batch_id=self.batch_id, years=years, stages=stages)
            cursor.execute(sql.SQL("DROP TABLE {}").format(sql.SQL(", ").join(map(sql.Identifier, stages))))
        for part in self.parts:
            for phase, seconds in part.timer.timings.items():
                name = f"part {part.index + 1} · {phase}"
                timer.timings[name] = timer.timings.get(name, 0.0) + seconds
        return ImportResult(rows_read=rows, rows_imported=rows, rows_skipped=0, years=years)

    def _check_across(self, cursor) -> None:
        """A key in both parts: only the communes both hold may repeat (one, in a file sorted by commune)."""
        first, second = self.parts
        shared = sorted(first.codes & second.codes)
        if not shared:
            return
        same = sql.SQL(" AND ").join(
            sql.SQL("a.{name} IS NOT DISTINCT FROM b.{name}").format(name=sql.Identifier(name))
            for name in KEY_COLUMNS
            if name != "insee_code"
        )
        cursor.execute(
            sql.SQL(
                "SELECT EXISTS (SELECT 1 FROM {} a JOIN {} b ON b.insee_code = a.insee_code AND {} "
                "WHERE a.insee_code = ANY(%s) AND b.insee_code = ANY(%s))"  # both sides through their index
            ).format(sql.Identifier(first.table), sql.Identifier(second.table), same),
            [shared, shared],
        )
        if cursor.fetchone()[0]:
            raise NotDirect("a value given in both halves")


def try_direct(handle, size: int, *, header, delimiter, dataset_id, batch_id, progress, timer):
    """The direct import's result, or None when the file is not for it: nothing is then left of the
    attempt, and the general path takes the file from its start."""
    if not eligible(header):
        return None
    split = split_point(handle, size)
    handle.seek(0)
    direct = Direct(handle, size, split, batch_id)
    try:
        try:
            with transaction.atomic():
                return direct.import_long(
                    header=header, delimiter=delimiter, dataset_id=dataset_id, progress=progress, timer=timer
                )
        except NotDirect as reason:
            why = str(reason).splitlines()[0] if str(reason) else ""
            logger.info("Import %s: the general path takes the file (%s)", batch_id, why)
            direct.drop()
            handle.seek(0)
            return None
        except BaseException:
            direct.drop()
            raise
    finally:
        direct.close()
