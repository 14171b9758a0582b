# Territories (issue 15): the outlines of Grenoble-Alpes Métropole's communes, which the platform ships
# (static/data/communes-grenoble-alpes-metropole.geojson), stored as the communes' outlines
# (communes.CommuneOutline) for the communes that exist; a platform onboarded later gets them from
# `territory_create` (the Métro's by default) or the demo. Communes that have an outline keep it.

from django.db import migrations

from communes.outlines import SHIPPED_OUTLINES, SHIPPED_SOURCE, outlines_parse, outlines_store


def load_metro_outlines(apps, schema_editor):
    commune_model = apps.get_model("communes", "Commune")
    outline_model = apps.get_model("communes", "CommuneOutline")
    parsed = outlines_parse(SHIPPED_OUTLINES.read_bytes(), name=SHIPPED_OUTLINES.name)
    without = commune_model.objects.filter(insee_code__in=parsed.geometries).exclude(
        pk__in=outline_model.objects.values("commune_id")
    )
    outlines_store(
        parsed=parsed,
        commune_ids=dict(without.values_list("insee_code", "pk")),
        source=SHIPPED_SOURCE,
        outline_model=outline_model,
    )


def unload_metro_outlines(apps, schema_editor):
    apps.get_model("communes", "CommuneOutline").objects.filter(source=SHIPPED_SOURCE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("communes", "0007_territory_required"),
    ]

    operations = [
        migrations.RunPython(load_metro_outlines, unload_metro_outlines),
    ]
