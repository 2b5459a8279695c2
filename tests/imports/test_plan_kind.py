"""The import chooses the plan's kind: `import_plan --kind` and the upload form's plan_type land
the projects in that plan of the year, never in the action plan (issue 18)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplan.models import Plan, PlanType
from imports.models import ImportBatch
from tests import factories as f
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def test_import_plan_kind_writes_the_teacher_plan(tmp_path, capsys):
    f.make_office("YST2")
    path = tmp_path / "ยุทธศาสตร์6.xlsx"
    path.write_bytes(wb.workbook(wb.strategy6_summary, wb.p8_budget))
    call_command(
        "import_plan", str(path), "--office", "YST2", "--year", "2563", "--kind", "teacher_dev"
    )
    plan = Plan.objects.get()
    assert plan.plan_type == PlanType.TEACHER_DEV
    assert plan.projects.count() == 11
    assert ImportBatch.objects.get().plan_type == PlanType.TEACHER_DEV


def test_the_upload_form_and_confirm_keep_the_kind(client, office_a, plan_admin_a):
    action = f.make_plan(office_a, 2563)
    client.force_login(plan_admin_a)
    data = wb.workbook(wb.strategy6_summary, wb.p8_budget)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.xlsx", data)
    response = client.post(
        reverse("imports:importbatch_create"),
        {"year_be": 2563, "plan_type": "teacher_dev", "mode": "draft", "file": upload},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.plan_type == PlanType.TEACHER_DEV
    client.post(reverse("imports:importbatch_confirm", args=[batch.pk]))
    teacher = Plan.objects.get(plan_type=PlanType.TEACHER_DEV)
    assert teacher.projects.count() == 11
    assert action.projects.count() == 0
