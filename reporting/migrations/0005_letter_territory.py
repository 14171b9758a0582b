# Territories (issue 15): each territory has its Lettre du Plan Climat, numbered on its own; the letters
# there were move into the territory the existing data moved into (communes 0006).

import django.db.models.deletion
from django.db import migrations, models

from communes.territory_migration import existing_data_territory


def letters_into_territory(apps, schema_editor):
    model = apps.get_model("reporting", "Letter")
    if model.objects.filter(territory__isnull=True).exists():
        model.objects.filter(territory__isnull=True).update(territory=existing_data_territory(apps))


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0006_existing_data_territory'),
        ('reporting', '0004_document_detail_communes'),
    ]

    operations = [
        migrations.AddField(
            model_name='letter',
            name='territory',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='communes.territory', verbose_name='territory'),
        ),
        migrations.RunPython(letters_into_territory, migrations.RunPython.noop),
    ]
