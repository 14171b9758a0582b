# Territories (issue 15): the Métro / observatory officer becomes an officer of a territory, the one
# the existing data moved into (communes 0006); an advisor may name the energy agency they work for.

import django.db.models.deletion
from django.db import migrations, models

from communes.territory_migration import existing_data_territory


def officers_of_territory(apps, schema_editor):
    officers = list(apps.get_model("accounts", "User").objects.filter(is_metro_officer=True).values_list("pk", flat=True))
    if not officers:
        return
    territory = existing_data_territory(apps)
    role_model = apps.get_model("communes", "TerritoryRole")
    role_model.objects.bulk_create(
        [role_model(user_id=user_id, territory=territory, role="officer") for user_id in officers]
    )


def officers_back(apps, schema_editor):
    officers = apps.get_model("communes", "TerritoryRole").objects.filter(role="officer").values("user_id")
    apps.get_model("accounts", "User").objects.filter(pk__in=officers).update(is_metro_officer=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_audit_event'),
        ('communes', '0006_existing_data_territory'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='agency',
            field=models.ForeignKey(blank=True, help_text='For an advisor: the agency they work for; they follow communes of its territories.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='staff', to='communes.agency', verbose_name='energy agency'),
        ),
        migrations.RunPython(officers_of_territory, officers_back),
        migrations.RemoveField(
            model_name='user',
            name='is_metro_officer',
        ),
    ]
