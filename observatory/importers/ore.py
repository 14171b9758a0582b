"""The Agence ORE file of electricity and gas consumption by commune."""

from django.db import connection

from ..totals import dataset_territory_id
from .common import (
    NUMBER,
    ORE_CARRIERS,
    ORE_SECTORS,
    YEAR,
    ImportFailed,
    ImportResult,
    Progress,
    Timer,
    fetch_errors,
    problems_table,
    refuse,
    scalar,
    sql_literal,
    years_of,
)
from .facts import RowsRejected, facts_write
from .staging import Staging


def import_ore(
    staging: Staging, dataset_id: int, batch_id: int, progress: Progress, timer: Timer
) -> ImportResult:
    d = staging.dialect
    c = staging.col
    year, conso = c("annee"), c("conso")
    # Accents and case vary between releases (Electricité, ÉLECTRICITÉ...); SQLite's lower() is ASCII-only.
    filiere = f"replace(replace(replace(lower(trim({c('filiere')})), 'é', 'e'), 'É', 'e'), 'É', 'e')"
    sector = f"lower(trim({c('code_grand_secteur')}))"
    carriers = " ".join(
        f"WHEN {sql_literal(name)} THEN {sql_literal(code)}" for name, code in ORE_CARRIERS.items()
    )
    sectors = " ".join(
        f"WHEN {sql_literal(name)} THEN {sql_literal(code)}" for name, code in ORE_SECTORS.items()
    )
    code = (
        f"lpad(trim({c('code_commune')}), 5, '0')"
        if d.postgres
        else f"substr('00000' || trim({c('code_commune')}), -5, 5)"
    )

    # The file is national: the rows of communes outside the platform, or outside the dataset's
    # territory for a territory's own dataset, are skipped (and counted).
    with connection.cursor() as cursor:
        territory_id = dataset_territory_id(cursor, dataset_id)
    of_territory = "" if territory_id is None else f" AND co.territory_id = {sql_literal(int(territory_id))}"

    def known(table: str) -> str:
        return f"FROM {table} s JOIN communes_commune co ON co.insee_code = {code}{of_territory}"

    reason = f"""CASE
        WHEN NOT ({d.matches(f"trim({year})", YEAR)}) THEN 'annee'
        WHEN (CASE {filiere} {carriers} END) IS NULL THEN 'filiere'
        WHEN (CASE {sector} {sectors} END) IS NULL THEN 'code_grand_secteur'
        WHEN trim({conso}) <> '' AND NOT ({d.matches(f"trim({conso})", NUMBER)}) THEN 'conso'
        WHEN trim({conso}) LIKE '-%%' THEN 'conso'
    END"""
    with timer.phase("checks"):
        count_sql = f"SELECT 1 {known(staging.relation)} WHERE {reason} IS NOT NULL"
        if scalar(f"SELECT count(*) FROM ({count_sql}) AS bad"):
            # Every problem of every line, one error each, in the order of the columns.
            flags = {
                "annee": f"NOT ({d.matches(f'trim({year})', YEAR)})",
                "filiere": f"(CASE {filiere} {carriers} END) IS NULL",
                "code_grand_secteur": f"(CASE {sector} {sectors} END) IS NULL",
                "conso": f"(trim({conso}) <> '' AND NOT ({d.matches(f'trim({conso})', NUMBER)}))"
                f" OR trim({conso}) LIKE '-%%'",
            }
            problems = [
                ("annee", "bad_year"),
                ("filiere", "ore_bad_energy"),
                ("code_grand_secteur", "ore_bad_sector"),
                ("conso", "ore_bad_consumption"),
            ]
            matches = " OR ".join(
                f"(p.problem = {sql_literal(name)} AND ({flag}))" for name, flag in flags.items()
            )
            cells = " ".join(f"WHEN {sql_literal(name)} THEN {c(name)}" for name in flags)
            errors_sql = f"""
                SELECT s.line, p.problem, p.code, CASE p.problem {cells} END AS value, p.position,
                    CAST(NULL AS integer) AS first_line
                {known(staging.relation)}
                JOIN ({problems_table(problems)}) AS p ON {matches}
            """
            refuse(*fetch_errors(errors_sql))
        known_rows = scalar(f"SELECT count(*) {known(staging.relation)}")
        secret_rows = scalar(f"SELECT count(*) {known(staging.relation)} WHERE trim({conso}) = ''")
        years = years_of(f"SELECT DISTINCT CAST(trim({year}) AS integer) {known(staging.relation)}")
    progress("writing", 0, 1)
    # Several operators may serve one commune: their rows for one year, energy and sector add up.
    rows_sql = f"""
        SELECT min(s.line) AS line, {sql_literal(dataset_id)} AS dataset_id,
            {sql_literal(batch_id)} AS batch_id, co.insee_code,
            CAST(trim({year}) AS integer) AS year, 'consumption' AS quantity, se.code AS sector_code,
            ca.code AS energy, sum(CAST(replace(trim({conso}), ',', '.') AS {d.float})) AS value,
            'consolidated' AS status
        {known(staging.relation)}
        JOIN observatory_carrier ca ON ca.code = CASE {filiere} {carriers} END
        JOIN observatory_sector se ON se.code = CASE {sector} {sectors} END
        WHERE trim({conso}) <> ''
        GROUP BY co.insee_code, CAST(trim({year}) AS integer), se.code, ca.code
    """
    try:
        imported = facts_write(
            select_sql=rows_sql, dataset_id=dataset_id, batch_id=batch_id, years=years, timer=timer
        )
    except RowsRejected as rejected:
        raise ImportFailed("rejected", {"reason": str(rejected).splitlines()[0]}) from rejected
    rows = staging.rows
    return ImportResult(
        rows_read=rows, rows_imported=imported, rows_skipped=rows - known_rows + secret_rows, years=years
    )
