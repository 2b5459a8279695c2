"""Actual spending moved to the monitoring app (issue 13): state only, the table stays
(monitoring.0001_initial takes it)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0004_actualspending'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ActualSpending',
                ),
            ],
            database_operations=[],
        ),
    ]
