"""A committed import leaves one history record per project it created or changed."""

import pytest

from projects.models import EventAction, ProjectEvent
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def test_committed_import_records_each_project_in_the_history(plan_admin_a):
    from imports import services

    office = plan_admin_a.office
    data = wb.workbook(wb.strategy6_summary)
    report = services.run_import(
        name="s6.xlsx", data=data, office=office, year_be=2563, user=plan_admin_a, commit=True
    )
    assert report.committed
    events = ProjectEvent.objects.filter(action=EventAction.IMPORT)
    assert events.count() == 11
    assert {e.changes["file_sha256"] for e in events} == {report.sha256}
    again = services.run_import(
        name="s6.xlsx", data=data, office=office, year_be=2563, user=plan_admin_a, commit=True
    )
    assert again.committed and ProjectEvent.objects.filter(action=EventAction.IMPORT).count() == 11
    assert {e.actor_id for e in events} == {plan_admin_a.pk}
