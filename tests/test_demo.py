"""`load_demo`: the demo office PTL2 and its FY2566 plan, checked against domain.md §5.1."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from actionplan.models import Plan, StrategyIndicatorTarget, User
from fixtures import demo_office, demo_projects
from fixtures.demo import load_demo
from monitoring.models import ProjectReport, ReportRound
from projects.checks import ERROR, check_project
from projects.models import Project
from tests.factories import reload_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 costs about a second per user here; the demo creates seven of them per load."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _project(name_th: str) -> Project:
    return Project.objects.with_budget().get(plan__office__code="PTL2", name_th=name_th)


def _amounts_by_category(project: Project) -> dict[str, Decimal]:
    return {category.code: amount for category, amount in project.totals_by_category().items()}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_creates_the_office_its_users_and_the_2566_plan():
    result = load_demo()

    assert result.office.code == "PTL2"
    assert result.office.units.count() == 10
    assert [u for u, _, _ in result.created_users] == list(demo_office.USERS)
    assert User.objects.filter(office=result.office).count() == 7
    plan = Plan.objects.get(office=result.office, fiscal_year__year_be=2566)
    assert plan == result.plan
    assert list(plan.strategies.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert plan.strategies.get(number=6).label == "ยุทธศาสตร์"
    kpi_targets = StrategyIndicatorTarget.objects.filter(indicator__strategy__plan=plan)
    assert kpi_targets.values("indicator").distinct().count() == 17
    assert kpi_targets.count() == 17 * 5
    assert sorted(set(kpi_targets.values_list("year_be", flat=True))) == [
        2566,
        2567,
        2568,
        2569,
        2570,
    ]


def test_load_demo_gives_each_role_its_group_and_person():
    load_demo()

    planner = User.objects.get(username="planner")
    assert (planner.role, planner.org_unit.standard_code) == ("planner", "ADMIN")
    assert planner.person.full_name == "นางอัจฉราภรณ์ ณ พัทลุง"
    assert User.objects.get(username="planner_plan").org_unit.standard_code == "PLAN"
    assert User.objects.get(username="director").person.full_name == "นางกอบขวัญ แดงบำรุง"
    plan_admin = User.objects.get(username="plan_admin")
    assert plan_admin.is_staff and not plan_admin.is_superuser
    assert plan_admin.has_perm("projects.change_project")
    assert plan_admin.has_perm("budgets.add_budgetline")
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.is_staff and sysadmin.is_superuser


def test_the_printed_passwords_log_the_users_in():
    result = load_demo()

    for username, _, password in result.created_users:
        assert User.objects.get(username=username).check_password(password)


def test_running_load_demo_twice_changes_nothing():
    load_demo()
    counts = _row_counts()
    passwords = dict(User.objects.values_list("username", "password"))

    second = load_demo()

    assert _row_counts() == counts
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert second.created_users == []
    assert second.existing_users == list(demo_office.USERS)


def test_ex01_totals_come_out_of_the_model():
    load_demo()
    project = _project(demo_projects.EX01_NAME)

    assert project.budget_total() == Decimal("6820.00")
    assert project.quarter_totals() == [Decimal("0"), Decimal("0"), Decimal("6820"), Decimal("0")]
    assert _amounts_by_category(project) == {
        "services": Decimal("5320.00"),
        "materials": Decimal("1500.00"),
    }
    formulas = [line.formula_text for line in project.all_lines()]
    assert formulas == ["32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง", "120 คน x 35 บาท x 1 มื้อ x 1 ครั้ง", ""]
    activity = project.activities.get()
    assert activity.steps[-1] == "สรุปผลการดำเนินงาน" and len(activity.steps) == 4
    assert activity.months == [7]
    assert list(project.signatures.values_list("role", "name_th")) == [
        ("approver", "นางกอบขวัญ แดงบำรุง"),
        ("endorser", "นางอำภา เวชสารศรี"),
        ("proposer", "นางสาวศินัญญา ศรีเกตุ"),
    ]


def test_ex01_passes_every_project_check_without_errors():
    load_demo()
    project = reload_project(Project.objects.get(name_th=demo_projects.EX01_NAME))

    findings = check_project(project)

    errors = [f for f in findings if f.severity == ERROR]
    assert errors == [], [(f.rule, f.message) for f in findings]


def test_ex02_strategy_6_has_11_projects_totalling_763800():
    load_demo()
    projects = list(
        Project.objects.with_budget().filter(strategy__number=6).select_related("lead_unit")
    )

    assert len(projects) == 11
    assert sum(p.budget_total() for p in projects) == Decimal("763800.00")
    by_group: dict[str, tuple[int, Decimal]] = {}
    for p in projects:
        count, total = by_group.get(p.lead_unit.standard_code, (0, Decimal("0")))
        by_group[p.lead_unit.standard_code] = (count + 1, total + p.budget_total())
    assert by_group == {
        "ADMIN": (4, Decimal("238800.00")),
        "SUPERV": (2, Decimal("250000.00")),
        "PLAN": (2, Decimal("75000.00")),
        "ICT": (1, Decimal("100000.00")),
        "AUDIT": (1, Decimal("50000.00")),
        "HR": (1, Decimal("50000.00")),
    }
    assert _project(demo_projects.S6_P8_NAME).budget_total() == Decimal(
        "58800.00"
    )  # summary, not 49,000


def test_ex03_splits_120000_into_services_and_materials():
    load_demo()
    project = _project(demo_projects.S6_P3_NAME)

    assert project.budget_total() == Decimal("120000.00")
    assert _amounts_by_category(project) == {
        "services": Decimal("92400.00"),
        "materials": Decimal("27600.00"),
    }
    assert [line.amount for line in project.all_lines()] == [
        Decimal("39600.00"),
        Decimal("52800.00"),
        Decimal("27600.00"),
    ]


def test_ex05_and_ex06_enter_their_real_lines_for_50000_each():
    load_demo()
    p9, p6 = _project(demo_projects.S6_P9_NAME), _project(demo_projects.S6_P6_NAME)

    assert p9.budget_total() == p6.budget_total() == Decimal("50000.00")
    assert _amounts_by_category(p9) == {
        "services": Decimal("40000.00"),
        "materials": Decimal("10000.00"),
    }
    assert _amounts_by_category(p6) == {
        "services": Decimal("49100.00"),
        "materials": Decimal("900.00"),
    }
    assert len(p9.all_lines()) == 4 and len(p6.all_lines()) == 3


def test_ex11_quarterly_plan_adds_up_to_275000():
    load_demo()
    project = _project(demo_projects.EX11_NAME)

    assert project.strategy.number == 4
    assert project.quarter_totals() == [
        Decimal("222980"),
        Decimal("26470"),
        Decimal("15550"),
        Decimal("10000"),
    ]
    assert project.budget_total() == Decimal("275000.00")
    top = list(project.activities.filter(parent=None).order_by("order"))
    assert [a.order for a in top] == [1, 2, 3, 4, 5]
    assert [a.children.count() for a in top] == [2, 4, 3, 6, 0]
    assert not top[0].budget_lines.exists() and not top[0].quarters.exists()
    assert top[4].budget_total() == Decimal("6800.00")
    misnumbered = top[3].children.get(order=6)
    assert misnumbered.title_th.startswith("การรายงานผลการดำเนินงาน ประจำปี")


def test_every_demo_project_is_a_draft_whose_quarters_match_its_lines_but_the_monitored_ones():
    load_demo()

    for project in Project.objects.with_budget():
        expected = "approved" if project.name_th in demo_projects.MONITORING else "draft"
        assert project.status == expected, project.name_th
        assert project.quarter_plan_total() == project.budget_total(), project.name_th


def _expected_actual(number: int) -> Decimal:
    """Cumulative spending the plan reports at round `number`, from demo_projects.MONITORING alone: each
    project's latest sent report (submitted or accepted) of that round or before."""
    total = Decimal("0")
    for rounds in demo_projects.MONITORING.values():
        sent = [n for n, spec in rounds.items() if n <= number and spec.status != "draft"]
        if sent:
            total += sum((Decimal(v) for _, v in rounds[max(sent)].spending), Decimal("0"))
    return total


def test_the_monitored_projects_were_approved_through_the_workflow_and_reported():
    load_demo()

    for name, rounds in demo_projects.MONITORING.items():
        project = Project.objects.get(plan__office__code="PTL2", name_th=name)
        actions = set(project.events.values_list("action", flat=True))
        assert {"submit", "endorse", "approve", "report_save", "round_close"} <= actions, name
        assert project.snapshots.count() == 1
        reports = dict(project.reports.values_list("round__number", "status"))
        assert reports == {n: spec.status for n, spec in rounds.items()}, name
    assert ProjectReport.objects.filter(project__plan__office__code="PTL2").count() == sum(
        len(rounds) for rounds in demo_projects.MONITORING.values()
    )
    rounds = dict(ReportRound.objects.values_list("number", "status"))
    assert rounds == {1: "closed", 2: "open"}
    assert ReportRound.objects.get(number=2).due_date_override == demo_projects.ROUND_2_DUE


def test_the_dashboard_shows_round_1_closed_and_the_cumulative_spending(client):
    result = load_demo()
    client.force_login(User.objects.get(username="plan_admin"))
    url = reverse("monitoring:monitoring_dashboard", args=[result.plan.pk])

    for number in (1, 2):
        html = client.get(f"{url}?round={number}").content.decode()
        actual = re.search(r"<strong data-actual>([^<]*)</strong>", html).group(1)
        assert actual == f"{_expected_actual(number):,.2f}", number
    assert _expected_actual(2) > _expected_actual(1) > 0
    row = re.search(r"<td><a [^>]*>ไตรมาสที่ 1 รอบ 3 เดือน</a></td><td>([^<]*)</td>", html)
    assert row.group(1) == "ปิดรอบแล้ว"
    alerts = set(re.findall(r'data-alert="(\w+)"', html))
    assert {"overdue", "spending", "activity"} <= alerts
    page = client.get(reverse("monitoring:round_detail", args=[result.plan.pk, 2])).content.decode()
    assert demo_projects.ROUND_2_DUE_REASON in page and "กำหนดส่ง 30 เมษายน 2566" in page


def test_plan_summary_reports_the_demo_plan_total():
    load_demo()
    buf = StringIO()

    call_command("plan_summary", office="PTL2", year=2566, json=True, stdout=buf)

    data = json.loads(buf.getvalue())
    assert data["plan_total"] == "1045620.00"  # 763,800 + 6,820 + 275,000
    strategy_6 = next(s for s in data["strategies"] if s["number"] == 6)
    assert (strategy_6["projects"], strategy_6["total"]) == (11, "763800.00")


def test_load_demo_command_prints_passwords_once_then_says_the_users_exist():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    for username in demo_office.USERS:
        assert username in first.getvalue()
    assert "http://127.0.0.1:8000/" in first.getvalue()
    assert "มีอยู่แล้ว" in second.getvalue()
    assert not any(pw in second.getvalue() for pw in _passwords_in(first.getvalue()))


def _passwords_in(output: str) -> list[str]:
    """The second column of the login lines ("  planner  <password>  (planner)")."""
    return [
        line.split()[1]
        for line in output.splitlines()
        if line.startswith("  ") and line.split()[0] in demo_office.USERS
    ]
