"""Deleting a draft from the UI (issue 14): the button, the confirmation page, the delete itself,
the history record it leaves, and the roll-up, validation page and plan book without it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from printing import book
from projects.models import EventAction, Project, ProjectEvent, ProjectStatus
from tests import factories as f
from workflow import services as workflow_services

pytestmark = pytest.mark.django_db

DOOMED = "โครงการอบรมที่จะถูกลบทิ้ง"
KEPT = "โครงการที่ยังอยู่ในแผน"


@pytest.fixture
def group_director_a1(office_a):
    return f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN))


def budgeted(plan, name: str, amount: str = "1120"):
    """A draft of กลุ่มอำนวยการ with one budget line, its quarterly plan and a KPI."""
    project = f.make_project(plan, unit=f.group(plan.office, StandardGroup.ADMIN), name_th=name)
    activity = f.make_activity(project, months=[4])
    f.make_line(activity, "ค่าวัสดุ", amount=amount, category_code="materials")
    f.set_quarters(activity, 0, amount)
    f.make_indicator(project)
    return project


@pytest.fixture
def doomed(plan_a):
    return budgeted(plan_a, DOOMED)


def approve(project, office):
    """Submit, endorse and approve with fresh reviewers of the office."""
    gd = f.make_user(office, Role.GROUP_DIRECTOR, project.lead_unit)
    workflow_services.submit_project(project=project, by=gd)
    workflow_services.endorse_project(project=project, by=f.make_user(office, Role.DEPUTY_DIRECTOR))
    director = office.users.filter(role=Role.DIRECTOR).first() or f.make_user(office, Role.DIRECTOR)
    workflow_services.approve_project(project=project, by=director)
    project.refresh_from_db()
    return project


def page(client, name: str, pk: int) -> str:
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


DELETE_LINK = re.compile(r'href="/projects/\d+/delete/"')


class TestDeleteButton:
    def test_the_project_page_and_the_editor_offer_it_on_a_draft_never_approved(
        self, client, planner_a1, doomed
    ):
        client.force_login(planner_a1)
        url = reverse("projects:project_delete", args=[doomed.pk])
        detail = page(client, "projects:project_detail", doomed.pk)
        assert f'href="{url}"' in detail and "ลบโครงการ" in detail
        assert f'href="{url}"' in page(client, "projects:project_edit", doomed.pk)

    def test_readers_who_cannot_edit_see_no_button(self, client, director_a, deputy_a, doomed):
        for user in (director_a, deputy_a):
            client.force_login(user)
            assert not DELETE_LINK.search(page(client, "projects:project_detail", doomed.pk))

    def test_an_approved_project_shows_no_button(self, client, planner_a1, doomed, office_a):
        approve(doomed, office_a)
        client.force_login(planner_a1)
        assert not DELETE_LINK.search(page(client, "projects:project_detail", doomed.pk))

    def test_a_draft_that_was_approved_once_shows_no_button(
        self, client, planner_a1, director_a, doomed, office_a
    ):
        approve(doomed, office_a)
        amendment = workflow_services.request_amendment(
            project=doomed, by=planner_a1, reason="ปรับกิจกรรม"
        )
        workflow_services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        doomed.refresh_from_db()
        assert doomed.status == ProjectStatus.DRAFT
        client.force_login(planner_a1)
        detail = page(client, "projects:project_detail", doomed.pk)
        assert ">แก้ไข</a>" in detail  # still editable, but not deletable
        assert not DELETE_LINK.search(detail)
        assert not DELETE_LINK.search(page(client, "projects:project_edit", doomed.pk))


class TestConfirmationPage:
    def test_shows_the_name_and_budget_in_thai_with_a_csrf_form(self, client, planner_a1, doomed):
        client.force_login(planner_a1)
        html = page(client, "projects:project_delete", doomed.pk)
        assert "ยืนยันการลบร่างโครงการ" in html
        assert DOOMED in html and "1,120.00 บาท" in html and "2567" in html
        assert "ค.ศ." not in html and "2024" not in html  # Buddhist-Era years only
        action = reverse("projects:project_delete", args=[doomed.pk])
        form = re.search(rf'<form method="post" action="{action}"[^>]*>(.*?)</form>', html, re.S)
        form = form.group(1)
        assert 'name="csrfmiddlewaretoken"' in form
        assert f'name="version" value="{doomed.version}"' in form
        assert "ยืนยันลบโครงการ" in form
        assert Project.objects.filter(pk=doomed.pk).exists()  # GET deletes nothing

    def test_anonymous_is_sent_to_login(self, client, doomed):
        response = client.get(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("planner_a2", 404),
            ("outsider", 404),
            ("director_a", 403),
            ("deputy_a", 403),
            ("planner_a1", 200),
            ("plan_admin_a", 200),
            ("group_director_a1", 200),
        ],
    )
    def test_the_permission_matrix(self, client, doomed, persona, status, request):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == status
        assert Project.objects.filter(pk=doomed.pk).exists()

    def test_an_approved_project_answers_403_with_the_reason_in_thai(
        self, client, planner_a1, doomed, office_a
    ):
        approve(doomed, office_a)
        client.force_login(planner_a1)
        response = client.get(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == 403
        html = response.content.decode()
        assert "ได้รับอนุมัติแล้ว จึงลบไม่ได้" in html and "ขอยกเลิกโครงการ" in html


class TestDelete:
    def test_deletes_the_draft_and_keeps_a_history_record(self, client, planner_a1, doomed):
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_delete", args=[doomed.pk]), {"version": doomed.version}
        )
        assert response.status_code == 302
        assert response.url == reverse("projects:project_list") + "?year=2567"
        assert not Project.objects.filter(pk=doomed.pk).exists()
        event = ProjectEvent.objects.get(project_ref=doomed.pk, action=EventAction.DELETE)
        assert event.project is None and event.actor == planner_a1
        assert event.project_name_th == DOOMED
        assert event.summary_th == f"ลบโครงการ “{DOOMED}” งบประมาณ 1,120.00 บาท"
        listing = client.get(response.url).content.decode()
        assert f"ลบโครงการ “{DOOMED}” แล้ว" in listing and DOOMED not in listing.replace(
            f"ลบโครงการ “{DOOMED}” แล้ว", ""
        )

    def test_the_project_leaves_the_roll_up_the_validation_page_and_the_book(
        self, client, planner_a1, plan_admin_a, plan_a, doomed
    ):
        budgeted(plan_a, KEPT, amount="500")
        doomed.indicators.all().delete()  # a warning, so that the validation page lists it
        client.force_login(plan_admin_a)
        overview = reverse("plans:plan_overview", args=[plan_a.pk])
        validation = reverse("plans:plan_validation", args=[plan_a.pk])
        before = client.get(overview).content.decode()
        assert DOOMED in before and "โครงการทั้งหมด 2 โครงการ งบประมาณรวม 1,620.00 บาท" in before
        assert DOOMED in client.get(validation).content.decode()
        assert DOOMED in str(book.book_source(plan_a))

        client.force_login(planner_a1)
        client.post(reverse("projects:project_delete", args=[doomed.pk]), follow=True)
        assert not Project.objects.filter(pk=doomed.pk).exists()

        client.force_login(plan_admin_a)
        after = client.get(overview).content.decode()
        assert DOOMED not in after and KEPT in after
        assert "โครงการทั้งหมด 1 โครงการ งบประมาณรวม 500.00 บาท" in after
        checked = client.get(validation).content.decode()
        assert DOOMED not in checked and KEPT in checked
        source = str(book.book_source(plan_a))
        assert DOOMED not in source and KEPT in source
        assert book.plan_context(plan_a)["summary"]["total"] == "500"

    def test_an_approved_project_is_refused_with_a_thai_message_and_kept(
        self, client, planner_a1, doomed, office_a
    ):
        approve(doomed, office_a)
        events = ProjectEvent.objects.filter(project_ref=doomed.pk).count()
        client.force_login(planner_a1)
        response = client.post(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == 403
        assert "โครงการนี้ได้รับอนุมัติแล้ว จึงลบไม่ได้" in response.content.decode()
        doomed.refresh_from_db()
        assert doomed.status == ProjectStatus.APPROVED
        assert ProjectEvent.objects.filter(project_ref=doomed.pk).count() == events

    def test_a_draft_approved_once_is_refused_with_a_message_and_kept(
        self, client, planner_a1, director_a, doomed, office_a
    ):
        approve(doomed, office_a)
        amendment = workflow_services.request_amendment(project=doomed, by=planner_a1, reason="ปรับ")
        workflow_services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        client.force_login(planner_a1)
        response = client.post(reverse("projects:project_delete", args=[doomed.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "projects:project_detail", args=[doomed.pk]
        )
        assert "โครงการนี้เคยได้รับอนุมัติแล้ว จึงลบไม่ได้" in response.content.decode()
        assert Project.objects.filter(pk=doomed.pk).exists()
        assert not ProjectEvent.objects.filter(project_ref=doomed.pk, action="delete").exists()

    def test_a_confirmation_page_older_than_a_save_deletes_nothing(
        self, client, planner_a1, doomed
    ):
        seen = doomed.version
        Project.objects.filter(pk=doomed.pk).update(version=seen + 1)  # somebody saved since
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_delete", args=[doomed.pk]), {"version": seen}, follow=True
        )
        assert "ยังไม่ได้ลบ: โครงการถูกแก้ไขหลังจากที่ท่านเปิดหน้ายืนยัน" in response.content.decode()
        assert Project.objects.filter(pk=doomed.pk).exists()
        assert not ProjectEvent.objects.filter(project_ref=doomed.pk, action="delete").exists()

    @pytest.mark.parametrize("persona", ["director_a", "deputy_a"])
    def test_reviewers_are_refused(self, client, doomed, persona, request):
        client.force_login(request.getfixturevalue(persona))
        response = client.post(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == 403
        assert Project.objects.filter(pk=doomed.pk).exists()

    def test_the_csrf_token_is_required(self, planner_a1, doomed):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(planner_a1)
        response = client.post(reverse("projects:project_delete", args=[doomed.pk]))
        assert response.status_code == 403
        assert Project.objects.filter(pk=doomed.pk).exists()
