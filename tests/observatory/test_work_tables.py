"""The nightly sweep drops the work tables a killed import left behind, and nothing else."""

import pytest
from django.db import connection

from observatory import services
from observatory.importers.split import SPLIT_SETTING
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
    dead = {"obs_direct_dead1234_0", "obs_half_dead1234_0", "obs_part_dead1234_1"}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE obs_direct_dead1234_0 (id bigint)")
        cursor.execute("CREATE UNLOGGED TABLE obs_half_dead1234_0 (line bigint)")
        cursor.execute("CREATE TABLE obs_part_dead1234_1 (line bigint)")
        cursor.execute("CREATE TABLE obs_keep_me (line bigint)")

    # Not while an import runs: its tables are in use.
    running = ImportBatch.objects.create(
        dataset=dataset(), format=batch.format, original_name="x.csv", status=BatchStatus.RUNNING
    )
    assert services.work_tables_sweep() == []
    assert dead <= tables()

    running.delete()
    swept = services.work_tables_sweep()
    # Other tests' imports on two connections committed work tables that their rolled-back test
    # transaction then let go of: the sweep takes those too, and nothing but work tables.
    assert dead <= set(swept)
    assert all(name.startswith(services.WORK_TABLE_PREFIXES) for name in swept)
    assert not tables() & set(swept)
    assert "obs_keep_me" in tables()
    assert Observation.objects.count() == imported
