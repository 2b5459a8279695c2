"""The Django admin shows rounds and reports with their rows, and changes none of them: reports
change only through the report page's services (cumulative rule, versions, history)."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from monitoring import services
from monitoring.models import ActualSpending, ProjectReport, ReportRound
from projects.models import ProjectEvent
from tests import factories as f
from tests.monitoring.conftest import report_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, office_a):
    user = f.make_superuser(office_a)
    client.force_login(user)
    return user


def test_rounds_and_reports_are_listed_and_shown_with_their_rows(
    client, root, worked, planner_a1, plan_admin_a, plan_a
):
    report = report_round(worked, 1, planner_a1, kpi="85")
    services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
    assert client.get(reverse("admin:monitoring_reportround_changelist")).status_code == 200
    assert client.get(reverse("admin:monitoring_projectreport_changelist")).status_code == 200
    page = client.get(reverse("admin:monitoring_projectreport_change", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "ประชุมคณะทำงาน" in html and "ร้อยละของครูที่ผ่านการอบรม" in html
    assert "9000.00" in html or "9,000.00" in html
    round_row = ReportRound.objects.get(plan=plan_a, number=1)
    assert (
        client.get(reverse("admin:monitoring_reportround_change", args=[round_row.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("model", [ReportRound, ProjectReport])
def test_nothing_is_added_changed_or_deleted_there(client, root, worked, planner_a1, model):
    report = report_round(worked, 1, planner_a1)
    obj = report if model is ProjectReport else report.round
    model_admin = site._registry[model]
    request = type("R", (), {"user": root})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    for inline in model_admin.get_inline_instances(request, obj):
        assert not inline.has_add_permission(request, obj)
        assert not inline.has_change_permission(request, obj)
        assert not inline.has_delete_permission(request, obj)
    before = (
        list(ProjectReport.objects.values()),
        list(ReportRound.objects.values()),
        list(ActualSpending.objects.values()),
        ProjectEvent.objects.count(),
    )
    name = model._meta.model_name
    change = reverse(f"admin:monitoring_{name}_change", args=[obj.pk])
    client.post(change, {"status": "accepted", "problems_th": "แก้ผ่านหน้าผู้ดูแล"})
    delete = reverse(f"admin:monitoring_{name}_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:monitoring_{name}_add")).status_code == 403
    assert before == (
        list(ProjectReport.objects.values()),
        list(ReportRound.objects.values()),
        list(ActualSpending.objects.values()),
        ProjectEvent.objects.count(),
    )
