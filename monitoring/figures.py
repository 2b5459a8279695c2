"""Quarterly monitoring (issue 7): report rounds (monitoring.rounds), cumulative spending and KPI results against the
approved plan, alerts and the year-end summary. Everything here reads; writes are services.

`load_progress(plan)` reads the plan's monitored projects, their planned figures
(`figures.project_figures`), every report, spending cell, activity state and KPI result as value
rows in a fixed number of queries; the rest is sums in Python. The dashboard, the alerts, the
printed report and the year-end page therefore cost the same queries at 15 or 150 projects.

Cumulative figures (docs/decisions/monitoring.md): a report stores spending cumulative to the end
of its round, as offices report it (ผลการเบิกจ่ายสะสม ๓/๖/๙/๑๒ เดือน), and never less than the
round before. A round without a sent report carries the latest earlier sent figures forward.
Only sent reports (submitted or accepted) count in the figures; a draft is the group's working
copy. Nothing here or in the services writes to the plan: actual figures never change it.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q

from actionplan import thai
from actionplan.i18n import thai_labels
from actionplan.models import StrategyIndicator
from budgets import figures
from budgets.models import BudgetCategory
from budgets.money import ZERO, quantize
from indicators.models import Assessment, Comparator, ProjectIndicator, assess
from monitoring.models import (
    FINISHED_STATES,
    ActivityProgress,
    ActivityState,
    ActualSpending,
    IndicatorResult,
    ProjectReport,
    ReportStatus,
    StrategyKPIResult,
)
from monitoring.rounds import Round, plan_rounds
from plans.models import DisbursementTarget
from projects.audit import numbered
from projects.models import Activity, Project, ProjectStatus

SENT = {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED}
HUNDRED = Decimal(100)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole x 100, half-up to 0.01; None when there is nothing to divide by."""
    if not whole:
        return None
    return quantize(part / whole * HUNDRED)


# --- One plan's progress, from value rows ----------------------------------------------------


@dataclass(frozen=True)
class Result:
    """A KPI result as reported."""

    actual_value: Decimal | None
    actual_text: str
    judged_met: bool | None
    note: str


@dataclass
class ReportRow:
    """One report with its cells, states and results (value rows, no model instances)."""

    pk: int
    number: int
    status: str
    submitted_at: datetime | None
    problems: str
    suggestions: str
    cells: dict[tuple[int | None, int], Decimal] = field(default_factory=dict)
    titles: dict[int | None, str] = field(default_factory=dict)  # activity titles of the cells
    states: dict[int, tuple[str, str]] = field(default_factory=dict)
    results: dict[int, Result] = field(default_factory=dict)
    spent: Decimal = ZERO

    @property
    def is_sent(self) -> bool:
        return self.status in SENT

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)


@dataclass
class ActivityRow:
    pk: int
    parent_id: int | None
    order: int
    title: str
    months: list[int]
    number: str = ""
    has_children: bool = False


@dataclass
class ProjectProgress:
    """A monitored project: its approved figures and its reports, by round number."""

    project: Project
    budget: Decimal
    planned: list[Decimal]
    activities: list[ActivityRow] = field(default_factory=list)
    indicators: list[ProjectIndicator] = field(default_factory=list)
    reports: dict[int, ReportRow] = field(default_factory=dict)

    def planned_to(self, n: int) -> Decimal:
        """Cumulative planned spending to the end of quarter n (the approved quarterly plan)."""
        return quantize(sum(self.planned[:n], ZERO))

    def sent_report(self, n: int) -> ReportRow | None:
        """The latest sent report of round n or before: what is known at the end of round n."""
        for number in range(n, 0, -1):
            report = self.reports.get(number)
            if report is not None and report.is_sent:
                return report
        return None

    def actual_to(self, n: int) -> Decimal:
        report = self.sent_report(n)
        return report.spent if report else ZERO

    def assessments(self, n: int) -> list[tuple[ProjectIndicator, Result | None, Assessment]]:
        """Each KPI with its result as known at round n and how it stands against the target."""
        report = self.sent_report(n)
        rows = []
        for indicator in self.indicators:
            result = report.results.get(indicator.pk) if report else None
            rows.append((indicator, result, assess_result(indicator, result)))
        return rows

    def activity_states(self, n: int) -> list[tuple[ActivityRow, str | None, str]]:
        """Each activity with its state and note as known at round n (None: not reported)."""
        report = self.sent_report(n)
        return [
            (a, *(report.states.get(a.pk, (None, "")) if report else (None, "")))
            for a in self.activities
        ]


def assess_result(indicator: ProjectIndicator, result: Result | None) -> Assessment:
    if result is None:
        return Assessment(None, None)
    return assess(
        indicator.comparator, indicator.target_value, result.actual_value, result.judged_met
    )


@dataclass
class Figures:
    """Money and counts of a set of projects at one round (a strategy, a group, the plan)."""

    label: str
    key: object = None
    count: int = 0
    budget: Decimal = ZERO
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    target: Decimal | None = None
    sent: int = 0
    late: int = 0
    kpis: int = 0
    kpis_reported: int = 0
    kpis_met: int = 0
    activities: int = 0
    activities_done: int = 0

    @property
    def pct_of_budget(self) -> Decimal | None:
        return percent(self.actual, self.budget)

    @property
    def pct_of_plan(self) -> Decimal | None:
        return percent(self.actual, self.planned)

    @property
    def planned_pct(self) -> Decimal | None:
        return percent(self.planned, self.budget)

    @property
    def target_pct(self) -> Decimal | None:
        return percent(self.target, self.budget) if self.target is not None else None

    def is_behind(self, margin_pct: Decimal) -> bool:
        """Spending below the cumulative plan by more than the plan's margin (% of the plan)."""
        return self.planned > 0 and self.planned - self.actual > self.planned * margin_pct / HUNDRED

    def add(self, other: Figures) -> None:
        self.count += other.count
        for name in (
            "budget",
            "planned",
            "actual",
            "sent",
            "late",
            "kpis",
            "kpis_reported",
            "kpis_met",
            "activities",
            "activities_done",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.target is not None:
            self.target = (self.target or ZERO) + other.target


@dataclass
class PlanProgress:
    """A plan's monitored projects with their reports, and the plan's rounds and targets."""

    plan: object
    rounds: list[Round]
    targets: list[Decimal] | None  # cumulative disbursement target (%) of each quarter
    projects: list[ProjectProgress]
    categories: dict[int, BudgetCategory]

    def round(self, n: int) -> Round:
        return self.rounds[n - 1]

    def project_figures(self, entry: ProjectProgress, n: int, today: date | None = None) -> Figures:
        report = entry.reports.get(n)
        sent = report is not None and report.is_sent
        late = not sent and today is not None and self.round(n).is_past_due(today)
        assessments = entry.assessments(n)
        states = entry.activity_states(n)
        return Figures(
            label=entry.project.name_th,
            key=entry,
            count=1,
            budget=entry.budget,
            planned=entry.planned_to(n),
            actual=entry.actual_to(n),
            target=quantize(entry.budget * self.targets[n - 1] / HUNDRED) if self.targets else None,
            sent=int(sent),
            late=int(late),
            kpis=len(assessments),
            kpis_reported=sum(1 for _, r, _ in assessments if r is not None),
            kpis_met=sum(1 for _, _, a in assessments if a.met),
            activities=len(states),
            activities_done=sum(1 for _, s, _ in states if s == ActivityState.DONE),
        )

    def at(self, n: int, today: date | None = None) -> dict:
        """Figures of round n: the plan, per strategy, per group and per project."""
        total = Figures("รวมทั้งแผน")
        strategies = {s.pk: Figures(_strategy_label(s), s) for s in self.plan.strategies.all()}
        groups: dict = {}
        rows = []
        for entry in self.projects:
            project = entry.project
            one = self.project_figures(entry, n, today)
            rows.append(one)
            strategies.setdefault(
                project.strategy_id, Figures(_strategy_label(project.strategy), project.strategy)
            ).add(one)
            groups.setdefault(
                project.lead_unit_id, Figures(project.lead_unit.name_th, project.lead_unit)
            ).add(one)
            total.add(one)
        if self.targets is not None and total.target is None:
            total.target = ZERO
        return {
            "total": total,
            "strategies": [s for s in strategies.values() if s.count],
            "groups": sorted(groups.values(), key=lambda g: (g.key.sort_order, g.label)),
            "projects": rows,
        }


def _strategy_label(strategy) -> str:
    return f"{strategy.label}ที่ {strategy.number}" if strategy else "ไม่ระบุกลยุทธ์"


def monitored(queryset):
    """Projects that are reported on each quarter: approved ones, and any that already has
    a report (an amendment puts an approved project back to draft for a while)."""
    return queryset.filter(
        Q(status=ProjectStatus.APPROVED) | Q(pk__in=ProjectReport.objects.values("project_id"))
    )


def monitored_projects(plan, queryset=None):
    """The plan's projects that are reported on: approved ones, and any that has a report (an
    amendment puts an approved project back to draft for a while; its reports stay)."""
    qs = queryset if queryset is not None else Project.objects.all()
    return monitored(qs.filter(plan=plan))


def _ordered(activities: list[ActivityRow]) -> list[ActivityRow]:
    """The document's order and printed numbers ("1", "1.1", "2"), headings marked."""
    parents = {a.parent_id for a in activities}
    ordered = []
    for number, activity in numbered(activities):
        activity.number, activity.has_children = number, activity.pk in parents
        ordered.append(activity)
    return ordered


def load_progress(plan, *, project_ids=None, digits="arabic") -> PlanProgress:
    """Everything the monitoring pages need about a plan, in a fixed number of queries (13)."""
    qs = monitored_projects(plan).select_related("strategy", "lead_unit")
    if project_ids is not None:
        qs = qs.filter(pk__in=project_ids)
    projects = list(qs.order_by("strategy__number", "pk"))
    ids = [p.pk for p in projects]
    planned, _, _ = figures.project_figures(project_ids=ids)
    entries = {
        p.pk: ProjectProgress(
            project=p, budget=quantize(planned[p.pk].total), planned=planned[p.pk].quarters
        )
        for p in projects
    }
    by_project: dict = defaultdict(list)
    for pk, project_id, parent_id, order, title, months in (
        Activity.objects.filter(project_id__in=ids)
        .order_by()
        .values_list("pk", "project_id", "parent_id", "order", "title_th", "months")
    ):
        by_project[project_id].append(ActivityRow(pk, parent_id, order, title, list(months or [])))
    for project_id, rows in by_project.items():
        entries[project_id].activities = _ordered(rows)
    for indicator in ProjectIndicator.objects.filter(project_id__in=ids).order_by("order", "pk"):
        entries[indicator.project_id].indicators.append(indicator)
    reports: dict[int, ReportRow] = {}
    for pk, number, project_id, status, submitted_at, problems, suggestions in (
        ProjectReport.objects.filter(project_id__in=ids)
        .order_by()
        .values_list(
            "pk",
            "round__number",
            "project_id",
            "status",
            "submitted_at",
            "problems_th",
            "suggestions_th",
        )
    ):
        reports[pk] = ReportRow(pk, number, status, submitted_at, problems, suggestions)
        entries[project_id].reports[number] = reports[pk]
    for report_id, activity_id, title, category_id, value in (
        ActualSpending.objects.filter(report_id__in=reports)
        .order_by()
        .values_list("report_id", "activity_id", "activity_title_th", "category_id", "amount")
    ):
        report = reports[report_id]
        report.cells[(activity_id, category_id)] = quantize(value)
        report.titles[activity_id] = title
        report.spent += quantize(value)
    for report_id, activity_id, state, note in (
        ActivityProgress.objects.filter(report_id__in=reports)
        .order_by()
        .values_list("report_id", "activity_id", "state", "note_th")
    ):
        reports[report_id].states[activity_id] = (state, note)
    for report_id, indicator_id, value, text, met, note in (
        IndicatorResult.objects.filter(report_id__in=reports)
        .order_by()
        .values_list(
            "report_id", "indicator_id", "actual_value", "actual_text_th", "judged_met", "note_th"
        )
    ):
        reports[report_id].results[indicator_id] = Result(value, text, met, note)
    target = DisbursementTarget.objects.filter(
        office_id=plan.office_id, fiscal_year_id=plan.fiscal_year_id
    ).first()
    return PlanProgress(
        plan=plan,
        rounds=plan_rounds(plan, digits),
        targets=target.percents if target else None,
        projects=[entries[p.pk] for p in projects],
        categories={c.pk: c for c in BudgetCategory.objects.all()},
    )


# --- Alerts (computed, never stored) ---------------------------------------------------------


class AlertKind:
    OVERDUE = "overdue"
    SPENDING = "spending"
    KPI = "kpi"
    ACTIVITY = "activity"


ALERT_LABELS = {
    AlertKind.OVERDUE: "ยังไม่ส่งรายงานตามกำหนด",
    AlertKind.SPENDING: "ผลการใช้จ่ายต่ำกว่าแผน",
    AlertKind.KPI: "ผลตัวชี้วัดต่ำกว่าค่าเป้าหมาย",
    AlertKind.ACTIVITY: "กิจกรรมเลยกำหนดแต่ยังไม่แล้วเสร็จ",
}


@dataclass(frozen=True)
class Alert:
    kind: str
    project: Project
    round: int | None
    message: str

    @property
    def kind_label(self) -> str:
        return ALERT_LABELS[self.kind]


def _money(value) -> str:
    return thai.format_money(value, zero="0.00")


def _value(value) -> str:
    return f"{Decimal(value).normalize():f}" if value is not None else "-"


def month_end(year_be: int, month_index: int) -> date:
    """Last day of a fiscal month (1 = October … 12 = September) of a fiscal year."""
    year_ce, month = thai.fiscal_months(year_be)[month_index - 1]
    return date(year_ce, month, calendar.monthrange(year_ce, month)[1])


def alerts(plan, today: date, progress: PlanProgress | None = None) -> list[Alert]:
    """Overdue reports, spending behind plan by more than the plan's margin, KPIs below target
    and activities past their months and not done, for every monitored project."""
    progress = progress or load_progress(plan)
    margin = plan.spending_margin_pct
    year = plan.fiscal_year.year_be
    found: list[Alert] = []
    for entry in progress.projects:
        project = entry.project
        for r in progress.rounds:
            report = entry.reports.get(r.number)
            if r.is_past_due(today) and not (report and report.is_sent):
                found.append(
                    Alert(
                        AlertKind.OVERDUE,
                        project,
                        r.number,
                        f"ยังไม่ส่งรายงานผล{r.label} (กำหนดส่ง "
                        f"{thai.format_thai_date(r.due_date, digits='arabic')})",
                    )
                )
        latest = entry.sent_report(4)
        if latest is not None:
            n = latest.number
            one = progress.project_figures(entry, n)
            if one.is_behind(margin):
                found.append(
                    Alert(
                        AlertKind.SPENDING,
                        project,
                        n,
                        f"ผลการเบิกจ่ายสะสม {_money(one.actual)} บาท ต่ำกว่าแผนสะสม "
                        f"{_money(one.planned)} บาท (ร้อยละ {one.pct_of_plan or 0} ของแผน "
                        f"ยอมให้ต่ำกว่าแผนได้ไม่เกินร้อยละ {_value(margin)})",
                    )
                )
            for indicator, result, assessment in entry.assessments(n):
                if assessment.met is False:
                    actual = (
                        _value(result.actual_value)
                        if result.actual_value is not None
                        else result.actual_text or "ไม่บรรลุ"
                    )
                    found.append(
                        Alert(
                            AlertKind.KPI,
                            project,
                            n,
                            f"“{indicator.text_th}” ผล {actual} "
                            f"ค่าเป้าหมาย {indicator.target_display}",
                        )
                    )
        states = {a.pk: (s, note) for a, s, note in entry.activity_states(4)}
        for activity in entry.activities:
            if not activity.months or activity.has_children:
                continue
            last = max(activity.months)
            if month_end(year, last) >= today:
                continue
            state = states.get(activity.pk, (None, ""))[0]
            if state in FINISHED_STATES:
                continue
            year_ce, month = thai.fiscal_months(year)[last - 1]
            label = thai_labels(ActivityState)[state] if state else "ยังไม่ได้รายงาน"
            found.append(
                Alert(
                    AlertKind.ACTIVITY,
                    project,
                    None,
                    f"กิจกรรม {activity.number} “{activity.title}” กำหนดแล้วเสร็จ"
                    f"{thai.format_month_year(year_ce, month, digits='arabic')} สถานะ: {label}",
                )
            )
    return found


# --- The report form of one project and round ------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """What a cumulative cell may be: not below the round before, not above the round after."""

    floor: Decimal
    floor_round: int | None
    ceiling: Decimal | None
    ceiling_round: int | None


def spending_bounds(reports, number: int) -> dict[tuple[int, int], Bound]:
    """Bounds of each (activity, category) cell of round `number`, from the project's other
    reports (any status; model instances with `round` and prefetched `spending`)."""
    earlier = max((r for r in reports if r.round.number < number), key=_number, default=None)
    later = min((r for r in reports if r.round.number > number), key=_number, default=None)
    before = _cells(earlier)
    after = _cells(later)
    bounds = {}
    for key in set(before) | set(after):
        bounds[key] = Bound(
            floor=before.get(key, ZERO),
            floor_round=earlier.round.number if earlier else None,
            ceiling=after.get(key, ZERO) if later else None,
            ceiling_round=later.round.number if later else None,
        )
    return bounds


def _number(report) -> int:
    return report.round.number


def _cells(report) -> dict[tuple[int, int], Decimal]:
    if report is None:
        return {}
    return {
        (s.activity_id, s.category_id): quantize(s.amount)
        for s in report.spending.all()
        if s.activity_id is not None
    }


def spending_errors(
    bounds: dict[tuple[int, int], Bound], spending: dict[tuple[int, int], Decimal]
) -> dict[tuple[int, int], str]:
    """The cells that would make a cumulative figure go down between rounds, with the Thai
    message shown at the field (the form) or refused with (the service)."""
    errors = {}
    for key in set(bounds) | set(spending):
        value = spending.get(key) or ZERO
        bound = bounds.get(key)
        if bound is None:
            continue
        if bound.floor_round is not None and value < bound.floor:
            errors[key] = (
                f"ผลการเบิกจ่ายเป็นยอดสะสม ต้องไม่น้อยกว่ายอดสะสมที่รายงานไว้ในรอบที่ "
                f"{bound.floor_round} ({_money(bound.floor)} บาท)"
            )
        elif bound.ceiling is not None and value > bound.ceiling:
            errors[key] = (
                f"ผลการเบิกจ่ายเป็นยอดสะสม ต้องไม่มากกว่ายอดสะสมที่รายงานไว้แล้วในรอบที่ "
                f"{bound.ceiling_round} ({_money(bound.ceiling)} บาท) กรุณาแก้รายงานรอบนั้นก่อน"
            )
    return errors


def project_reports(project) -> list[ProjectReport]:
    """A project's reports with their rows (4 queries), for the form and the services."""
    return list(
        ProjectReport.objects.filter(project=project)
        .select_related("round")
        .prefetch_related("spending", "activity_progress", "indicator_results")
        .order_by("round__number")
    )


# --- Strategy KPIs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StrategyKPI:
    """A strategy KPI with this year's target (five-year table), actual and assessment."""

    indicator: StrategyIndicator
    target: Decimal | None
    result: StrategyKPIResult | None
    assessment: Assessment


def strategy_kpis(plan) -> list[StrategyKPI]:
    """The plan's strategy KPIs for its fiscal year (3 queries)."""
    year = plan.fiscal_year.year_be
    rows = []
    for indicator in (
        StrategyIndicator.objects.filter(strategy__plan=plan)
        .select_related("strategy")
        .prefetch_related("targets", "results")
        .order_by("strategy__number", "order", "pk")
    ):
        target = indicator.target_for(year)
        result = next((r for r in indicator.results.all() if r.year_be == year), None)
        comparator = Comparator.GTE if indicator.higher_is_better else Comparator.LTE
        actual = result.actual_value if result else None
        rows.append(StrategyKPI(indicator, target, result, assess(comparator, target, actual)))
    return rows


# --- Year-end summary ------------------------------------------------------------------------


@dataclass
class YearEnd:
    """What a project achieved in its year, for the year-end page and the next year's copy."""

    year_be: int
    round_label: str
    budget: Decimal
    spent: Decimal
    activities_done: int
    activities_total: int
    kpis_met: int
    kpis_total: int
    kpi_lines: list[str]
    problems: str
    suggestions: str

    @property
    def spent_pct(self) -> Decimal | None:
        return percent(self.spent, self.budget)


def year_end(progress: PlanProgress, entry: ProjectProgress) -> YearEnd | None:
    """The project's results as of its latest sent report (None when it never reported)."""
    report = entry.sent_report(4)
    if report is None:
        return None
    n = report.number
    one = progress.project_figures(entry, n)
    lines = []
    for indicator, result, assessment in entry.assessments(n):
        if result is None:
            lines.append(f"{indicator.text_th}: ไม่ได้รายงานผล")
            continue
        actual = (
            _value(result.actual_value) if result.actual_value is not None else result.actual_text
        )
        verdict = {True: "บรรลุค่าเป้าหมาย", False: "ไม่บรรลุค่าเป้าหมาย"}.get(assessment.met, "")
        target = f" (ค่าเป้าหมาย {indicator.target_display})" if indicator.target_display else ""
        lines.append(f"{indicator.text_th}: ผล {actual}{target} {verdict}".strip())
    return YearEnd(
        year_be=progress.plan.fiscal_year.year_be,
        round_label=progress.round(n).label,
        budget=one.budget,
        spent=one.actual,
        activities_done=one.activities_done,
        activities_total=one.activities,
        kpis_met=one.kpis_met,
        kpis_total=one.kpis,
        kpi_lines=lines,
        problems=report.problems,
        suggestions=report.suggestions,
    )


def year_end_summary(project) -> YearEnd | None:
    """One project's year-end summary (the same figures as the plan's year-end page)."""
    progress = load_progress(project.plan, project_ids=[project.pk])
    if not progress.projects:
        return None
    return year_end(progress, progress.projects[0])


YEAR_END_HEADING = "ผลการดำเนินงานปีที่ผ่านมา"


def year_end_text(summary: YearEnd) -> str:
    """The paragraph a continuing project copied into the next year starts its rationale with."""
    pct = summary.spent_pct
    parts = [
        f"{YEAR_END_HEADING} (ปีงบประมาณ พ.ศ. {summary.year_be} ข้อมูล{summary.round_label}): "
        f"ใช้จ่ายงบประมาณ {_money(summary.spent)} บาท จาก {_money(summary.budget)} บาท"
        + (f" (ร้อยละ {pct})" if pct is not None else ""),
        f"ดำเนินกิจกรรมแล้วเสร็จ {summary.activities_done} จาก {summary.activities_total} กิจกรรม",
        f"ตัวชี้วัดบรรลุค่าเป้าหมาย {summary.kpis_met} จาก {summary.kpis_total} ตัวชี้วัด",
    ]
    text = " ".join(parts)
    if summary.kpi_lines:
        text += "\n" + "\n".join(f"- {line}" for line in summary.kpi_lines)
    if summary.problems.strip():
        text += f"\nปัญหา อุปสรรค: {summary.problems.strip()}"
    if summary.suggestions.strip():
        text += f"\nข้อเสนอแนะ: {summary.suggestions.strip()}"
    return text


def year_end_paragraph(project) -> str:
    """The paragraph of last year's results a copied project's rationale gains ("" when the
    project reported none): registered in projects.services.COPY_RATIONALE_HOOKS."""
    summary = year_end_summary(project)
    return year_end_text(summary) if summary is not None else ""
