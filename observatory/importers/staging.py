"""The staging table: the file as text, streamed in by COPY on PostgreSQL."""

import csv
import io

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors

from .common import CHUNK, TEMP_BUFFERS_BYTES, Dialect, ImportFailed, Progress


class Staging:
    """A temporary table holding the file as text, one column per file column, with its line number."""

    def __init__(self, header: list[str], delimiter: str, batch_id: int):
        self.header = header
        self.delimiter = delimiter
        self.table = f"obs_staging_{batch_id}"
        self.columns = {name: f"c{index}" for index, name in enumerate(header)}
        self.dialect = Dialect()

    def col(self, name: str) -> str:
        return f"s.{self.columns[name]}"

    def load(self, handle, size: int, progress: Progress) -> int:
        text_columns = ", ".join(f"{column} text" for column in self.columns.values())
        with connection.cursor() as cursor:
            if self.dialect.postgres:
                raise_temp_buffers(cursor)
                cursor.execute(
                    f"CREATE TEMP TABLE {self.table} "
                    "(line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), "
                    f"{text_columns}) ON COMMIT DROP"
                )
                self._copy(cursor, handle, size, progress)
                # Temporary tables have no statistics: without them the planner expects a few rows
                # and joins them with nested loops.
                cursor.execute(f"ANALYZE {self.table}")
            else:
                cursor.execute(f"CREATE TEMP TABLE {self.table} (line integer, {text_columns})")
                self._insert(cursor, handle, size, progress)
            cursor.execute(f"SELECT count(*) FROM {self.table}")
            return cursor.fetchone()[0]

    def _copy(self, cursor, handle, size: int, progress: Progress) -> None:
        names = ", ".join(self.columns.values())
        delimiter = self.delimiter.replace("'", "''")
        sql = (
            f"COPY {self.table} ({names}) FROM STDIN "
            f"WITH (FORMAT csv, HEADER true, DELIMITER '{delimiter}', ENCODING 'UTF8')"
        )
        done = 0
        try:
            with cursor.cursor.copy(sql) as copy:
                while chunk := handle.read(CHUNK):
                    copy.write(chunk)
                    done += len(chunk)
                    progress("reading", done, size)
        except pg_errors.CharacterNotInRepertoire as error:
            raise ImportFailed(
                _("The file is not UTF-8 text (line %(line)s): save it as CSV UTF-8 and try again.")
                % {"line": copy_error_line(error)}
            ) from error
        except (pg_errors.BadCopyFileFormat, pg_errors.DataError) as error:
            raise ImportFailed(copy_error_message(error)) from error

    def _insert(self, cursor, handle, size: int, progress: Progress) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        width = len(self.columns)
        placeholders = ", ".join(["%s"] * (width + 1))
        sql = f"INSERT INTO {self.table} VALUES ({placeholders})"
        rows = []
        try:
            next(reader)  # the header, already read; decoding it may already meet a bad byte further on
            for line, record in enumerate(reader, start=2):
                if len(record) != width:
                    raise ImportFailed(
                        _("Line %(line)d has %(found)d fields instead of %(expected)d: nothing was imported.")
                        % {"line": line, "found": len(record), "expected": width}
                    )
                rows.append([line, *record])
                if len(rows) == 10_000:
                    cursor.executemany(sql, rows)
                    rows = []
                    progress("reading", handle.tell(), size)
        except UnicodeDecodeError as error:
            raise ImportFailed(
                _("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")
            ) from error
        finally:
            text.detach()
        if rows:
            cursor.executemany(sql, rows)
        progress("reading", size, size)

    def drop(self) -> None:
        if not self.dialect.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def raise_temp_buffers(cursor) -> None:
    """Temporary tables live in per-session buffers (8 MB by default): a large file would spill to
    disk at every pass. The setting can only change before the session's first temporary table."""
    cursor.execute("SELECT setting FROM pg_settings WHERE name = 'temp_buffers'")
    if int(cursor.fetchone()[0]) * 8192 >= TEMP_BUFFERS_BYTES:
        return
    try:
        with transaction.atomic():
            cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS_BYTES // 2**20}MB'")
    except DatabaseError:
        pass  # this session already used temporary tables: the import works, only slower


def copy_error_line(error) -> str:
    context = getattr(error.diag, "context", "") or ""
    return context.rsplit("line ", 1)[-1].split(",")[0].split(":")[0].strip() if "line " in context else "?"


def copy_error_message(error) -> str:
    return _("Line %(line)s cannot be read as CSV (%(reason)s): nothing was imported.") % {
        "line": copy_error_line(error),
        "reason": (error.diag.message_primary or str(error)).strip(),
    }
