"""How a transactional test leaves the database: as every installation has it after `migrate` (the
reference data the data migrations write, the content types and permissions), whatever ran before.

Django's own cleanup (TransactionTestCase's flush) truncates every table, then rebuilds the content types
and permissions; the reference data then has to be loaded back: about 0.7 s a test. Here the tables the
test filled are emptied, row by row, in one transaction, and the reference tables are kept when they hold
exactly the rows they held before the first transactional test; the import partitions the test left are
dropped. Only when a reference table changed does the full flush (and the reload) run.
"""

from django.db import connection, transaction
from django.test import TransactionTestCase

from actions.services import catalogue_load_starter
from observatory.services import reference_load
from observatory.totals import FACT_TABLE

# {table: its rows, by their first column}, for the tables the fresh database fills; None until the first
# transactional test starts.
_fresh: dict[str, list[tuple]] | None = None

_django_fixture_setup = TransactionTestCase._fixture_setup
_django_fixture_teardown = TransactionTestCase._fixture_teardown


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)


def _filled_tables(cursor) -> set[str]:
    """The Django tables that hold at least one row: one query."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    query = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {_quoted(table)})" for table in sorted(tables)
    )
    cursor.execute(query)
    return {table for (table,) in cursor.fetchall()}


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f"SELECT * FROM {_quoted(table)} ORDER BY 1")
    return cursor.fetchall()


def _snapshot() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        return {table: _rows(cursor, table) for table in sorted(_filled_tables(cursor))}


def _leftover_partitions(cursor) -> list[str]:
    """The import partitions of the fact table (a fresh database has only the default one)."""
    if connection.vendor != "postgresql":
        return []
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass AND c.relname <> %s",
        [FACT_TABLE, f"{FACT_TABLE}_default"],
    )
    return [name for (name,) in cursor.fetchall()]


def _empty_what_the_test_filled() -> bool:
    """Deletes the rows of every table the test filled and drops its import partitions, in one
    transaction (foreign keys are checked at its commit); False, with nothing done, when a reference
    table no longer holds what it held."""
    with transaction.atomic(), connection.cursor() as cursor:
        filled = _filled_tables(cursor)
        if set(_fresh) - filled or any(_rows(cursor, table) != rows for table, rows in _fresh.items()):
            return False
        partitions = _leftover_partitions(cursor)
        if partitions:
            cursor.execute("DROP TABLE " + ", ".join(_quoted(name) for name in partitions))
        for table in sorted(filled - set(_fresh)):
            cursor.execute(f"DELETE FROM {_quoted(table)}")
    return True


@classmethod
def _fixture_setup(cls):
    global _fresh
    if _fresh is None and cls._fast_reset():
        _fresh = _snapshot()
    _django_fixture_setup.__func__(cls)


def _fixture_teardown(self):
    global _fresh
    if _fresh is not None and self._fast_reset() and _empty_what_the_test_filled():
        return
    _django_fixture_teardown(self)
    if self._fast_reset():
        # The flush emptied the reference tables too (the content types and permissions came back
        # with post_migrate): the functions the data migrations call load the rest back.
        with transaction.atomic():
            catalogue_load_starter()
            reference_load()
        _fresh = _snapshot()


@classmethod
def _fast_reset(cls) -> bool:
    """The default database only, every app, nothing serialized: the case of every test here."""
    return (
        cls.available_apps is None
        and not cls.serialized_rollback
        and set(cls._databases_names(include_mirrors=False)) == {"default"}
    )


def install() -> None:
    """Called once by tests/conftest.py."""
    TransactionTestCase._fast_reset = _fast_reset
    TransactionTestCase._fixture_setup = _fixture_setup
    TransactionTestCase._fixture_teardown = _fixture_teardown
