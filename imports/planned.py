"""What an import is compared with and what it will write: the plan's references loaded in a
fixed handful of queries (Context, load_context) and the planned rows (PlannedProject and its
activities, lines and KPIs) that imports.planning.Planner fills and imports.services writes."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from actionplan.models import (
    Office,
    OrgUnit,
    Person,
    Plan,
    PlanType,
    PolicyFramework,
    PolicyItem,
    Programme,
    Strategy,
)
from budgets.formula import parse_formula
from budgets.models import BudgetCategory, BudgetLine, FundSource, line_amount
from budgets.money import ZERO, quantize
from imports.cells import long_text, project_key, squash, text
from imports.models import GroupAlias, ImportMode
from imports.records import (
    ProjectIn,
    ProjectOutcome,
    Report,
)
from imports.resolve import (
    GroupMatcher,
)
from projects.audit import numbered
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
    programmes: list[Programme] = field(default_factory=list)
    policy_items: list[PolicyItem] = field(default_factory=list)
    people: dict[str, int] = field(default_factory=dict)  # squashed full name -> Person id
    plan_type: str = PlanType.ACTION_PLAN  # the kind of plan the file lands in

    @property
    def historical(self) -> bool:
        return self.mode == ImportMode.HISTORICAL


def _existing_projects(plan: Plan | None, lock: bool) -> dict[str, Project]:
    if plan is None:
        return {}
    lines = BudgetLine.objects.prefetch_related("factors")
    activities = Activity.objects.prefetch_related(Prefetch("budget_lines", lines), "quarters")
    qs = Project.objects.filter(plan=plan).prefetch_related(
        Prefetch("activities", activities),
        "indicators",
        "items",
        "people",
        "co_units",
        "alignments",
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
    *,
    office: Office,
    year_be: int,
    mode: str,
    categories,
    funds,
    lock: bool = False,
    plan_type: str = PlanType.ACTION_PLAN,
) -> Context:
    plan = (
        Plan.objects.select_related("fiscal_year")
        .filter(office=office, fiscal_year__year_be=year_be, plan_type=plan_type)
        .first()
    )
    units = {u.pk: u for u in OrgUnit.objects.filter(office=office, is_active=True)}
    remembered = dict(
        GroupAlias.objects.filter(office=office).values_list("raw_key", "org_unit_id")
    )
    strategies = {s.number: s for s in plan.strategies.all()} if plan else {}
    mine = Q(office=office) | Q(office__isnull=True)
    frameworks = PolicyFramework.objects.filter(mine, is_active=True)
    return Context(
        office=office,
        year_be=year_be,
        mode=mode,
        plan=plan,
        plan_type=plan_type,
        categories=categories,
        funds=funds,
        units=units,
        matcher=GroupMatcher(units.values(), remembered),
        strategies=strategies,
        existing=_existing_projects(plan, lock),
        programmes=list(Programme.objects.filter(mine, is_active=True)),
        policy_items=list(
            PolicyItem.objects.filter(framework__in=frameworks)
            .select_related("framework")
            .order_by("framework__order", "framework_id", "order", "pk")
        ),
        people={
            squash(p.full_name): p.pk for p in Person.objects.filter(office=office, is_active=True)
        },
    )


# --- what will be written ----------------------------------------------------------------------
# Signatures compare what a file says with what the database holds as the user sees it: by
# position (activities depth first as the project page numbers them, lines in their activity),
# never by the stored `order` numbers, which differ between writers (the editor restarts them
# under a main activity and numbers lines across the project; the importer counts 1..n), and
# with text as displayed (one space between words, LF line breaks).


def _lines_signature(lines) -> tuple:
    return tuple(
        (
            text(description),
            category_id,
            fund_id,
            quantize_or_none(plain),
            quantize_or_none(declared),
            text(note),
            tuple((quantize_or_none(q), text(u)) for q, u in factors),
        )
        for description, category_id, fund_id, plain, declared, note, factors in lines
    )


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

    def values(self) -> tuple:
        return (
            self.description,
            self.category_id,
            self.fund_id,
            self.plain_amount,
            self.declared_amount,
            self.formula_note,
            self.factors,
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


def _activity_values(title, period, responsible, steps, location, target_group, months) -> tuple:
    return (
        text(title),
        text(period),
        text(responsible),
        long_text(steps),
        text(location),
        text(target_group),
        tuple(sorted(months or ())),
    )


def depth_first(activities: list[PlannedActivity]) -> list[PlannedActivity]:
    """Planned activities in the order the project page shows them (main, its subs, next main)."""
    position = {id(a): n for n, a in enumerate(activities)}
    children: dict[int | None, list[PlannedActivity]] = {}
    for a in activities:
        children.setdefault(id(a.parent) if a.parent else None, []).append(a)
    ordered: list[PlannedActivity] = []

    def walk(key) -> None:
        for a in sorted(children.get(key, []), key=lambda a: (a.order, position[id(a)])):
            ordered.append(a)
            walk(id(a))

    walk(None)
    # a parent outside the list (never from the planner) must not lose its children
    ordered += [a for a in activities if id(a) not in {id(o) for o in ordered}]
    return ordered


def activities_signature(activities: list[PlannedActivity]) -> tuple:
    ordered = depth_first(activities)
    index = {id(a): n for n, a in enumerate(ordered, start=1)}
    return tuple(
        (
            *_activity_values(
                a.title, a.period, a.responsible, a.steps, a.location, a.target_group, a.months
            ),
            index.get(id(a.parent), 0) if a.parent else 0,
            _lines_signature(line.values() for line in sorted(a.lines, key=lambda x: x.order)),
            tuple(quantize_or_none(q) for q in (a.quarters or (ZERO,) * 4)),
        )
        for a in ordered
    )


def activities_signature_from_db(project: Project) -> tuple:
    ordered = [a for _, a in numbered(project.activities.all())]
    index = {a.pk: n for n, a in enumerate(ordered, start=1)}
    return tuple(
        (
            *_activity_values(
                a.title_th,
                a.period_th,
                a.responsible_th,
                a.steps_th,
                a.location_th,
                a.target_group_th,
                a.months,
            ),
            index.get(a.parent_id, 0),
            _lines_signature(
                (
                    line.description_th,
                    line.category_id,
                    line.fund_source_id,
                    line.plain_amount,
                    line.declared_amount,
                    line.formula_note_th,
                    [(f.quantity, f.unit_th) for f in line.factors.all()],
                )
                for line in activity_lines(a)
            ),
            tuple(a.quarter_amounts()),
        )
        for a in ordered
    )


def activity_lines(activity: Activity) -> list[BudgetLine]:
    """Lines in the order the page shows them (prefetched: no query)."""
    return sorted(activity.budget_lines.all(), key=lambda line: (line.order, line.pk))


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
        return _indicator_values(
            self.result_level,
            self.measure_type,
            self.text,
            self.comparator,
            self.target_value,
            self.unit,
            self.target_text,
            self.method,
            self.tool,
        )


def _indicator_values(level, kind, text_, comparator, value, unit, target, method, tool) -> tuple:
    return (
        level,
        kind,
        text(text_),
        comparator,
        quantize_or_none(value),
        text(unit),
        text(target),
        text(method),
        text(tool),
    )


def indicators_signature(indicators: list[PlannedIndicator]) -> tuple:
    return tuple(i.signature() for i in sorted(indicators, key=lambda i: i.order))


def indicators_signature_from_db(project: Project) -> tuple:
    return tuple(
        _indicator_values(
            ind.result_level,
            ind.measure_type,
            ind.text_th,
            ind.comparator,
            ind.target_value,
            ind.target_unit_th,
            ind.target_text_th,
            ind.method_th,
            ind.tool_th,
        )
        for ind in sorted(project.indicators.all(), key=lambda i: (i.order, i.pk))
    )


@dataclass
class PlannedItem:
    """A narrative line (objective, target, expected result) at its position within its kind."""

    kind: str
    order: int
    text: str


def items_signature(items: list[PlannedItem]) -> tuple:
    return tuple(sorted((i.kind, i.order, long_text(i.text)) for i in items))


def items_signature_from_db(project: Project) -> tuple:
    by_kind: dict[str, list] = {}
    for item in sorted(project.items.all(), key=lambda i: (i.kind, i.order, i.pk)):
        by_kind.setdefault(item.kind, []).append(item.text_th)
    return tuple(
        sorted(
            (kind, n, long_text(t))
            for kind, texts in by_kind.items()
            for n, t in enumerate(texts, start=1)
        )
    )


@dataclass
class PlannedPerson:
    order: int
    role: str
    name: str
    position: str
    person_id: int | None = None


def people_signature(people: list[PlannedPerson]) -> tuple:
    return tuple((p.role, text(p.name), text(p.position)) for p in people)


def people_signature_from_db(project: Project) -> tuple:
    return tuple(
        (p.role, text(p.name_th), text(p.position_th))
        for p in sorted(project.people.all(), key=lambda p: (p.order, p.pk))
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
    # None leaves what the project has; a list (maybe empty) is what it will have
    items: list[PlannedItem] | None = None
    people: list[PlannedPerson] | None = None
    co_units: list[int] | None = None
    alignments: list[int] | None = None
    computed: Decimal = ZERO
    obj: Project | None = None


@dataclass
class ImportPlan:
    """The report plus exactly what a commit would write."""

    report: Report
    context: Context
    projects: list[PlannedProject] = field(default_factory=list)
    new_strategies: dict[int, Strategy] = field(default_factory=dict)
    new_programmes: dict[str, Programme] = field(default_factory=dict)
    choices_used: dict[str, tuple[str, int]] = field(default_factory=dict)
    plan_status: str | None = None


@functools.lru_cache(maxsize=4096)
def parse_line_formula(text: str):
    """Formulas repeat ("… คน x 35 บาท x 1 มื้อ") across a plan; parse each text once."""
    return parse_formula(text)


def quantize_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize(value)
