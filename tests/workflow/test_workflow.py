"""The approval workflow: submit -> endorse -> approve, return with a comment, amendments,
plan approval, notifications, and the guarantees under double clicks and concurrent approvers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from actionplan.services import DomainError
from projects import services as project_services
from projects.models import (
    Project,
    ProjectEvent,
    ProjectSignature,
    ProjectStatus,
)
from tests import factories as f
from workflow import services
from workflow.models import AmendmentRequest, AmendmentStatus, Notification, ProjectSnapshot

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def group_director_a1(office_a):
    user = f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )
    user.person.position_th = "ผู้อำนวยการกลุ่มอำนวยการ"
    user.person.save()
    return user


@pytest.fixture
def project(project_a1):
    activity = f.make_activity(project_a1, months=[7])
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
    f.set_quarters(activity, 0, 0, 1120)
    f.make_indicator(project_a1)
    return project_a1


def state(project: Project) -> tuple:
    """Everything a refused transition must leave untouched."""
    project.refresh_from_db()
    return (
        project.status,
        project.version,
        ProjectEvent.objects.filter(project_ref=project.pk).count(),
        ProjectSignature.objects.filter(project=project).count(),
        ProjectSnapshot.objects.filter(project=project).count(),
        Notification.objects.count(),
    )


def to_status(project, status, *, gd, deputy, director):
    """Walk a project through the chain with the services up to `status`."""
    if status in {ProjectStatus.SUBMITTED, ProjectStatus.ENDORSED, ProjectStatus.APPROVED}:
        services.submit_project(project=project, by=gd)
    if status in {ProjectStatus.ENDORSED, ProjectStatus.APPROVED}:
        services.endorse_project(project=project, by=deputy)
    if status == ProjectStatus.APPROVED:
        services.approve_project(project=project, by=director)
    project.refresh_from_db()
    return project


class TestSubmitProject:
    def test_moves_a_draft_to_submitted_and_stamps_the_proposer(
        self, project, group_director_a1, deputy_a
    ):
        services.submit_project(project=project, by=group_director_a1)
        project.refresh_from_db()
        assert project.status == ProjectStatus.SUBMITTED and project.version == 2
        signature = ProjectSignature.objects.get(project=project)
        assert signature.role == "proposer"
        assert signature.name_th == group_director_a1.person.full_name
        assert signature.position_th == "ผู้อำนวยการกลุ่มอำนวยการ"
        assert signature.signed_at is not None
        event = ProjectEvent.objects.get(project_ref=project.pk)
        assert (event.action, event.from_status, event.to_status) == (
            "submit",
            "draft",
            "submitted",
        )
        assert event.actor == group_director_a1 and "เสนอโครงการ" in event.summary_th
        assert list(Notification.objects.values_list("recipient", flat=True)) == [deputy_a.pk]

    @pytest.mark.parametrize("persona", ["planner_a1", "deputy_a", "director_a", "plan_admin_a"])
    def test_is_refused_to_anyone_but_the_lead_groups_director(self, project, persona, request):
        before = state(project)
        with pytest.raises(services.NotAllowed):
            services.submit_project(project=project, by=request.getfixturevalue(persona))
        assert state(project) == before

    def test_is_refused_to_the_director_of_another_group(self, project, office_a):
        other = f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.PLAN))
        before = state(project)
        with pytest.raises(services.NotAllowed):
            services.submit_project(project=project, by=other)
        assert state(project) == before

    def test_is_blocked_by_validator_errors_with_the_reasons(self, project, group_director_a1):
        Project.objects.filter(pk=project.pk).update(strategy=None)
        before = state(project)
        with pytest.raises(DomainError, match="ยังเสนอโครงการไม่ได้ มีข้อผิดพลาด 1 รายการ") as exc:
            services.submit_project(project=project, by=group_director_a1)
        assert "ยังไม่ได้เลือกกลยุทธ์" in str(exc.value)
        assert state(project) == before

    def test_warnings_do_not_block(self, project_a1, group_director_a1):
        # No budget and no KPI are warnings only.
        services.submit_project(project=project_a1, by=group_director_a1)
        assert Project.objects.get(pk=project_a1.pk).status == ProjectStatus.SUBMITTED

    def test_submitting_twice_is_refused_with_a_clear_message(self, project, group_director_a1):
        services.submit_project(project=project, by=group_director_a1)
        before = state(project)
        with pytest.raises(DomainError, match="โครงการนี้ถูกเสนอไปแล้ว"):
            services.submit_project(project=project, by=group_director_a1)
        assert state(project) == before


class TestEndorseAndApprove:
    def test_full_chain_stamps_three_signatures_and_freezes_the_approved_document(
        self, project, group_director_a1, deputy_a, director_a
    ):
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        assert project.status == ProjectStatus.APPROVED and project.version == 4
        roles = dict(
            ProjectSignature.objects.filter(project=project).values_list("role", "name_th")
        )
        assert roles == {
            "proposer": group_director_a1.display_name,
            "endorser": deputy_a.display_name,
            "approver": director_a.display_name,
        }
        assert [e.action for e in ProjectEvent.objects.filter(project_ref=project.pk)] == [
            "approve",
            "endorse",
            "submit",
        ]
        snapshot = ProjectSnapshot.objects.get(project=project)
        assert snapshot.number == 1 and snapshot.version == 4
        assert snapshot.data["totals"]["total"] == "1,120.00"
        assert [s["name"] for s in snapshot.data["signatures"]] == [
            group_director_a1.display_name,
            deputy_a.display_name,
            director_a.display_name,
        ]
        assert len(snapshot.sha256) == 64

    def test_approving_a_draft_is_refused_and_names_the_missing_step(self, project, director_a):
        before = state(project)
        with pytest.raises(DomainError, match="อนุมัติไม่ได้: โครงการนี้อยู่ในสถานะ “ร่าง”"):
            services.approve_project(project=project, by=director_a)
        assert state(project) == before

    def test_re_approving_is_refused(self, project, group_director_a1, deputy_a, director_a):
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        before = state(project)
        with pytest.raises(DomainError, match="โครงการนี้ได้รับการอนุมัติไปแล้ว"):
            services.approve_project(project=project, by=director_a)
        assert state(project) == before

    def test_the_deputy_cannot_approve_and_the_director_cannot_endorse(
        self, project, group_director_a1, deputy_a, director_a
    ):
        services.submit_project(project=project, by=group_director_a1)
        before = state(project)
        with pytest.raises(services.NotAllowed):
            services.endorse_project(project=project, by=director_a)
        services.endorse_project(project=project, by=deputy_a)
        before = state(project)
        with pytest.raises(services.NotAllowed):
            services.approve_project(project=project, by=deputy_a)
        assert state(project) == before

    def test_a_director_of_another_office_is_refused(
        self, project, group_director_a1, deputy_a, office_b
    ):
        to_status(
            project,
            ProjectStatus.ENDORSED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=None,
        )
        before = state(project)
        with pytest.raises(services.NotAllowed):
            services.approve_project(project=project, by=f.make_user(office_b, Role.DIRECTOR))
        assert state(project) == before

    def test_double_approval_with_the_same_page_makes_exactly_one_transition(
        self, project, group_director_a1, deputy_a, director_a
    ):
        to_status(
            project,
            ProjectStatus.ENDORSED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        seen = project.version
        other_director = f.make_user(project.plan.office, Role.DIRECTOR)
        services.approve_project(project=project, by=director_a, expected_version=seen)
        with pytest.raises(DomainError, match="โครงการนี้ได้รับการอนุมัติไปแล้ว"):
            services.approve_project(project=project, by=other_director, expected_version=seen)
        assert ProjectEvent.objects.filter(project_ref=project.pk, action="approve").count() == 1
        assert ProjectSnapshot.objects.filter(project=project).count() == 1
        assert Project.objects.get(pk=project.pk).version == seen + 1

    def test_a_stale_page_is_refused_even_in_the_right_state(
        self, project, group_director_a1, deputy_a
    ):
        services.submit_project(project=project, by=group_director_a1)
        project.refresh_from_db()
        before = state(project)
        with pytest.raises(DomainError, match="ถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้"):
            services.endorse_project(
                project=project, by=deputy_a, expected_version=project.version - 1
            )
        assert state(project) == before


class TestDeputyAssignment:
    """A group may be assigned the deputy director who endorses its projects (OrgUnit.deputy);
    without one, any deputy of the office may."""

    @pytest.fixture
    def other_deputy(self, office_a):
        return f.make_user(office_a, Role.DEPUTY_DIRECTOR, None, "deputy_a_other")

    @pytest.fixture
    def assigned(self, project, deputy_a):
        unit = project.lead_unit
        unit.deputy = deputy_a
        unit.save(update_fields=["deputy"])
        return deputy_a

    def test_only_the_assigned_deputy_endorses_and_the_other_is_told_who(
        self, project, group_director_a1, assigned, other_deputy
    ):
        services.submit_project(project=project, by=group_director_a1)
        before = state(project)
        with pytest.raises(services.NotAllowed) as refused:
            services.endorse_project(project=project, by=other_deputy)
        assert project.lead_unit.name_th in str(refused.value)
        assert assigned.display_name in str(refused.value)
        with pytest.raises(services.NotAllowed):
            services.return_project(project=project, by=other_deputy, comment="แก้งบ")
        assert state(project) == before
        services.endorse_project(project=project, by=assigned)
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.ENDORSED

    def test_without_an_assignment_any_deputy_of_the_office_endorses(
        self, project, group_director_a1, other_deputy
    ):
        services.submit_project(project=project, by=group_director_a1)
        services.endorse_project(project=project, by=other_deputy)
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.ENDORSED

    def test_the_submission_notifies_and_waits_in_the_inbox_of_the_assigned_deputy_only(
        self, client, project, group_director_a1, assigned, other_deputy
    ):
        services.submit_project(project=project, by=group_director_a1)
        assert Notification.objects.filter(recipient=assigned).count() == 1
        assert not Notification.objects.filter(recipient=other_deputy).exists()
        for user, shown in ((assigned, True), (other_deputy, False)):
            client.force_login(user)
            page = client.get(reverse("workflow:inbox")).content.decode()
            waiting = page.split('id="waiting-title"')[1].split("</section>")[0]
            assert (project.name_th in waiting) is shown, user.username

    def test_the_endorse_button_is_offered_to_the_assigned_deputy_only(
        self, client, project, group_director_a1, assigned, other_deputy
    ):
        services.submit_project(project=project, by=group_director_a1)
        url = reverse("projects:project_detail", args=[project.pk])
        endorse = reverse("workflow:project_endorse", args=[project.pk])
        client.force_login(assigned)
        assert endorse in client.get(url).content.decode()
        client.force_login(other_deputy)
        page = client.get(url).content.decode()
        assert endorse not in page
        assert f"รอความเห็นชอบจาก {assigned.display_name}" in page
        response = client.post(endorse, {"version": project.version + 1})
        assert response.status_code == 403

    def test_a_lapsed_assignment_leaves_the_group_to_every_deputy(
        self, client, project, group_director_a1, assigned, other_deputy
    ):
        """A deactivated (or moved, or re-roled) assigned deputy must not strand the group."""
        assigned.is_active = False
        assigned.save(update_fields=["is_active"])
        services.submit_project(project=project, by=group_director_a1)
        assert Notification.objects.filter(recipient=other_deputy).count() == 1
        client.force_login(other_deputy)
        page = client.get(reverse("workflow:inbox")).content.decode()
        assert project.name_th in page.split('id="waiting-title"')[1].split("</section>")[0]
        services.endorse_project(project=project, by=other_deputy)
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.ENDORSED

    def test_history_is_kept_in_thai_whatever_the_page_language(self, project, group_director_a1):
        from django.utils import translation

        with translation.override("en"):
            services.submit_project(project=project, by=group_director_a1)
        event = ProjectEvent.objects.filter(project_ref=project.pk).latest("pk")
        assert "ร่าง → เสนอแล้ว" in event.summary_th, event.summary_th

    def test_the_admin_refuses_a_deputy_of_another_office_or_role(self, office_a, office_b):
        from django.core.exceptions import ValidationError

        unit = f.group(office_a, StandardGroup.ADMIN)
        for wrong in (
            f.make_user(office_b, Role.DEPUTY_DIRECTOR, None, "deputy_b"),
            f.make_user(office_a, Role.DIRECTOR, None, "director_x"),
        ):
            unit.deputy = wrong
            with pytest.raises(ValidationError) as error:
                unit.full_clean()
            assert "deputy" in error.value.message_dict


class TestReturnProject:
    def test_sends_back_to_draft_with_the_comment_and_clears_the_signatures(
        self, project, group_director_a1, deputy_a, planner_a1
    ):
        services.submit_project(project=project, by=group_director_a1)
        services.return_project(project=project, by=deputy_a, comment="แก้ไขวันที่กิจกรรม")
        project.refresh_from_db()
        assert project.status == ProjectStatus.DRAFT
        assert not ProjectSignature.objects.filter(project=project).exists()
        event = ProjectEvent.objects.filter(project_ref=project.pk).first()
        assert event.action == "return" and event.comment_th == "แก้ไขวันที่กิจกรรม"
        notified = set(Notification.objects.filter(event=event).values_list("recipient", flat=True))
        assert notified == {group_director_a1.pk, planner_a1.pk}
        assert "แก้ไขวันที่กิจกรรม" in Notification.objects.filter(event=event).first().message_th

    def test_needs_a_comment(self, project, group_director_a1, director_a):
        services.submit_project(project=project, by=group_director_a1)
        before = state(project)
        with pytest.raises(DomainError, match="กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"):
            services.return_project(project=project, by=director_a, comment="   ")
        assert state(project) == before

    def test_the_proposer_may_take_back_a_submitted_project_but_not_an_endorsed_one(
        self, project, group_director_a1, deputy_a
    ):
        services.submit_project(project=project, by=group_director_a1)
        services.return_project(project=project, by=group_director_a1, comment="ขอแก้ไขเพิ่มเติม")
        services.submit_project(project=project, by=group_director_a1)
        services.endorse_project(project=project, by=deputy_a)
        before = state(project)
        with pytest.raises(DomainError, match="ให้ความเห็นชอบโครงการนี้แล้ว"):
            services.return_project(project=project, by=group_director_a1, comment="ขอคืน")
        assert state(project) == before

    def test_a_planner_cannot_return(self, project, group_director_a1, planner_a1):
        services.submit_project(project=project, by=group_director_a1)
        with pytest.raises(services.NotAllowed):
            services.return_project(project=project, by=planner_a1, comment="x")

    def test_an_approved_project_cannot_be_returned(
        self, project, group_director_a1, deputy_a, director_a
    ):
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        before = state(project)
        with pytest.raises(DomainError, match="ส่งกลับแก้ไขไม่ได้"):
            services.return_project(project=project, by=director_a, comment="ขอแก้")
        assert state(project) == before


class TestEmail:
    def test_reviewers_with_an_address_get_an_email_after_commit(
        self, project, group_director_a1, deputy_a, django_capture_on_commit_callbacks, settings
    ):
        # the delivery job runs in the request here (the worker in production: notify app)
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        deputy_a.email = "deputy@example.go.th"
        deputy_a.save()
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_project(project=project, by=group_director_a1)
        assert [m.to for m in mail.outbox] == [["deputy@example.go.th"]]
        assert project.name_th in mail.outbox[0].subject

    def test_a_refused_transition_sends_nothing(
        self, project, director_a, django_capture_on_commit_callbacks
    ):
        director_a.email = "director@example.go.th"
        director_a.save()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(DomainError):
                services.approve_project(project=project, by=director_a)
        assert callbacks == [] and mail.outbox == []


class TestWorkflowViews:
    def url(self, name, project):
        app = "workflow" if name in {"submit", "endorse", "approve", "return"} else "projects"
        return reverse(f"{app}:project_{name}", args=[project.pk])

    def test_the_chain_through_the_buttons(
        self, client, project, group_director_a1, deputy_a, director_a
    ):
        for user, name, status in (
            (group_director_a1, "submit", ProjectStatus.SUBMITTED),
            (deputy_a, "endorse", ProjectStatus.ENDORSED),
            (director_a, "approve", ProjectStatus.APPROVED),
        ):
            client.force_login(user)
            page = client.get(self.url("detail", project)).content.decode()
            assert self.url(name, project) in page  # the button is there for this role
            project.refresh_from_db()
            response = client.post(self.url(name, project), {"version": project.version})
            assert response.status_code == 302 and response.url == self.url("detail", project)
            assert Project.objects.get(pk=project.pk).status == status
        page = client.get(self.url("detail", project)).content.decode()
        assert "ผู้อนุมัติโครงการ" in page and director_a.display_name in page
        assert reverse("workflow:project_version", args=[project.pk, 1]) in page

    def test_a_double_click_gives_one_transition_and_a_clear_message(
        self, client, project, group_director_a1, deputy_a, director_a
    ):
        to_status(
            project,
            ProjectStatus.ENDORSED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        client.force_login(director_a)
        data = {"version": project.version}
        client.post(self.url("approve", project), data)
        response = client.post(self.url("approve", project), data, follow=True)
        assert "โครงการนี้ได้รับการอนุมัติไปแล้ว" in response.content.decode()
        assert ProjectEvent.objects.filter(project_ref=project.pk, action="approve").count() == 1

    def test_skipping_a_step_is_refused_with_a_message(self, client, project, director_a):
        client.force_login(director_a)
        response = client.post(self.url("approve", project), follow=True)
        assert "อนุมัติไม่ได้: โครงการนี้อยู่ในสถานะ “ร่าง”" in response.content.decode()
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT

    def test_transitions_are_post_only(self, client, project, group_director_a1):
        client.force_login(group_director_a1)
        for name in ("submit", "endorse", "approve", "return"):
            assert client.get(self.url(name, project)).status_code == 405
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT

    def test_reviewers_see_the_warnings(self, client, project_a1, group_director_a1, deputy_a):
        services.submit_project(project=project_a1, by=group_director_a1)
        client.force_login(deputy_a)
        page = client.get(self.url("detail", project_a1)).content.decode()
        assert "ข้อควรระวัง" in page and "ยังไม่มีรายการงบประมาณ" in page

    def test_the_submit_button_is_disabled_while_errors_remain(
        self, client, project, group_director_a1
    ):
        Project.objects.filter(pk=project.pk).update(strategy=None)
        client.force_login(group_director_a1)
        page = client.get(self.url("detail", project)).content.decode()
        assert "ยังเสนอไม่ได้" in page and "disabled" in page

    def test_a_returned_project_shows_the_comment_to_its_planner(
        self, client, project, group_director_a1, deputy_a, planner_a1
    ):
        services.submit_project(project=project, by=group_director_a1)
        services.return_project(project=project, by=deputy_a, comment="ปรับเป้าหมายเชิงปริมาณ")
        client.force_login(planner_a1)
        page = client.get(self.url("detail", project)).content.decode()
        assert "ปรับเป้าหมายเชิงปริมาณ" in page
        inbox = client.get(reverse("workflow:inbox")).content.decode()
        assert "ปรับเป้าหมายเชิงปริมาณ" in inbox

    def test_approved_projects_are_read_only(
        self, client, project, group_director_a1, deputy_a, director_a, planner_a1
    ):
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        client.force_login(planner_a1)
        assert client.get(self.url("edit", project)).status_code == 403
        # A save from an editor opened before approval: the Thai conflict, nothing saved.
        assert client.post(self.url("edit", project), {"name_th": "x"}).status_code == 409
        assert client.post(self.url("delete", project)).status_code == 403
        assert Project.objects.get(pk=project.pk).name_th == project.name_th


class TestApprovalDuringAnEdit:
    def test_a_save_from_an_editor_opened_before_submission_is_refused(
        self, client, planner_a1, group_director_a1, office_a
    ):
        from tests.projects.test_views import ex01_post

        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
        project = Project.objects.get(plan=plan)
        editor_version = project.version
        services.submit_project(project=project, by=group_director_a1)
        before = state(project)
        response = client.post(
            reverse("projects:project_edit", args=[project.pk]),
            ex01_post(plan, project, version=editor_version, name_th="แก้ระหว่างพิจารณา"),
        )
        assert response.status_code == 409  # the two-tab conflict answer, typing kept
        assert "แก้ระหว่างพิจารณา" in response.content.decode()
        assert state(project) == before
        assert project.name_th != "แก้ระหว่างพิจารณา"

    def test_a_transition_from_a_page_opened_before_a_save_is_refused(
        self, project, group_director_a1
    ):
        seen = project.version
        Project.objects.filter(pk=project.pk).update(version=seen + 1)  # the planner saved
        with pytest.raises(DomainError, match="ถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้"):
            services.submit_project(project=project, by=group_director_a1, expected_version=seen)
        assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT


class TestAmendments:
    @pytest.fixture
    def approved(self, project, group_director_a1, deputy_a, director_a):
        return to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )

    def test_an_approved_amendment_reopens_a_draft_and_keeps_the_approved_version(
        self, client, approved, planner_a1, director_a, group_director_a1
    ):
        amendment = services.request_amendment(
            project=approved, by=planner_a1, reason="ปรับกิจกรรมไตรมาส 3 เป็นไตรมาส 4"
        )
        assert Notification.objects.filter(recipient=director_a).exists()
        services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        approved.refresh_from_db()
        assert approved.status == ProjectStatus.DRAFT and approved.version == 5
        assert not ProjectSignature.objects.filter(project=approved).exists()
        amendment.refresh_from_db()
        assert amendment.status == AmendmentStatus.APPROVED and amendment.decided_by == director_a
        assert amendment.snapshot.number == 1
        assert [e.action for e in ProjectEvent.objects.filter(project_ref=approved.pk)][:2] == [
            "amend_approve",
            "amend_request",
        ]
        client.force_login(planner_a1)
        assert client.get(reverse("projects:project_edit", args=[approved.pk])).status_code == 200
        page = client.get(reverse("workflow:project_version", args=[approved.pk, 1]))
        assert page.status_code == 200
        assert director_a.display_name in page.content.decode()  # the old signatures

    def test_the_next_approval_is_a_second_frozen_version(
        self, approved, planner_a1, director_a, group_director_a1, deputy_a
    ):
        amendment = services.request_amendment(project=approved, by=planner_a1, reason="ปรับ")
        services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        to_status(
            approved,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        assert list(
            ProjectSnapshot.objects.filter(project=approved).values_list("number", flat=True)
        ) == [1, 2]

    def test_a_request_needs_a_reason_and_an_approved_project(self, project, approved, planner_a1):
        with pytest.raises(DomainError, match="กรุณาระบุเหตุผล"):
            services.request_amendment(project=approved, by=planner_a1, reason=" ")
        draft = f.make_project(project.plan, unit=planner_a1.org_unit)
        with pytest.raises(DomainError, match="เฉพาะโครงการที่ได้รับอนุมัติแล้ว"):
            services.request_amendment(project=draft, by=planner_a1, reason="ปรับ")
        assert not AmendmentRequest.objects.exists()

    def test_only_one_pending_request_and_only_the_director_decides(
        self, approved, planner_a1, deputy_a
    ):
        amendment = services.request_amendment(project=approved, by=planner_a1, reason="ปรับ")
        with pytest.raises(DomainError, match="รอการพิจารณาอยู่แล้ว"):
            services.request_amendment(project=approved, by=planner_a1, reason="อีกครั้ง")
        with pytest.raises(services.NotAllowed):
            services.decide_amendment(amendment=amendment, by=deputy_a, approve=True)
        assert Project.objects.get(pk=approved.pk).status == ProjectStatus.APPROVED

    def test_a_rejection_needs_a_comment_and_leaves_the_project_approved(
        self, approved, planner_a1, director_a
    ):
        amendment = services.request_amendment(project=approved, by=planner_a1, reason="ปรับ")
        with pytest.raises(DomainError, match="กรุณาระบุเหตุผลที่ไม่อนุมัติ"):
            services.decide_amendment(amendment=amendment, by=director_a, approve=False)
        services.decide_amendment(
            amendment=amendment, by=director_a, approve=False, comment="ไม่จำเป็น"
        )
        assert Project.objects.get(pk=approved.pk).status == ProjectStatus.APPROVED
        with pytest.raises(DomainError, match="พิจารณาไปแล้ว"):
            services.decide_amendment(amendment=amendment, by=director_a, approve=True)

    def test_the_request_and_decision_pages(self, client, approved, planner_a1, director_a):
        client.force_login(planner_a1)
        url = reverse("workflow:amendment_request", args=[approved.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"reason": "เลื่อนกิจกรรม"}).status_code == 302
        amendment = AmendmentRequest.objects.get()
        decide = reverse("workflow:amendment_decide", args=[amendment.pk])
        assert client.post(decide, {"decision": "approve"}).status_code == 403
        client.force_login(director_a)
        page = client.get(reverse("projects:project_detail", args=[approved.pk])).content.decode()
        assert "เลื่อนกิจกรรม" in page and decide in page
        assert client.post(decide, {"decision": "approve"}).status_code == 302
        assert Project.objects.get(pk=approved.pk).status == ProjectStatus.DRAFT


def statements(ctx) -> int:
    """SQL statements, not the savepoints the test's own transaction adds."""
    return sum(1 for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE")))


def test_a_transition_costs_a_fixed_number_of_queries(
    project, group_director_a1, deputy_a, director_a
):
    with CaptureQueriesContext(connection) as submit:
        services.submit_project(project=project, by=group_director_a1)
    with CaptureQueriesContext(connection) as endorse:
        services.endorse_project(project=project, by=deputy_a)
    with CaptureQueriesContext(connection) as approve:
        services.approve_project(project=project, by=director_a)
    # submit runs the validators; approve also freezes the whole document (11 reads) and its
    # print source, the document's HTML for the official PDF (14 reads, prefetched); every
    # notified event reads the office's LINE chats and, when a recipient has an e-mail address,
    # the recipients' choices (notify, issue 20: 1-2 reads).
    assert statements(submit) <= 15 and statements(endorse) <= 9 and statements(approve) <= 36


# --- Concurrency on a real database: two approvers at once, a submission during a save -------


def _race(*jobs) -> list[str]:
    """Run the jobs at the same moment, each in its own thread and database connection."""
    from django.db import connections

    barrier = threading.Barrier(len(jobs))
    results: list[str] = []

    def run(job) -> None:
        try:
            prepared = job[0]()
            barrier.wait()
            job[1](prepared)
            results.append("ok")
        except DomainError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def race_scenarios() -> dict:
    """Both races on whatever database is configured; returns what each side saw."""
    from django.db import transaction

    from actionplan.models import User

    office = f.make_office()
    plan = f.make_plan(office, 2567)
    gd = f.make_user(office, Role.GROUP_DIRECTOR)
    deputy = f.make_user(office, Role.DEPUTY_DIRECTOR)
    planner = f.make_user(office, Role.PLANNER)
    directors = [f.make_user(office, Role.DIRECTOR) for _ in range(4)]

    endorsed = f.make_project(plan, unit=gd.org_unit)
    services.submit_project(project=endorsed, by=gd)
    services.endorse_project(project=endorsed, by=deputy)

    def approver(pk):
        def prepare():
            return User.objects.select_related("person").get(pk=pk), Project.objects.get(
                pk=endorsed.pk
            )

        def act(prepared):
            user, project = prepared
            services.approve_project(project=project, by=user, expected_version=project.version)

        return prepare, act

    approvals = _race(*[approver(d.pk) for d in directors])

    draft = f.make_project(plan, unit=gd.org_unit, name_th="ร่างก่อนแก้")
    seen = draft.version

    def edit(_):
        # The editor's guard (save_project's first write) followed by a content change.
        with transaction.atomic():
            project_services._claim_version(draft, expected=seen, by=planner)
            Project.objects.filter(pk=draft.pk).update(name_th="แก้แล้ว")

    def submit(_):
        services.submit_project(
            project=Project.objects.get(pk=draft.pk), by=gd, expected_version=seen
        )

    edits = _race((lambda: None, edit), (lambda: None, submit))
    draft.refresh_from_db()
    return {
        "approvals": approvals,
        "approve_events": ProjectEvent.objects.filter(
            project_ref=endorsed.pk, action="approve"
        ).count(),
        "snapshots": ProjectSnapshot.objects.filter(project=endorsed).count(),
        "edit_vs_submit": sorted(edits),
        "draft": [draft.status, draft.name_th, draft.version],
        "submit_events": ProjectEvent.objects.filter(project_ref=draft.pk, action="submit").count(),
    }


PROBE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.workflow.test_workflow import race_scenarios
print(json.dumps(race_scenarios(), ensure_ascii=False))
"""


IS_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@pytest.mark.skipif(not IS_SQLITE, reason="the PostgreSQL variant below runs instead")
def test_concurrent_approvals_and_a_submission_during_a_save_on_sqlite(tmp_path):
    """The test database lives in memory, so the races run in a child process on a file
    database in WAL mode with IMMEDIATE transactions, as configured for production."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "SQLITE_PATH": str(tmp_path / "race.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "actionplan.settings",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    check_race_report(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.skipif(IS_SQLITE, reason="SQLite runs the variant above")
# Not serialized_rollback: a transactional test that ran before (the overview's) leaves the
# tables flushed and refilled (content types by post_migrate, the reference data by
# tests/conftest.py), and reloading the snapshot on top of them collides.
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_and_a_submission_during_a_save_on_postgresql():
    """Threads with their own connections on the test database (row locks and the conditional
    UPDATE's re-check under READ COMMITTED)."""
    check_race_report(race_scenarios())


def check_race_report(report: dict) -> None:
    approvals = report["approvals"]
    assert approvals.count("ok") == 1, approvals
    assert all(r == "ok" or "ได้รับการอนุมัติไปแล้ว" in r for r in approvals), approvals
    assert (report["approve_events"], report["snapshots"]) == (1, 1)
    outcome = report["edit_vs_submit"]
    assert outcome.count("ok") == 1, outcome
    status, name, version = report["draft"]
    if status == ProjectStatus.SUBMITTED:  # the submission won: the edit changed nothing
        assert (name, report["submit_events"]) == ("ร่างก่อนแก้", 1)
    else:  # the save won: the submission was refused as stale
        assert (status, name, report["submit_events"]) == ("draft", "แก้แล้ว", 0)
        assert any("ถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้" in r for r in outcome), outcome
    assert version == 2
