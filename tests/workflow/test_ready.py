"""Ready for review (พร้อมเสนอ, issue 14): a planner marks a draft, the group director is told
and finds it in its own section of the inbox; any later change (a save, a submission, a return)
clears the mark because it holds for one version only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from actionplan.services import DomainError
from projects.models import EventAction, Project, ProjectEvent, ProjectStatus
from tests import factories as f
from tests.projects.test_views import resubmit_data
from workflow import services
from workflow.models import Notification

pytestmark = pytest.mark.django_db

READY = "โครงการที่จัดทำเสร็จแล้ว"
WRITING = "โครงการที่ยังเขียนไม่เสร็จ"


@pytest.fixture
def group_director_a1(office_a):
    return f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )


def complete(plan, name: str):
    project = f.make_project(plan, unit=f.group(plan.office, StandardGroup.ADMIN), name_th=name)
    activity = f.make_activity(project, months=[7])
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
    f.set_quarters(activity, 0, 0, 1120)
    f.make_indicator(project)
    return project


@pytest.fixture
def draft(plan_a):
    return complete(plan_a, READY)


@pytest.fixture
def other_draft(plan_a):
    return complete(plan_a, WRITING)


def state(project: Project) -> tuple:
    project.refresh_from_db()
    return (
        project.status,
        project.version,
        project.ready_at,
        project.ready_version,
        ProjectEvent.objects.filter(project_ref=project.pk).count(),
        Notification.objects.count(),
    )


def sections(html: str) -> tuple[str, str]:
    """The inbox's ready section and its drafts-still-written section."""
    ready = re.search(r'id="ready-title".*?</table>', html, re.S).group(0)
    drafts = re.search(r'id="drafts-title".*?</table>', html, re.S).group(0)
    return ready, drafts


class TestMarkReady:
    def test_marks_the_version_notifies_the_group_director_and_records_an_event(
        self, draft, planner_a1, group_director_a1, office_a, deputy_a
    ):
        f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.PLAN))
        version = draft.version
        services.mark_ready(project=draft, by=planner_a1, expected_version=version)
        draft.refresh_from_db()
        assert draft.is_ready and draft.ready_by == planner_a1
        assert draft.ready_version == version and draft.version == version  # not an edit
        assert draft.status == ProjectStatus.DRAFT
        assert list(Project.objects.ready()) == [draft]
        event = ProjectEvent.objects.get(project_ref=draft.pk)
        assert event.action == EventAction.READY and event.actor == planner_a1
        assert event.summary_th == "แจ้งผู้อำนวยการกลุ่มว่าโครงการพร้อมเสนอ"
        note = Notification.objects.get()  # the lead group's director only
        assert note.recipient == group_director_a1
        assert note.message_th == f"{planner_a1.display_name} แจ้งพร้อมเสนอ “{READY}”"
        assert note.url == reverse("projects:project_detail", args=[draft.pk])

    @pytest.mark.parametrize("persona", ["group_director_a1", "deputy_a", "director_a"])
    def test_is_refused_to_roles_that_do_not_write_drafts(self, draft, persona, request):
        before = state(draft)
        with pytest.raises(services.NotAllowed):
            services.mark_ready(project=draft, by=request.getfixturevalue(persona))
        assert state(draft) == before

    def test_is_refused_to_a_planner_of_another_group(self, draft, planner_a2):
        before = state(draft)
        with pytest.raises(services.NotAllowed):
            services.mark_ready(project=draft, by=planner_a2)
        assert state(draft) == before

    def test_the_plan_admin_may_mark_it(self, draft, plan_admin_a):
        services.mark_ready(project=draft, by=plan_admin_a)
        draft.refresh_from_db()
        assert draft.is_ready

    def test_is_blocked_by_validator_errors(self, draft, planner_a1):
        Project.objects.filter(pk=draft.pk).update(strategy=None)
        before = state(draft)
        with pytest.raises(DomainError, match="ยังแจ้งพร้อมเสนอไม่ได้ มีข้อผิดพลาด 1 รายการ"):
            services.mark_ready(project=draft, by=planner_a1)
        assert state(draft) == before

    def test_twice_is_refused_with_a_clear_message(self, draft, planner_a1):
        services.mark_ready(project=draft, by=planner_a1)
        before = state(draft)
        with pytest.raises(DomainError, match="โครงการนี้แจ้งพร้อมเสนอไปแล้ว"):
            services.mark_ready(project=draft, by=planner_a1)
        assert state(draft) == before

    def test_a_page_older_than_a_save_is_refused(self, draft, planner_a1):
        seen = draft.version
        Project.objects.filter(pk=draft.pk).update(version=seen + 1)
        before = state(draft)
        with pytest.raises(DomainError, match="โครงการถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้"):
            services.mark_ready(project=draft, by=planner_a1, expected_version=seen)
        assert state(draft) == before

    def test_only_a_draft_may_be_marked(self, draft, planner_a1, group_director_a1):
        services.submit_project(project=draft, by=group_director_a1)
        before = state(draft)
        with pytest.raises(DomainError, match="เฉพาะโครงการสถานะร่าง"):
            services.mark_ready(project=draft, by=planner_a1)
        assert state(draft) == before


class TestTheMarkIsCleared:
    def test_by_a_save_in_the_editor(self, client, draft, planner_a1):
        services.mark_ready(project=draft, by=planner_a1)
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_edit", args=[draft.pk]), resubmit_data(draft)
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert not draft.is_ready and draft.ready_version == draft.version - 1
        assert not Project.objects.ready().exists()

    def test_by_a_submission_and_stays_cleared_after_a_return(
        self, draft, planner_a1, group_director_a1
    ):
        services.mark_ready(project=draft, by=planner_a1)
        services.submit_project(project=draft, by=group_director_a1)
        draft.refresh_from_db()
        assert not draft.is_ready and not Project.objects.ready().exists()
        services.return_project(project=draft, by=group_director_a1, comment="ขอแก้กิจกรรม")
        draft.refresh_from_db()
        assert draft.status == ProjectStatus.DRAFT and not draft.is_ready
        services.mark_ready(project=draft, by=planner_a1)  # and may be marked again
        draft.refresh_from_db()
        assert draft.is_ready


class TestInbox:
    def test_the_group_director_sees_ready_drafts_apart_from_those_being_written(
        self, client, draft, other_draft, planner_a1, group_director_a1
    ):
        services.mark_ready(project=draft, by=planner_a1)
        client.force_login(group_director_a1)
        html = client.get(reverse("workflow:inbox")).content.decode()
        ready, drafts = sections(html)
        assert "พร้อมเสนอ (รอท่านเสนอ)" in ready
        assert READY in ready and WRITING not in ready
        assert planner_a1.display_name in ready and "1,120.00" in ready
        assert WRITING in drafts and READY not in drafts

    def test_an_edit_moves_it_back_among_the_drafts(
        self, client, draft, other_draft, planner_a1, group_director_a1
    ):
        services.mark_ready(project=draft, by=planner_a1)
        Project.objects.filter(pk=draft.pk).update(version=draft.version + 1)  # any write
        client.force_login(group_director_a1)
        ready, drafts = sections(client.get(reverse("workflow:inbox")).content.decode())
        assert READY not in ready and "ยังไม่มีโครงการที่แจ้งพร้อมเสนอ" in ready
        assert READY in drafts and WRITING in drafts

    def test_the_planner_sees_what_waits_for_the_group_director(
        self, client, draft, other_draft, planner_a1
    ):
        services.mark_ready(project=draft, by=planner_a1)
        client.force_login(planner_a1)
        ready, drafts = sections(client.get(reverse("workflow:inbox")).content.decode())
        assert "รอผู้อำนวยการกลุ่มเสนอ" in ready and READY in ready
        assert WRITING in drafts and READY not in drafts

    def test_another_groups_director_sees_neither(
        self, client, draft, other_draft, planner_a1, office_a
    ):
        services.mark_ready(project=draft, by=planner_a1)
        other = f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.PLAN))
        client.force_login(other)
        html = client.get(reverse("workflow:inbox")).content.decode()
        assert READY not in html and WRITING not in html


class TestReadyButton:
    def test_the_planner_marks_it_from_the_project_page(
        self, client, draft, planner_a1, group_director_a1
    ):
        client.force_login(planner_a1)
        detail = reverse("projects:project_detail", args=[draft.pk])
        url = reverse("workflow:project_ready", args=[draft.pk])
        page = client.get(detail).content.decode()
        form = re.search(rf'<form method="post" action="{url}">(.*?)</form>', page, re.S)
        assert form and 'name="csrfmiddlewaretoken"' in form.group(1)
        assert f'name="version" value="{draft.version}"' in form.group(1)
        assert ">แจ้งพร้อมเสนอ</button>" in form.group(1)
        response = client.post(url, {"version": draft.version}, follow=True)
        assert response.redirect_chain[-1][0] == detail
        html = response.content.decode()
        assert "แจ้งผู้อำนวยการกลุ่มแล้วว่าโครงการพร้อมเสนอ" in html
        assert f"แจ้งพร้อมเสนอโดย {planner_a1.display_name}" in html
        assert f'action="{url}"' not in html  # no second button
        draft.refresh_from_db()
        assert draft.is_ready

        client.force_login(group_director_a1)
        page = client.get(detail).content.decode()
        assert f'action="{url}"' not in page and "รอผู้อำนวยการกลุ่มเสนอ" in page
        assert "เสนอโครงการ (ผู้เสนอโครงการ)" in page  # the group director proposes it

    def test_the_button_is_disabled_while_errors_remain(self, client, draft, planner_a1):
        Project.objects.filter(pk=draft.pk).update(strategy=None)
        client.force_login(planner_a1)
        page = client.get(reverse("projects:project_detail", args=[draft.pk])).content.decode()
        assert 'disabled aria-describedby="ready-blocked"' in page
        assert "ยังแจ้งพร้อมเสนอไม่ได้: ต้องแก้ข้อผิดพลาดด้านล่างก่อน" in page

    def test_a_refusal_by_state_is_a_message(self, client, draft, planner_a1):
        services.mark_ready(project=draft, by=planner_a1)
        client.force_login(planner_a1)
        response = client.post(reverse("workflow:project_ready", args=[draft.pk]), follow=True)
        assert "โครงการนี้แจ้งพร้อมเสนอไปแล้ว" in response.content.decode()

    @pytest.mark.parametrize(
        ("persona", "status"),
        [("planner_a2", 404), ("outsider", 404), ("group_director_a1", 403), ("director_a", 403)],
    )
    def test_out_of_scope_is_404_and_other_roles_403(self, client, draft, persona, status, request):
        client.force_login(request.getfixturevalue(persona))
        before = state(draft)
        response = client.post(reverse("workflow:project_ready", args=[draft.pk]))
        assert response.status_code == status
        assert state(draft) == before

    def test_post_only_and_csrf_required(self, client, draft, planner_a1):
        client.force_login(planner_a1)
        url = reverse("workflow:project_ready", args=[draft.pk])
        assert client.get(url).status_code == 405
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(planner_a1)
        assert strict.post(url).status_code == 403
        draft.refresh_from_db()
        assert not draft.is_ready
