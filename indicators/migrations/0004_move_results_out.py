"""KPI results and strategy KPI results moved to the monitoring app (issue 13): state only,
the tables stay (monitoring.0001_initial takes them)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_results'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='strategykpiresult',
                    name='indicator',
                ),
                migrations.RemoveField(
                    model_name='strategykpiresult',
                    name='recorded_by',
                ),
                migrations.DeleteModel(
                    name='IndicatorResult',
                ),
                migrations.DeleteModel(
                    name='StrategyKPIResult',
                ),
            ],
            database_operations=[],
        ),
    ]
