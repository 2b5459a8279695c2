"""Approved documents print from their approval snapshot (PX's invoice snapshot): the PDF is laid
out once after the approval commits and stored; later changes to the reference data it prints
(office, group and budget-category names, signature titles) never reach it, while a draft prints
live data with the ฉบับร่าง watermark. Background renders run synchronously (ImmediateBackend)
inside `django_capture_on_commit_callbacks(execute=True)`."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actionplan.models import OrgUnit, PlanStatus, Role, StandardGroup
from budgets.models import BudgetCategory
from plans import services as plan_services
from plans.models import PlanApproval
from printing import project as pdf
from printing import tasks
from printing.models import OfficePrintSettings, PlanRender, RenderStatus
from projects.models import Project, ProjectStatus
from tests import factories as f
from tests.printing.conftest import pdftotext, squash
from workflow import services as workflow_services
from workflow.models import ProjectSnapshot

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
OLD_GROUP = "กลุ่มอำนวยการ"
NEW_GROUP = "กลุ่มบริหารงานทั่วไปชื่อใหม่"
NEW_CATEGORY = "วัสดุใหม่"  # short: a wrapped column heading interleaves in pdftotext
NEW_TITLE = "ผู้อนุมัติหัวข้อใหม่"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


@pytest.fixture
def group_director_a1(office_a):
    return f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )


@pytest.fixture
def chain(group_director_a1, deputy_a, director_a, django_capture_on_commit_callbacks):
    """approve(project): submit, endorse and approve it, running what waits for the commit."""

    def approve(project: Project) -> ProjectSnapshot:
        workflow_services.submit_project(project=project, by=group_director_a1)
        workflow_services.endorse_project(project=project, by=deputy_a)
        with django_capture_on_commit_callbacks(execute=True):
            workflow_services.approve_project(project=project, by=director_a)
        return ProjectSnapshot.objects.filter(project=project).order_by("-number").first()

    return approve


def costed_project(plan, name_th: str = "โครงการพัฒนาระบบงานสารบรรณ") -> Project:
    project = f.make_project(plan, unit=f.group(plan.office, StandardGroup.ADMIN), name_th=name_th)
    activity = f.make_activity(project, months=[4])
    f.make_line(activity, "ค่าวัสดุสำนักงาน", amount="1000", category_code="materials")
    f.set_quarters(activity, 0, 1000)
    f.make_indicator(project)
    return project


def text(data: bytes) -> str:
    return " ".join(pdftotext(data).split())


def images(data: bytes) -> list[int]:
    """Pictures per page: the ฉบับร่าง watermark is the only picture these documents have."""
    return [len(page.images) for page in PdfReader(io.BytesIO(data)).pages]


def rename_reference_data(office) -> None:
    """Everything the documents print that is not the project's own rows."""
    office.name_th = "สำนักงานเขตพื้นที่การศึกษาชื่อใหม่"
    office.short_name_th = "สพป.ชื่อใหม่"
    office.save()
    OrgUnit.objects.filter(office=office, standard_code=StandardGroup.ADMIN).update(
        name_th=NEW_GROUP
    )
    BudgetCategory.objects.filter(code="materials").update(name_th=NEW_CATEGORY)
    OfficePrintSettings.objects.update_or_create(
        office=office, defaults={"approver_title_th": NEW_TITLE}
    )


def get_pdf(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


class TestApprovedProjectPdf:
    def test_approval_stores_the_official_pdf_with_the_snapshot(self, plan_a, chain):
        snapshot = chain(costed_project(plan_a))
        assert snapshot.pdf.name.startswith("approved/projects/")
        stored = snapshot.pdf.read()
        assert snapshot.pdf_sha256 == hashlib.sha256(stored).hexdigest()
        assert snapshot.print_source["is_draft"] is False
        assert set(images(stored)) == {0}  # approved: no watermark
        assert "โครงการพัฒนาระบบงานสารบรรณ" in text(stored)

    def test_reference_data_changed_after_approval_does_not_change_the_pdf(
        self, client, plan_a, chain, director_a
    ):
        project = chain(costed_project(plan_a)).project
        draft = costed_project(plan_a, name_th="โครงการร่างที่ยังแก้ไขได้")
        client.force_login(director_a)
        url = reverse("print:project_pdf", args=[project.pk])
        before = text(get_pdf(client, url))
        assert OLD_GROUP in before

        rename_reference_data(plan_a.office)

        after = get_pdf(client, url)
        assert text(after) == before
        assert set(images(after)) == {0}
        assert squash(NEW_GROUP) not in squash(text(after))
        assert squash(NEW_CATEGORY) not in squash(text(after))
        # A draft prints what the data says now, with the watermark on every page.
        live = get_pdf(client, reverse("print:project_pdf", args=[draft.pk]))
        for new in (NEW_GROUP, NEW_CATEGORY, NEW_TITLE, "สพป.ชื่อใหม่"):
            assert squash(new) in squash(text(live)), new
        assert set(images(live)) == {1}

    def test_an_earlier_version_stays_downloadable_after_an_amendment(
        self, client, plan_a, chain, planner_a1, director_a
    ):
        project = costed_project(plan_a, name_th="โครงการฉบับแรก")
        first = chain(project)
        amendment = workflow_services.request_amendment(
            project=project, by=planner_a1, reason="ปรับ"
        )
        workflow_services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        client.force_login(planner_a1)

        # Reopened: the project prints live, watermarked; version 1 is still its stored file.
        live = get_pdf(client, reverse("print:project_pdf", args=[project.pk]))
        assert set(images(live)) == {1}
        v1_url = reverse("print:project_version_pdf", args=[project.pk, 1])
        assert get_pdf(client, v1_url) == first.pdf.read()

        Project.objects.filter(pk=project.pk).update(name_th="โครงการฉบับปรับแผน")
        second = chain(project)
        assert second.number == 2
        current = get_pdf(client, reverse("print:project_pdf", args=[project.pk]))
        assert current == second.pdf.read()
        assert "โครงการฉบับปรับแผน" in text(current)
        assert "โครงการฉบับแรก" in text(get_pdf(client, v1_url))
        v2_url = reverse("print:project_version_pdf", args=[project.pk, 2])
        assert "โครงการฉบับปรับแผน" in text(get_pdf(client, v2_url))
        version_page = client.get(reverse("workflow:project_version", args=[project.pk, 1]))
        assert v1_url in version_page.content.decode()

    def test_a_render_queued_behind_later_edits_still_prints_the_approved_data(
        self, plan_a, group_director_a1, deputy_a, director_a, django_capture_on_commit_callbacks
    ):
        project = costed_project(plan_a)
        workflow_services.submit_project(project=project, by=group_director_a1)
        workflow_services.endorse_project(project=project, by=deputy_a)
        with django_capture_on_commit_callbacks() as queued:
            workflow_services.approve_project(project=project, by=director_a)
        rename_reference_data(plan_a.office)  # before the worker gets to the job
        for callback in queued:
            callback()
        stored = text(ProjectSnapshot.objects.get(project=project).pdf.read())
        assert OLD_GROUP in stored and squash(NEW_GROUP) not in squash(stored)
        assert "สพป.ชื่อใหม่" not in stored

    def test_a_missing_file_is_laid_out_again_from_the_frozen_source(
        self, client, plan_a, chain, director_a
    ):
        snapshot = chain(costed_project(plan_a))
        original = text(snapshot.pdf.read())
        rename_reference_data(plan_a.office)
        snapshot.pdf.storage.delete(snapshot.pdf.name)

        client.force_login(director_a)
        url = reverse("print:project_version_pdf", args=[snapshot.project_id, 1])
        again = get_pdf(client, url)
        assert text(again) == original
        snapshot.refresh_from_db()
        assert snapshot.pdf.storage.exists(snapshot.pdf.name)
        assert snapshot.pdf_sha256 == hashlib.sha256(again).hexdigest()

    def test_a_version_without_source_uses_live_rows_only_while_they_are_the_approved_ones(
        self, client, plan_a, chain, director_a
    ):
        snapshot = chain(costed_project(plan_a))
        forget = {"print_source": {}, "pdf": "", "pdf_sha256": ""}
        ProjectSnapshot.objects.filter(pk=snapshot.pk).update(**forget)
        client.force_login(director_a)
        url = reverse("print:project_version_pdf", args=[snapshot.project_id, 1])
        assert OLD_GROUP in text(get_pdf(client, url))
        snapshot.refresh_from_db()
        assert snapshot.print_source and snapshot.pdf  # kept: it cannot drift any more

        ProjectSnapshot.objects.filter(pk=snapshot.pk).update(**forget)
        rename_reference_data(plan_a.office)  # the live document is no longer the approved one
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("workflow:project_version", args=[snapshot.project_id, 1])
        snapshot.refresh_from_db()
        assert not snapshot.pdf and not snapshot.print_source

    def test_a_failed_render_or_capture_never_undoes_the_approval(
        self, client, plan_a, chain, director_a, monkeypatch
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("layout engine crashed")

        monkeypatch.setattr(pdf, "render_project_source", broken)
        monkeypatch.setattr(pdf, "project_source", broken)
        snapshot = chain(costed_project(plan_a))
        assert snapshot.project.status == ProjectStatus.APPROVED
        assert not snapshot.pdf and snapshot.print_source == {}
        monkeypatch.undo()

        client.force_login(director_a)
        data = get_pdf(client, reverse("print:project_pdf", args=[snapshot.project_id]))
        assert set(images(data)) == {0}
        snapshot.refresh_from_db()
        assert snapshot.pdf and snapshot.print_source

    def test_versions_are_scoped_like_the_project(
        self, client, plan_a, chain, planner_a1, planner_a2, outsider
    ):
        project = chain(costed_project(plan_a)).project
        url = reverse("print:project_version_pdf", args=[project.pk, 1])
        assert client.get(url).url.startswith(reverse("login"))
        for user in (planner_a2, outsider):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.force_login(planner_a1)
        assert client.get(url).status_code == 200
        missing = reverse("print:project_version_pdf", args=[project.pk, 2])
        assert client.get(missing).status_code == 404


class TestApprovedPlanBook:
    @pytest.fixture
    def approve_plan(self, director_a, django_capture_on_commit_callbacks):
        def approve(plan) -> PlanApproval:
            with django_capture_on_commit_callbacks(execute=True):
                return plan_services.approve_plan(plan=plan, by=director_a)

        return approve

    def test_the_frozen_book_survives_edits_and_earlier_approvals_stay_downloadable(
        self, client, plan_a, chain, approve_plan, planner_a1, director_a
    ):
        project = costed_project(plan_a, name_th="โครงการในเล่มฉบับแรก")
        chain(project)
        first = approve_plan(plan_a)
        render = PlanRender.objects.get(approval=first)
        assert render.status == RenderStatus.DONE
        assert render.file.name.startswith("approved/plans/")
        client.force_login(director_a)
        book_url = reverse("print:approval_pdf", args=[plan_a.pk, 1])
        page = client.get(reverse("print:plan_book", args=[plan_a.pk])).content.decode()
        assert book_url in page and "ไม่มีลายน้ำ" in page
        book = get_pdf(client, book_url)
        assert set(images(book)) == {0}  # the approved book: no watermark on any page
        before = text(book)
        assert "โครงการในเล่มฉบับแรก" in before and OLD_GROUP in before

        # Reference data renamed, then an amendment puts the plan back to draft.
        rename_reference_data(plan_a.office)
        amendment = workflow_services.request_amendment(
            project=project, by=planner_a1, reason="ปรับ"
        )
        workflow_services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        Project.objects.filter(pk=project.pk).update(name_th="โครงการในเล่มฉบับปรับแผน")
        plan_a.refresh_from_db()
        assert plan_a.status == PlanStatus.DRAFT
        assert text(get_pdf(client, book_url)) == before

        # The draft's page offers the live book, watermarked, and still lists approval 1.
        page = client.get(reverse("print:plan_book", args=[plan_a.pk])).content.decode()
        assert "ฉบับร่าง" in page and book_url in page
        client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        live = PlanRender.objects.get(approval=None)
        draft = get_pdf(client, reverse("print:render_download", args=[plan_a.pk, live.pk]))
        assert set(images(draft)) == {1}
        assert "โครงการในเล่มฉบับปรับแผน" in text(draft) and NEW_GROUP in text(draft)

        chain(project)
        second = approve_plan(plan_a)
        assert second.number == 2
        latest = get_pdf(client, reverse("print:approval_pdf", args=[plan_a.pk, 2]))
        assert "โครงการในเล่มฉบับปรับแผน" in text(latest) and set(images(latest)) == {0}
        assert text(get_pdf(client, book_url)) == before
        page = client.get(reverse("print:plan_book", args=[plan_a.pk])).content.decode()
        assert reverse("print:approval_pdf", args=[plan_a.pk, 2]) in page and book_url in page

    def test_a_book_queued_behind_later_edits_still_prints_the_approved_data(
        self, plan_a, chain, director_a, django_capture_on_commit_callbacks
    ):
        chain(costed_project(plan_a))
        with django_capture_on_commit_callbacks() as queued:
            approval = plan_services.approve_plan(plan=plan_a, by=director_a)
        rename_reference_data(plan_a.office)
        plan_a.refresh_from_db()
        plan_a.vision_th = "วิสัยทัศน์ที่แก้หลังอนุมัติ"
        plan_a.save()
        for callback in queued:
            callback()
        book = text(PlanRender.objects.get(approval=approval).file.read())
        assert OLD_GROUP in book and squash(NEW_GROUP) not in squash(book)
        assert "วิสัยทัศน์ที่แก้หลังอนุมัติ" not in book

    def test_an_approval_without_source_prints_live_rows_only_while_they_are_the_approved_ones(
        self, client, plan_a, chain, approve_plan, director_a
    ):
        chain(costed_project(plan_a))
        approval = approve_plan(plan_a)
        PlanRender.objects.all().delete()
        PlanApproval.objects.filter(pk=approval.pk).update(print_source={})
        client.force_login(director_a)
        render_url = reverse("print:plan_book_render", args=[plan_a.pk])
        client.post(render_url)
        render = PlanRender.objects.get(approval=approval)
        assert render.status == RenderStatus.DONE, render.error
        approval.refresh_from_db()
        assert approval.print_source["is_draft"] is False

        PlanRender.objects.all().delete()
        PlanApproval.objects.filter(pk=approval.pk).update(print_source={})
        rename_reference_data(plan_a.office)
        client.post(render_url, {"approval": "1"})
        render = PlanRender.objects.get(approval=approval)
        assert render.status == RenderStatus.FAILED
        assert tasks.NO_SOURCE[:40] in render.error

    def test_an_approval_not_laid_out_yet_sends_to_the_page_and_is_scoped(
        self, client, plan_a, chain, director_a, outsider
    ):
        chain(costed_project(plan_a))
        plan_services.approve_plan(plan=plan_a, by=director_a)  # its commit never runs in a test
        url = reverse("print:approval_pdf", args=[plan_a.pk, 1])
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(director_a)
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("print:plan_book", args=[plan_a.pk])
        assert client.get(reverse("print:approval_pdf", args=[plan_a.pk, 2])).status_code == 404
