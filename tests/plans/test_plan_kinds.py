"""Plans are chosen by identity (office, year, kind): an office with an action plan and a
teacher-development plan of the same year reaches both from every menu, and prints them as two
different books; a project included in the other plan prints there with the same numbers and
is counted once in each plan's totals (issue 18)."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplan.models import PlanType, Role, StandardGroup
from actionplan.plan_kinds import KINDS, kind_of, pick_plan
from budgets import figures
from plans.views import overview_projects
from printing import book
from projects import services
from projects.models import PlanInclusion
from projects.rollup import plan_projects
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(office_a):
    return office_a


@pytest.fixture
def action(office):
    plan = f.make_plan(office, 2566)
    f.make_strategy(plan, 1, "พัฒนาคุณภาพผู้เรียน")
    return plan


@pytest.fixture
def teacher(office):
    plan = f.make_plan(office, 2566, plan_type=PlanType.TEACHER_DEV)
    f.make_strategy(plan, 1, "พัฒนาครูและบุคลากรทางการศึกษา")
    return plan


def costed(plan, name: str, amount: str):
    project = f.make_project(plan, name_th=name)
    activity = f.make_activity(project)
    f.make_line(activity, "ค่าวัสดุ", amount=amount, category_code="materials")
    f.set_quarters(activity, 0, Decimal(amount))
    return project


@pytest.fixture
def shared(action, teacher, plan_admin_a):
    """One action-plan project (30,000) included in the teacher plan; one teacher-plan project
    (12,000); one action-plan project that stays home (5,000)."""
    develops = costed(action, "โครงการพัฒนาครูด้วย PLC", "30000")
    costed(teacher, "โครงการอบรมครูบรรจุใหม่", "12000")
    costed(action, "โครงการจัดซื้อวัสดุ", "5000")
    services.include_project(
        project=develops, plan=teacher, strategy=teacher.strategies.get(), by=plan_admin_a
    )
    return develops


class TestPickPlan:
    def test_the_plan_parameter_picks_by_identity_and_year_stays_the_action_plan(
        self, action, teacher
    ):
        plans = [teacher, action]
        assert pick_plan({"plan": str(teacher.pk)}, plans) == teacher
        assert pick_plan({"year": "2566"}, plans) == action
        assert pick_plan({}, plans) == action
        assert pick_plan({"year": "2599"}, plans) is None

    def test_a_plan_outside_the_list_is_404(self, action):
        from django.http import Http404

        with pytest.raises(Http404):
            pick_plan({"plan": "999999"}, [action])

    def test_every_kind_has_its_title_parts_and_own_part_four_text(self, action):
        assert {PlanType(t) for t in KINDS} == set(PlanType)
        for kind in KINDS.values():
            assert set(kind.parts) == {"1", "2", "3", "4"}
        assert kind_of("nonsense") is KINDS[PlanType.ACTION_PLAN]
        assert KINDS[PlanType.EDUCATION_DEV].horizon


class TestMenus:
    def test_the_project_list_names_both_plans_and_lists_the_teacher_plans_projects(
        self, client, action, teacher, shared, plan_admin_a
    ):
        client.force_login(plan_admin_a)
        page = client.get(reverse("projects:project_list")).content.decode()
        assert "แผนปฏิบัติการ พ.ศ. 2566" in page
        assert "แผนพัฒนาครูและบุคลากรทางการศึกษา พ.ศ. 2566" in page
        assert page.count('value="2566"') == 0  # no more two identical "2566" entries
        page = client.get(reverse("projects:project_list") + f"?plan={teacher.pk}").content.decode()
        assert "โครงการอบรมครูบรรจุใหม่" in page
        assert "โครงการพัฒนาครูด้วย PLC" in page  # included from the action plan
        assert "โครงการจัดซื้อวัสดุ" not in page
        assert reverse("projects:project_create", args=[teacher.pk]) in page
        old = client.get(reverse("projects:project_list") + "?year=2566").content.decode()
        assert "โครงการจัดซื้อวัสดุ" in old and "โครงการอบรมครูบรรจุใหม่" not in old

    def test_another_offices_plan_id_is_404(self, client, teacher, outsider):
        client.force_login(outsider)
        url = reverse("projects:project_list") + f"?plan={teacher.pk}"
        assert client.get(url).status_code == 404

    def test_plan_index_redirects_by_plan_and_by_year(self, client, action, teacher, plan_admin_a):
        client.force_login(plan_admin_a)
        url = reverse("plans:plan_index")
        to_teacher = client.get(url + f"?plan={teacher.pk}")
        assert to_teacher.url == reverse("plans:plan_overview", args=[teacher.pk])
        assert client.get(url + "?year=2566").url == reverse(
            "plans:plan_overview", args=[action.pk]
        )
        overview = client.get(to_teacher.url).content.decode()
        assert f'value="{action.pk}"' in overview and f'value="{teacher.pk}"' in overview

    def test_monitoring_report_list_picks_the_plan(self, client, action, teacher, plan_admin_a):
        client.force_login(plan_admin_a)
        page = client.get(reverse("monitoring:report_list") + f"?plan={teacher.pk}")
        assert page.status_code == 200
        assert page.context["plan"] == teacher
        assert "แผนพัฒนาครูและบุคลากรทางการศึกษา พ.ศ. 2566" in page.content.decode()

    def test_the_import_form_offers_the_kind_from_the_plan_page(
        self, client, teacher, plan_admin_a
    ):
        client.force_login(plan_admin_a)
        page = client.get(reverse("imports:importbatch_create") + f"?plan={teacher.pk}")
        assert page.context["form"].initial["plan_type"] == PlanType.TEACHER_DEV


class TestInclusion:
    def test_each_plan_counts_its_listed_projects_once(self, action, teacher, shared):
        own = plan_projects(action)
        listed = plan_projects(teacher)
        assert sorted(p.name_th for p in listed) == [
            "โครงการพัฒนาครูด้วย PLC",
            "โครงการอบรมครูบรรจุใหม่",
        ]
        action_summary, _, _ = figures.summarize(action, own)
        teacher_summary, _, _ = figures.summarize(teacher, listed)
        assert action_summary.total == Decimal("35000.00")
        assert teacher_summary.total == Decimal("42000.00")
        # listed under the teacher plan's strategy there, its own strategy at home
        [bucket] = teacher_summary.strategies
        assert bucket.key.plan_id == teacher.pk and bucket.count == 2
        assert teacher_summary.quarters == [
            Decimal("0.00"),
            Decimal("42000.00"),
            Decimal("0.00"),
            Decimal("0.00"),
        ]
        overview = figures.summarize(teacher, overview_projects(teacher))[0]
        assert overview.total == teacher_summary.total

    def test_including_twice_keeps_one_row(self, teacher, shared, plan_admin_a):
        services.include_project(project=shared, plan=teacher, by=plan_admin_a)
        assert PlanInclusion.objects.filter(project=shared).count() == 1
        assert plan_projects(teacher).count(shared) == 1

    def test_only_a_plan_admin_of_the_office_and_year_may_include(
        self, office, action, teacher, planner_a1
    ):
        project = costed(action, "โครงการ", "100")
        with pytest.raises(services.DomainError):
            services.include_project(project=project, plan=teacher, by=planner_a1)
        later = f.make_plan(office, 2567, plan_type=PlanType.TEACHER_DEV)
        admin = f.make_user(office, Role.PLAN_ADMIN, f.group(office, StandardGroup.PLAN))
        with pytest.raises(services.DomainError):
            services.include_project(project=project, plan=later, by=admin)
        with pytest.raises(services.DomainError):
            services.include_project(project=project, plan=action, by=admin)
        assert not PlanInclusion.objects.exists()

    def test_the_project_page_includes_and_removes(self, client, action, teacher, plan_admin_a):
        project = costed(action, "โครงการนิเทศแบบกัลยาณมิตร", "800")
        client.force_login(plan_admin_a)
        url = reverse("projects:project_include", args=[project.pk])
        detail = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
        assert url in detail and "แผนพัฒนาครูและบุคลากรทางการศึกษา พ.ศ. 2566" in detail
        strategy = teacher.strategies.get()
        response = client.post(url, {"plan": teacher.pk, "strategy": strategy.pk})
        assert response.status_code == 302
        inclusion = PlanInclusion.objects.get(project=project)
        assert (inclusion.plan, inclusion.strategy) == (teacher, strategy)
        client.post(url, {"plan": teacher.pk, "remove": "1"})
        assert not PlanInclusion.objects.exists()

    def test_the_include_endpoint_permissions(self, client, action, teacher, planner_a1, outsider):
        project = costed(action, "โครงการ", "100")
        url = reverse("projects:project_include", args=[project.pk])
        assert client.post(url, {"plan": teacher.pk}).status_code == 302  # to the login
        client.force_login(outsider)
        assert client.post(url, {"plan": teacher.pk}).status_code == 404
        client.force_login(planner_a1)
        assert client.post(url, {"plan": teacher.pk}).status_code == 403
        assert not PlanInclusion.objects.exists()


class TestTwoBooks:
    def test_two_different_books_from_shared_projects_with_equal_numbers(
        self, action, teacher, shared
    ):
        action_book = book.book_source(action)
        teacher_book = book.book_source(teacher)
        assert action_book["title"] == "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2566"
        assert teacher_book["title"] == "แผนพัฒนาครูและบุคลากรทางการศึกษา ประจำปีงบประมาณ พ.ศ. 2566"
        action_marks = [c["bookmark"] for c in action_book["chunks"]]
        teacher_marks = [c["bookmark"] for c in teacher_book["chunks"]]
        assert "ส่วนที่ 3 รายละเอียดโครงการ" in action_marks
        assert "ส่วนที่ 3 โครงการพัฒนาครู" in teacher_marks
        teacher_html = "".join(c["html"] for c in teacher_book["chunks"])
        action_html = "".join(c["html"] for c in action_book["chunks"])
        assert "ดำเนินงานตามแผนปฏิบัติการ" in action_html
        assert "ดำเนินงานตามแผนปฏิบัติการ" not in teacher_html
        assert "โครงการพัฒนาครูและบุคลากรทางการศึกษา" in teacher_html  # part 3's heading
        # the shared project prints in both books with the same amount
        assert "โครงการพัฒนาครูด้วย PLC" in teacher_html and "โครงการพัฒนาครูด้วย PLC" in action_html
        teacher_context = book.plan_context(teacher)
        action_context = book.plan_context(action)

        def printed_total(context):
            rows = [r for s in context["strategy_sections"] for r in s["rows"]]
            return next(r["total"] for r in rows if r["name"] == "โครงการพัฒนาครูด้วย PLC")

        assert printed_total(teacher_context) == printed_total(action_context) == "30,000"
        assert "๓๐,๐๐๐" in teacher_html and "๓๐,๐๐๐" in action_html  # Thai digits in print
        assert teacher_context["summary"]["total"] != action_context["summary"]["total"]
        assert teacher_context["summary"]["count"] == 2 == action_context["summary"]["count"]


class TestCommands:
    def test_plan_summary_takes_the_kind(self, office, action, teacher, shared):
        out = StringIO()
        call_command(
            "plan_summary", office="A", year=2566, kind="teacher_dev", json=True, stdout=out
        )
        assert json.loads(out.getvalue())["plan_total"] == "42000.00"
        out = StringIO()
        call_command("plan_summary", office="A", year=2566, json=True, stdout=out)
        assert json.loads(out.getvalue())["plan_total"] == "35000.00"

    def test_render_plan_and_import_plan_take_the_kind(self):
        from imports.management.commands.import_plan import Command as ImportCommand
        from printing.management.commands.render_plan import Command as RenderCommand

        for command in (ImportCommand(), RenderCommand()):
            parser = command.create_parser("manage.py", "x")
            actions = {a.dest: a for a in parser._actions}
            assert actions["kind"].default == PlanType.ACTION_PLAN


class TestApproval:
    def test_the_teacher_plans_approval_freezes_its_included_project_once(
        self, action, teacher, shared, plan_admin_a, director_a, office
    ):
        from plans import services as plan_services
        from projects.models import Project, ProjectStatus

        Project.objects.filter(plan__in=[action, teacher]).update(status=ProjectStatus.APPROVED)
        approval = plan_services.approve_plan(plan=teacher, by=director_a)
        assert approval.data["totals"]["plan_total"] == "42000.00"
        [strategy] = approval.data["strategies"]
        assert strategy["count"] == 2
        assert sorted(r["name"] for r in strategy["rows"]) == [
            "โครงการพัฒนาครูด้วย PLC",
            "โครงการอบรมครูบรรจุใหม่",
        ]
