"""The observatory's aggregates (observatory/totals.py): each commune's totals per year (one column a quantity), the
whole platform's by sector and energy, and its coverage per year, filled from the values already
imported. Later imports keep them in their transaction."""

import django.db.models.deletion
from django.db import migrations, models

from observatory.totals import AGGREGATE_TABLES, aggregates_rebuild, statistics_refresh


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        aggregates_rebuild(cursor)
        statistics_refresh(cursor, AGGREGATE_TABLES)


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0003_epci_climate_plan'),
        ('observatory', '0006_english_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='ObservationTotal',
            fields=[
                ('pk', models.CompositePrimaryKey('dataset', 'commune', 'year', 'batch', blank=True, editable=False, primary_key=True, serialize=False)),
                ('year', models.PositiveSmallIntegerField()),
                ('consumption', models.FloatField(null=True)),
                ('consumption_estimates', models.PositiveIntegerField(default=0)),
                ('emissions', models.FloatField(null=True)),
                ('emissions_estimates', models.PositiveIntegerField(default=0)),
                ('production', models.FloatField(null=True)),
                ('production_estimates', models.PositiveIntegerField(default=0)),
                ('population', models.FloatField(null=True)),
                ('population_estimates', models.PositiveIntegerField(default=0)),
                ('batch', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='observatory.importbatch')),
                ('commune', models.ForeignKey(db_column='insee_code', db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='communes.commune', to_field='insee_code')),
                ('dataset', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='observatory.dataset')),
            ],
        ),
        migrations.CreateModel(
            name='PlatformCoverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('communes', models.PositiveIntegerField()),
                ('population', models.BigIntegerField()),
                ('with_consumption', models.PositiveIntegerField(default=0)),
                ('with_emissions', models.PositiveIntegerField(default=0)),
                ('with_production', models.PositiveIntegerField(default=0)),
                ('with_population', models.PositiveIntegerField(default=0)),
                ('consumption_and_population', models.PositiveIntegerField(default=0)),
                ('emissions_and_population', models.PositiveIntegerField(default=0)),
                ('production_and_population', models.PositiveIntegerField(default=0)),
                ('consumption_and_production', models.PositiveIntegerField(default=0)),
                ('communes_fingerprint', models.CharField(blank=True, max_length=80)),
                ('dataset', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='observatory.dataset')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('dataset', 'year'), name='observatory_platform_coverage_key')],
            },
        ),
        migrations.CreateModel(
            name='PlatformTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('quantity', models.CharField(choices=[('consumption', 'Final energy consumption'), ('emissions', 'Greenhouse-gas emissions'), ('production', 'Renewable production'), ('population', 'Population')], max_length=12)),
                ('part', models.CharField(blank=True, max_length=8)),
                ('code', models.CharField(blank=True, max_length=40, null=True)),
                ('total', models.FloatField()),
                ('estimates', models.PositiveIntegerField(default=0)),
                ('batch', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='observatory.importbatch')),
                ('dataset', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='observatory.dataset')),
            ],
            options={
                'indexes': [models.Index(fields=['dataset', 'year'], name='observatory_platform_total')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
