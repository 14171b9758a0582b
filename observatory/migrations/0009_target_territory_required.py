import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('observatory', '0008_target_territory'),
    ]

    operations = [
        migrations.AlterField(
            model_name='target',
            name='territory',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='communes.territory', verbose_name='territory'),
        ),
        migrations.RemoveConstraint(
            model_name='target',
            name='observatory_target_unique_agglomeration_year',
        ),
        migrations.AlterField(
            model_name='target',
            name='commune',
            field=models.ForeignKey(blank=True, help_text='Empty: a target of the whole territory.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='communes.commune', verbose_name='commune'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.UniqueConstraint(condition=models.Q(('commune__isnull', True)), fields=('territory', 'target_year'), name='observatory_target_unique_territory_year'),
        ),
    ]
