"""Consistency rules of domain.md §4 as reusable checks returning Thai findings.

Each check takes prefetched objects (Project.objects.with_budget() plus indicators) and never
queries per row. Severity "error" blocks submission; "warning" informs every reviewer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import get_language

from actionplan import thai
from budgets.formula import parse_formula
from budgets.models import (
    BudgetCategory,
    BudgetLine,
    BudgetLineFactor,
    QuarterAllocation,
    category_for,
)
from budgets.money import ZERO, quantize
from indicators.models import ProjectIndicator
from projects.models import Activity, Project

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One rule broken somewhere: where it is, how bad, and a Thai sentence saying what."""

    rule: str
    severity: str
    message: str
    project_id: int | None = None
    field: str = ""
    activity_id: int | None = None
    line_id: int | None = None
    indicator_id: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def baht(value: Decimal) -> str:
    return thai.format_money(value, zero="0.00")


def _month_bounds(year_be: int, month_index: int) -> tuple[date, date]:
    ce_year, month = thai.fiscal_months(year_be)[month_index - 1]
    start = date(ce_year, month, 1)
    next_start = date(ce_year + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(next_start.toordinal() - 1)


# --- project header -------------------------------------------------------------------------


def check_strategy(project) -> list[Finding]:
    """R-S7/R-N4: a project serves exactly one strategy of its own plan."""
    if project.strategy_id is None:
        return [Finding("R-S7", ERROR, "ยังไม่ได้เลือกกลยุทธ์ที่โครงการสนอง", project.pk, field="strategy")]
    if project.strategy.plan_id != project.plan_id:
        return [
            Finding(
                "R-N4",
                ERROR,
                "กลยุทธ์ที่เลือกไม่ได้อยู่ในแผนของโครงการนี้",
                project.pk,
                field="strategy",
            )
        ]
    return []


def check_dates(project) -> list[Finding]:
    """R-D1: the project period is given and lies inside the plan's fiscal year."""
    fy_start, fy_end = thai.fiscal_year_bounds(project.plan.fiscal_year.year_be)
    if project.start_date is None or project.end_date is None:
        return [
            Finding(
                "R-D1",
                WARNING,
                "ยังไม่ได้ระบุวันเริ่มต้นและวันสิ้นสุดโครงการ",
                project.pk,
                field="start_date",
            )
        ]
    findings = []
    if project.end_date < project.start_date:
        findings.append(
            Finding("R-D1", ERROR, "วันสิ้นสุดมาก่อนวันเริ่มต้นโครงการ", project.pk, field="end_date")
        )
    for field, day in (("start_date", project.start_date), ("end_date", project.end_date)):
        if not fy_start <= day <= fy_end:
            findings.append(
                Finding(
                    "R-D1",
                    ERROR,
                    f"{thai.format_thai_date(day, digits='arabic')} อยู่นอกปีงบประมาณ "
                    f"พ.ศ. {project.plan.fiscal_year.year_be} "
                    f"({thai.format_thai_date(fy_start, digits='arabic')} – "
                    f"{thai.format_thai_date(fy_end, digits='arabic')})",
                    project.pk,
                    field=field,
                )
            )
    return findings


# --- budget ---------------------------------------------------------------------------------


def check_budget_present(project) -> list[Finding]:
    """An empty budget is allowed (non-budget projects exist) but every reviewer should see it."""
    if any(True for _ in project.all_lines()):
        return []
    return [
        Finding(
            "R-B3",
            WARNING,
            "โครงการนี้ยังไม่มีรายการงบประมาณ (งบประมาณรวม 0 บาท)",
            project.pk,
            field="budget",
        )
    ]


def check_declared_total(project) -> list[Finding]:
    """R-B7/R-S3: a total printed in an imported document equals the computed one."""
    if project.declared_total is None:
        return []
    computed = project.budget_total()
    if quantize(project.declared_total) == computed:
        return []
    return [
        Finding(
            "R-B7",
            ERROR,
            f"งบประมาณที่ระบุไว้ {baht(project.declared_total)} บาท "
            f"ไม่ตรงกับผลรวมรายการ {baht(computed)} บาท "
            f"(ต่างกัน {baht(abs(project.declared_total - computed))} บาท)",
            project.pk,
            field="declared_total",
        )
    ]


def check_lines(project, categories) -> list[Finding]:
    """R-B1/R-B2/R-B10 on every budget line."""
    findings = []
    for activity in project.activities.all():
        for line in activity.budget_lines.all():
            findings += _check_line(project, activity, line, categories)
    return findings


@lru_cache(maxsize=4096)
def _parsed(text: str, language: str | None):
    """parse_formula, once per text (a plan repeats the same formulas line after line); per
    language, as its message is translated."""
    return parse_formula(text)


def _check_line(project, activity, line, categories) -> list[Finding]:
    findings = []
    where = {"project_id": project.pk, "activity_id": activity.pk, "line_id": line.pk}
    amount = line.amount
    if line.has_formula:
        # Saved before the strict grammar (issue 14), or written around the editor: the money of a
        # formula the grammar refuses cannot be trusted, so the project cannot be submitted.
        parsed = _parsed(line.formula_text, get_language())
        if parsed.error and parsed.error != "mismatch":
            findings.append(
                Finding(
                    "R-B0",
                    ERROR,
                    f"“{line.description_th}”: สูตร {line.formula_text} ใช้ไม่ได้: {parsed.message}",
                    field="formula",
                    **where,
                )
            )
    if line.has_formula and line.declared_amount is not None:
        if quantize(line.declared_amount) != amount:
            findings.append(
                Finding(
                    "R-B1",
                    ERROR,
                    f"“{line.description_th}”: สูตร {line.formula_text} = {baht(amount)} บาท "
                    f"แต่ระบุไว้ {baht(line.declared_amount)} บาท",
                    field="formula",
                    **where,
                )
            )
    if amount == ZERO:
        reason = "มีสูตรแต่ยังไม่มีจำนวนเงิน" if line.formula_note_th else "จำนวนเงินเป็น 0"
        findings.append(
            Finding(
                "R-B2",
                WARNING,
                f"“{line.description_th}”: {reason}",
                field="amount",
                **where,
            )
        )
    expected = category_for(line.description_th, categories)
    if expected is not None and expected != line.category:
        findings.append(
            Finding(
                "R-B10",
                WARNING,
                f"“{line.description_th}” มักอยู่ในหมวด{expected.name_th} "
                f"แต่เลือกหมวด{line.category.name_th}",
                field="category",
                **where,
            )
        )
    return findings


# --- quarterly plan -------------------------------------------------------------------------


def check_quarters(project) -> list[Finding]:
    """R-Q1 per activity; R-Q5 and R-D3 against the project period and the Gantt months."""
    findings = []
    year_be = project.plan.fiscal_year.year_be
    period_quarters = _period_quarters(project, year_be)
    for activity in project.activities.all():
        where = {"project_id": project.pk, "activity_id": activity.pk}
        lines_total = activity.budget_total()
        quarters = activity.quarter_amounts()
        quarter_sum = quantize(sum(quarters, ZERO))
        if quarter_sum != lines_total:
            findings.append(
                Finding(
                    "R-Q1",
                    ERROR,
                    f"กิจกรรม “{activity.title_th}”: แผนรายไตรมาสรวม {baht(quarter_sum)} บาท "
                    f"ไม่เท่ากับงบประมาณของกิจกรรม {baht(lines_total)} บาท",
                    field="quarters",
                    **where,
                )
            )
        spent_quarters = {i + 1 for i, amount in enumerate(quarters) if amount > ZERO}
        outside = sorted(spent_quarters - period_quarters) if period_quarters else []
        if outside:
            findings.append(
                Finding(
                    "R-Q5",
                    WARNING,
                    f"กิจกรรม “{activity.title_th}”: มีแผนใช้เงินในไตรมาสที่ "
                    f"{', '.join(map(str, outside))} ซึ่งอยู่นอกระยะเวลาโครงการ",
                    field="quarters",
                    **where,
                )
            )
        if activity.months:
            unmarked = sorted(spent_quarters - activity.quarters_with_months())
            if unmarked:
                findings.append(
                    Finding(
                        "R-D3",
                        WARNING,
                        f"กิจกรรม “{activity.title_th}”: มีแผนใช้เงินในไตรมาสที่ "
                        f"{', '.join(map(str, unmarked))} แต่ไม่ได้กำหนดเดือนดำเนินการในไตรมาสนั้น",
                        field="months",
                        **where,
                    )
                )
    return findings


def _period_quarters(project, year_be: int) -> set[int]:
    if project.start_date is None or project.end_date is None:
        return set()
    quarters = set()
    for q in (1, 2, 3, 4):
        q_start, q_end = thai.quarter_bounds(year_be, q)
        if q_start <= project.end_date and project.start_date <= q_end:
            quarters.add(q)
    return quarters


def check_activity_months(project) -> list[Finding]:
    """R-D2: the Gantt months of every activity lie inside the project period."""
    if project.start_date is None or project.end_date is None:
        return []
    year_be = project.plan.fiscal_year.year_be
    findings = []
    for activity in project.activities.all():
        outside = []
        for index in sorted(activity.months):
            m_start, m_end = _month_bounds(year_be, index)
            if m_end < project.start_date or m_start > project.end_date:
                outside.append(thai.MONTHS_ABBR[m_start.month])
        if outside:
            findings.append(
                Finding(
                    "R-D2",
                    WARNING,
                    f"กิจกรรม “{activity.title_th}”: เดือน {' '.join(outside)} "
                    "อยู่นอกระยะเวลาดำเนินโครงการ",
                    project.pk,
                    field="months",
                    activity_id=activity.pk,
                )
            )
    return findings


# --- indicators -----------------------------------------------------------------------------


def check_indicators(project) -> list[Finding]:
    """R-C3 percentages within 0–100; a project should say how success is measured."""
    indicators = list(project.indicators.all())
    if not indicators:
        return [
            Finding(
                "R-C3",
                WARNING,
                "โครงการนี้ยังไม่มีตัวชี้วัดความสำเร็จ",
                project.pk,
                field="indicators",
            )
        ]
    return [
        Finding(
            "R-C3",
            ERROR,
            f"ตัวชี้วัด “{ind.text_th}”: ค่าเป้าหมายร้อยละต้องอยู่ระหว่าง 0 ถึง 100",
            project.pk,
            field="target_value",
            indicator_id=ind.pk,
        )
        for ind in indicators
        if ind.is_percentage and ind.target_value is not None and ind.target_value > 100
    ]


PROJECT_CHECKS = (
    check_strategy,
    check_dates,
    check_budget_present,
    check_declared_total,
    check_quarters,
    check_activity_months,
    check_indicators,
)


def check_project(project, categories=None) -> list[Finding]:
    """Every project rule, errors first. Pass the categories when checking many projects."""
    if categories is None:
        categories = list(BudgetCategory.objects.all())
    findings = [f for check in PROJECT_CHECKS for f in check(project)]
    findings += check_lines(project, categories)
    return sorted(findings, key=lambda f: f.severity != ERROR)


# --- plan level -----------------------------------------------------------------------------


def check_strategy_coverage(plan, projects) -> list[Finding]:
    """R-S8: every strategy of the plan has at least one project."""
    covered = {p.strategy_id for p in projects}
    return [
        Finding(
            "R-S8",
            WARNING,
            f"{strategy.label}ที่ {strategy.number} ยังไม่มีโครงการรองรับ",
            field=f"strategy-{strategy.pk}",
        )
        for strategy in plan.strategies.all()
        if strategy.pk not in covered
    ]


def check_strategy_targets(plan) -> list[Finding]:
    """R-C4: yearly targets of a higher-is-better KPI do not go down."""
    findings = []
    for strategy in plan.strategies.all():
        for indicator in strategy.indicators.all():
            values = [
                t.target_value for t in sorted(indicator.targets.all(), key=lambda t: t.year_be)
            ]
            if indicator.higher_is_better and any(
                b < a for a, b in zip(values, values[1:], strict=False)
            ):
                findings.append(
                    Finding(
                        "R-C4",
                        WARNING,
                        f"ตัวชี้วัด “{indicator.text_th}” ของ{strategy.label}ที่ {strategy.number}: "
                        "ค่าเป้าหมายรายปีลดลง",
                        field=f"strategy-indicator-{indicator.pk}",
                    )
                )
    return findings


def check_group_ceilings(projects) -> list[Finding]:
    """A group's projects together stay within the group's budget ceiling (วงเงิน)."""
    totals: dict = defaultdict(lambda: ZERO)
    units = {}
    for project in projects:
        totals[project.lead_unit_id] += project.budget_total()
        units[project.lead_unit_id] = project.lead_unit
    return [
        Finding(
            "CEILING",
            WARNING,
            f"{units[uid].name_th}: งบประมาณรวม {baht(total)} บาท "
            f"เกินวงเงิน {baht(units[uid].budget_ceiling)} บาท",
            field=f"unit-{uid}",
        )
        for uid, total in totals.items()
        if units[uid].budget_ceiling is not None and total > units[uid].budget_ceiling
    ]


# --- a whole plan's projects, from rows --------------------------------------------------------


class _Rows(list):
    """A list that answers .all() like a prefetched relation."""

    def all(self):
        return self


class _Ref:
    __slots__ = ("pk", "plan_id", "year_be")

    def __init__(self, pk=None, plan_id=None, year_be=None):
        self.pk, self.plan_id, self.year_be = pk, plan_id, year_be

    @property
    def fiscal_year(self):
        return self


class _Factor:
    __slots__ = ("quantity", "unit_th")

    def __init__(self, quantity, unit_th):
        self.quantity, self.unit_th = quantity, unit_th


class _Line:
    """A budget line as the checks read it (the model's own properties, no instance); its
    formula text is the model's, written once per distinct formula of the plan."""

    __slots__ = ("pk", "description_th", "declared_amount", "amount", "formula_note_th")
    __slots__ += ("category", "category_id", "factors", "formula_text")
    has_formula = BudgetLine.has_formula


class _Activity:
    __slots__ = ("pk", "title_th", "months", "budget_lines", "quarters")
    budget_total = Activity.budget_total
    quarter_amounts = Activity.quarter_amounts
    quarters_with_months = Activity.quarters_with_months


class _Quarter:
    __slots__ = ("quarter", "amount")

    def __init__(self, quarter, amount):
        self.quarter, self.amount = quarter, amount


class _Indicator:
    __slots__ = ("pk", "text_th", "target_unit_th", "target_value")
    is_percentage = ProjectIndicator.is_percentage


class ProjectRows:
    """A project as check_project reads it, built from values rows: no model instance per
    project, activity, line or factor (what makes a whole plan's checks cheap)."""

    __slots__ = ("pk", "plan_id", "plan", "strategy_id", "strategy", "start_date", "end_date")
    __slots__ += ("declared_total", "activities", "indicators", "lead_unit_id", "name_th")
    __slots__ += ("status", "lead_unit")
    all_lines = Project.all_lines
    budget_total = Project.budget_total


def plan_project_rows(plan, project_ids, categories) -> list[ProjectRows]:
    """The given projects of `plan` (its own) as ProjectRows, in the order given: six queries
    (projects, activities, lines, factors, quarters, indicators) whatever their size."""
    ids = list(project_ids)
    by_category = {c.pk: c for c in categories}
    year = _Ref(year_be=plan.fiscal_year.year_be)
    projects = {}
    for row in Project.objects.filter(pk__in=ids).values(
        "pk", "plan_id", "strategy_id", "strategy__plan_id", "start_date", "end_date",
        "declared_total", "lead_unit_id", "name_th", "status",
    ):  # fmt: skip
        p = ProjectRows()
        p.pk, p.plan_id, p.strategy_id = row["pk"], row["plan_id"], row["strategy_id"]
        p.strategy = _Ref(row["strategy_id"], row["strategy__plan_id"]) if p.strategy_id else None
        p.plan = year if p.plan_id == plan.pk else _Ref(year_be=None)
        p.start_date, p.end_date = row["start_date"], row["end_date"]
        p.declared_total, p.lead_unit_id = row["declared_total"], row["lead_unit_id"]
        p.name_th, p.status = row["name_th"], row["status"]
        p.activities, p.indicators = _Rows(), _Rows()
        projects[p.pk] = p
    foreign = [p for p in projects.values() if p.plan is not year]
    if foreign:  # projects of another plan keep their own fiscal year
        years = dict(
            Project.objects.filter(pk__in=[p.pk for p in foreign]).values_list(
                "pk", "plan__fiscal_year__year_be"
            )
        )
        for p in foreign:
            p.plan = _Ref(year_be=years[p.pk])
    activities = {}
    for pk, project_id, title, months in (
        Activity.objects.filter(project_id__in=ids)
        .order_by("project_id", "order", "pk")
        .values_list("pk", "project_id", "title_th", "months")
    ):
        a = _Activity()
        a.pk, a.title_th, a.months = pk, title, months or []
        a.budget_lines, a.quarters = _Rows(), _Rows()
        activities[pk] = a
        projects[project_id].activities.append(a)
    lines = {}
    for pk, activity_id, description, declared, amount, note, category_id in (
        BudgetLine.objects.filter(activity__project_id__in=ids)
        .order_by("activity_id", "order", "pk")
        .values_list(
            "pk", "activity_id", "description_th", "declared_amount", "amount",
            "formula_note_th", "category_id",
        )
    ):  # fmt: skip
        line = _Line()
        line.pk, line.description_th, line.declared_amount = pk, description, declared
        line.amount, line.formula_note_th = amount, note
        line.category_id, line.category = category_id, by_category[category_id]
        line.factors = _Rows()
        lines[pk] = line
        activities[activity_id].budget_lines.append(line)
    for line_id, quantity, unit in (
        BudgetLineFactor.objects.filter(line__activity__project_id__in=ids)
        .order_by("line_id", "order", "pk")
        .values_list("line_id", "quantity", "unit_th")
    ):
        lines[line_id].factors.append(_Factor(quantity, unit))
    texts: dict[tuple, str] = {}
    for line in lines.values():
        written = tuple((f.quantity, f.unit_th) for f in line.factors)
        if written not in texts:
            texts[written] = BudgetLine.formula_text.fget(line)
        line.formula_text = texts[written]
    for activity_id, quarter, amount in (
        QuarterAllocation.objects.filter(activity__project_id__in=ids)
        .order_by("activity_id", "quarter")
        .values_list("activity_id", "quarter", "amount")
    ):
        activities[activity_id].quarters.append(_Quarter(quarter, amount))
    for pk, project_id, text, unit, value in (
        ProjectIndicator.objects.filter(project_id__in=ids)
        .order_by("project_id", "order", "pk")
        .values_list("pk", "project_id", "text_th", "target_unit_th", "target_value")
    ):
        k = _Indicator()
        k.pk, k.text_th, k.target_unit_th, k.target_value = pk, text, unit, value
        projects[project_id].indicators.append(k)
    return [projects[pk] for pk in ids if pk in projects]


def check_plan_projects(plan, project_ids, categories=None) -> dict[int, list[Finding]]:
    """{project id: check_project's findings} for the given projects of a plan, from rows
    (plan_project_rows): the same rules and findings as check_project on prefetched models."""
    if categories is None:
        categories = list(BudgetCategory.objects.all())
    rows = plan_project_rows(plan, project_ids, categories)
    return {p.pk: check_project(p, categories) for p in rows}
