"""Writing an import's values into the fact table, replacing the years of the dataset they cover.

On PostgreSQL the fact table is partitioned by import batch (migrations 0003 and 0004): an import builds
its own partition as a plain table, here with one CREATE TABLE ... AS SELECT (which PostgreSQL runs in
parallel), or COPYed straight from the file (direct.py); checks it, that a value appears once in it, and
builds its lookup index in bulk, far cheaper than maintaining the index row by row; then swaps it in at
the end of the transaction: the older batches' rows of the same years are dropped (a whole partition when
all its years are covered) and the new partition is attached. Each (dataset, year) thus lives in one
batch's partition, which holds one value per commune, year, quantity, sector and energy; the dataset row
is locked during the swap so that two imports of one dataset cannot interleave.

On SQLite (the embedded default) the table is a plain one: the years are deleted and the rows inserted.

Names built into the PostgreSQL statements (the work tables, their indexes and constraints) go through
psycopg.sql.Identifier and numbers through sql.Literal; `select_sql`, the SQL of the importers' own
queries, is sql.SQL. The statements that SQLite shares take Django's parameters."""

import re

from django.db import DataError, IntegrityError, connection, transaction
from psycopg import sql

from ..models import BatchStatus, ImportBatch
from ..totals import FACT_TABLE, totals_replace
from .common import OBSERVATION_COLUMNS, Timer, sql_name

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
        imported = _write_partition(select_sql, dataset_id, batch_id, years, timer)
    else:
        columns = ", ".join(sql_name(column) for column in OBSERVATION_COLUMNS)
        with timer.phase("write"), connection.cursor() as cursor:
            _delete_years(cursor, FACT_TABLE, dataset_id, years)
            cursor.execute(
                f"INSERT INTO {sql_name(FACT_TABLE)} ({columns}) SELECT {columns} FROM ({select_sql}) AS r"
            )
            imported = cursor.rowcount
    with timer.phase("totals"), connection.cursor() as cursor:
        totals_replace(cursor, dataset_id=dataset_id, batch_id=batch_id, years=years)
    return imported


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _sql_text(text: str) -> sql.SQL:
    """SQL written by the importers or by the catalogue (pg_get_indexdef...), as a psycopg.sql fragment."""
    return sql.SQL(text.replace("{", "{{").replace("}", "}}"))


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
            cursor.execute(sql.SQL("DROP TABLE {}").format(_ident(table)))
    return imported


def create_as_sql(table: str, select_sql: str, batch_id: int) -> sql.Composed:
    """The future partition of the batch, from the rows of `select_sql` (see facts_write)."""
    # Import rows get ids of their own range (batch << 32 | line): no sequence call per row, and no
    # collision with the ids the sequence gives rows created one by one.
    columns = sql.SQL(", ").join(_typed(name, kind) for name, kind in COLUMN_TYPES.items())
    return sql.SQL(
        "CREATE TABLE {table} AS SELECT CAST(({batch}::bigint << 32) + r.line AS bigint) AS id, {columns} "
        "FROM ({select}) AS r"
    ).format(table=_ident(table), batch=sql.Literal(batch_id), columns=columns, select=_sql_text(select_sql))


def _typed(name: str, kind: str) -> sql.Composed:
    cast = sql.SQL("CAST(r.{name} AS {kind})").format(name=_ident(name), kind=sql.SQL(kind))
    if kind.startswith("varchar"):
        cast = sql.SQL('{} COLLATE "C"').format(cast)
    return sql.SQL("{} AS {}").format(cast, _ident(name))


def partition_checks_sql(cursor, table: str, dataset_id: int, batch_id: int) -> sql.Composed:
    """The ALTER TABLE that checks a future partition in one scan: NOT NULL, the parent's checks, and
    the batch and dataset checks that let ATTACH skip its own scan and the planner skip other datasets'
    partitions."""
    checks = [sql.SQL("ALTER COLUMN {} SET NOT NULL").format(_ident(name)) for name in NOT_NULL]
    checks += [
        sql.SQL("ADD CONSTRAINT {} {}").format(_ident(name), _sql_text(definition))
        for name, definition in parent_checks(cursor)
    ]
    checks += [
        sql.SQL("ADD CONSTRAINT {} CHECK (batch_id = {})").format(
            _ident(f"{table}_batch"), sql.Literal(batch_id)
        ),
        sql.SQL("ADD CONSTRAINT {} CHECK (dataset_id = {})").format(
            _ident(f"{table}_dataset"), sql.Literal(dataset_id)
        ),
        sql.SQL(
            "ADD CONSTRAINT {} CHECK (abs(value) < 'Infinity' AND (value >= 0 OR quantity = 'emissions'))"
        ).format(_ident(f"{table}_value")),
    ]
    return sql.SQL("ALTER TABLE {} {}").format(_ident(table), sql.SQL(", ").join(checks))


def attach_partition(cursor, tables: list[str], batch_id: int, bounds: list[int] = ()) -> None:
    """Attaches the batch's table(s), each checked (partition_checks_sql or the like, with the batch and
    dataset checks) and indexed (key_index_sql), as the batch's partition. Several tables hold ranges of
    ids (`bounds`: the first id of each table but the first), under a partition of the batch
    partitioned by id."""
    final = partition_name(batch_id)

    def rename(kind: str, old: str, new: str) -> None:
        cursor.execute(sql.SQL("ALTER {} {} RENAME TO {}").format(sql.SQL(kind), _ident(old), _ident(new)))

    if len(tables) == 1:
        rename("TABLE", tables[0], final)
        rename("INDEX", f"{tables[0]}_key", f"{final}_key")
    else:
        cursor.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING CONSTRAINTS) PARTITION BY RANGE (id)").format(
                _ident(final), _ident(FACT_TABLE)
            )
        )
        limits = [sql.SQL("MINVALUE"), *(sql.Literal(bound) for bound in bounds), sql.SQL("MAXVALUE")]
        for part, table in enumerate(tables):
            name = f"{final}_{part}"
            rename("TABLE", table, name)
            rename("INDEX", f"{table}_key", f"{name}_key")
            cursor.execute(
                sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})").format(
                    _ident(final), _ident(name), limits[part], limits[part + 1]
                )
            )
    cursor.execute(
        sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES IN ({})").format(
            _ident(FACT_TABLE), _ident(final), sql.Literal(batch_id)
        )
    )


def repeats(cursor, table: str) -> bool:
    """Whether a key appears twice in the table: distinct hashes fewer than rows may be a collision
    only, which the exact (slower) count then settles."""
    cursor.execute(
        sql.SQL("SELECT count(*) - count(DISTINCT {}) FROM {}").format(sql.SQL(KEY_HASH), _ident(table))
    )
    if not cursor.fetchone()[0]:
        return False
    keys = sql.SQL(", ").join(map(_ident, KEY_COLUMNS))
    cursor.execute(
        sql.SQL("SELECT EXISTS (SELECT 1 FROM {} GROUP BY {} HAVING count(*) > 1)").format(
            _ident(table), keys
        )
    )
    return cursor.fetchone()[0]


def parent_checks(cursor) -> list[tuple[str, str]]:
    """The parent's CHECK constraints (year >= 0...): a partition must carry them under the same names."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'c'",
        [FACT_TABLE],
    )
    return cursor.fetchall()


def key_index_sql(cursor, table: str) -> sql.Composed:
    """The parent's lookup index, for the new table: ATTACH then adopts it as the partition's."""
    cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [KEY_INDEX])
    definition = cursor.fetchone()[0].replace("{", "{{").replace("}", "}}")
    statement = re.sub(r"INDEX \S+ ON (ONLY )?\S+ ", "INDEX {index} ON {table} ", definition, count=1)
    return sql.SQL(statement).format(index=_ident(f"{table}_key"), table=_ident(table))


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
            cursor.execute(sql.SQL("DROP TABLE {}").format(_ident(name)))
        elif other not in batches:  # a batch deleted since: check its rows
            _delete_years(cursor, name, dataset_id, years)
        elif batches[other][0] == dataset_id:
            _replace_in(cursor, name, *batches[other][1:], years)
    default = f"{FACT_TABLE}_default"
    _delete_years(cursor, default, dataset_id, years)
    cursor.execute(sql.SQL("DELETE FROM {} WHERE batch_id = %s").format(_ident(default)), [batch_id])


def _replace_in(cursor, name: str, status: str, batch_years: list[int], years: list[int]) -> None:
    """Drops an older batch's partition when the new years cover all of it, else deletes those years."""
    if not years:
        return
    covered = status == BatchStatus.DONE and bool(batch_years) and set(batch_years) <= set(years)
    if not covered:
        cursor.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE year <> ALL(%s))").format(_ident(name)), [years]
        )
        covered = not cursor.fetchone()[0]
    if covered:
        cursor.execute(sql.SQL("DROP TABLE {}").format(_ident(name)))
    else:
        cursor.execute(sql.SQL("DELETE FROM {} WHERE year = ANY(%s)").format(_ident(name)), [years])


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
    """On both databases: the table's name quoted by Django's backend, the values as parameters."""
    if years:
        placeholders = ", ".join(["%s"] * len(years))
        name = connection.ops.quote_name(table)
        cursor.execute(
            f"DELETE FROM {name} WHERE dataset_id = %s AND year IN ({placeholders})", [dataset_id, *years]
        )
