"""Demonstration observatory series for the demo communes, imported through the real import path."""

import csv
import tempfile

from django.db import transaction

from communes.importers import GRENOBLE_METROPOLE
from communes.models import Commune, Territory

from . import demo_series
from .importers import import_file
from .models import BatchStatus, Dataset, ImportBatch, ImportFormat, Observation
from .services import metro_datasets_load, metro_targets_load
from .totals import data_committed


def observatory_demo_load() -> None:
    metro = Territory.objects.filter(siren=GRENOBLE_METROPOLE["siren"]).first()
    if metro is not None:
        metro_targets_load(metro)
        metro_datasets_load(metro)
    dataset = Dataset.objects.filter(code="demo").first()
    if dataset is None or Observation.objects.filter(dataset=dataset).exists():
        return
    if dataset.territory_id is not None:
        # The series cover every demo territory's communes (a territory's own dataset would refuse the
        # others'): the demonstration dataset is a shared one.
        dataset.territory = None
        dataset.save(update_fields=["territory"])
    communes = list(Commune.objects.filter(population__isnull=False).values_list("insee_code", "population"))
    with tempfile.NamedTemporaryFile("w+", suffix=".csv", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["insee_code", "year", "quantity", "sector", "energy", "value", "unit", "status"])
        writer.writerows(demo_series.generate(communes))
        handle.flush()
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                dataset=dataset,
                format=ImportFormat.LONG,
                original_name="demonstration-series.csv",
                file="observatory/demo/demonstration-series.csv",
                status=BatchStatus.RUNNING,
                message="Séries de démonstration générées par la plateforme.",
                message_code="demo",
            )
            result = import_file(
                path_or_file=handle.name,
                file_format=ImportFormat.LONG,
                dataset_id=dataset.pk,
                batch_id=batch.pk,
            )
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.DONE,
                rows_read=result.rows_read,
                rows_imported=result.rows_imported,
                years=result.years,
            )
        data_committed()
