"""Set-based imports of observatory files: the file streams into a staging table (COPY on
PostgreSQL), SQL checks every row at once, and one INSERT ... SELECT writes the values.

A file with any bad row imports nothing and returns every bad row (line, column, value, reason).
Re-importing a dataset replaces the years the file covers, so the same file twice changes nothing.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors

from .models import ImportFormat, Quantity

MAX_ERRORS = 1000
TEMP_BUFFERS_BYTES = 1 << 30
CHUNK = 1 << 20

LONG_COLUMNS = ["insee_code", "year", "quantity", "sector", "energy", "value", "unit", "status"]
ORE_COLUMNS = ["operateur", "annee", "filiere", "code_grand_secteur", "conso", "pdl", "code_commune"]

# Units accepted per quantity (compared lower-case, without spaces) and their factor to the stored unit.
UNITS = {
    Quantity.CONSUMPTION: {"kwh": 0.001, "mwh": 1, "gwh": 1000},
    Quantity.PRODUCTION: {"kwh": 0.001, "mwh": 1, "gwh": 1000},
    Quantity.EMISSIONS: {
        "kgco2e": 0.001,
        "tco2e": 1,
        "teqco2": 1,
        "tco2": 1,
        "ktco2e": 1000,
        "kteqco2": 1000,
    },
    Quantity.POPULATION: {"inhabitants": 1, "inhabitant": 1, "habitants": 1, "hab": 1, "hab.": 1},
}
ESTIMATED = ("estimated", "estimate", "e", "(e)", "estime", "estimé")
CONSOLIDATED = ("consolidated", "", "c", "consolide", "consolidé")

# Agence ORE: energy (filiere) and sector (code_grand_secteur) to the platform's codes.
ORE_CARRIERS = {"electricite": "electricity", "gaz": "natural_gas"}
ORE_SECTORS = {
    "residentiel": "residential",
    "tertiaire": "tertiary",
    "industrie": "industry",
    "agriculture": "agriculture",
    "inconnu": "unallocated",
}

OBSERVATION_COLUMNS = (
    "(dataset_id, batch_id, commune_id, year, quantity, sector_id, carrier_id, source_id, value, is_estimate)"
)
NUMBER = r"^-?[0-9]+([.,][0-9]+)?([eE][-+]?[0-9]+)?$"
YEAR = r"^(199[0-9]|20[0-9][0-9]|2100)$"


class ImportFailed(Exception):
    """The file was refused; `errors` lists the bad rows, `message` says why as a whole."""

    def __init__(self, message: str, errors: list[dict] | None = None, error_count: int = 0):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.error_count = error_count or len(self.errors)


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    years: list[int] = field(default_factory=list)


Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


class _Dialect:
    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def matches(self, column: str, pattern: str) -> str:
        return f"{column} ~ '{pattern}'" if self.postgres else f"{column} REGEXP '{pattern}'"

    @property
    def float(self) -> str:
        return "double precision" if self.postgres else "REAL"


def _read_header(handle) -> tuple[list[str], str]:
    first = handle.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(_("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")) from error
    delimiter = ";" if text.count(";") > text.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([text], delimiter=delimiter))]
    return header, delimiter


def import_file(
    *, path_or_file, file_format: str, dataset_id: int, batch_id: int, progress: Progress = _no_progress
) -> ImportResult:
    """Imports a file into the dataset, all or nothing. Raises ImportFailed with the bad rows."""
    handle = open(path_or_file, "rb") if isinstance(path_or_file, str) else path_or_file  # noqa: SIM115
    try:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        header, delimiter = _read_header(handle)
        required = LONG_COLUMNS if file_format == ImportFormat.LONG else ORE_COLUMNS
        missing = [column for column in required if column not in header]
        if missing:
            raise ImportFailed(
                _("The file lacks the columns %(missing)s (found: %(found)s). Is it the right format?")
                % {"missing": ", ".join(missing), "found": ", ".join(header) or "—"}
            )
        handle.seek(0)
        with transaction.atomic():
            staging = _Staging(header, delimiter, batch_id)
            try:
                staging.load(handle, size, progress)
                progress("checking", 0, 1)
                if file_format == ImportFormat.LONG:
                    return _import_long(staging, dataset_id, batch_id, progress)
                return _import_ore(staging, dataset_id, batch_id, progress)
            finally:
                staging.drop()
    finally:
        if isinstance(path_or_file, str):
            handle.close()


class _Staging:
    """A temporary table holding the file as text, one column per file column, with its line number."""

    def __init__(self, header: list[str], delimiter: str, batch_id: int):
        self.header = header
        self.delimiter = delimiter
        self.table = f"obs_staging_{batch_id}"
        self.columns = {name: f"c{index}" for index, name in enumerate(header)}
        self.dialect = _Dialect()

    def col(self, name: str) -> str:
        return f"s.{self.columns[name]}"

    def load(self, handle, size: int, progress: Progress) -> int:
        text_columns = ", ".join(f"{column} text" for column in self.columns.values())
        with connection.cursor() as cursor:
            if self.dialect.postgres:
                _raise_temp_buffers(cursor)
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
                % {"line": _copy_error_line(error)}
            ) from error
        except (pg_errors.BadCopyFileFormat, pg_errors.DataError) as error:
            raise ImportFailed(_copy_error_message(error)) from error

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


def _raise_temp_buffers(cursor) -> None:
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


def _copy_error_line(error) -> str:
    context = getattr(error.diag, "context", "") or ""
    return context.rsplit("line ", 1)[-1].split(",")[0].split(":")[0].strip() if "line " in context else "?"


def _copy_error_message(error) -> str:
    return _("Line %(line)s cannot be read as CSV (%(reason)s): nothing was imported.") % {
        "line": _copy_error_line(error),
        "reason": (error.diag.message_primary or str(error)).strip(),
    }


def _fetch_errors(sql: str, params=(), count_sql: str | None = None) -> tuple[list[dict], int]:
    with connection.cursor() as cursor:
        if count_sql:
            cursor.execute(f"SELECT count(*) FROM ({count_sql}) AS bad")
        else:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS bad", params)
        count = cursor.fetchone()[0]
        if not count:
            return [], 0
        cursor.execute(f"{sql} ORDER BY 1 LIMIT {MAX_ERRORS}", params)
        errors = [
            {"line": line, "column": column, "value": value if value is not None else "", "reason": reason}
            for line, column, value, reason in cursor.fetchall()
        ]
    return errors, count


def _refuse(errors: list[dict], count: int) -> None:
    raise ImportFailed(
        _("%(count)d rows are wrong: nothing was imported. Correct them and import the file again.")
        % {"count": count},
        errors,
        count,
    )


def _unit_rows() -> str:
    """The unit table as a portable subquery (SQLite has no column list on VALUES)."""
    return " UNION ALL ".join(
        f"SELECT '{quantity}' AS quantity, '{unit}' AS unit, {factor} AS factor"
        for quantity, units in UNITS.items()
        for unit, factor in units.items()
    )


def _import_long(staging: _Staging, dataset_id: int, batch_id: int, progress: Progress) -> ImportResult:
    d = staging.dialect
    c = staging.col
    norm = f"{staging.table}_norm"
    estimated = ", ".join(f"'{s}'" for s in ESTIMATED)
    statuses = ", ".join(f"'{s}'" for s in (*ESTIMATED, *CONSOLIDATED))
    quantities = ", ".join(f"'{q}'" for q in Quantity.values)
    years_table = " UNION ALL ".join(f"SELECT '{year}' AS y" for year in range(1990, 2101))
    # One pass over the file: every text is trimmed and lower-cased once, every code resolved once
    # ("OFFSET 0" keeps PostgreSQL from inlining the subquery and recomputing it at each join).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMP TABLE {norm} AS
            SELECT n.*, co.id AS commune_id, se.id AS sector_id, ca.id AS carrier_id, so.id AS source_id,
                un.factor, yr.y IS NOT NULL AS year_ok,
                ({d.matches("n.value_text", NUMBER)}) AS value_ok
            FROM (
                SELECT s.line, trim(coalesce({c("insee_code")}, '')) AS code,
                    trim(coalesce({c("year")}, '')) AS year_text,
                    lower(trim(coalesce({c("quantity")}, ''))) AS q,
                    nullif(lower(trim({c("sector")})), '') AS sector_code,
                    nullif(lower(trim({c("energy")})), '') AS energy_code,
                    trim(coalesce({c("value")}, '')) AS value_text,
                    replace(lower(coalesce({c("unit")}, '')), ' ', '') AS unit_key,
                    lower(trim(coalesce({c("status")}, ''))) AS status
                FROM {staging.table} s {"OFFSET 0" if d.postgres else ""}
            ) AS n
            LEFT JOIN communes_commune co ON co.insee_code = n.code
            LEFT JOIN observatory_sector se ON se.code = n.sector_code
            LEFT JOIN observatory_carrier ca ON ca.code = n.energy_code AND n.q = 'consumption'
            LEFT JOIN observatory_renewablesource so ON so.code = n.energy_code AND n.q = 'production'
            LEFT JOIN ({_unit_rows()}) AS un ON un.quantity = n.q AND un.unit = n.unit_key
            LEFT JOIN ({years_table}) AS yr ON yr.y = n.year_text
            """
        )
    try:
        return _import_normalised(
            norm, staging, dataset_id, batch_id, progress, estimated, statuses, quantities
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {norm}")


def _import_normalised(
    norm, staging: _Staging, dataset_id, batch_id, progress, estimated, statuses, quantities
) -> ImportResult:
    d = staging.dialect
    c = staging.col
    problem = f"""CASE
        WHEN commune_id IS NULL THEN 'insee_code'
        WHEN NOT year_ok THEN 'year'
        WHEN q NOT IN ({quantities}) THEN 'quantity'
        WHEN sector_code IS NOT NULL AND sector_id IS NULL THEN 'sector'
        WHEN q IN ('emissions', 'consumption') AND sector_code IS NULL THEN 'sector'
        WHEN q IN ('production', 'population') AND sector_code IS NOT NULL THEN 'sector'
        WHEN q = 'consumption' AND carrier_id IS NULL THEN 'energy'
        WHEN q = 'production' AND source_id IS NULL THEN 'energy'
        WHEN q IN ('emissions', 'population') AND energy_code IS NOT NULL THEN 'energy'
        WHEN NOT value_ok THEN 'value'
        WHEN q <> 'emissions' AND value_text LIKE '-%%' THEN 'value'
        WHEN factor IS NULL THEN 'unit'
        WHEN status NOT IN ({statuses}) THEN 'status'
    END"""
    errors_sql = f"""
        SELECT n.line, problem, CASE problem
                WHEN 'insee_code' THEN {c("insee_code")} WHEN 'year' THEN {c("year")}
                WHEN 'quantity' THEN {c("quantity")} WHEN 'sector' THEN {c("sector")}
                WHEN 'energy' THEN {c("energy")} WHEN 'value' THEN {c("value")}
                WHEN 'unit' THEN {c("unit")} ELSE {c("status")} END AS value,
            CASE problem
                WHEN 'insee_code' THEN %s WHEN 'year' THEN %s WHEN 'quantity' THEN %s WHEN 'sector' THEN %s
                WHEN 'energy' THEN %s WHEN 'value' THEN %s WHEN 'unit' THEN %s ELSE %s END AS reason
        FROM (SELECT n.line, {problem} AS problem FROM {norm} n) AS n
        JOIN {staging.table} s ON s.line = n.line
        WHERE problem IS NOT NULL
    """
    # Counting needs no original text: only the fetch of the listed rows goes back to the file's table.
    count_sql = (
        f"SELECT line FROM (SELECT n.line, {problem} AS problem FROM {norm} n) AS n WHERE problem IS NOT NULL"
    )
    reasons = [
        _("no commune of the platform has this INSEE code"),
        _("not a year between 1990 and 2100"),
        _("unknown quantity (consumption, emissions, production or population)"),
        _("unknown sector, or a sector where none is expected (production, population) or missing"),
        _("unknown energy or renewable source for this quantity, or one where none is expected"),
        _("not a number (or a negative one where only emissions may be negative)"),
        _("unit not allowed for this quantity"),
        _("unknown status (consolidated or estimated)"),
    ]
    errors, count = _fetch_errors(errors_sql, reasons, count_sql=count_sql)
    duplicates_sql = f"""
        SELECT n.line, 'insee_code', n.code, %s
        FROM {norm} n JOIN (
            SELECT code, year_text, q, sector_code, energy_code, min(line) AS first_line
            FROM {norm} GROUP BY code, year_text, q, sector_code, energy_code HAVING count(*) > 1
        ) AS dup ON dup.code = n.code AND dup.year_text = n.year_text AND dup.q = n.q
            AND dup.sector_code IS NOT DISTINCT FROM n.sector_code
            AND dup.energy_code IS NOT DISTINCT FROM n.energy_code AND n.line > dup.first_line
    """
    duplicate_reason = [_("the same value appears on an earlier line")]
    # On a valid file, PostgreSQL's unique index finds repeated lines during the insert; otherwise (or on
    # SQLite) they are looked for now, so that the report lists every bad row at once.
    if count or not d.postgres:
        duplicates, duplicate_count = _fetch_errors(duplicates_sql, duplicate_reason)
        errors = sorted(errors + duplicates, key=lambda error: error["line"])[:MAX_ERRORS]
        count += duplicate_count
    if count:
        _refuse(errors, count)
    years = _years(f"SELECT DISTINCT CAST(year_text AS integer) FROM {norm}")
    progress("writing", 0, 1)
    _delete_years(dataset_id, years)
    insert = f"""
        INSERT INTO observatory_observation {OBSERVATION_COLUMNS}
        SELECT {dataset_id}, {batch_id}, commune_id, CAST(year_text AS integer), q, sector_id, carrier_id,
            source_id, CAST(replace(value_text, ',', '.') AS {d.float}) * factor, status IN ({estimated})
        FROM {norm}
    """
    imported = _insert(insert, duplicates_sql, duplicate_reason)
    return ImportResult(rows_read=_count(norm), rows_imported=imported, rows_skipped=0, years=years)


def _import_ore(staging: _Staging, dataset_id: int, batch_id: int, progress: Progress) -> ImportResult:
    d = staging.dialect
    c = staging.col
    year, conso = c("annee"), c("conso")
    # Accents and case vary between releases (Electricité, ÉLECTRICITÉ...); SQLite's lower() is ASCII-only.
    filiere = f"replace(replace(replace(lower(trim({c('filiere')})), 'é', 'e'), 'É', 'e'), 'É', 'e')"
    sector = f"lower(trim({c('code_grand_secteur')}))"
    carriers = " ".join(f"WHEN '{name}' THEN '{code}'" for name, code in ORE_CARRIERS.items())
    sectors = " ".join(f"WHEN '{name}' THEN '{code}'" for name, code in ORE_SECTORS.items())
    known = (
        f"""
        FROM {staging.table} s
        JOIN communes_commune co ON co.insee_code = lpad(trim({c("code_commune")}), 5, '0')
    """
        if d.postgres
        else f"""
        FROM {staging.table} s
        JOIN communes_commune co ON co.insee_code = substr('00000' || trim({c("code_commune")}), -5, 5)
    """
    )
    reason = f"""CASE
        WHEN NOT ({d.matches(f"trim({year})", YEAR)}) THEN 'annee'
        WHEN (CASE {filiere} {carriers} END) IS NULL THEN 'filiere'
        WHEN (CASE {sector} {sectors} END) IS NULL THEN 'code_grand_secteur'
        WHEN trim(coalesce({conso}, '')) <> '' AND NOT ({d.matches(f"trim({conso})", NUMBER)}) THEN 'conso'
        WHEN trim(coalesce({conso}, '')) LIKE '-%%' THEN 'conso'
    END"""
    errors_sql = f"""
        SELECT line, problem, CASE problem WHEN 'annee' THEN {year} WHEN 'filiere' THEN {c("filiere")}
                WHEN 'code_grand_secteur' THEN {c("code_grand_secteur")} ELSE {conso} END AS value,
            CASE problem WHEN 'annee' THEN %s WHEN 'filiere' THEN %s WHEN 'code_grand_secteur' THEN %s
                ELSE %s END AS reason
        FROM (SELECT s.*, {reason} AS problem {known}) AS s
        WHERE problem IS NOT NULL
    """
    reasons = [
        _("not a year between 1990 and 2100"),
        _("unknown energy (Electricité or Gaz expected)"),
        _("unknown sector (RESIDENTIEL, TERTIAIRE, INDUSTRIE, AGRICULTURE or INCONNU expected)"),
        _("not a positive number"),
    ]
    errors, count = _fetch_errors(errors_sql, reasons)
    if count:
        _refuse(errors, count)
    rows = _count(staging.table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {known}")
        known_rows = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) {known} WHERE trim(coalesce({conso}, '')) = ''")
        secret_rows = cursor.fetchone()[0]
    years = _years(f"SELECT DISTINCT CAST(trim({year}) AS integer) {known}")
    progress("writing", 0, 1)
    _delete_years(dataset_id, years)
    # Several operators may serve one commune: their rows for one year, energy and sector add up.
    insert = f"""
        INSERT INTO observatory_observation
            {OBSERVATION_COLUMNS}
        SELECT {dataset_id}, {batch_id}, co.id, CAST(trim({year}) AS integer), 'consumption',
            se.id, ca.id, NULL,
            sum(CAST(replace(trim({conso}), ',', '.') AS {d.float})), {"false" if d.postgres else "0"}
        {known}
        JOIN observatory_carrier ca ON ca.code = CASE {filiere} {carriers} END
        JOIN observatory_sector se ON se.code = CASE {sector} {sectors} END
        WHERE trim(coalesce({conso}, '')) <> ''
        GROUP BY co.id, CAST(trim({year}) AS integer), se.id, ca.id
    """
    imported = _insert(insert)
    return ImportResult(
        rows_read=rows, rows_imported=imported, rows_skipped=rows - known_rows + secret_rows, years=years
    )


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def _years(sql: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(row[0] for row in cursor.fetchall())


def _delete_years(dataset_id: int, years: list[int]) -> None:
    if not years:
        return
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(years))
        cursor.execute(
            f"DELETE FROM observatory_observation WHERE dataset_id = %s AND year IN ({placeholders})",
            [dataset_id, *years],
        )


def _insert(sql: str, duplicates_sql: str | None = None, duplicate_params=()) -> int:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.rowcount
    except IntegrityError as error:
        if duplicates_sql is None:
            raise
        errors, count = _fetch_errors(duplicates_sql, duplicate_params)
        if not count:
            raise
        raise ImportFailed(
            _("%(count)d rows repeat a value given on an earlier line: nothing was imported.")
            % {"count": count},
            errors,
            count,
        ) from error
