# Territories (issue 15), step 2 of 3: the data of a platform that ran one network moves into one
# territory (communes.territory_migration), which takes its EPCI's climate plan.

from django.db import migrations

from communes.territory_migration import existing_data_territory


def move_into_territory(apps, schema_editor):
    models = [apps.get_model("communes", name) for name in ("Commune", "CommuneGroup", "Signatory")]
    if not any(model.objects.exists() for model in models):
        return
    territory = existing_data_territory(apps)
    for model in models:
        model.objects.filter(territory__isnull=True).update(territory=territory)


def back_to_epci(apps, schema_editor):
    """Reversing: the territory's plan goes back to its EPCI (the territory itself goes with 0005)."""
    territory = apps.get_model("communes", "Territory").objects.order_by("pk").first()
    if territory is None or not territory.siren:
        return
    apps.get_model("communes", "Epci").objects.filter(siren=territory.siren).update(
        climate_plan_name=territory.climate_plan_name,
        climate_plan_year=territory.climate_plan_year,
        holds_agglomeration_targets=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0005_territories'),
    ]

    operations = [
        migrations.RunPython(move_into_territory, back_to_epci),
    ]
