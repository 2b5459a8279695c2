"""Consistency rules of domain.md §4 as reusable checks returning Thai findings.

Each check takes prefetched objects (Project.objects.with_budget() plus indicators) and never
queries per row. Severity "error" blocks submission; "warning" informs every reviewer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from actionplan import thai
from budgets.formula import parse_formula
from budgets.models import category_for
from budgets.money import ZERO, quantize

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


def _check_line(project, activity, line, categories) -> list[Finding]:
    findings = []
    where = {"project_id": project.pk, "activity_id": activity.pk, "line_id": line.pk}
    amount = line.amount
    if line.has_formula:
        # Saved before the strict grammar (issue 14), or written around the editor: the money of a
        # formula the grammar refuses cannot be trusted, so the project cannot be submitted.
        parsed = parse_formula(line.formula_text)
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
        period_quarters = _period_quarters(project, year_be)
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
        from budgets.models import BudgetCategory

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
