"""An approval freezes the rows its document prints in one query (projects.frozen), in its
transaction, and the document's HTML and PDF are rendered from them afterwards in the worker:
what was approved is what prints, whatever is edited before the worker gets to it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import FrameworkKind, PolicyFramework, PolicyItem, Role, StandardGroup
from budgets import services as budget_services
from budgets.models import BudgetCategory
from printing import project as project_doc
from printing.models import OfficePrintSettings
from projects import audit, frozen
from projects.models import Project, ProjectPerson, ProjectStatus
from tests import factories as f
from tests.printing.conftest import build_ex01, pdftotext, squash
from workflow import services
from workflow.models import ProjectSnapshot

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


def rich_project() -> Project:
    """EX-01 with what else a document prints: a co-unit, two alignments of two frameworks, a
    sub-activity with a plain line, a second fund source and a team member."""
    project = build_ex01()
    office = project.plan.office
    project.co_units.add(f.group(office, StandardGroup.PLAN))
    first = PolicyFramework.objects.create(
        office=office, kind=FrameworkKind.ESA_POLICY, title_th="นโยบาย สพฐ.", order=2
    )
    second = PolicyFramework.objects.create(
        office=office, kind=FrameworkKind.ESA_POLICY, title_th="ยุทธศาสตร์ชาติ", order=1
    )
    project.alignments.add(
        PolicyItem.objects.create(framework=first, code="1", title_th="ด้านความปลอดภัย", order=1),
        PolicyItem.objects.create(framework=second, code="2", title_th="ด้านการพัฒนาคน"),
    )
    main = project.activities.get()
    sub = f.make_activity(project, "กิจกรรมย่อย", parent=main, months=[8])
    f.make_line(sub, "ค่าจ้างเหมาบริการ", amount="2500.55", category_code="services", fund_code="obec")
    f.set_quarters(sub, 0, 0, 2500.55, 0)
    ProjectPerson.objects.create(project=project, role="team", name_th="นายทีม งาน", order=2)
    return project


def signers(office):
    return (
        f.make_user(
            office, Role.GROUP_DIRECTOR, f.group(office, StandardGroup.ADMIN), f"gd-{office.pk}"
        ),
        f.make_user(office, Role.DEPUTY_DIRECTOR, username=f"dep-{office.pk}"),
        f.make_user(office, Role.DIRECTOR, username=f"dir-{office.pk}"),
    )


def to_endorsed(project, group_director, deputy) -> None:
    services.submit_project(project=project, by=group_director)
    services.endorse_project(project=project, by=deputy)


class TestFreeze:
    def test_reads_every_row_in_one_query_and_thaws_to_the_same_documents(
        self, django_assert_num_queries
    ):
        project = rich_project()
        with django_assert_num_queries(1):
            rows = frozen.freeze(project.pk)
        with django_assert_num_queries(0):
            thawed = frozen.thaw(rows)
            document = audit.document(thawed)
            source = project_doc.project_source(thawed, draft=False, frozen=rows)
            html = project_doc.project_html(source)
        assert document == audit.load_document(project.pk)
        live = project_doc.project_source(project, draft=False)["html"]
        assert html == live
        for text in ("ค่าจ้างเหมาบริการ", "๒,๕๐๐.๕๕", "นโยบาย สพฐ.", "กิจกรรมย่อย"):
            assert text in html, text


class TestApproveProject:
    def test_the_approved_document_is_frozen_before_the_worker_renders_it(
        self, django_capture_on_commit_callbacks
    ):
        project = rich_project()
        office = project.plan.office
        group_director, deputy, director = signers(office)
        to_endorsed(project, group_director, deputy)
        with django_capture_on_commit_callbacks() as queued:
            services.approve_project(project=project, by=director)
        snapshot = ProjectSnapshot.objects.get(project=project)
        approved_html = project_doc.project_source(project, draft=False)["html"]
        assert audit.digest(audit.load_document(project.pk)) == snapshot.sha256
        assert "html" not in snapshot.print_source  # rendered by the worker, not the request

        # Before the worker gets to it: the project reopened and edited, its people, the
        # office, its print settings and a budget category changed.
        planner = f.make_user(office, Role.PLANNER, f.group(office, StandardGroup.ADMIN), "pl-x")
        amendment = services.request_amendment(project=project, by=planner, reason="ปรับ")
        services.decide_amendment(amendment=amendment, by=director, approve=True)
        Project.objects.filter(pk=project.pk).update(name_th="โครงการชื่อใหม่หลังอนุมัติ")
        ProjectPerson.objects.filter(project=project).update(name_th="นายคนใหม่ หลังอนุมัติ")
        line = project.activities.get(parent=None).budget_lines.get(description_th="ค่าวัสดุ")
        budget_services.set_line(line, plain_amount=Decimal("9999"))
        office.name_th = "สำนักงานชื่อใหม่หลังอนุมัติ"
        office.save()
        OfficePrintSettings.objects.update_or_create(
            office=office, defaults={"approver_title_th": "หัวข้อผู้อนุมัติใหม่"}
        )
        BudgetCategory.objects.filter(code="materials").update(name_th="หมวดใหม่หลังอนุมัติ")
        edited_html = project_doc.project_source(project, draft=False)["html"]
        assert "โครงการชื่อใหม่หลังอนุมัติ" in edited_html  # the edits are real

        snapshot.refresh_from_db()
        assert project_doc.project_html(snapshot.print_source) == approved_html
        for callback in queued:
            callback()
        snapshot.refresh_from_db()
        printed = squash(pdftotext(snapshot.pdf.read()))
        assert squash(project.name_th) in printed
        for new in ("โครงการชื่อใหม่หลังอนุมัติ", "นายคนใหม่", "หัวข้อผู้อนุมัติใหม่", "หมวดใหม่"):
            assert squash(new) not in printed, new

    def test_the_request_takes_the_same_few_queries_whatever_the_size_of_the_project(
        self, client, settings, django_capture_on_commit_callbacks
    ):
        """Session, user, the scoped project, the frozen rows (one query), the writes, the
        notifications and queueing the render (on the database queue, as in production)."""
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        counts = []
        for size in (1, 6):
            project = rich_project() if size > 1 else build_ex01(f.make_office())
            office = project.plan.office
            group_director, deputy, director = signers(office)
            for n in range(size):
                activity = f.make_activity(project, f"กิจกรรมเพิ่ม {n}", months=[7])
                for k in range(size):
                    f.make_line(activity, f"ค่าวัสดุ {k}", amount="10", category_code="materials")
                f.set_quarters(activity, 0, 0, 10 * size, 0)
            to_endorsed(project, group_director, deputy)
            client.force_login(director)
            client.get(reverse("workflow:inbox"))  # the session's once-a-minute stamp
            url = reverse("workflow:project_approve", args=[project.pk])
            with CaptureQueriesContext(connection) as queries:
                with django_capture_on_commit_callbacks(execute=True):
                    response = client.post(url, {})
            assert response.status_code == 302
            counts.append(len(queries))
            project.refresh_from_db()
            assert project.status == ProjectStatus.APPROVED
            assert ProjectSnapshot.objects.filter(project=project).count() == 1
        assert counts[0] == counts[1]
        assert counts[0] <= 15
