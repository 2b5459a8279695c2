"""Notification, ProjectSnapshot and AmendmentRequest moved to the workflow app (issue 13).

State only: their tables keep their names and rows (workflow 0001 holds the models now).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_round_due_date_and_reopen"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="notification",
                    name="event",
                ),
                migrations.RemoveField(
                    model_name="notification",
                    name="project",
                ),
                migrations.RemoveField(
                    model_name="notification",
                    name="recipient",
                ),
                migrations.RemoveField(
                    model_name="projectsnapshot",
                    name="project",
                ),
                migrations.DeleteModel(
                    name="AmendmentRequest",
                ),
                migrations.DeleteModel(
                    name="Notification",
                ),
                migrations.DeleteModel(
                    name="ProjectSnapshot",
                ),
            ],
        ),
    ]
