"""Plan approval: the director approves the whole plan once every project is approved and no
amendment is pending; an approval is a numbered, frozen snapshot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.models import PlanStatus
from actionplan.services import DomainError
from plans import services as plan_services
from plans.models import PlanApproval
from projects.models import Project, ProjectStatus
from tests.workflow import test_workflow as workflow_tests
from workflow import services

pytestmark = pytest.mark.django_db

# The workflow tests' fixtures and helpers: a plan is approved after its projects went through it.
group_director_a1 = workflow_tests.group_director_a1
project = workflow_tests.project
state, to_status = workflow_tests.state, workflow_tests.to_status


class TestPlanApproval:
    def test_freezes_the_plan_and_refuses_a_second_approval(
        self, project, group_director_a1, deputy_a, director_a
    ):
        plan = project.plan
        with pytest.raises(DomainError, match="มีโครงการที่ยังไม่ได้รับอนุมัติ 1 โครงการ"):
            plan_services.approve_plan(plan=plan, by=director_a)
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        with pytest.raises(services.NotAllowed):
            plan_services.approve_plan(plan=plan, by=deputy_a)
        approval = plan_services.approve_plan(plan=plan, by=director_a)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPROVED and approval.number == 1
        data = approval.data
        assert data["totals"]["plan_total"] == "1120.00"
        assert data["strategies"][0]["sentence"].startswith("มีโครงการรองรับกลยุทธ์ที่ 1 จำนวน 1 โครงการ")
        assert data["projects"][0]["signatures"][2]["name"] == director_a.display_name
        assert data["approver"]["name"] == director_a.display_name
        with pytest.raises(DomainError, match="แผนนี้ได้รับการอนุมัติแล้ว"):
            plan_services.approve_plan(plan=plan, by=director_a)
        assert PlanApproval.objects.count() == 1

    def test_an_amendment_reopens_the_plan_and_the_next_approval_is_number_two(
        self, project, group_director_a1, deputy_a, director_a, planner_a1
    ):
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        first = plan_services.approve_plan(plan=project.plan, by=director_a)
        amendment = services.request_amendment(project=project, by=planner_a1, reason="ปรับ")
        services.decide_amendment(amendment=amendment, by=director_a, approve=True)
        assert Project.objects.get(pk=project.pk).plan.status == PlanStatus.DRAFT
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        second = plan_services.approve_plan(plan=project.plan, by=director_a)
        assert (first.number, second.number) == (1, 2)
        first.refresh_from_db()
        assert first.data["projects"][0]["version"] == 4  # the first approval is unchanged

    def test_the_approval_page_and_button(
        self, client, project, group_director_a1, deputy_a, director_a
    ):
        to_status(
            project,
            ProjectStatus.APPROVED,
            gd=group_director_a1,
            deputy=deputy_a,
            director=director_a,
        )
        client.force_login(director_a)
        url = reverse("plans:plan_validation", args=[project.plan.pk])
        assert (
            reverse("plans:plan_approve", args=[project.plan.pk])
            in client.get(url).content.decode()
        )
        response = client.post(reverse("plans:plan_approve", args=[project.plan.pk]))
        approval = PlanApproval.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("plans:plan_approval", args=[approval.pk])
        page = client.get(response.url).content.decode()
        assert "มีโครงการรองรับกลยุทธ์ที่ 1 จำนวน 1 โครงการ งบประมาณ 1,120.00 บาท" in page
