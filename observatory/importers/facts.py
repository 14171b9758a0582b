"""Writing an import's values into the fact table, replacing the years of the dataset they cover.

On PostgreSQL the fact table is partitioned by import batch (migrations 0003 and 0004): an import builds
its own partition as a plain table, here with one CREATE TABLE ... AS SELECT (which PostgreSQL runs in
parallel), or COPYed straight from the file (direct.py); checks it, that a value appears once in it, and
builds its lookup index in bulk, far cheaper than maintaining the index row by row; then swaps it in at
the end of the transaction: the older batches' rows of the same years are dropped (a whole partition when
all its years are covered) and the new partition is attached. Each (dataset, year) thus lives in one
batch's partition, which holds one value per commune, year, quantity, sector and energy; the dataset row
is locked during the swap so that two imports of one dataset cannot interleave.

On SQLite (the embedded default) the table is a plain one: the years are deleted and the rows inserted."""

import re

from django.db import DataError, IntegrityError, connection, transaction

from ..models import BatchStatus, ImportBatch
from .common import OBSERVATION_COLUMNS, Timer

FACT_TABLE = "observatory_observation"
KEY_INDEX = "observatory_observation_key"

# The parent's column types, its texts comparing byte by byte (COLLATE "C"): CREATE TABLE ... AS SELECT
# must produce exactly these to be attached.
COLUMN_TYPES = {
    "dataset_id": "bigint",
    "batch_id": "bigint",
    "insee_code": "varchar(5)",
    "year": "smallint",
    "quantity": "varchar(12)",
    "sector_code": "varchar(40)",
    "energy": "varchar(40)",
    "value": "double precision",
    "status": "varchar(12)",
}
NOT_NULL = ("id", "dataset_id", "batch_id", "insee_code", "year", "quantity", "value", "status")

# The key a value is unique on within a batch, and a 64-bit hash of it: one hash per column (seeded
# apart, the year seeding the commune's), combined, costs a third less than hashing the key as one text.
KEY_COLUMNS = ("insee_code", "year", "quantity", "sector_code", "energy")
KEY_HASH = (
    "hashtextextended(insee_code, year) # hashtextextended(quantity, 1) "
    "# hashtextextended(coalesce(sector_code, ''), 2) # hashtextextended(coalesce(energy, ''), 3)"
)


class RowsRejected(Exception):
    """The database refused a row (a value it cannot read, a repeated key): the caller reports why."""


def partition_name(batch_id: int) -> str:
    return f"{FACT_TABLE}_b{batch_id}"


def facts_write(*, select_sql: str, dataset_id: int, batch_id: int, years: list[int], timer: Timer) -> int:
    """Writes the rows of `select_sql` for the batch: `line` (the file's line, unique in the batch) and
    the OBSERVATION_COLUMNS. Raises RowsRejected when the database refuses one (only checked this
    late on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return _write_partition(select_sql, dataset_id, batch_id, years, timer)
    columns = ", ".join(OBSERVATION_COLUMNS)
    with timer.phase("write"), connection.cursor() as cursor:
        _delete_years(cursor, FACT_TABLE, dataset_id, years)
        cursor.execute(f"INSERT INTO {FACT_TABLE} ({columns}) SELECT {columns} FROM ({select_sql}) AS r")
        return cursor.rowcount


def _write_partition(select_sql, dataset_id: int, batch_id: int, years: list[int], timer: Timer) -> int:
    table = f"obs_new_{batch_id}"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            with timer.phase("write"):
                cursor.execute(create_as_sql(table, select_sql, batch_id))
                imported = cursor.rowcount
            with timer.phase("constraints"):
                cursor.execute(partition_checks_sql(cursor, table, dataset_id, batch_id))
                if repeats(cursor, table):
                    raise RowsRejected("a value appears twice")
            with timer.phase("index"):
                cursor.execute(key_index_sql(cursor, table))
    except (DataError, IntegrityError) as error:
        raise RowsRejected(str(error)) from error
    with timer.phase("swap"), connection.cursor() as cursor:
        swap_out(cursor, dataset_id, batch_id, years)
        if imported:
            attach_partition(cursor, [table], batch_id)
        else:
            cursor.execute(f"DROP TABLE {table}")
    return imported


def create_as_sql(table: str, select_sql: str, batch_id: int) -> str:
    """The future partition of the batch, from the rows of `select_sql` (see facts_write)."""
    # Import rows get ids of their own range (batch << 32 | line): no sequence call per row, and no
    # collision with the ids the sequence gives rows created one by one.
    columns = ", ".join(f"{_typed(name, kind)} AS {name}" for name, kind in COLUMN_TYPES.items())
    return (
        f"CREATE TABLE {table} AS SELECT CAST(({batch_id}::bigint << 32) + r.line AS bigint) "
        f"AS id, {columns} FROM ({select_sql}) AS r"
    )


def _typed(name: str, kind: str) -> str:
    cast = f"CAST(r.{name} AS {kind})"
    return f'{cast} COLLATE "C"' if kind.startswith("varchar") else cast


def partition_checks_sql(cursor, table: str, dataset_id: int, batch_id: int) -> str:
    """The ALTER TABLE that checks a future partition in one scan: NOT NULL, the parent's checks, and
    the batch and dataset checks that let ATTACH skip its own scan and the planner skip other datasets'
    partitions."""
    checks = [f"ALTER COLUMN {name} SET NOT NULL" for name in NOT_NULL]
    checks += [f"ADD CONSTRAINT {name} {definition}" for name, definition in parent_checks(cursor)]
    checks += [
        f"ADD CONSTRAINT {table}_batch CHECK (batch_id = {batch_id})",
        f"ADD CONSTRAINT {table}_dataset CHECK (dataset_id = {dataset_id})",
        f"ADD CONSTRAINT {table}_value CHECK (abs(value) < 'Infinity' "
        "AND (value >= 0 OR quantity = 'emissions'))",
    ]
    return f"ALTER TABLE {table} {', '.join(checks)}"


def attach_partition(cursor, tables: list[str], batch_id: int, bounds: list[int] = ()) -> None:
    """Attaches the batch's table(s), each checked (partition_checks_sql or the like, with the batch and
    dataset checks) and indexed (key_index_sql), as the batch's partition. Several tables hold ranges of
    ids (`bounds`: the first id of each table but the first), under a partition of the batch
    partitioned by id."""
    final = partition_name(batch_id)
    if len(tables) == 1:
        cursor.execute(f"ALTER TABLE {tables[0]} RENAME TO {final}")
        cursor.execute(f"ALTER INDEX {tables[0]}_key RENAME TO {final}_key")
    else:
        cursor.execute(
            f"CREATE TABLE {final} (LIKE {FACT_TABLE} INCLUDING CONSTRAINTS) PARTITION BY RANGE (id)"
        )
        limits = ["MINVALUE", *(str(bound) for bound in bounds), "MAXVALUE"]
        for part, table in enumerate(tables):
            name = f"{final}_{part}"
            cursor.execute(f"ALTER TABLE {table} RENAME TO {name}")
            cursor.execute(f"ALTER INDEX {table}_key RENAME TO {name}_key")
            bound = f"FROM ({limits[part]}) TO ({limits[part + 1]})"
            cursor.execute(f"ALTER TABLE {final} ATTACH PARTITION {name} FOR VALUES {bound}")
    cursor.execute(f"ALTER TABLE {FACT_TABLE} ATTACH PARTITION {final} FOR VALUES IN ({batch_id})")


def repeats(cursor, table: str) -> bool:
    """Whether a key appears twice in the table: distinct hashes fewer than rows may be a collision
    only, which the exact (slower) count then settles."""
    cursor.execute(f"SELECT count(*) - count(DISTINCT {KEY_HASH}) FROM {table}")
    if not cursor.fetchone()[0]:
        return False
    keys = ", ".join(KEY_COLUMNS)
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} GROUP BY {keys} HAVING count(*) > 1)")
    return cursor.fetchone()[0]


def parent_checks(cursor) -> list[tuple[str, str]]:
    """The parent's CHECK constraints (year >= 0...): a partition must carry them under the same names."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'c'",
        [FACT_TABLE],
    )
    return cursor.fetchall()


def key_index_sql(cursor, table: str) -> str:
    """The parent's lookup index, for the new table: ATTACH then adopts it as the partition's."""
    cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [KEY_INDEX])
    definition = cursor.fetchone()[0]
    return re.sub(r"INDEX \S+ ON (ONLY )?\S+ ", f"INDEX {table}_key ON {table} ", definition, count=1)


def swap_out(cursor, dataset_id: int, batch_id: int, years: list[int]) -> None:
    """Removes the dataset's values of these years, and the batch's own, before its partition comes in."""
    # Imports of one dataset replace each other's years: one at a time from here to the commit.
    cursor.execute("SELECT id FROM observatory_dataset WHERE id = %s FOR UPDATE", [dataset_id])
    partitions = _partitions(cursor)
    batches = {
        pk: (dataset, status, batch_years)
        for pk, dataset, status, batch_years in ImportBatch.objects.filter(pk__in=partitions).values_list(
            "pk", "dataset_id", "status", "years"
        )
    }
    for other, name in partitions.items():
        if other == batch_id:  # the same batch run again
            cursor.execute(f"DROP TABLE {name}")
        elif other not in batches:  # a batch deleted since: check its rows
            _delete_years(cursor, name, dataset_id, years)
        elif batches[other][0] == dataset_id:
            _replace_in(cursor, name, *batches[other][1:], years)
    default = f"{FACT_TABLE}_default"
    _delete_years(cursor, default, dataset_id, years)
    cursor.execute(f"DELETE FROM {default} WHERE batch_id = %s", [batch_id])


def _replace_in(cursor, name: str, status: str, batch_years: list[int], years: list[int]) -> None:
    """Drops an older batch's partition when the new years cover all of it, else deletes those years."""
    if not years:
        return
    covered = status == BatchStatus.DONE and bool(batch_years) and set(batch_years) <= set(years)
    if not covered:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {name} WHERE year <> ALL(%s))", [years])
        covered = not cursor.fetchone()[0]
    if covered:
        cursor.execute(f"DROP TABLE {name}")
    else:
        cursor.execute(f"DELETE FROM {name} WHERE year = ANY(%s)", [years])


def _partitions(cursor) -> dict[int, str]:
    """{batch id: partition name} of the batches' partitions (not the default one)."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [FACT_TABLE],
    )
    prefix = f"{FACT_TABLE}_b"
    return {int(name[len(prefix) :]): name for (name,) in cursor.fetchall() if name.startswith(prefix)}


def _delete_years(cursor, table: str, dataset_id: int, years: list[int]) -> None:
    if years:
        placeholders = ", ".join(["%s"] * len(years))
        cursor.execute(
            f"DELETE FROM {table} WHERE dataset_id = %s AND year IN ({placeholders})", [dataset_id, *years]
        )
