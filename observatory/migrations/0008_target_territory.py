# Territories (issue 15): a target belongs to a territory; the agglomeration's targets (no commune) and
# the communes' own move into the territory the existing data moved into (communes 0006).

import django.db.models.deletion
from django.db import migrations, models

from communes.territory_migration import existing_data_territory


def targets_into_territory(apps, schema_editor):
    """A platform with communes keeps its targets, in its territory. A fresh installation only has the
    Métro's targets the reference data seeded (observatory 0002): they go, and come back with the Métro's
    territory (observatory.services.metro_targets_load) when it is onboarded."""
    model = apps.get_model("observatory", "Target")
    if not model.objects.filter(territory__isnull=True).exists():
        return
    if not apps.get_model("communes", "Territory").objects.exists():
        if not apps.get_model("communes", "Commune").objects.exists():
            model.objects.filter(territory__isnull=True, commune__isnull=True).delete()
            return
    model.objects.filter(territory__isnull=True).update(territory=existing_data_territory(apps))


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0006_existing_data_territory'),
        ('observatory', '0007_observation_totals'),
    ]

    operations = [
        migrations.AddField(
            model_name='target',
            name='territory',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='communes.territory', verbose_name='territory'),
        ),
        migrations.RunPython(targets_into_territory, migrations.RunPython.noop),
    ]
