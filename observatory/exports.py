"""The platform's long CSV, written from the fact table.

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

from .importers.common import LONG_COLUMNS
from .models import STORED_UNIT, Observation

CHUNK_ROWS = 5000


def long_csv(*, dataset_id: int | None, insee_codes: list[str] | None = None) -> Iterator[bytes]:
    """The dataset's values (of these communes only, when given) as the platform's long CSV; without a
    dataset, the header alone."""
    if dataset_id is None:
        yield _header()
    elif connection.vendor == "postgresql":
        yield from _postgres(dataset_id, insee_codes)
    else:
        yield from _other(dataset_id, insee_codes)


def _postgres(dataset_id: int, insee_codes: list[str] | None) -> Iterator[bytes]:
    units = " ".join(f"WHEN '{quantity}' THEN '{unit}'" for quantity, unit in STORED_UNIT.items())
    where = "dataset_id = %s" + (" AND insee_code = ANY(%s)" if insee_codes is not None else "")
    params = [dataset_id] + ([list(insee_codes)] if insee_codes is not None else [])
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


def _other(dataset_id: int, insee_codes: list[str] | None) -> Iterator[bytes]:
    rows = Observation.objects.filter(dataset_id=dataset_id)
    if insee_codes is not None:
        rows = rows.filter(commune_id__in=insee_codes)
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
