"""Quarterly monitoring's report rounds, project reports and activity progress moved to the
monitoring app (issue 13): state only, the tables stay (monitoring.0001_initial takes them)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0005_move_actualspending_out'),
        ('indicators', '0004_move_results_out'),
        ('projects', '0006_round_due_date_and_reopen'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='projectreport',
                    name='project',
                ),
                migrations.RemoveField(
                    model_name='projectreport',
                    name='reviewed_by',
                ),
                migrations.RemoveField(
                    model_name='projectreport',
                    name='round',
                ),
                migrations.RemoveField(
                    model_name='projectreport',
                    name='submitted_by',
                ),
                migrations.RemoveField(
                    model_name='projectreport',
                    name='updated_by',
                ),
                migrations.RemoveField(
                    model_name='reportround',
                    name='closed_by',
                ),
                migrations.RemoveField(
                    model_name='reportround',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='reportround',
                    name='reopened_by',
                ),
                migrations.DeleteModel(
                    name='ActivityProgress',
                ),
                migrations.DeleteModel(
                    name='ProjectReport',
                ),
                migrations.DeleteModel(
                    name='ReportRound',
                ),
            ],
            database_operations=[],
        ),
    ]
