"""The Agence ORE file of electricity and gas consumption by commune."""

from django.db import connection
from django.utils.translation import gettext as _

from .common import (
    NUMBER,
    OBSERVATION_COLUMNS,
    ORE_CARRIERS,
    ORE_SECTORS,
    YEAR,
    ImportResult,
    Progress,
    count_rows,
    delete_years,
    fetch_errors,
    insert_values,
    refuse,
    years_of,
)
from .staging import Staging


def import_ore(staging: Staging, dataset_id: int, batch_id: int, progress: Progress) -> ImportResult:
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
    errors, count = fetch_errors(errors_sql, reasons)
    if count:
        refuse(errors, count)
    rows = count_rows(staging.table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {known}")
        known_rows = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) {known} WHERE trim(coalesce({conso}, '')) = ''")
        secret_rows = cursor.fetchone()[0]
    years = years_of(f"SELECT DISTINCT CAST(trim({year}) AS integer) {known}")
    progress("writing", 0, 1)
    delete_years(dataset_id, years)
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
    imported = insert_values(insert)
    return ImportResult(
        rows_read=rows, rows_imported=imported, rows_skipped=rows - known_rows + secret_rows, years=years
    )
