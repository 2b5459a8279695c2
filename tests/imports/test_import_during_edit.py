"""An import that changes a project while someone edits it: the import wins cleanly, and the
editor's stale save is refused with the clear conflict message, writing nothing."""

import pytest
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from imports import services
from projects.models import Project
from tests import factories as f
from tests.imports import workbooks as wb
from tests.projects.test_views import resubmit_data

pytestmark = pytest.mark.django_db


def test_a_stale_editor_save_after_an_import_is_refused(client, office_a):
    admin = f.make_user(
        office_a, Role.PLAN_ADMIN, f.group(office_a, StandardGroup.PLAN), "imp_admin"
    )
    planner = f.make_user(
        office_a, Role.PLANNER, f.group(office_a, StandardGroup.ADMIN), "imp_planner"
    )
    first = services.run_import(
        name="s6.xlsx",
        data=wb.workbook(wb.strategy6_summary),
        office=office_a,
        year_be=2563,
        user=admin,
        commit=True,
    )
    assert first.committed
    project = Project.objects.get(plan__office=office_a, name_th__startswith="สภากาแฟ")
    stale = resubmit_data(project)  # the planner opens the editor now
    stale["name_th"] = "สภากาแฟ (แก้ไขโดยผู้ใช้)"
    second = services.run_import(
        name="s6-p8.xlsx",
        data=wb.workbook(wb.strategy6_summary, wb.p8_budget),
        office=office_a,
        year_be=2563,
        user=admin,
        commit=True,
    )
    assert second.committed
    project.refresh_from_db()
    version_after_import = project.version
    assert version_after_import > int(stale["version"])
    client.force_login(planner)
    response = client.post(reverse("projects:project_edit", args=[project.pk]), stale)
    assert response.status_code == 409
    assert "ถูกแก้ไขโดย" in response.content.decode()
    project.refresh_from_db()
    assert project.name_th.startswith("สภากาแฟ คุยกันเช้าวันพุธ")
    assert project.version == version_after_import
