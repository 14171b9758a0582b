# Territories (issue 15): the aggregates of the whole platform become each territory's (observatory/totals.py).
# They are derived rows: emptied, given their territory column, and computed again from the fact table, each
# commune's values counted in its territory.

import django.db.models.deletion
from django.db import migrations, models

from observatory.totals import AGGREGATE_TABLES, aggregates_rebuild, statistics_refresh


def empty(apps, schema_editor):
    for name in ("PlatformTotal", "PlatformCoverage"):
        apps.get_model("observatory", name).objects.all().delete()


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        aggregates_rebuild(cursor)
        statistics_refresh(cursor, AGGREGATE_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0007_territory_required"),
        ("observatory", "0010_territory_scope"),
    ]

    operations = [
        migrations.RunPython(empty, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="platformtotal", name="observatory_platform_total"),
        migrations.RemoveConstraint(model_name="platformcoverage", name="observatory_platform_coverage_key"),
        migrations.AddField(
            model_name="platformtotal",
            name="territory",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                default=0,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="communes.territory",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="platformcoverage",
            name="territory",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                default=0,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="communes.territory",
            ),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="platformtotal",
            index=models.Index(fields=["territory", "dataset", "year"], name="observatory_territory_total"),
        ),
        migrations.AddConstraint(
            model_name="platformcoverage",
            constraint=models.UniqueConstraint(
                fields=["territory", "dataset", "year"], name="observatory_territory_coverage_key"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
