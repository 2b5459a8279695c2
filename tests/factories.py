"""Plain factory functions for tests (no JSON fixtures). Each returns a saved object."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from actionplan.models import Office, OrgUnit, Person, Plan, Role, StandardGroup, Strategy, User
from actionplan.services import create_office, get_fiscal_year
from budgets import services as budget_services
from budgets.formula import parse_formula
from budgets.models import (
    BudgetCategory,
    BudgetLine,
    FundSource,
    QuarterAllocation,
)
from indicators.models import ProjectIndicator
from projects.models import Activity, Project

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-9"


def make_office(code: str | None = None, **fields) -> Office:
    n = next(_seq)
    code = code or f"T{n}"
    return create_office(
        code=code,
        name_th=fields.pop("name_th", f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต {n}"),
        short_name_th=fields.pop("short_name_th", f"สพป.ทดสอบ เขต {n}"),
        **fields,
    )


def group(office: Office, code: str = StandardGroup.ADMIN) -> OrgUnit:
    return office.units.get(standard_code=code)


def make_plan(office: Office | None = None, year_be: int = 2566, **fields) -> Plan:
    office = office or make_office()
    return Plan.objects.create(office=office, fiscal_year=get_fiscal_year(year_be), **fields)


def make_strategy(plan: Plan, number: int = 1, title_th: str = "กลยุทธ์ทดสอบ") -> Strategy:
    return Strategy.objects.create(plan=plan, number=number, title_th=title_th)


def make_user(
    office: Office | None = None,
    role: str = Role.PLANNER,
    unit: OrgUnit | None = None,
    username: str | None = None,
) -> User:
    office = office or make_office()
    if unit is None and role in {Role.PLANNER, Role.GROUP_DIRECTOR}:
        unit = group(office)
    person = Person.objects.create(
        office=office,
        prefix_th="นาย",
        first_name_th=f"ทดสอบ{next(_seq)}",
        last_name_th="ใจดี",
        position_th="นักวิเคราะห์นโยบายและแผนชำนาญการ",
        org_unit=unit,
    )
    return User.objects.create_user(
        username=username or f"user{next(_seq)}",
        password=PASSWORD,
        office=office,
        org_unit=unit,
        role=role,
        person=person,
    )


def make_superuser(office: Office, username: str = "root") -> User:
    """A system administrator who may use the Django admin."""
    user = make_user(office, Role.SYSADMIN, username=username)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def make_project(
    plan: Plan | None = None,
    *,
    unit: OrgUnit | None = None,
    strategy: Strategy | None = None,
    name_th: str = "โครงการทดสอบ",
    start_date: date | None = None,
    end_date: date | None = None,
    **fields,
) -> Project:
    plan = plan or make_plan()
    unit = unit or group(plan.office)
    if strategy is None:
        strategy = plan.strategies.first() or make_strategy(plan)
    fy_start, fy_end = plan.fiscal_year.start_date, plan.fiscal_year.end_date
    return Project.objects.create(
        plan=plan,
        lead_unit=unit,
        strategy=strategy,
        name_th=name_th,
        start_date=start_date or fy_start,
        end_date=end_date or fy_end,
        **fields,
    )


def make_activity(project: Project, title_th: str = "กิจกรรมทดสอบ", **fields) -> Activity:
    fields.setdefault("order", project.activities.count() + 1)
    return Activity.objects.create(project=project, title_th=title_th, **fields)


def category(code: str) -> BudgetCategory:
    return BudgetCategory.objects.get(code=code)


def fund(code: str = "esa") -> FundSource:
    return FundSource.objects.get(code=code)


def make_line(
    activity: Activity,
    description_th: str,
    formula: str = "",
    *,
    amount: Decimal | str | None = None,
    category_code: str = "services",
    fund_code: str = "esa",
    declared: Decimal | str | None = None,
) -> BudgetLine:
    """A line from formula text ("32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง") or a plain amount."""
    line = BudgetLine(
        activity=activity,
        order=activity.budget_lines.count() + 1,
        description_th=description_th,
        category=category(category_code),
        fund_source=fund(fund_code),
        plain_amount=Decimal(amount) if amount is not None else None,
        declared_amount=Decimal(declared) if declared is not None else None,
    )
    factors = ()
    if formula:
        parsed = parse_formula(formula)
        if parsed.error not in ("", "mismatch"):
            raise ValueError(f"formula “{formula}”: {parsed.message}")
        factors = parsed.factors
        if declared is None and parsed.declared is not None:
            line.declared_amount = parsed.declared
    budget_services.create_lines([(line, factors)])
    return line


def set_quarters(activity: Activity, *amounts) -> None:
    """Quarterly plan Q1..Q4 for an activity (0 or None leaves the quarter out)."""
    QuarterAllocation.objects.filter(activity=activity).delete()
    QuarterAllocation.objects.bulk_create(
        QuarterAllocation(activity=activity, quarter=q, amount=Decimal(str(a)))
        for q, a in enumerate(amounts, start=1)
        if a
    )


def make_indicator(project: Project, text_th: str = "ร้อยละของผู้เข้าร่วมกิจกรรมที่พึงพอใจ", **fields):
    fields.setdefault("target_unit_th", "ร้อยละ")
    fields.setdefault("target_value", Decimal("80"))
    return ProjectIndicator.objects.create(project=project, text_th=text_th, **fields)


def reload_project(project: Project) -> Project:
    """The project again, with everything the totals and checks need prefetched."""
    return (
        Project.objects.select_related("plan__fiscal_year", "strategy", "lead_unit")
        .with_budget()
        .prefetch_related("indicators")
        .get(pk=project.pk)
    )


def ensure_reference_data() -> None:
    """Transactional tests flush the tables the data migrations filled; put them back."""
    from importlib import import_module

    from django.apps import apps

    import_module("budgets.migrations.0002_reference_data").create(apps, None)


def make_reports(projects, rounds=(1, 2, 3, 4), status: str = "submitted", by=None) -> None:
    """Sent reports of the given rounds for approved projects, in bulk (sizes for query-count
    tests and the bench): each activity's every budgeted category reported at a quarter of its
    budget per round, cumulative; every activity in progress; every KPI at its target."""
    from collections import defaultdict

    from django.utils import timezone

    from monitoring.models import (
        ActivityProgress,
        ActualSpending,
        IndicatorResult,
        ProjectReport,
        ReportRound,
    )

    projects = list(projects)
    plan = projects[0].plan
    round_rows = {n: ReportRound.objects.get_or_create(plan=plan, number=n)[0] for n in rounds}
    cells: dict = defaultdict(lambda: defaultdict(lambda: Decimal(0)))
    titles: dict = {}
    for line in (
        BudgetLine.objects.filter(activity__project__in=projects)
        .select_related("activity")
        .prefetch_related("factors")
    ):
        cells[line.activity.project_id][(line.activity_id, line.category_id)] += line.amount
        titles[line.activity_id] = line.activity.title_th
    activities: dict = defaultdict(list)
    for pk, project_id in Activity.objects.filter(project__in=projects).values_list(
        "pk", "project_id"
    ):
        activities[project_id].append(pk)
    indicators: dict = defaultdict(list)
    for indicator in ProjectIndicator.objects.filter(project__in=projects):
        indicators[indicator.project_id].append(indicator)
    now = timezone.now()
    reports = ProjectReport.objects.bulk_create(
        ProjectReport(
            round=round_rows[n],
            project=p,
            status=status,
            submitted_by=by,
            submitted_at=now if status != "draft" else None,
            problems_th="ปัญหาทดสอบ",
        )
        for p in projects
        for n in rounds
    )
    ActualSpending.objects.bulk_create(
        ActualSpending(
            report=r,
            activity_id=a,
            activity_title_th=titles[a],
            category_id=c,
            amount=(amount * r.round.number / 4).quantize(Decimal("0.01")),
        )
        for r in reports
        for (a, c), amount in cells[r.project_id].items()
    )
    ActivityProgress.objects.bulk_create(
        ActivityProgress(report=r, activity_id=a, state="in_progress")
        for r in reports
        for a in activities[r.project_id]
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(report=r, indicator=i, actual_value=i.target_value)
        for r in reports
        for i in indicators[r.project_id]
    )


def admin_line_change(client, line, plain_amount: str):
    """Change a budget line's amount the way an administrator does it in the Django admin (the
    client logged in as a superuser); returns the response."""
    from django.urls import reverse

    return client.post(
        reverse("admin:budgets_budgetline_change", args=[line.pk]),
        {
            "activity": line.activity_id,
            "order": line.order,
            "description_th": line.description_th,
            "category": line.category_id,
            "fund_source": line.fund_source_id,
            "plain_amount": plain_amount,
            "formula_note_th": "",
            "factors-TOTAL_FORMS": 0,
            "factors-INITIAL_FORMS": 0,
        },
    )
