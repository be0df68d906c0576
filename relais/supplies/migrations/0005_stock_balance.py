"""The stock kept per location and item (ADR 0053), built from the existing movements in one
set-based statement; the checkpoints it replaces go."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0010_reservation_holder_role'),
        ('supplies', '0004_reservation_holder_role'),
    ]

    operations = [
        migrations.CreateModel(
            name='StockBalance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('units', models.IntegerField(verbose_name='units in stock')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='supplies.item')),
                ('location', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='supplies.location')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation')),
            ],
            options={
                'verbose_name': 'stock balance',
                'verbose_name_plural': 'stock balances',
            },
        ),
        migrations.DeleteModel(
            name='StockCheckpoint',
        ),
        migrations.AddConstraint(
            model_name='stockbalance',
            constraint=models.UniqueConstraint(fields=('location', 'item'), name='supplies_balance_one'),
        ),
        migrations.RunSQL(
            sql=(
                "INSERT INTO supplies_stockbalance (organisation_id, location_id, item_id, units) "
                "SELECT organisation_id, location_id, item_id, SUM(quantity) "
                "FROM supplies_movement GROUP BY organisation_id, location_id, item_id"
            ),
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
