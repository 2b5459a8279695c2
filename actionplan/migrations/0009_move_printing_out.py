"""Printing's models (OfficePrintSettings, ContextTable, PlanAppendix, PlanRender) move to the
printing app: state only, their tables stay (printing/migrations/0001_initial takes them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0008_planrender_approval_in_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="OfficePrintSettings"),
                migrations.DeleteModel(name="ContextTable"),
                migrations.DeleteModel(name="PlanAppendix"),
                migrations.DeleteModel(name="PlanRender"),
            ],
        ),
    ]
