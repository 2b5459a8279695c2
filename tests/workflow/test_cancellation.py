"""Cancelling an approved project through an amendment (ขอยกเลิกโครงการ, issue 14): the request,
the director's decision, the cancelled state and the plan totals, checks and approval without
it. How the book prints it is tests/printing/test_book.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import Plan, PlanStatus, Role, StandardGroup
from actionplan.services import DomainError
from budgets import figures
from imports import export
from plans import services as plan_services
from plans.views import overview_projects
from projects.models import EventAction, Project, ProjectEvent, ProjectSignature, ProjectStatus
from projects.rollup import plan_projects
from tests import factories as f
from workflow import services
from workflow.models import AmendmentKind, AmendmentRequest, AmendmentStatus, Notification

pytestmark = pytest.mark.django_db

ZERO2 = Decimal("0.00")
CANCELLED = "โครงการที่ขอยกเลิกกลางปี"
KEPT = "โครงการที่ดำเนินการต่อ"


@pytest.fixture
def group_director_a1(office_a):
    return f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )


def approved(plan, name: str, amount: str, *, gd, deputy, director):
    """An approved project of กลุ่มอำนวยการ with one line of `amount` baht."""
    project = f.make_project(plan, unit=f.group(plan.office, StandardGroup.ADMIN), name_th=name)
    activity = f.make_activity(project, months=[4])
    f.make_line(activity, "ค่าวัสดุ", amount=amount, category_code="materials")
    f.set_quarters(activity, 0, amount)
    f.make_indicator(project)
    services.submit_project(project=project, by=gd)
    services.endorse_project(project=project, by=deputy)
    services.approve_project(project=project, by=director)
    project.refresh_from_db()
    return project


@pytest.fixture
def reviewers(group_director_a1, deputy_a, director_a):
    return {"gd": group_director_a1, "deputy": deputy_a, "director": director_a}


@pytest.fixture
def doomed(plan_a, reviewers):
    return approved(plan_a, CANCELLED, "3000", **reviewers)


@pytest.fixture
def kept(plan_a, reviewers):
    return approved(plan_a, KEPT, "1120", **reviewers)


def cancel(project, *, by, director, reason="งบประมาณถูกปรับลด ไม่สามารถดำเนินการได้"):
    amendment = services.request_amendment(
        project=project, by=by, reason=reason, kind=AmendmentKind.CANCEL
    )
    services.decide_amendment(amendment=amendment, by=director, approve=True)
    project.refresh_from_db()
    return amendment


class TestCancelRequest:
    def test_the_request_waits_for_the_director_and_notifies_them(
        self, doomed, planner_a1, director_a
    ):
        Notification.objects.all().delete()
        amendment = services.request_amendment(
            project=doomed, by=planner_a1, reason="ไม่ได้รับจัดสรรงบประมาณ", kind=AmendmentKind.CANCEL
        )
        assert (amendment.kind, amendment.status) == ("cancel", AmendmentStatus.PENDING)
        assert amendment.snapshot.number == 1
        event = ProjectEvent.objects.filter(project_ref=doomed.pk).first()
        assert event.action == EventAction.CANCEL_REQUEST
        assert event.summary_th == "ขอยกเลิกโครงการ (รอผู้อำนวยการพิจารณา)"
        assert event.comment_th == "ไม่ได้รับจัดสรรงบประมาณ"
        note = Notification.objects.get()
        assert note.recipient == director_a and "ขอยกเลิกโครงการ" in note.message_th
        doomed.refresh_from_db()
        assert doomed.status == ProjectStatus.APPROVED  # nothing changes before the decision

    def test_approval_cancels_the_project_and_keeps_its_approved_version(
        self, doomed, planner_a1, director_a
    ):
        version = doomed.version
        Notification.objects.all().delete()
        amendment = cancel(doomed, by=planner_a1, director=director_a)
        amendment.refresh_from_db()
        assert amendment.status == AmendmentStatus.APPROVED and amendment.decided_by == director_a
        assert doomed.status == ProjectStatus.CANCELLED and doomed.version == version + 1
        assert doomed.snapshots.count() == 1  # the approved document stays viewable
        # It was approved before it was cancelled: its three signatures stay.
        assert ProjectSignature.objects.filter(project=doomed).count() == 3
        event = ProjectEvent.objects.filter(project_ref=doomed.pk).first()
        assert (event.action, event.from_status, event.to_status) == (
            EventAction.CANCEL,
            ProjectStatus.APPROVED,
            ProjectStatus.CANCELLED,
        )
        assert event.changes["fields"][0] == {
            "label": "สถานะ",
            "before": "อนุมัติแล้ว",
            "after": "ยกเลิก",
        }
        assert planner_a1.pk in set(Notification.objects.values_list("recipient", flat=True))

    def test_a_rejection_needs_a_reason_and_leaves_the_project_approved(
        self, doomed, planner_a1, director_a
    ):
        amendment = services.request_amendment(
            project=doomed, by=planner_a1, reason="ขอยกเลิก", kind=AmendmentKind.CANCEL
        )
        with pytest.raises(DomainError, match="กรุณาระบุเหตุผลที่ไม่อนุมัติให้ยกเลิกโครงการ"):
            services.decide_amendment(amendment=amendment, by=director_a, approve=False)
        services.decide_amendment(
            amendment=amendment, by=director_a, approve=False, comment="ยังจำเป็นต้องดำเนินการ"
        )
        doomed.refresh_from_db()
        assert doomed.status == ProjectStatus.APPROVED
        event = ProjectEvent.objects.filter(project_ref=doomed.pk).first()
        assert event.action == EventAction.CANCEL_REJECT and event.to_status == ""

    def test_only_an_approved_project_may_be_cancelled_and_nothing_is_written(
        self, project_a1, planner_a1
    ):
        with pytest.raises(DomainError, match="ขอยกเลิกโครงการได้เฉพาะโครงการที่ได้รับอนุมัติแล้ว"):
            services.request_amendment(
                project=project_a1, by=planner_a1, reason="ยกเลิก", kind=AmendmentKind.CANCEL
            )
        assert not AmendmentRequest.objects.exists()
        assert not ProjectEvent.objects.filter(project_ref=project_a1.pk).exists()

    def test_a_cancelled_project_cannot_be_asked_for_again(self, doomed, planner_a1, director_a):
        cancel(doomed, by=planner_a1, director=director_a)
        for kind in AmendmentKind.values:
            with pytest.raises(DomainError, match="ได้เฉพาะโครงการที่ได้รับอนุมัติแล้ว"):
                services.request_amendment(project=doomed, by=planner_a1, reason="x", kind=kind)

    def test_an_unknown_kind_is_refused(self, doomed, planner_a1):
        with pytest.raises(DomainError, match="กรุณาเลือกประเภทคำขอ"):
            services.request_amendment(project=doomed, by=planner_a1, reason="x", kind="delete")
        assert not AmendmentRequest.objects.exists()

    def test_the_lead_groups_director_may_ask_another_groups_may_not(
        self, doomed, group_director_a1, office_a
    ):
        other = f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.PLAN))
        with pytest.raises(services.NotAllowed):
            services.request_amendment(
                project=doomed, by=other, reason="x", kind=AmendmentKind.CANCEL
            )
        amendment = services.request_amendment(
            project=doomed, by=group_director_a1, reason="ยกเลิก", kind=AmendmentKind.CANCEL
        )
        assert amendment.requested_by == group_director_a1

    def test_an_approved_plan_goes_back_under_revision(
        self, doomed, kept, planner_a1, director_a, plan_a
    ):
        plan_services.approve_plan(plan=plan_a, by=director_a)
        assert Plan.objects.get(pk=plan_a.pk).status == PlanStatus.APPROVED
        cancel(doomed, by=planner_a1, director=director_a)
        assert Plan.objects.get(pk=plan_a.pk).status == PlanStatus.DRAFT


class TestCancelledProjectCountsNowhere:
    def test_plan_totals_and_summaries_leave_it_out(
        self, doomed, kept, planner_a1, director_a, plan_a
    ):
        summary, _, _ = figures.summarize(plan_a, overview_projects(plan_a))
        assert summary.total == Decimal("4120.00")
        cancel(doomed, by=planner_a1, director=director_a)
        plan = Plan.objects.prefetch_related("strategies").get(pk=plan_a.pk)
        for projects in (overview_projects(plan), plan_projects(plan)):
            summary, _, _ = figures.summarize(plan, projects)
            assert [p.name_th for p in summary.projects] == [KEPT]
            assert summary.total == Decimal("1120.00")
            assert [b.total for b in summary.categories] == [Decimal("1120.00")]
            assert summary.quarters == [Decimal("0.00"), Decimal("1120.00"), ZERO2, ZERO2]
            assert [(b.count, b.total) for b in summary.groups] == [(1, Decimal("1120.00"))]
        # The export still lists it with its status, but its summary sheet does not count it.
        rows = list(export.summary_rows(plan, export.export_projects(plan)))
        assert rows[-1] == [None, "รวมทั้งสิ้น", 1, Decimal("1120.00")]

    def test_the_plan_pages_leave_it_out(
        self, client, doomed, kept, planner_a1, director_a, plan_admin_a, plan_a
    ):
        client.force_login(plan_admin_a)
        dashboard = reverse("plans:plan_dashboard", args=[plan_a.pk])
        before = client.get(dashboard).content.decode()
        assert "โครงการทั้งหมด 2 โครงการ งบประมาณรวม 4,120.00 บาท" in before
        cancel(doomed, by=planner_a1, director=director_a)
        overview = client.get(reverse("plans:plan_overview", args=[plan_a.pk])).content.decode()
        assert "โครงการทั้งหมด 1 โครงการ งบประมาณรวม 1,120.00 บาท" in overview
        assert CANCELLED not in overview and KEPT in overview
        after = client.get(dashboard).content.decode()
        assert "โครงการทั้งหมด 1 โครงการ งบประมาณรวม 1,120.00 บาท" in after
        validation = client.get(reverse("plans:plan_validation", args=[plan_a.pk]))
        assert CANCELLED not in validation.content.decode()

    def test_the_plan_can_be_approved_without_it(
        self, doomed, kept, planner_a1, director_a, plan_a
    ):
        cancel(doomed, by=planner_a1, director=director_a)
        approval = plan_services.approve_plan(plan=plan_a, by=director_a)
        assert approval.data["totals"]["plan_total"] == "1120.00"
        assert [p["name_th"] for p in approval.data["projects"]] == [KEPT]
        names = [r["name"] for s in approval.data["strategies"] for r in s["rows"]]
        assert names == [KEPT]

    def test_it_stays_in_the_project_list_marked_cancelled(
        self, client, doomed, planner_a1, director_a
    ):
        cancel(doomed, by=planner_a1, director=director_a)
        client.force_login(planner_a1)
        listing = client.get(reverse("projects:project_list"), {"status": "cancelled"})
        html = listing.content.decode()
        assert CANCELLED in html and "status-cancelled" in html and ">ยกเลิก</span>" in html


class TestCancelThroughThePages:
    def test_request_decide_and_the_cancelled_project_page(
        self, client, doomed, group_director_a1, director_a
    ):
        client.force_login(group_director_a1)
        detail = reverse("projects:project_detail", args=[doomed.pk])
        amend = reverse("workflow:amendment_request", args=[doomed.pk])
        assert "ขอปรับแผน / ขอยกเลิกโครงการ" in client.get(detail).content.decode()
        form = client.get(amend).content.decode()
        assert 'name="kind" value="change" checked' in form
        assert 'name="kind" value="cancel"' in form and "ขอยกเลิกโครงการ" in form
        response = client.post(amend, {"kind": "cancel", "reason": "ไม่ได้รับจัดสรรงบประมาณ"})
        assert response.status_code == 302 and response.url == detail
        amendment = AmendmentRequest.objects.get(project=doomed)
        assert amendment.kind == AmendmentKind.CANCEL

        client.force_login(director_a)
        page = client.get(detail).content.decode()
        assert "คำขอยกเลิกโครงการรอการพิจารณา" in page
        assert ">อนุมัติให้ยกเลิกโครงการ</button>" in page
        decide = reverse("workflow:amendment_decide", args=[amendment.pk])
        response = client.post(decide, {"decision": "approve"}, follow=True)
        html = response.content.decode()
        assert "อนุมัติให้ยกเลิกโครงการแล้ว" in html
        assert "โครงการนี้ยกเลิกแล้ว" in html and "status-cancelled" in html
        doomed.refresh_from_db()
        assert doomed.status == ProjectStatus.CANCELLED

        client.force_login(group_director_a1)
        page = client.get(detail).content.decode()
        assert "ขอปรับแผน / ขอยกเลิกโครงการ" not in page  # no second request
        assert f'href="{reverse("projects:project_edit", args=[doomed.pk])}"' not in page
        assert reverse("projects:project_delete", args=[doomed.pk]) not in page
        assert client.get(reverse("print:project_pdf", args=[doomed.pk])).status_code == 200
        history = client.get(reverse("projects:project_history", args=[doomed.pk]))
        assert "อนุมัติให้ยกเลิกโครงการ" in history.content.decode()
        assert "ขอยกเลิกโครงการ" in history.content.decode()
        # Never reported on, it has left the monitored projects (reports are for approved ones).
        report = client.get(reverse("monitoring:report_edit", args=[doomed.pk, 1]))
        assert report.status_code == 404
        assert reverse("monitoring:report_edit", args=[doomed.pk, 1]) not in page

    def test_a_request_without_a_reason_keeps_the_chosen_kind(self, client, doomed, planner_a1):
        client.force_login(planner_a1)
        response = client.post(
            reverse("workflow:amendment_request", args=[doomed.pk]), {"kind": "cancel"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "กรุณาระบุเหตุผลการขอยกเลิกโครงการ" in html
        assert 'name="kind" value="cancel" checked' in html
        assert not AmendmentRequest.objects.exists()

    def test_a_cancelled_project_is_not_deletable(self, client, doomed, planner_a1, director_a):
        cancel(doomed, by=planner_a1, director=director_a)
        client.force_login(planner_a1)
        response = client.post(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == 403 and "ลบไม่ได้" in response.content.decode()
        assert Project.objects.filter(pk=doomed.pk).exists()
