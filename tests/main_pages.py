"""Every main page a user reaches from the menus, on the demo office, for the checks that run on
all of them (axe-core in tests/browser/test_accessibility.py, the Nu HTML checker in
tests/test_html_validity.py).

A role "can see" a page when the page answers it 200; each check asserts that every page is
seen by at least one role, so a page that stops answering anyone fails instead of dropping out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from actionplan.models import Plan, PlanType, PolicyFramework, Role, Strategy, User
from fixtures.demo import DemoResult, load_demo
from monitoring.models import ReportRound
from oversight.models import Coverage
from projects.models import Project
from tests import factories as f
from workflow.models import ProjectSnapshot

# The demo office's people (fixtures/demo.py) and one regional oversight user made here.
ROLES = [
    "planner",
    "group_director",
    "deputy",
    "director",
    "plan_admin",
    "sysadmin",
    "oversight",
]
ANONYMOUS_PAGES = ["login", "not_found", "public_office"]


@dataclass
class DemoSite:
    result: DemoResult
    passwords: dict[str, str]
    pages: dict[str, str]  # name -> URL


def load_site() -> DemoSite:
    """The demo office, an oversight user covering every office, and the main pages' URLs."""
    result = load_demo()
    passwords = {username: password for username, _, password in result.created_users}
    user = f.make_user(None, Role.OVERSIGHT, None, "oversight")
    user.office = None  # above the offices: no office of its own
    user.save(update_fields=["office"])
    coverage = Coverage.objects.create(user=user, name_th="ทั้งประเทศ", is_national=True)
    coverage.offices.set(result.offices)
    passwords["oversight"] = f.PASSWORD
    # The demo has action plans only; the teacher-development plan has its own page.
    f.make_plan(result.office, result.plan.fiscal_year.year_be, plan_type=PlanType.TEACHER_DEV)
    return DemoSite(result, passwords, main_pages(result))


def main_pages(result: DemoResult) -> dict[str, str]:
    plan, office = result.plan, result.office
    projects = Project.objects.filter(plan=plan).order_by("pk")
    project = projects.first()
    plan_admin = User.objects.get(username="plan_admin")
    draft = Project.objects.editable_by(plan_admin).filter(plan=plan).order_by("pk").first()
    snapshot = ProjectSnapshot.objects.filter(project__plan=plan).order_by("pk").first()
    round_ = ReportRound.objects.filter(plan=plan).order_by("number").first()
    strategy = Strategy.objects.filter(plan=plan).order_by("pk").first()
    framework = PolicyFramework.objects.order_by("pk").first()
    staff = User.objects.filter(office=office).order_by("pk").first()
    teacher_dev = Plan.objects.filter(office=office, plan_type=PlanType.TEACHER_DEV).first()
    return {
        "login": reverse("login"),
        "not_found": "/no-such-page/",
        "public_office": reverse("transparency:office", args=[office.code]),
        "project_list": reverse("projects:project_list"),
        "project_detail": reverse("projects:project_detail", args=[project.pk]),
        "project_history": reverse("projects:project_history", args=[project.pk]),
        "project_edit": reverse("projects:project_edit", args=[draft.pk]),
        "project_create": reverse("projects:project_create", args=[plan.pk]),
        "project_copy": reverse("projects:project_copy", args=[plan.pk]),
        "project_delete": reverse("projects:project_delete", args=[draft.pk]),
        "project_version": reverse(
            "workflow:project_version", args=[snapshot.project_id, snapshot.number]
        ),
        "inbox": reverse("workflow:inbox"),
        "notifications": reverse("workflow:notification_list"),
        "report_list": reverse("monitoring:report_list"),
        "report_form": reverse("monitoring:report_edit", args=[project.pk, round_.number]),
        "monitoring_dashboard": reverse("monitoring:monitoring_dashboard", args=[plan.pk]),
        "monitoring_settings": reverse("monitoring:monitoring_settings", args=[plan.pk]),
        "strategy_results": reverse("monitoring:strategy_results", args=[plan.pk]),
        "year_end": reverse("monitoring:year_end", args=[plan.pk]),
        "round_detail": reverse("monitoring:round_detail", args=[plan.pk, round_.number]),
        "plan_overview": reverse("plans:plan_overview", args=[plan.pk]),
        "plan_validation": reverse("plans:plan_validation", args=[plan.pk]),
        "plan_dashboard": reverse("plans:plan_dashboard", args=[plan.pk]),
        "plan_targets": reverse("plans:plan_targets", args=[plan.pk]),
        "development_parts": reverse("development:development_parts", args=[teacher_dev.pk]),
        "plan_book": reverse("print:plan_book", args=[plan.pk]),
        "context_tables": reverse("print:context_tables", args=[plan.pk]),
        "plan_calendar": reverse("print:plan_calendar", args=[plan.pk]),
        "import": reverse("imports:importbatch_create"),
        "notify_preferences": reverse("notify:preferences"),
        "line_targets": reverse("notify:line_targets"),
        "line_target_new": reverse("notify:line_target_new"),
        "oversight": reverse("oversight:index"),
        "reference_index": reverse("reference:reference_index"),
        "framework_detail": reverse("reference:framework_detail", args=[framework.pk]),
        "setup": reverse("setup:index"),
        "setup_office": reverse("setup:office_edit"),
        "setup_print": reverse("setup:print_settings_edit"),
        "setup_groups": reverse("setup:group_list"),
        "setup_staff": reverse("setup:staff_list"),
        "setup_staff_new": reverse("setup:staff_create"),
        "setup_staff_edit": reverse("setup:staff_edit", args=[staff.pk]),
        "setup_staff_import": reverse("setup:staff_import"),
        "setup_plans": reverse("setup:plan_list"),
        "setup_plan_edit": reverse("setup:plan_edit", args=[plan.pk]),
        "setup_strategy_edit": reverse("setup:strategy_edit", args=[plan.pk, strategy.pk]),
        "setup_ceilings": reverse("setup:ceilings_edit"),
    }
