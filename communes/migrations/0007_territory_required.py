# Territories (issue 15), step 3 of 3: every commune, group and signatory now has its territory; the
# EPCI's plan fields moved to the territory (0006).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0006_existing_data_territory'),
    ]

    operations = [
        migrations.AlterField(
            model_name='commune',
            name='territory',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='communes', to='communes.territory', verbose_name='territory'),
        ),
        migrations.AlterField(
            model_name='communegroup',
            name='territory',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commune_groups', to='communes.territory', verbose_name='territory'),
        ),
        migrations.AlterField(
            model_name='signatory',
            name='territory',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatories', to='communes.territory', verbose_name='territory'),
        ),
        migrations.RemoveConstraint(
            model_name='epci',
            name='communes_one_epci_holds_agglomeration_targets',
        ),
        migrations.AddIndex(
            model_name='commune',
            index=models.Index(fields=['territory', 'sort_name'], name='communes_commune_territory'),
        ),
        migrations.AddConstraint(
            model_name='communegroup',
            constraint=models.UniqueConstraint(fields=('territory', 'name'), name='communes_communegroup_unique_name', violation_error_message='The territory already has a group of this name.'),
        ),
        migrations.AddConstraint(
            model_name='signatory',
            constraint=models.UniqueConstraint(fields=('territory', 'name'), name='communes_signatory_unique_name', violation_error_message='The territory already has a signatory of this name.'),
        ),
        migrations.RemoveField(
            model_name='epci',
            name='climate_plan_name',
        ),
        migrations.RemoveField(
            model_name='epci',
            name='climate_plan_year',
        ),
        migrations.RemoveField(
            model_name='epci',
            name='holds_agglomeration_targets',
        ),
    ]
