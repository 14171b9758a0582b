"""The staging table: the file as text, one column per file column, streamed in by COPY on PostgreSQL."""

import csv
import io
from contextlib import contextmanager

from django.db import connection
from psycopg import errors as pg_errors
from psycopg import sql

from .common import CHUNK, Dialect, ImportFailed, Progress, sql_name


class Staging:
    """The file as text: `line` (the header is line 1), then columns c0, c1... in the file's order,
    empty fields as "" (never NULL).

    On PostgreSQL the table is UNLOGGED rather than temporary, so that parallel workers can scan it
    (they cannot read a session's temporary tables), and nothing is written to the WAL. The line
    numbers come from an identity whose sequence hands out a million values at a time: with the default
    of one, the sequence costs nearly as much as the COPY itself."""

    def __init__(self, header: list[str], delimiter: str, batch_id: int, source: str | None = None):
        """`source`: the file's rows are already loaded there (a subquery over the halves' tables)."""
        self.header = header
        self.delimiter = delimiter
        self.name = f"obs_staging_{batch_id}"
        self.table = f"({source})" if source else self.name
        # What the SQL text of the importers reads the rows from: the table's quoted name, or the subquery.
        self.relation = f"({source})" if source else sql_name(self.name)
        self.columns = {name: f"c{index}" for index, name in enumerate(header)}
        self.dialect = Dialect()
        self.rows = 0
        self._tables = [] if source else [self.name]

    def col(self, name: str, alias: str = "s") -> str:
        return f"{alias}.{sql_name(self.columns[name])}"

    def scratch_table(self, suffix: str) -> tuple[str, str]:
        """A name and CREATE prefix for a work table dropped with the staging table."""
        name = f"{self.name}_{suffix}"
        self._tables.append(name)
        kind = "UNLOGGED TABLE" if self.dialect.postgres else "TEMP TABLE"
        return sql_name(name), f"CREATE {kind} {sql_name(name)}"

    def load(self, handle, size: int, progress: Progress) -> int:
        text_columns = self.text_columns()
        with connection.cursor() as cursor:
            if self.dialect.postgres:  # names through psycopg.sql
                cursor.execute(
                    sql.SQL(
                        "CREATE UNLOGGED TABLE {} (line bigint GENERATED ALWAYS AS IDENTITY "
                        "(START WITH 2 CACHE 1000000), {})"
                    ).format(
                        sql.Identifier(self.table),
                        sql.SQL(", ").join(
                            sql.SQL("{} text").format(sql.Identifier(column))
                            for column in self.columns.values()
                        ),
                    )
                )
                self.rows = self._copy(cursor, handle, size, progress)
                # New tables have no statistics: without them the planner expects a few rows.
                cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(self.table)))
            else:
                cursor.execute(f"CREATE TEMP TABLE {sql_name(self.table)} (line integer, {text_columns})")
                self._insert(cursor, handle, size, progress)
                cursor.execute(f"SELECT count(*) FROM {sql_name(self.table)}")
                self.rows = cursor.fetchone()[0]
        return self.rows

    def text_columns(self) -> str:
        return ", ".join(f"{sql_name(column)} text" for column in self.columns.values())

    def copy_sql(self, table: str, *, header: bool) -> sql.Composed:
        """PostgreSQL's COPY of the file into `table`: names and the file's delimiter through psycopg.sql."""
        names = sql.SQL(", ").join(map(sql.Identifier, self.columns.values()))
        return sql.SQL(
            "COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, HEADER {header}, DELIMITER {delimiter}, "
            "ENCODING 'UTF8', FORCE_NOT_NULL ({names}))"
        ).format(
            table=sql.Identifier(table),
            names=names,
            header=sql.Literal(header),
            delimiter=sql.Literal(self.delimiter),
        )

    def _copy(self, cursor, handle, size: int, progress: Progress) -> int:
        done = 0
        with copy_errors():
            with cursor.cursor.copy(self.copy_sql(self.table, header=True)) as copy:
                while chunk := handle.read(CHUNK):
                    copy.write(chunk)
                    done += len(chunk)
                    progress("reading", done, size)
        return cursor.cursor.rowcount

    def _insert(self, cursor, handle, size: int, progress: Progress) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        width = len(self.columns)
        placeholders = ", ".join(["%s"] * (width + 1))
        sql = f"INSERT INTO {sql_name(self.table)} VALUES ({placeholders})"
        rows = []
        try:
            next(reader)  # the header, already read; decoding it may already meet a bad byte further on
            for line, record in enumerate(reader, start=2):
                if len(record) != width:
                    raise ImportFailed("field_count", {"line": line, "found": len(record), "expected": width})
                rows.append([line, *record])
                if len(rows) == 10_000:
                    cursor.executemany(sql, rows)
                    rows = []
                    progress("reading", handle.tell(), size)
        except UnicodeDecodeError as error:
            raise ImportFailed("not_utf8") from error
        finally:
            text.detach()
        if rows:
            cursor.executemany(sql, rows)
        progress("reading", size, size)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in reversed(self._tables):  # on both databases: the name quoted by Django's backend
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")


@contextmanager
def copy_errors(lines_before: int = 0):
    """Turns COPY's errors into ImportFailed; `lines_before`: the file's lines before the COPY's input
    (which counts its own lines from 1)."""
    try:
        yield
    except pg_errors.CharacterNotInRepertoire as error:
        raise ImportFailed("not_utf8", {"line": copy_error_line(error, lines_before)}) from error
    except (pg_errors.BadCopyFileFormat, pg_errors.DataError) as error:
        raise ImportFailed(
            "unreadable_line",
            {
                "line": copy_error_line(error, lines_before),
                "reason": (error.diag.message_primary or str(error)).strip(),
            },
        ) from error


def copy_error_line(error, lines_before: int = 0) -> str:
    context = getattr(error.diag, "context", "") or ""
    line = context.rsplit("line ", 1)[-1].split(",")[0].split(":")[0].strip() if "line " in context else "?"
    return str(int(line) + lines_before) if line.isdigit() else line
