"""The platform's long CSV: normalised in one pass, checked with SQL, written with one INSERT."""

from django.db import connection
from django.utils.translation import gettext as _

from ..models import Quantity
from .common import (
    CONSOLIDATED,
    ESTIMATED,
    MAX_ERRORS,
    NUMBER,
    OBSERVATION_COLUMNS,
    ImportResult,
    Progress,
    count_rows,
    delete_years,
    fetch_errors,
    insert_values,
    refuse,
    unit_rows,
    years_of,
)
from .staging import Staging


def import_long(staging: Staging, dataset_id: int, batch_id: int, progress: Progress) -> ImportResult:
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
            LEFT JOIN ({unit_rows()}) AS un ON un.quantity = n.q AND un.unit = n.unit_key
            LEFT JOIN ({years_table}) AS yr ON yr.y = n.year_text
            """
        )
    try:
        return import_normalised(
            norm, staging, dataset_id, batch_id, progress, estimated, statuses, quantities
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {norm}")


def import_normalised(
    norm, staging: Staging, dataset_id, batch_id, progress, estimated, statuses, quantities
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
    errors, count = fetch_errors(errors_sql, reasons, count_sql=count_sql)
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
        duplicates, duplicate_count = fetch_errors(duplicates_sql, duplicate_reason)
        errors = sorted(errors + duplicates, key=lambda error: error["line"])[:MAX_ERRORS]
        count += duplicate_count
    if count:
        refuse(errors, count)
    years = years_of(f"SELECT DISTINCT CAST(year_text AS integer) FROM {norm}")
    progress("writing", 0, 1)
    delete_years(dataset_id, years)
    insert = f"""
        INSERT INTO observatory_observation {OBSERVATION_COLUMNS}
        SELECT {dataset_id}, {batch_id}, commune_id, CAST(year_text AS integer), q, sector_id, carrier_id,
            source_id, CAST(replace(value_text, ',', '.') AS {d.float}) * factor, status IN ({estimated})
        FROM {norm}
    """
    imported = insert_values(insert, duplicates_sql, duplicate_reason)
    return ImportResult(rows_read=count_rows(norm), rows_imported=imported, rows_skipped=0, years=years)
