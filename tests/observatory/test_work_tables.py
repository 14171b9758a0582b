"""The nightly sweep drops the work tables a killed import left behind, and nothing else."""

import pytest
from django.db import connection

from observatory import services
from observatory.importers.halves import SPLIT_SETTING
from observatory.models import BatchStatus, ImportBatch, Observation
from tests.factories import CommuneFactory
from tests.observatory.helpers import dataset, import_rows, series_rows

pytestmark = pytest.mark.django_db


def tables(prefix="obs_") -> set[str]:
    return {name for name in connection.introspection.table_names() if name.startswith(prefix)}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
def test_on_sqlite_there_is_nothing_to_sweep():
    assert services.work_tables_sweep() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="work tables exist on PostgreSQL only")
def test_leftovers_are_dropped_and_imported_partitions_kept(settings):
    setattr(settings, SPLIT_SETTING, 1)  # import on two connections, with sub-partitions
    CommuneFactory(insee_code="38421")
    CommuneFactory(insee_code="38151")
    batch = import_rows(series_rows(["38421", "38151"], [2019, 2020]))
    assert batch.status == BatchStatus.DONE
    imported = Observation.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("CREATE UNLOGGED TABLE obs_half_dead1234_0 (line bigint)")
        cursor.execute("CREATE TABLE obs_part_dead1234_1 (line bigint)")
        cursor.execute("CREATE TABLE obs_keep_me (line bigint)")
    kept_before = tables() - {"obs_half_dead1234_0", "obs_part_dead1234_1"}

    # Not while an import runs: its tables are in use.
    running = ImportBatch.objects.create(
        dataset=dataset(), format=batch.format, original_name="x.csv", status=BatchStatus.RUNNING
    )
    assert services.work_tables_sweep() == []
    assert {"obs_half_dead1234_0", "obs_part_dead1234_1"} <= tables()

    running.delete()
    assert services.work_tables_sweep() == ["obs_half_dead1234_0", "obs_part_dead1234_1"]
    assert tables() == kept_before
    assert Observation.objects.count() == imported
