from django.db import migrations


def load(apps, schema_editor):
    from observatory.services import reference_load

    reference_load(
        sector_model=apps.get_model("observatory", "Sector"),
        carrier_model=apps.get_model("observatory", "Carrier"),
        source_model=apps.get_model("observatory", "RenewableSource"),
        dataset_model=apps.get_model("observatory", "Dataset"),
        target_model=apps.get_model("observatory", "Target"),
    )


# One value per dataset, commune, year, quantity, sector, energy and source. On PostgreSQL (15+) the
# unique index treats NULLs as equal, so it also finds repeated lines during the import; SQLite gets
# the lookup index, and the import checks repeats itself.
POSTGRES_INDEX = """
CREATE UNIQUE INDEX observatory_observation_key ON observatory_observation
    (dataset_id, quantity, commune_id, year, sector_id, carrier_id, source_id) NULLS NOT DISTINCT
"""
OTHER_INDEX = """
CREATE INDEX observatory_observation_key ON observatory_observation (dataset_id, quantity, commune_id, year)
"""


def create_index(apps, schema_editor):
    schema_editor.execute(POSTGRES_INDEX if schema_editor.connection.vendor == "postgresql" else OTHER_INDEX)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX observatory_observation_key")


class Migration(migrations.Migration):
    dependencies = [("observatory", "0001_initial")]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
