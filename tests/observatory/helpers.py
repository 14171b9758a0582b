"""Building observatory files and importing them through the real import path."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from observatory import services
from observatory.models import Dataset, ImportFormat
from tests.factories import TerritoryFactory, UserFactory

LONG_HEADER = ["insee_code", "year", "quantity", "sector", "energy", "value", "unit", "status"]
ORE_HEADER = [
    "operateur",
    "annee",
    "filiere",
    "code_grand_secteur",
    "libelle_commune",
    "conso",
    "pdl",
    "code_commune",
]


def csv_text(rows, header=LONG_HEADER, delimiter=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def upload(text, name="observatoire.csv", encoding="utf-8") -> SimpleUploadedFile:
    content = text if isinstance(text, bytes) else text.encode(encoding)
    return SimpleUploadedFile(name, content, content_type="text/csv")


def dataset(code="orcae") -> Dataset:
    return Dataset.objects.get(code=code)


def run_import(
    text, *, dataset_code="orcae", file_format=ImportFormat.LONG, user=None, name="observatoire.csv"
):
    """Creates the batch as the upload view does, then runs it as the Celery task does."""
    if user is None:
        user = UserFactory(officer_of=TerritoryFactory())
    batch = services.batch_create(
        dataset=dataset(dataset_code), file_format=file_format, upload=upload(text, name), user=user
    )
    return services.batch_run(batch=batch)


def import_rows(rows, **kwargs):
    return run_import(csv_text(rows), **kwargs)


def series_rows(insee_codes, years, *, estimated_years=(), base=1000.0):
    """A small but complete long file: population, consumption (two sectors and carriers), emissions
    (two sectors) and production (two sources) for each commune and year."""
    rows = []
    for index, code in enumerate(insee_codes):
        for year in years:
            status = "estimated" if year in estimated_years else "consolidated"
            k = base * (index + 1) * (1 - 0.01 * (year - years[0]))
            rows += [
                (code, year, "population", "", "", 10000 + index, "inhabitants", status),
                (code, year, "consumption", "residential", "electricity", k, "MWh", status),
                (code, year, "consumption", "road_transport", "oil_products", 2 * k, "MWh", status),
                (code, year, "emissions", "residential", "", k / 10, "t CO2e", status),
                (code, year, "emissions", "road_transport", "", k / 5, "t CO2e", status),
                (code, year, "production", "", "photovoltaic", k / 20, "MWh", status),
                (code, year, "production", "", "hydro", k / 10, "MWh", status),
            ]
    return rows
