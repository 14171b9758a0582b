"""The observatory's CSV files: the table of the page (one row per year), for a spreadsheet or for a
program, and the platform's long CSV of every value.

The table for a spreadsheet speaks the page's language: French column names and values, semicolons and
decimal commas when the page is French. The table for a program never changes with the language: stable
English headers, codes ("estimated"), a decimal point, commas. Both keep every digit of a value (no
"1,02141e+07" for 10 214 138,2 MWh): `pcl.formatting.data_number`.

The long CSV is written from the fact table: codes of the platform's lists and numbers, no text a user
typed, and a file a program reads back as it is; the table for a program likewise (its dataset code is
a slug). The table for a spreadsheet writes its texts through `pcl.spreadsheet.safe_cell`.

It is the format the import reads (docs/observatory-formats.md), in the platform's own form: the codes
of its lists, each value in the stored unit of its quantity with a decimal point, "consolidated" or
"estimated", one row per value in key order. Imported again, into this platform or another one, such a
file is COPYed straight into the fact table (importers/direct.py).

The rows stream out: on PostgreSQL through COPY ... TO STDOUT, on SQLite in chunks of rows, so that a
dataset of millions of values is never held in memory."""

import csv
import io
from collections.abc import Iterator

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from pcl.formatting import data_number, is_french
from pcl.spreadsheet import safe_cell

from .importers.common import LONG_COLUMNS
from .models import STORED_UNIT, Observation, Status

CHUNK_ROWS = 5000

# The table's columns: the key of a row, the stable header of the file for programs.
TABLE_COLUMNS = [
    ("year", "year"),
    ("status", "status"),
    ("population", "population"),
    ("consumption", "consumption_mwh"),
    ("consumption_per_inhabitant", "consumption_mwh_per_inhabitant"),
    ("emissions", "emissions_t_co2e"),
    ("emissions_per_inhabitant", "emissions_t_co2e_per_inhabitant"),
    ("emissions_change", "emissions_change_since_reference_pct"),
    ("production", "renewable_production_mwh"),
    ("renewable_share", "renewable_share_pct"),
]


# A year covering part of the territory gives partial sums (see selectors.territory_observatory): each
# row says how many communes of how many its values cover.
COVERAGE_COLUMNS = ("communes_with_values", "communes_of_territory")


def _coverage(row: dict) -> list[int]:
    return [row["coverage"].communes, row["coverage"].territory_communes]


def _table_labels(reference_year: int) -> dict[str, str]:
    """The table's column names for people, in the active language."""
    return {
        "year": _("Year"),
        "status": _("Status"),
        "population": _("Population"),
        "consumption": _("Final energy consumption (MWh)"),
        "consumption_per_inhabitant": _("Consumption per inhabitant (MWh/inhab.)"),
        "emissions": _("Greenhouse-gas emissions (t CO2e)"),
        "emissions_per_inhabitant": _("Emissions per inhabitant (t CO2e/inhab.)"),
        "emissions_change": _("Change in emissions since %(year)s (%%)") % {"year": reference_year},
        "production": _("Renewable production (MWh)"),
        "renewable_share": _("Renewable share of consumption (%)"),
    }


def table_csv(*, rows: list[dict], dataset, reference_year: int, machine: bool = False) -> str:
    """The page's table by year as CSV text: for a spreadsheet in the page's language, or for a program
    (`machine`): the dataset's code as first column, stable headers, codes, decimal points."""
    buffer = io.StringIO()
    if machine:
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["dataset"] + [header for _key, header in TABLE_COLUMNS] + list(COVERAGE_COLUMNS))
        code = dataset.code if dataset else ""
        for row in rows:
            status = Status.ESTIMATED if row["estimated"] else Status.CONSOLIDATED
            values = [data_number(row[key], machine=True) for key, _header in TABLE_COLUMNS[2:]]
            writer.writerow([code, row["year"], status.value, *values, *_coverage(row)])
        return buffer.getvalue()
    # French spreadsheets read a semicolon-separated file with decimal commas; a BOM tells them UTF-8.
    writer = csv.writer(buffer, delimiter=";" if is_french() else ",", lineterminator="\r\n")
    buffer.write("\ufeff")
    # Texts through safe_cell (none may run as a formula), figures through data_number: a negative
    # value ("-4,2") stays a number the spreadsheet adds up.
    writer.writerow([safe_cell(f"# {dataset}" if dataset else "# —")])
    labels = _table_labels(reference_year)
    writer.writerow(
        [safe_cell(labels[key]) for key, _header in TABLE_COLUMNS]
        + [safe_cell(_("Communes with values")), safe_cell(_("Communes of the territory"))]
    )
    for row in rows:
        status = Status.ESTIMATED if row["estimated"] else Status.CONSOLIDATED
        values = [data_number(row[key]) for key, _header in TABLE_COLUMNS[2:]]
        writer.writerow([row["year"], safe_cell(status.label), *values, *_coverage(row)])
    return buffer.getvalue()


def long_csv(
    *, dataset_id: int | None, insee_codes: list[str] | None = None, territory_id: int | None = None
) -> Iterator[bytes]:
    """The dataset's values (of these communes only, when given; of the territory's communes, when
    given: a shared dataset holds other territories' values too) as the platform's long CSV; without a
    dataset, the header alone."""
    if dataset_id is None:
        yield _header()
    elif connection.vendor == "postgresql":
        yield from _postgres(dataset_id, insee_codes, territory_id)
    else:
        yield from _other(dataset_id, insee_codes, territory_id)


def _postgres(dataset_id: int, insee_codes: list[str] | None, territory_id: int | None) -> Iterator[bytes]:
    units = " ".join(f"WHEN '{quantity}' THEN '{unit}'" for quantity, unit in STORED_UNIT.items())
    where = "dataset_id = %s" + (" AND insee_code = ANY(%s)" if insee_codes is not None else "")
    params = [dataset_id] + ([list(insee_codes)] if insee_codes is not None else [])
    if territory_id is not None:
        where += " AND insee_code IN (SELECT insee_code FROM communes_commune WHERE territory_id = %s)"
        params.append(territory_id)
    sql = f"""
        COPY (
            SELECT insee_code, year, quantity, sector_code, energy, value, CASE quantity {units} END, status
            FROM observatory_observation WHERE {where}
            ORDER BY insee_code, year, quantity, sector_code NULLS FIRST, energy NULLS FIRST
        ) TO STDOUT WITH (FORMAT csv)
    """
    yield _header()
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        for data in copy:
            yield bytes(data)


def _other(dataset_id: int, insee_codes: list[str] | None, territory_id: int | None) -> Iterator[bytes]:
    rows = Observation.objects.filter(dataset_id=dataset_id)
    if insee_codes is not None:
        rows = rows.filter(commune_id__in=insee_codes)
    if territory_id is not None:
        rows = rows.filter(commune__territory_id=territory_id)
    rows = rows.order_by("commune_id", "year", "quantity", "sector_id", "energy").values_list(
        "commune_id", "year", "quantity", "sector_id", "energy", "value", "status"
    )
    yield _header()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for count, (code, year, quantity, sector, energy, value, status) in enumerate(
        rows.iterator(chunk_size=CHUNK_ROWS), start=1
    ):
        unit = STORED_UNIT[quantity]
        writer.writerow([code, year, quantity, sector or "", energy or "", repr(value), unit, status])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _header() -> bytes:
    return (",".join(LONG_COLUMNS) + "\n").encode()


# The columns `open_data_values` reads, in order (the public app's open data files write them).
OPEN_DATA_FIELDS = (
    "commune_id",
    "commune__name",
    "year",
    "quantity",
    "sector_id",
    "energy",
    "value",
    "status",
)


def open_data_values(*, dataset_id: int) -> Iterator[tuple]:
    """The dataset's values for its open data files: one tuple per value (OPEN_DATA_FIELDS: the INSEE
    code, the commune's name, the year, the quantity, the sector's and the energy's codes, the value in
    the quantity's stored unit, its status), by quantity, commune and year (the order of the fact
    table's index), read in chunks (a server-side cursor on PostgreSQL): a dataset of millions of values
    is never held in memory. The values of a commune no longer on the platform are left out, as pages
    leave them out."""
    rows = (
        Observation.objects.filter(dataset_id=dataset_id)
        .order_by(
            "quantity",
            "commune_id",
            "year",
            F("sector_id").asc(nulls_first=True),
            F("energy").asc(nulls_first=True),
        )
        .values_list(*OPEN_DATA_FIELDS)
    )
    return rows.iterator(chunk_size=CHUNK_ROWS)
