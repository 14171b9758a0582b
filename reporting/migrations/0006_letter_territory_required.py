import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0005_letter_territory'),
    ]

    operations = [
        migrations.AlterField(
            model_name='letter',
            name='territory',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='communes.territory', verbose_name='territory'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='number',
            field=models.PositiveIntegerField(verbose_name='issue number'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.UniqueConstraint(fields=('territory', 'number'), name='reporting_letter_unique_number', violation_error_message='The territory already has a letter of this number.'),
        ),
    ]
