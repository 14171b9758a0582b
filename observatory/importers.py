"""Set-based imports of observatory files: the file streams into a staging table (COPY on
PostgreSQL), SQL checks every row at once, and one INSERT ... SELECT writes the values.

A file with any bad row imports nothing and returns every bad row (line, column, value, reason).
Re-importing a dataset replaces the years the file covers, so the same file twice changes nothing.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors

from .models import ImportFormat, Quantity

MAX_ERRORS = 1000
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
ORE_CARRIERS = {"electricite": "electricity", "électricité": "electricity", "gaz": "natural_gas"}
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
                cursor.execute(
                    f"CREATE TEMP TABLE {self.table} "
                    "(line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), "
                    f"{text_columns}) ON COMMIT DROP"
                )
                self._copy(cursor, handle, size, progress)
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
        except (
            pg_errors.BadCopyFileFormat,
            pg_errors.CharacterNotInRepertoire,
            pg_errors.DataError,
        ) as error:
            raise ImportFailed(_copy_error_message(error)) from error

    def _insert(self, cursor, handle, size: int, progress: Progress) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        next(reader)
        width = len(self.columns)
        placeholders = ", ".join(["%s"] * (width + 1))
        sql = f"INSERT INTO {self.table} VALUES ({placeholders})"
        rows = []
        try:
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


def _copy_error_message(error) -> str:
    context = getattr(error.diag, "context", "") or ""
    line = context.rsplit("line ", 1)[-1].split(",")[0].split(":")[0].strip() if "line " in context else "?"
    return _("Line %(line)s cannot be read as CSV (%(reason)s): nothing was imported.") % {
        "line": line,
        "reason": (error.diag.message_primary or str(error)).strip(),
    }


def _fetch_errors(sql: str, params=()) -> tuple[list[dict], int]:
    with connection.cursor() as cursor:
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
    quantity, unit, value, year = c("quantity"), c("unit"), c("value"), c("year")
    sector_code = f"nullif(lower(trim({c('sector')})), '')"
    energy_code = f"nullif(lower(trim({c('energy')})), '')"
    unit_key = f"replace(lower({unit}), ' ', '')"
    status = f"lower(trim(coalesce({c('status')}, '')))"
    quantities = ", ".join(f"'{q}'" for q in Quantity.values)
    statuses = ", ".join(f"'{s}'" for s in (*ESTIMATED, *CONSOLIDATED))
    joins = f"""
        FROM {staging.table} s
        LEFT JOIN communes_commune co ON co.insee_code = trim({c("insee_code")})
        LEFT JOIN observatory_sector se ON se.code = {sector_code}
        LEFT JOIN observatory_carrier ca ON ca.code = {energy_code}
            AND lower(trim({quantity})) = 'consumption'
        LEFT JOIN observatory_renewablesource so ON so.code = {energy_code}
            AND lower(trim({quantity})) = 'production'
        LEFT JOIN ({_unit_rows()}) AS un
            ON un.quantity = lower(trim({quantity})) AND un.unit = {unit_key}
    """
    q = f"lower(trim({quantity}))"
    reason = f"""CASE
        WHEN co.id IS NULL THEN 'insee_code'
        WHEN NOT ({d.matches(f"trim({year})", YEAR)}) THEN 'year'
        WHEN {q} NOT IN ({quantities}) THEN 'quantity'
        WHEN {sector_code} IS NOT NULL AND se.id IS NULL THEN 'sector'
        WHEN {q} IN ('emissions', 'consumption') AND {sector_code} IS NULL THEN 'sector'
        WHEN {q} IN ('production', 'population') AND {sector_code} IS NOT NULL THEN 'sector'
        WHEN {q} = 'consumption' AND ca.id IS NULL THEN 'energy'
        WHEN {q} = 'production' AND so.id IS NULL THEN 'energy'
        WHEN {q} IN ('emissions', 'population') AND {energy_code} IS NOT NULL THEN 'energy'
        WHEN {value} IS NULL OR NOT ({d.matches(f"trim({value})", NUMBER)}) THEN 'value'
        WHEN {q} <> 'emissions' AND trim({value}) LIKE '-%%' THEN 'value'
        WHEN un.factor IS NULL THEN 'unit'
        WHEN {status} NOT IN ({statuses}) THEN 'status'
    END"""
    errors_sql = f"""
        SELECT line, problem, CASE problem
                WHEN 'insee_code' THEN {c("insee_code")} WHEN 'year' THEN {year}
                WHEN 'quantity' THEN {quantity}
                WHEN 'sector' THEN {c("sector")} WHEN 'energy' THEN {c("energy")} WHEN 'value' THEN {value}
                WHEN 'unit' THEN {unit} ELSE {c("status")} END AS value,
            CASE problem
                WHEN 'insee_code' THEN %s WHEN 'year' THEN %s WHEN 'quantity' THEN %s WHEN 'sector' THEN %s
                WHEN 'energy' THEN %s WHEN 'value' THEN %s WHEN 'unit' THEN %s ELSE %s END AS reason
        FROM (SELECT s.*, {reason} AS problem {joins}) AS s
        WHERE problem IS NOT NULL
    """
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
    errors, count = _fetch_errors(errors_sql, reasons)
    if count:
        _refuse(errors, count)
    duplicates_sql = f"""
        SELECT s.line, 'insee_code', {c("insee_code")}, %s
        FROM {staging.table} s JOIN (
            SELECT trim({c("insee_code")}) AS code, trim({year}) AS y, lower(trim({quantity})) AS q,
                {sector_code} AS sec, {energy_code} AS en, min(line) AS first_line
            FROM {staging.table} s GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1
        ) AS dup ON dup.code = trim({c("insee_code")}) AND dup.y = trim({year})
            AND dup.q = lower(trim({quantity})) AND dup.sec IS NOT DISTINCT FROM {sector_code}
            AND dup.en IS NOT DISTINCT FROM {energy_code} AND s.line > dup.first_line
    """
    if not d.postgres:  # PostgreSQL's unique index finds them during the insert instead
        errors, count = _fetch_errors(duplicates_sql, [_("the same value appears on an earlier line")])
        if count:
            _refuse(errors, count)
    years = _years(f"SELECT DISTINCT CAST(trim({year}) AS integer) FROM {staging.table} s")
    progress("writing", 0, 1)
    _delete_years(dataset_id, years)
    insert = f"""
        INSERT INTO observatory_observation
            {OBSERVATION_COLUMNS}
        SELECT {dataset_id}, {batch_id}, co.id, CAST(trim({year}) AS integer), lower(trim({quantity})),
            se.id, ca.id, so.id, CAST(replace(trim({value}), ',', '.') AS {d.float}) * un.factor,
            {status} IN ({", ".join(f"'{s}'" for s in ESTIMATED)})
        {joins}
    """
    imported = _insert(insert, duplicates_sql, [_("the same value appears on an earlier line")])
    rows = _count(staging.table)
    return ImportResult(rows_read=rows, rows_imported=imported, rows_skipped=0, years=years)


def _import_ore(staging: _Staging, dataset_id: int, batch_id: int, progress: Progress) -> ImportResult:
    d = staging.dialect
    c = staging.col
    year, conso = c("annee"), c("conso")
    filiere = f"lower(trim({c('filiere')}))"
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
