from django.db import migrations


def load(apps, schema_editor):
    from actions.services import catalogue_load_starter

    catalogue_load_starter(
        theme_model=apps.get_model("actions", "Theme"), entry_model=apps.get_model("actions", "CatalogueAction")
    )


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
