"""The platform's long CSV, through two small lookup tables rather than per-row normalisation.

A million-row file holds a few thousand distinct spellings of its codes: the distinct INSEE codes and
the distinct (year, quantity, sector, energy, unit, status) combinations are read once, normalised and
checked there (trimmed, lower-cased, resolved to ids, unit factors, status), and the rows are then joined
to them on their raw text. Only the value is read per row.

PostgreSQL checks the values while it writes them (a cast that fails, a check constraint) and then that
no value is given twice: the full report of bad rows (line, column, value, reason) is only computed for
a refused file. SQLite computes it first, then writes.

A territory's own dataset holds the values of its communes only: a row of a commune of another territory
is refused on its line, like an unknown commune (checked on the distinct codes, not on each row).

A file already in the platform's own form does not come here on PostgreSQL: direct.py COPYs it straight
into the fact table."""

from django.db import DataError, connection, transaction

from ..models import Quantity
from ..totals import dataset_territory_id
from .common import (
    CONSOLIDATED,
    ESTIMATED,
    MAX_ERRORS,
    NUMBER,
    ImportFailed,
    ImportResult,
    Progress,
    Timer,
    fetch_errors,
    problems_table,
    refuse,
    scalar,
    sql_list,
    sql_literal,
    unit_rows,
    years_of,
)
from .facts import RowsRejected, facts_write
from .staging import Staging

KIND_COLUMNS = ("year", "quantity", "sector", "energy", "unit", "status")


def import_long(
    staging: Staging, dataset_id: int, batch_id: int, progress: Progress, timer: Timer
) -> ImportResult:
    with timer.phase("lookups"):
        with connection.cursor() as cursor:
            territory_id = dataset_territory_id(cursor, dataset_id)
        codes, kinds = lookups(staging, territory_id=territory_id)
    with timer.phase("checks"):
        wrong_codes = scalar(f"SELECT count(*) FROM {codes} WHERE commune_id IS NULL OR other_territory = 1")
        wrong_kinds = scalar(f"SELECT count(*) FROM {kinds} WHERE problem IS NOT NULL")
        if wrong_codes or wrong_kinds or not staging.dialect.postgres:
            report(staging, codes, kinds)
        years = years_of(f"SELECT DISTINCT year FROM {kinds}")
    progress("writing", 0, 1)
    try:
        imported = facts_write(
            select_sql=rows_sql(staging, codes, kinds, dataset_id, batch_id),
            dataset_id=dataset_id,
            batch_id=batch_id,
            years=years,
            timer=timer,
        )
    except RowsRejected as rejected:
        with timer.phase("checks"):
            report(staging, codes, kinds)
        # Nothing the checks know of (a number too large for a float...): the database's own words.
        raise ImportFailed("rejected", {"reason": str(rejected).splitlines()[0]}) from rejected
    return ImportResult(rows_read=staging.rows, rows_imported=imported, rows_skipped=0, years=years)


def lookups(
    staging: Staging,
    *,
    codes_source: str | None = None,
    kinds_source: str | None = None,
    territory_id: int | None = None,
) -> tuple[str, str]:
    """The distinct INSEE codes with their commune (`other_territory` 1 for a commune outside
    `territory_id`, the dataset's territory when it has one), and the distinct kinds of value with their ids,
    unit factor, estimate flag, first problem (NULL when right) and a flag per check (`bad_year`...).
    The sources (`code_raw`, and `year_raw`... `status_raw`) default to the distinct values of the
    staging table."""
    c = staging.col
    d = staging.dialect
    codes, create_codes = staging.scratch_table("codes")
    kinds, create_kinds = staging.scratch_table("kinds")
    estimated = sql_list(ESTIMATED)
    statuses = sql_list((*ESTIMATED, *CONSOLIDATED))
    quantities = sql_list(Quantity.values)
    years_table = " UNION ALL ".join(f"SELECT {sql_literal(str(year))} AS y" for year in range(1990, 2101))
    raw = ", ".join(f"{c(name)} AS {name}_raw" for name in KIND_COLUMNS)
    codes_source = codes_source or f"SELECT DISTINCT {c('insee_code')} AS code_raw FROM {staging.relation} s"
    kinds_source = kinds_source or f"SELECT DISTINCT {raw} FROM {staging.relation} s"
    other_territory = (
        "0"
        if territory_id is None
        else f"CASE WHEN co.territory_id <> {sql_literal(int(territory_id))} THEN 1 ELSE 0 END"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""{create_codes} AS
            SELECT r.code_raw, co.id AS commune_id, co.insee_code, {other_territory} AS other_territory
            FROM ({codes_source}) AS r
            LEFT JOIN communes_commune co ON co.insee_code = trim(r.code_raw)"""
        )
        cursor.execute(
            f"""{create_kinds} AS
            SELECT k.*,
                year IS NULL AS bad_year,
                quantity NOT IN ({quantities}) AS bad_quantity,
                (sector_code IS NOT NULL AND sector_id IS NULL)
                    OR (quantity IN ('emissions', 'consumption') AND sector_code IS NULL)
                    OR (quantity IN ('production', 'population') AND sector_code IS NOT NULL) AS bad_sector,
                (quantity = 'consumption' AND carrier_id IS NULL)
                    OR (quantity = 'production' AND source_id IS NULL)
                    OR (quantity IN ('emissions', 'population') AND energy_code IS NOT NULL) AS bad_energy,
                quantity IN ({quantities}) AND factor IS NULL AS bad_unit,
                status NOT IN ({statuses}) AS bad_status,
                CASE
                WHEN year IS NULL THEN 'year'
                WHEN quantity NOT IN ({quantities}) THEN 'quantity'
                WHEN sector_code IS NOT NULL AND sector_id IS NULL THEN 'sector'
                WHEN quantity IN ('emissions', 'consumption') AND sector_code IS NULL THEN 'sector'
                WHEN quantity IN ('production', 'population') AND sector_code IS NOT NULL THEN 'sector'
                WHEN quantity = 'consumption' AND carrier_id IS NULL THEN 'energy'
                WHEN quantity = 'production' AND source_id IS NULL THEN 'energy'
                WHEN quantity IN ('emissions', 'population') AND energy_code IS NOT NULL THEN 'energy'
                WHEN factor IS NULL THEN 'unit'
                WHEN status NOT IN ({statuses}) THEN 'status'
            END AS problem
            FROM (
                SELECT n.*, CAST(yr.y AS integer) AS year, se.id AS sector_id, ca.id AS carrier_id,
                    so.id AS source_id, un.factor, n.status IN ({estimated}) AS is_estimate
                FROM (
                    SELECT r.*, lower(trim(r.quantity_raw)) AS quantity,
                        nullif(lower(trim(r.sector_raw)), '') AS sector_code,
                        nullif(lower(trim(r.energy_raw)), '') AS energy_code,
                        replace(lower(r.unit_raw), ' ', '') AS unit_key,
                        lower(trim(r.status_raw)) AS status
                    FROM ({kinds_source}) AS r
                ) AS n
                LEFT JOIN ({years_table}) AS yr ON yr.y = trim(n.year_raw)
                LEFT JOIN observatory_sector se ON se.code = n.sector_code
                LEFT JOIN observatory_carrier ca ON ca.code = n.energy_code AND n.quantity = 'consumption'
                LEFT JOIN observatory_renewablesource so
                    ON so.code = n.energy_code AND n.quantity = 'production'
                LEFT JOIN ({unit_rows()}) AS un ON un.quantity = n.quantity AND un.unit = n.unit_key
            ) AS k"""
        )
        if d.postgres:
            cursor.execute(f"ANALYZE {codes}")
            cursor.execute(f"ANALYZE {kinds}")
    return codes, kinds


def _joined(staging: Staging, codes: str, kinds: str) -> str:
    c = staging.col
    on_kind = " AND ".join(f"k.{name}_raw = {c(name)}" for name in KIND_COLUMNS)
    return (
        f"{staging.relation} s JOIN {codes} co ON co.code_raw = {c('insee_code')} JOIN {kinds} k ON {on_kind}"
    )


def rows_sql(staging: Staging, codes: str, kinds: str, dataset_id: int, batch_id: int) -> str:
    """The file's values in the fact table's terms: the platform's codes, the stored unit, the status."""
    d = staging.dialect
    value = f"CAST(replace(trim({staging.col('value')}), ',', '.') AS {d.float}) * k.factor"
    return f"""
        SELECT s.line, {sql_literal(dataset_id)} AS dataset_id, {sql_literal(batch_id)} AS batch_id,
            co.insee_code, k.year, k.quantity,
            k.sector_code, k.energy_code AS energy, {value} AS value,
            CASE WHEN k.is_estimate THEN 'estimated' ELSE 'consolidated' END AS status
        FROM {_joined(staging, codes, kinds)}
    """


def report(staging: Staging, codes: str, kinds: str) -> None:
    """Raises ImportFailed with every bad row, if there is one."""
    d = staging.dialect
    c = staging.col
    value = f"trim({c('value')})"
    number = f"CAST(replace({value}, ',', '.') AS {d.float})"
    # Every problem of every line, one error each: the line's checks as flags, joined to the list of
    # problems. A sector, an energy or a unit is only judged against a known quantity.
    bad_value = f"""(CASE
        WHEN NOT ({d.matches(value, NUMBER)}) THEN 1
        WHEN k.quantity <> 'emissions' AND {number} < 0 THEN 1
        ELSE 0
    END) = 1"""
    problems = [
        ("insee_code", "unknown_commune"),
        ("insee_code", "other_territory"),
        ("year", "bad_year"),
        ("quantity", "unknown_quantity"),
        ("sector", "bad_sector"),
        ("energy", "bad_energy"),
        ("value", "bad_value"),
        ("unit", "bad_unit"),
        ("status", "bad_status"),
    ]
    # Each problem's flag, by its code (a column may have several: an unknown commune, another territory's).
    flags = {
        "unknown_commune": "s.commune_id IS NULL",
        "other_territory": "s.other_territory = 1",
        "bad_year": "s.bad_year",
        "unknown_quantity": "s.bad_quantity",
        "bad_sector": "s.bad_sector",
        "bad_energy": "s.bad_energy",
        "bad_value": "s.bad_value",
        "bad_unit": "s.bad_unit",
        "bad_status": "s.bad_status",
    }
    matches = " OR ".join(f"(p.code = {sql_literal(code)} AND {flag})" for code, flag in flags.items())
    columns = dict.fromkeys(name for name, _code in problems)
    cells = " ".join(f"WHEN {sql_literal(name)} THEN {c(name)}" for name in columns)
    errors_sql = f"""
        SELECT s.line, p.problem, p.code, CASE p.problem {cells} END AS value, p.position,
            CAST(NULL AS integer) AS first_line
        FROM (
            SELECT s.*, co.commune_id, co.other_territory, k.bad_year, k.bad_quantity, k.bad_sector,
                k.bad_energy, k.bad_unit,
                k.bad_status, {bad_value} AS bad_value
            FROM {_joined(staging, codes, kinds)}
        ) AS s
        JOIN ({problems_table(problems)}) AS p ON {matches}
    """
    # Repeated lines: the same commune, year, quantity, sector and energy, however spelt; each error
    # names the line that gave the value first.
    key = "co.commune_id, k.year, k.quantity, k.sector_id, k.carrier_id, k.source_id"
    duplicates_sql = f"""
        SELECT line, 'insee_code', 'duplicate', code, 0, first_line FROM (
            SELECT s.line, {c("insee_code")} AS code,
                row_number() OVER (PARTITION BY {key} ORDER BY s.line) AS position,
                min(s.line) OVER (PARTITION BY {key}) AS first_line
            FROM {_joined(staging, codes, kinds)}
            WHERE co.commune_id IS NOT NULL AND co.other_territory = 0 AND k.problem IS NULL
        ) AS s
        WHERE position > 1
    """
    try:
        with transaction.atomic():
            errors, count, lines = fetch_errors(errors_sql)
            duplicates, duplicate_count, duplicate_lines = fetch_errors(duplicates_sql)
    except DataError:
        return  # a number the checks accept but the database cannot hold: the caller says so
    if duplicate_count and not count:
        raise ImportFailed("duplicates", {"count": duplicate_count}, duplicates, duplicate_count)
    if count or duplicate_count:
        errors = sorted(errors + duplicates, key=lambda error: error["line"])[:MAX_ERRORS]
        # A repeated line has no other problem (only right lines are compared): the lines add up.
        refuse(errors, count + duplicate_count, lines + duplicate_lines)
