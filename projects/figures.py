"""Plan figures from value rows: the roll-up of `rollup.summarize_plan` without building a model
instance per budget line.

The office-wide pages need totals, not line objects. Loading 1,500 lines, their factors and the
quarterly plan as model instances with prefetch costs ~0.4 s on SQLite (Django builds a
queryset per instance); as tuples it is three queries and a few milliseconds. Amounts follow
`BudgetLine.amount` exactly (product of the factors, else the plain amount, else zero, rounded
half-up), and a test checks these figures equal `summarize_plan`'s on the same plan.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import connection

from budgets.models import (
    BudgetCategory,
    BudgetLine,
    BudgetLineFactor,
    FundSource,
    QuarterAllocation,
)
from budgets.money import CENT, ZERO, quantize
from projects.models import Activity, Project
from projects.rollup import Bucket, PlanSummary

ONE = Decimal(1)


@dataclass(frozen=True)
class Ref:
    """A category or fund source as the pages print it (no model instance needed)."""

    pk: int
    name_th: str
    short_th: str
    order: int

    def __str__(self) -> str:
        return self.name_th


def _zero() -> Decimal:
    return ZERO


@dataclass
class ProjectFigures:
    """One project's totals: overall, per category, per fund source and per quarter."""

    total: Decimal = ZERO
    by_category: dict = field(default_factory=lambda: defaultdict(_zero))
    by_fund: dict = field(default_factory=lambda: defaultdict(_zero))
    quarters: list = field(default_factory=lambda: [ZERO, ZERO, ZERO, ZERO])


def project_figures(
    plan=None, *, project_ids=None
) -> tuple[dict[int, ProjectFigures], dict[int, Ref], dict[int, Ref]]:
    """Per-project figures of a plan (or of the given projects), with the categories and fund
    sources used: 3 queries whatever the number of lines.

    The lines come back one row each with their factors concatenated by the database
    (GROUP_CONCAT / string_agg), read through a plain cursor: Django's per-value converters
    were most of this function's time at 1,500 lines. Quantities and amounts are converted here
    with the same rules (Decimal, rounded half-up per line)."""
    if plan is None and not project_ids:
        return {}, {}, {}
    figures, used_categories, used_funds = _line_figures(*_scope(plan, project_ids))
    categories, funds = _refs(used_categories, used_funds)
    return figures, categories, funds


def _scope(plan=None, project_ids=None) -> tuple[str, list]:
    """The WHERE clause (on the project, alias p) of a plan's or of some projects' rows."""
    if plan is not None:
        return "p.plan_id = %s", [plan.pk]
    ids = [int(pk) for pk in project_ids]
    return f"p.id IN ({', '.join(['%s'] * len(ids))})", ids


def _line_figures(where: str, params: list) -> tuple[dict[int, ProjectFigures], set, set]:
    """The figures of the projects matching `where` (alias p), and the category and fund
    source ids their lines use: two queries."""
    factor_list = (
        "string_agg(f.quantity::text, '*')"
        if connection.vendor == "postgresql"
        else "group_concat(f.quantity, '*')"
    )
    line, activity = BudgetLine._meta.db_table, Activity._meta.db_table
    project, factor = Project._meta.db_table, BudgetLineFactor._meta.db_table
    figures: dict[int, ProjectFigures] = defaultdict(ProjectFigures)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.project_id, l.category_id, l.fund_source_id, l.plain_amount, "
            f"(SELECT {factor_list} FROM {factor} f WHERE f.line_id = l.id) "
            f"FROM {line} l JOIN {activity} a ON a.id = l.activity_id "
            f"JOIN {project} p ON p.id = a.project_id WHERE {where}",
            params,
        )
        used_categories, used_funds = set(), set()
        amounts: dict = {}  # the same formula or plain amount is worked out once per call
        for project_id, cat_id, fund_id, plain, quantities in cursor.fetchall():
            key = quantities if quantities is not None else plain
            amount = amounts.get(key)
            if amount is None:
                if quantities is not None:
                    amount = math.prod(map(_decimal, quantities.split("*")), start=ONE)
                elif plain is not None:
                    amount = _decimal(plain)
                else:
                    amount = ZERO
                amount = amounts[key] = amount.quantize(CENT, rounding=ROUND_HALF_UP)
            entry = figures[project_id]
            entry.total += amount
            entry.by_category[cat_id] += amount
            entry.by_fund[fund_id] += amount
            used_categories.add(cat_id)
            used_funds.add(fund_id)
        cursor.execute(
            f"SELECT a.project_id, q.quarter, q.amount FROM {QuarterAllocation._meta.db_table} q "
            f"JOIN {activity} a ON a.id = q.activity_id "
            f"JOIN {project} p ON p.id = a.project_id WHERE {where}",
            params,
        )
        for project_id, quarter, amount in cursor.fetchall():
            figures[project_id].quarters[quarter - 1] += _decimal(amount).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
    return figures, used_categories, used_funds


CACHE_SECONDS = 6 * 3600


@dataclass
class Totals:
    """The listed projects' figures added up: per category, fund source, quarter and overall."""

    by_category: dict
    by_fund: dict
    quarters: list
    total: Decimal


def _totals(figures: dict, projects: list) -> Totals:
    by_category: dict = defaultdict(_zero)
    by_fund: dict = defaultdict(_zero)
    quarters = [ZERO] * 4
    total = ZERO
    for project in projects:
        entry = figures.get(project.pk)
        if entry is None:
            continue
        total += entry.total
        for cat_id, amount in entry.by_category.items():
            by_category[cat_id] += amount
        for fund_id, amount in entry.by_fund.items():
            by_fund[fund_id] += amount
        for i, amount in enumerate(entry.quarters):
            quarters[i] += amount
    return Totals(dict(by_category), dict(by_fund), quarters, total)


def plan_figures(plan, projects: list) -> tuple[dict[int, ProjectFigures], dict, dict, Totals]:
    """`project_figures(plan)` for the listed projects, each project's figures kept in the
    cache between requests.

    A project's key is its (id, version, updated_at): each change to a project's activities,
    lines, factors or quarterly plan bumps its version (the editor's conflict check, imports
    and the admin depend on that too), so a changed project misses and only its figures are
    worked out again. The projects are read before the lines, so figures cached under a key
    are never older than it. Inside a transaction the data may still be rolled back (import
    previews, tests), so nothing is read from or written to the cache there. Category and
    fund-source names are reference data edited apart from projects: always read fresh."""
    if connection.in_atomic_block:
        figures, categories, funds = project_figures(plan)
        return figures, categories, funds, _totals(figures, projects)
    # The whole plan's figures and totals under one key while none of its projects changed
    # (one cache read), else each project's under its own (only the changed ones are read
    # again).
    stamp = "|".join(f"{p.pk}.{p.version}.{p.updated_at.isoformat()}" for p in projects)
    plan_key = (
        f"plan-figures:{connection.alias}:{plan.pk}:{hashlib.sha256(stamp.encode()).hexdigest()}"
    )
    entry = cache.get(plan_key)
    if entry is None:
        figures = _project_figures_cached(plan, projects)
        totals = _totals(figures, projects)
        entry = (figures, totals, set(totals.by_category), set(totals.by_fund))
        cache.set(plan_key, entry, CACHE_SECONDS)
    figures, totals, used_categories, used_funds = entry
    categories, funds = _refs(used_categories, used_funds)
    return defaultdict(ProjectFigures, figures), categories, funds, totals


def _project_figures_cached(plan, projects: list) -> dict[int, ProjectFigures]:
    keys = {
        p.pk: f"project-figures:{connection.alias}:{p.pk}:{p.version}:{p.updated_at.isoformat()}"
        for p in projects
    }
    found = cache.get_many(list(keys.values()))
    figures = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in figures]
    if missing:
        whole_plan = len(missing) > len(keys) // 2
        fresh, _, _ = _line_figures(*(_scope(plan) if whole_plan else _scope(None, missing)))
        for pk in missing:  # a project without lines is cached too (zero figures)
            figures[pk] = fresh.get(pk) or ProjectFigures()
        cache.set_many({keys[pk]: figures[pk] for pk in missing}, CACHE_SECONDS)
    return figures


def _decimal(value) -> Decimal:
    """A number as the database returned it (Decimal on PostgreSQL; int, float or text on
    SQLite) as an exact Decimal: floats through their shortest repr, as Django does."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _refs(category_ids: set, fund_ids: set) -> tuple[dict[int, Ref], dict[int, Ref]]:
    """The categories and fund sources used, in one query (reference data, a few rows)."""
    categories: dict[int, Ref] = {}
    funds: dict[int, Ref] = {}
    parts, params = [], []
    for kind, model, ids in (("c", BudgetCategory, category_ids), ("f", FundSource, fund_ids)):
        if ids:
            parts.append(
                f"SELECT '{kind}', id, name_th, short_th, {connection.ops.quote_name('order')} "
                f"FROM {model._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(ids))})"
            )
            params.extend(int(pk) for pk in ids)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, pk, name, short, order in cursor.fetchall():
                (categories if kind == "c" else funds)[pk] = Ref(pk, name, short, order)
    return categories, funds


def summarize(plan, projects: list) -> tuple[PlanSummary, dict[int, ProjectFigures], list[Ref]]:
    """`summarize_plan` from value rows; also each project's figures and the fund sources used
    (in their order), for the fund-split columns. `projects` need strategy, lead_unit, version
    and updated_at (the figures' cache key)."""
    figures, categories, funds, totals = plan_figures(plan, projects)
    strategies: dict = {s.pk: Bucket(s, str(s)) for s in plan.strategies.all()}
    groups: dict = {}
    for project in projects:
        entry = figures[project.pk]
        bucket = strategies.get(project.strategy_id)
        if bucket is None:
            bucket = strategies[project.strategy_id] = Bucket(
                project.strategy, str(project.strategy or "ไม่ระบุกลยุทธ์")
            )
        bucket.projects.append(project)
        bucket.total += entry.total
        group = groups.get(project.lead_unit_id)
        if group is None:
            group = groups[project.lead_unit_id] = Bucket(
                project.lead_unit, project.lead_unit.name_th
            )
        group.projects.append(project)
        group.total += entry.total
    summary = PlanSummary(
        plan=plan,
        projects=projects,
        strategies=list(strategies.values()),
        groups=sorted(groups.values(), key=lambda b: (b.key.sort_order, b.label)),
        categories=[
            Bucket(categories[pk], categories[pk].name_th, total=quantize(v))
            for pk, v in sorted(totals.by_category.items(), key=lambda kv: categories[kv[0]].order)
        ],
        fund_sources=[
            Bucket(funds[pk], funds[pk].name_th, total=quantize(v))
            for pk, v in sorted(totals.by_fund.items(), key=lambda kv: funds[kv[0]].order)
        ],
        quarters=[quantize(q) for q in totals.quarters],
        total=quantize(totals.total),
    )
    used_funds = [b.key for b in summary.fund_sources]
    return summary, figures, used_funds
