"""What an import is compared with and what it will write: the plan's references loaded in a
fixed handful of queries (Context, load_context) and the planned rows (PlannedProject and its
activities, lines and KPIs) that imports.planning.Planner fills and imports.services writes."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from actionplan.models import Office, OrgUnit, Plan, PlanType, Strategy
from budgets.formula import parse_formula
from budgets.models import BudgetCategory, BudgetLine, FundSource, line_amount
from budgets.money import ZERO, quantize
from imports.cells import project_key
from imports.models import GroupAlias, ImportMode
from imports.records import (
    ProjectIn,
    ProjectOutcome,
    Report,
)
from imports.resolve import (
    GroupMatcher,
)
from indicators.models import ProjectIndicator
from projects.models import Activity, Project

# --- references --------------------------------------------------------------------------------


@dataclass
class Context:
    """Everything the comparison needs, loaded in a fixed number of queries."""

    office: Office
    year_be: int
    mode: str
    plan: Plan | None
    categories: list[BudgetCategory]
    funds: list[FundSource]
    units: dict[int, OrgUnit]
    matcher: GroupMatcher
    strategies: dict[int, Strategy]
    existing: dict[str, Project]

    @property
    def historical(self) -> bool:
        return self.mode == ImportMode.HISTORICAL


def _existing_projects(plan: Plan | None, lock: bool) -> dict[str, Project]:
    if plan is None:
        return {}
    lines = BudgetLine.objects.prefetch_related("factors")
    activities = Activity.objects.prefetch_related(Prefetch("budget_lines", lines), "quarters")
    qs = Project.objects.filter(plan=plan).prefetch_related(
        Prefetch("activities", activities), "indicators"
    )
    if lock:
        # Inside the commit transaction: nobody edits these rows until we are done (PostgreSQL
        # row locks; SQLite's BEGIN IMMEDIATE already holds the database's write lock).
        qs = qs.select_for_update(of=("self",))
    projects: dict[str, Project] = {}
    for project in qs.order_by("pk"):
        projects.setdefault(project_key(project.name_th), project)
    return projects


def load_context(
    *, office: Office, year_be: int, mode: str, categories, funds, lock: bool = False
) -> Context:
    plan = (
        Plan.objects.select_related("fiscal_year")
        .filter(office=office, fiscal_year__year_be=year_be, plan_type=PlanType.ACTION_PLAN)
        .first()
    )
    units = {u.pk: u for u in OrgUnit.objects.filter(office=office, is_active=True)}
    remembered = dict(
        GroupAlias.objects.filter(office=office).values_list("raw_key", "org_unit_id")
    )
    strategies = {s.number: s for s in plan.strategies.all()} if plan else {}
    return Context(
        office=office,
        year_be=year_be,
        mode=mode,
        plan=plan,
        categories=categories,
        funds=funds,
        units=units,
        matcher=GroupMatcher(units.values(), remembered),
        strategies=strategies,
        existing=_existing_projects(plan, lock),
    )


# --- what will be written ----------------------------------------------------------------------


@dataclass
class PlannedLine:
    order: int
    description: str
    category_id: int
    fund_id: int
    plain_amount: Decimal | None
    declared_amount: Decimal | None
    formula_note: str
    factors: list[tuple[Decimal, str]]

    @property
    def amount(self) -> Decimal:
        return line_amount([quantity for quantity, _ in self.factors], self.plain_amount)

    def signature(self) -> tuple:
        return (
            self.order,
            self.description,
            self.category_id,
            self.fund_id,
            quantize_or_none(self.plain_amount),
            quantize_or_none(self.declared_amount),
            self.formula_note,
            tuple((quantize_or_none(q), u) for q, u in self.factors),
        )


@dataclass
class PlannedActivity:
    order: int
    title: str
    parent: PlannedActivity | None = None
    period: str = ""
    responsible: str = ""
    lines: list[PlannedLine] = field(default_factory=list)
    quarters: list[Decimal] | None = None
    steps: str = ""
    location: str = ""
    target_group: str = ""
    months: list = field(default_factory=list)
    obj: Activity | None = None

    def signature(self) -> tuple:
        return (
            self.order,
            self.title,
            self.parent.order if self.parent else 0,
            self.period,
            self.responsible,
            tuple(line.signature() for line in self.lines),
            tuple(quantize_or_none(q) for q in (self.quarters or (ZERO,) * 4)),
        )


@dataclass
class PlannedIndicator:
    order: int
    result_level: str
    measure_type: str
    text: str
    comparator: str
    target_value: Decimal | None
    unit: str
    target_text: str
    method: str
    tool: str

    def signature(self) -> tuple:
        return (
            self.order,
            self.result_level,
            self.measure_type,
            self.text,
            self.comparator,
            quantize_or_none(self.target_value),
            self.unit,
            self.target_text,
            self.method,
            self.tool,
        )


@dataclass
class PlannedProject:
    incoming: ProjectIn
    existing: Project | None
    outcome: ProjectOutcome
    unit_id: int | None = None
    strategy_number: int | None = None
    header: dict = field(default_factory=dict)
    activities: list[PlannedActivity] | None = None
    indicators: list[PlannedIndicator] | None = None
    computed: Decimal = ZERO
    obj: Project | None = None


@dataclass
class ImportPlan:
    """The report plus exactly what a commit would write."""

    report: Report
    context: Context
    projects: list[PlannedProject] = field(default_factory=list)
    new_strategies: dict[int, Strategy] = field(default_factory=dict)
    choices_used: dict[str, tuple[str, int]] = field(default_factory=dict)
    plan_status: str | None = None


@functools.lru_cache(maxsize=4096)
def parse_line_formula(text: str):
    """Formulas repeat ("… คน x 35 บาท x 1 มื้อ") across a plan; parse each text once."""
    return parse_formula(text)


def quantize_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize(value)


def activity_signature_from_db(activity: Activity, by_pk: dict[int, Activity]) -> tuple:
    lines = tuple(
        (
            line.order,
            line.description_th,
            line.category_id,
            line.fund_source_id,
            quantize_or_none(line.plain_amount),
            quantize_or_none(line.declared_amount),
            line.formula_note_th,
            tuple((quantize_or_none(f.quantity), f.unit_th) for f in line.factors.all()),
        )
        for line in activity.budget_lines.all()
    )
    parent = by_pk.get(activity.parent_id)
    return (
        activity.order,
        activity.title_th,
        parent.order if parent else 0,
        activity.period_th,
        activity.responsible_th,
        lines,
        tuple(activity.quarter_amounts()),
    )


def indicator_signature_from_db(ind: ProjectIndicator) -> tuple:
    return (
        ind.order,
        ind.result_level,
        ind.measure_type,
        ind.text_th,
        ind.comparator,
        quantize_or_none(ind.target_value),
        ind.target_unit_th,
        ind.target_text_th,
        ind.method_th,
        ind.tool_th,
    )
