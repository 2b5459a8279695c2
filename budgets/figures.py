"""Every money total above a budget line: one database aggregate through the ORM.

A line's amount is stored (`BudgetLine.amount`, written only by budgets.services). Activity,
project, category, fund-source, quarter, strategy, group and plan totals are sums of that column
and of the quarterly plan, grouped by the database (`values()` + `Sum`), and quantized once here:
SQLite returns aggregated decimals unquantized. Nothing is re-derived from factors.

`summarize()` keeps the per-project figures of a plan's listed projects in the cache between
requests, under a key made of every listed project's (id, version, updated_at): every write of
a line, factor or quarterly plan bumps its project's version (the editor, imports, the admin),
so after a save only that project is aggregated again (bench/plan_bench.py;
docs/decisions/money-path.md); the plan's figures are also kept in the process's memory, so a
repeat view unpickles nothing (docs/decisions/overview-fragments.md). Category and fund-source
names are read fresh on every hit (one query).

budgets is below projects: the projects are reached through the foreign keys by name
(`activity__project__plan`), never by importing projects.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, DecimalField, F, IntegerField, Sum, Value

from budgets.models import BudgetCategory, BudgetLine, FundSource, QuarterAllocation
from budgets.money import ZERO, quantize

# Wide enough for any plan's total; the stored column is numeric(14, 2).
TOTAL = DecimalField(max_digits=20, decimal_places=2)


@dataclass(frozen=True)
class Ref:
    """A category or fund source as the pages print it (no model instance needed)."""

    pk: int
    name_th: str
    short_th: str
    order: int

    def __str__(self) -> str:
        return self.name_th


@dataclass
class Bucket:
    """A labelled group of projects and their total (with its split by fund source, {fund
    source id: amount}, for the strategy and group buckets of `summarize`)."""

    key: object
    label: str
    projects: list = field(default_factory=list)
    total: Decimal = ZERO
    by_fund: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.projects)


def bucket_of(key, label: str, projects: list, figures: dict) -> Bucket:
    """The listed projects (each once) as a bucket, their total and fund split from their
    `project_figures` entries: the projects aligned with a policy item, for instance."""
    unique = list({p.pk: p for p in projects}.values())
    bucket = Bucket(key, label, unique)
    _add_projects(bucket, unique, figures)
    return bucket


@dataclass
class CeilingRow:
    """A group's bucket beside its budget ceiling (OrgUnit.budget_ceiling) and what is left."""

    bucket: Bucket
    ceiling: Decimal | None
    balance: Decimal | None

    @property
    def over(self) -> bool:
        return self.balance is not None and self.balance < 0


def ceilings(groups: list[Bucket]) -> tuple[list[CeilingRow], Decimal | None, Decimal | None]:
    """Each group bucket (keys are OrgUnits) with its ceiling and balance, and the totals of
    the ceilings set and of their balances (None when no group has a ceiling)."""
    rows = []
    ceiling_total = balance_total = None
    for bucket in groups:
        ceiling = bucket.key.budget_ceiling
        balance = None
        if ceiling is not None:
            balance = quantize(ceiling - bucket.total)
            ceiling_total = quantize((ceiling_total or ZERO) + ceiling)
            balance_total = quantize((balance_total or ZERO) + balance)
        rows.append(CeilingRow(bucket, ceiling, balance))
    return rows, ceiling_total, balance_total


def _add_projects(bucket: Bucket, projects: list, figures: dict) -> None:
    funds: dict = defaultdict(_zero, bucket.by_fund)
    total = bucket.total
    for project in projects:
        entry = figures.get(project.pk) or ProjectFigures()
        total += entry.total
        for pk, value in entry.by_fund.items():
            funds[pk] += value
    bucket.total = quantize(total)
    bucket.by_fund = {pk: quantize(v) for pk, v in funds.items()}


@dataclass
class PlanSummary:
    plan: object
    projects: list
    strategies: list[Bucket]
    groups: list[Bucket]
    categories: list[Bucket]
    fund_sources: list[Bucket]
    quarters: list[Decimal]
    total: Decimal

    def as_json(self) -> dict:
        """The shape printed by `plan_summary --json`; amounts as strings with two decimals."""
        return {
            "office": self.plan.office.code,
            "year": self.plan.fiscal_year.year_be,
            "plan_total": f"{self.total:.2f}",
            "strategies": [
                {
                    "number": b.key.number if b.key else None,
                    "title": b.key.title_th if b.key else b.label,
                    "projects": b.count,
                    "total": f"{b.total:.2f}",
                }
                for b in self.strategies
            ],
            "groups": [
                {"name": b.label, "projects": b.count, "total": f"{b.total:.2f}"}
                for b in self.groups
            ],
            "categories": [{"name": b.label, "total": f"{b.total:.2f}"} for b in self.categories],
            "fund_sources": [
                {"name": b.label, "total": f"{b.total:.2f}"} for b in self.fund_sources
            ],
            "quarters": [f"{q:.2f}" for q in self.quarters],
        }


def _zero() -> Decimal:
    return ZERO


@dataclass
class ProjectFigures:
    """One project's totals: overall, per category, per fund source and per quarter."""

    total: Decimal = ZERO
    by_category: dict = field(default_factory=lambda: defaultdict(_zero))
    by_fund: dict = field(default_factory=lambda: defaultdict(_zero))
    quarters: list = field(default_factory=lambda: [ZERO, ZERO, ZERO, ZERO])


_LINES, _QUARTERS = 0, 1


def _rows(lines, quarters):
    """The lines' sums per (project, category, fund source), with the category's and fund
    source's names, and the quarterly plan's sums per (project, quarter): one query (UNION ALL
    of two grouped aggregates)."""
    text, number = CharField(), IntegerField()
    line_rows = (
        lines.order_by()
        .values(
            project=F("activity__project_id"),
            kind=Value(_LINES, output_field=number),
            a=F("category_id"),
            b=F("fund_source_id"),
            a_name=F("category__name_th"),
            a_short=F("category__short_th"),
            a_order=F("category__order"),
            b_name=F("fund_source__name_th"),
            b_short=F("fund_source__short_th"),
            b_order=F("fund_source__order"),
        )
        .annotate(total=Sum("amount", output_field=TOTAL))
    )
    quarter_rows = (
        quarters.order_by()
        .values(
            project=F("activity__project_id"),
            kind=Value(_QUARTERS, output_field=number),
            a=F("quarter"),
            b=Value(0, output_field=number),
            a_name=Value("", output_field=text),
            a_short=Value("", output_field=text),
            a_order=Value(0, output_field=number),
            b_name=Value("", output_field=text),
            b_short=Value("", output_field=text),
            b_order=Value(0, output_field=number),
        )
        .annotate(total=Sum("amount", output_field=TOTAL))
    )
    return line_rows.union(quarter_rows, all=True)


def project_figures(
    plan=None, *, project_ids=None
) -> tuple[dict[int, ProjectFigures], dict[int, Ref], dict[int, Ref]]:
    """Per-project figures of a plan (or of the given projects), with the categories and fund
    sources used: one query whatever the number of lines."""
    if plan is not None:
        lines = BudgetLine.objects.filter(activity__project__plan=plan)
        quarters = QuarterAllocation.objects.filter(activity__project__plan=plan)
    elif project_ids:
        ids = [int(pk) for pk in project_ids]
        lines = BudgetLine.objects.filter(activity__project_id__in=ids)
        quarters = QuarterAllocation.objects.filter(activity__project_id__in=ids)
    else:
        return {}, {}, {}
    figures: dict[int, ProjectFigures] = defaultdict(ProjectFigures)
    categories: dict[int, Ref] = {}
    funds: dict[int, Ref] = {}
    for row in _rows(lines, quarters):
        entry = figures[row["project"]]
        amount = quantize(row["total"])
        if row["kind"] == _QUARTERS:
            entry.quarters[row["a"] - 1] += amount
            continue
        entry.total += amount
        entry.by_category[row["a"]] += amount
        entry.by_fund[row["b"]] += amount
        if row["a"] not in categories:
            categories[row["a"]] = Ref(row["a"], row["a_name"], row["a_short"], row["a_order"])
        if row["b"] not in funds:
            funds[row["b"]] = Ref(row["b"], row["b_name"], row["b_short"], row["b_order"])
    return figures, categories, funds


@dataclass
class ActivityFigures:
    """One activity's totals per category and fund source ({id: amount}) and per quarter; a
    main activity (กิจกรรมหลัก) holds the sums of its sub-activities (1.1, 1.2 …) too."""

    total: Decimal = ZERO
    by_category: dict = field(default_factory=lambda: defaultdict(_zero))
    by_fund: dict = field(default_factory=lambda: defaultdict(_zero))
    quarters: list = field(default_factory=lambda: [ZERO, ZERO, ZERO, ZERO])

    @property
    def quarter_total(self) -> Decimal:
        return quantize(sum(self.quarters, ZERO))


def activity_figures(*, plan=None, project_ids=None) -> dict[int, ActivityFigures]:
    """Per-activity figures of a plan's (or the given projects') activities, each line and
    quarter counted in its activity and in that activity's parent: one query (UNION ALL of two
    grouped aggregates), whatever the number of lines."""
    if plan is not None:
        lines = BudgetLine.objects.filter(activity__project__plan=plan)
        quarters = QuarterAllocation.objects.filter(activity__project__plan=plan)
    elif project_ids:
        ids = [int(pk) for pk in project_ids]
        lines = BudgetLine.objects.filter(activity__project_id__in=ids)
        quarters = QuarterAllocation.objects.filter(activity__project_id__in=ids)
    else:
        return {}
    line_rows, quarter_rows = activity_figure_rows(lines, quarters)
    return fold_activity_figures(line_rows.union(quarter_rows, all=True))


def activity_figure_rows(lines, quarters):
    """The two grouped aggregates of activity_figures (lines by activity, category and fund
    source; quarterly plans by activity and quarter) as values querysets of the same columns
    (act, parent, kind, a, b, total), to run as one UNION ALL (here or in a larger one)."""
    number = IntegerField()
    return (
        lines.order_by()
        .values(
            act=F("activity_id"),
            parent=F("activity__parent_id"),
            kind=Value(_LINES, output_field=number),
            a=F("category_id"),
            b=F("fund_source_id"),
        )
        .annotate(total=Sum("amount", output_field=TOTAL)),
        quarters.order_by()
        .values(
            act=F("activity_id"),
            parent=F("activity__parent_id"),
            kind=Value(_QUARTERS, output_field=number),
            a=F("quarter"),
            b=Value(0, output_field=number),
        )
        .annotate(total=Sum("amount", output_field=TOTAL)),
    )


def fold_activity_figures(rows) -> dict[int, ActivityFigures]:
    """ActivityFigures per activity from the rows of activity_figure_rows (total as a
    Decimal or its text)."""
    result: dict[int, ActivityFigures] = defaultdict(ActivityFigures)
    for row in rows:
        total = row["total"]
        value = quantize(Decimal(total) if isinstance(total, str) else total)
        for pk in (row["act"], row["parent"]):
            if pk is None:
                continue
            entry = result[pk]
            if row["kind"] == _QUARTERS:
                entry.quarters[row["a"] - 1] += value
                continue
            entry.total += value
            entry.by_category[row["a"]] += value
            entry.by_fund[row["b"]] += value
    return result


CACHE_SECONDS = 6 * 3600


def _refs(category_ids, fund_ids) -> tuple[dict[int, Ref], dict[int, Ref]]:
    """The used categories and fund sources with their current names: one query."""
    number = IntegerField()
    rows = (
        BudgetCategory.objects.filter(pk__in=list(category_ids))
        .order_by()
        .values("pk", "name_th", "short_th", "order", kind=Value(0, output_field=number))
        .union(
            FundSource.objects.filter(pk__in=list(fund_ids))
            .order_by()
            .values("pk", "name_th", "short_th", "order", kind=Value(1, output_field=number)),
            all=True,
        )
    )
    categories: dict[int, Ref] = {}
    funds: dict[int, Ref] = {}
    for row in rows:
        target = funds if row["kind"] else categories
        target[row["pk"]] = Ref(row["pk"], row["name_th"], row["short_th"], row["order"])
    return categories, funds


# This process's plan entries: {plan key: (digest, {project key: ProjectFigures}, category
# ids, fund ids)}, the newest last. Held in memory, not in the cache: writing the whole plan's
# figures to the cache after every save cost more than aggregating the changed project.
_KEPT: OrderedDict = OrderedDict()
_KEPT_PLANS = 32
_kept_lock = threading.Lock()


def _copy(entry: ProjectFigures) -> ProjectFigures:
    """A caller's own copy: the kept entry is shared by every later request."""
    return ProjectFigures(
        entry.total,
        defaultdict(_zero, entry.by_category),
        defaultdict(_zero, entry.by_fund),
        list(entry.quarters),
    )


def _plan_figures(plan, projects: list):
    """`project_figures(plan)`, from the cache while none of the listed projects changed: each
    project under its own key, and only the changed projects are aggregated again. Inside a
    transaction the rows may still be rolled back (import previews, tests): never cached.

    The figures of the plan's listed projects are also kept in this process's memory under one
    key per plan and list of projects (no pickling, copies handed out); the cache holds that
    key's digest of the projects' versions, so emptying the cache empties this too (a kept
    entry is used only while the cache still has its plan's digest). After a save, the
    unchanged projects' figures come from memory and only the changed ones are aggregated."""
    # By the listed projects' ids, never `plan=`: a plan also lists projects it includes from
    # another plan of the office (projects.PlanInclusion), each counted once.
    ids = [p.pk for p in projects]
    if connection.in_atomic_block:
        return project_figures(project_ids=ids)
    keys = {
        p.pk: f"project-figures:{connection.alias}:{p.pk}:{p.version}:{p.updated_at.isoformat()}"
        for p in projects
    }
    digest = hashlib.sha256("|".join(keys.values()).encode()).hexdigest()
    listing = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:24]
    plan_key = f"plan-figures:{connection.alias}:{plan.pk}:{listing}"
    mark = cache.get(plan_key)
    with _kept_lock:
        entry = _KEPT.get(plan_key) if mark is not None else None
    if entry is not None and entry[0] == digest and mark == digest:
        _, kept, category_ids, fund_ids = entry
        categories, funds = _refs(category_ids, fund_ids)
        listed = {pk: _copy(kept[key]) for pk, key in keys.items()}
        return defaultdict(ProjectFigures, listed), categories, funds
    kept = entry[1] if entry is not None else {}
    listed = {pk: kept[key] for pk, key in keys.items() if key in kept}
    others = [keys[pk] for pk in keys if pk not in listed]
    if others:  # not kept in this process: each project's own
        found = cache.get_many(others)
        listed |= {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in listed]
    if len(missing) > len(keys) // 2:  # mostly new: the whole plan in one aggregate
        figures, categories, funds = project_figures(project_ids=ids)
    else:
        figures, categories, funds = project_figures(project_ids=missing)
    for pk in missing:  # a project without lines is cached too (zero figures)
        listed[pk] = figures.get(pk) or ProjectFigures()
    if missing:
        cache.set_many({keys[pk]: listed[pk] for pk in missing}, CACHE_SECONDS)
    used = (
        {c for f in listed.values() for c in f.by_category},
        {s for f in listed.values() for s in f.by_fund},
    )
    with _kept_lock:
        _KEPT[plan_key] = (digest, {keys[pk]: figures for pk, figures in listed.items()}, *used)
        _KEPT.move_to_end(plan_key)
        while len(_KEPT) > _KEPT_PLANS:
            _KEPT.popitem(last=False)
    cache.set(plan_key, digest, CACHE_SECONDS)
    if len(missing) != len(keys):
        categories, funds = _refs(*used)
    return (
        defaultdict(ProjectFigures, {pk: _copy(f) for pk, f in listed.items()}),
        categories,
        funds,
    )


def summarize(plan, projects: list) -> tuple[PlanSummary, dict[int, ProjectFigures], list[Ref]]:
    """All roll-ups of a plan for the listed projects (all of them, or those a viewer may see):
    per strategy, group, category, fund source, quarter and the plan; also each project's
    figures and the fund sources used (in their order), for the fund-split columns.
    `projects` need pk, version, updated_at, strategy(_id) and lead_unit(_id)."""
    figures, categories, funds = _plan_figures(plan, projects)
    strategies: dict = {s.pk: Bucket(s, str(s)) for s in plan.strategies.all()}
    groups: dict = {}
    by_category: dict = defaultdict(_zero)
    by_fund: dict = defaultdict(_zero)
    quarters = [ZERO] * 4
    total = ZERO
    for project in projects:
        entry = figures[project.pk]
        bucket = strategies.get(project.strategy_id)
        if bucket is None:
            bucket = strategies[project.strategy_id] = Bucket(
                project.strategy, str(project.strategy or "ไม่ระบุกลยุทธ์")
            )
        bucket.projects.append(project)
        group = groups.get(project.lead_unit_id)
        if group is None:
            group = groups[project.lead_unit_id] = Bucket(
                project.lead_unit, project.lead_unit.name_th
            )
        group.projects.append(project)
        total += entry.total
        for pk, amount in entry.by_category.items():
            by_category[pk] += amount
        for pk, amount in entry.by_fund.items():
            by_fund[pk] += amount
        for i, amount in enumerate(entry.quarters):
            quarters[i] += amount
    for bucket in [*strategies.values(), *groups.values()]:
        _add_projects(bucket, bucket.projects, figures)
    summary = PlanSummary(
        plan=plan,
        projects=projects,
        strategies=list(strategies.values()),
        groups=sorted(groups.values(), key=lambda b: (b.key.sort_order, b.label)),
        categories=[
            Bucket(categories[pk], categories[pk].name_th, total=quantize(v))
            for pk, v in sorted(
                by_category.items(), key=lambda kv: (categories[kv[0]].order, kv[0])
            )
        ],
        fund_sources=[
            Bucket(funds[pk], funds[pk].name_th, total=quantize(v))
            for pk, v in sorted(by_fund.items(), key=lambda kv: (funds[kv[0]].order, kv[0]))
        ],
        quarters=[quantize(q) for q in quarters],
        total=quantize(total),
    )
    return summary, figures, [b.key for b in summary.fund_sources]


def policy_buckets(items: list, served: dict[int, list], per_project) -> dict[int, Bucket]:
    """{policy item id: Bucket(item, projects serving it, their budget)} for one plan: each
    project's figure (from `summarize`) counts once under each item it serves; a project
    serving two items counts in both items' totals (the matrix is not a partition)."""
    buckets = {}
    for item in items:
        bucket = Bucket(item, str(item))
        for project in served.get(item.pk, []):
            bucket.projects.append(project)
            bucket.total += per_project[project.pk].total
        bucket.total = quantize(bucket.total)
        buckets[item.pk] = bucket
    return buckets


# --- above the office (oversight): grouped aggregates over many offices' lines ----------------

ROLLUP_KEYS = (
    "activity__project__plan__office_id",
    "activity__project__strategy__number",
    "category_id",
    "fund_source_id",
)


def rollup(lines_filter: dict) -> dict[tuple, Decimal]:
    """{(office id, strategy number, category id, fund source id): total} of the lines matching
    `lines_filter` (lookups on BudgetLine), in one grouped query whatever the number of offices;
    every coarser total (per office, category, fund, strategy) is a sum of these rows."""
    rows = (
        BudgetLine.objects.filter(**lines_filter)
        .order_by()
        .values_list(*ROLLUP_KEYS)
        .annotate(total=Sum("amount", output_field=TOTAL))
    )
    return {tuple(row[:-1]): quantize(row[-1]) for row in rows}


def rollup_by_policy(lines_filter: dict) -> dict[tuple[int, int], Decimal]:
    """{(office id, policy item id): the budget of the projects serving the item} (a project's
    lines count once under each item it serves), in one grouped query."""
    rows = (
        BudgetLine.objects.filter(activity__project__alignments__isnull=False, **lines_filter)
        .order_by()
        .values_list("activity__project__plan__office_id", "activity__project__alignments")
        .annotate(total=Sum("amount", output_field=TOTAL))
    )
    return {(office, item): quantize(total) for office, item, total in rows}
