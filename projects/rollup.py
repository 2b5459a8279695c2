"""Plan roll-ups computed from the model: per strategy, group, category, fund source, quarter.

Everything is summed in Python over prefetched rows, so a page or a command costs the same
few queries whatever the number of projects, and every total comes from the line amounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.money import ZERO, quantize
from projects.models import Project


@dataclass
class Bucket:
    """A labelled group of projects and their total."""

    key: object
    label: str
    projects: list = field(default_factory=list)
    total: Decimal = ZERO

    @property
    def count(self) -> int:
        return len(self.projects)


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


def plan_projects(plan, queryset=None) -> list[Project]:
    """The plan's projects with everything the totals need prefetched (fixed query count)."""
    qs = queryset if queryset is not None else Project.objects.all()
    return list(
        qs.filter(plan=plan)
        .select_related("strategy", "lead_unit", "plan__fiscal_year", "plan__office")
        .with_budget()
        .order_by("strategy__number", "pk")
    )


def summarize_plan(plan, projects: list[Project] | None = None) -> PlanSummary:
    """All roll-ups of a plan, from prefetched projects."""
    if projects is None:
        projects = plan_projects(plan)
    strategies: dict = {}
    for strategy in plan.strategies.all():
        strategies[strategy.pk] = Bucket(strategy, str(strategy))
    groups: dict = {}
    categories: dict = {}
    sources: dict = {}
    quarters = [ZERO] * 4
    total = ZERO
    for project in projects:
        project_total = project.budget_total()
        total += project_total
        s_bucket = strategies.setdefault(
            project.strategy_id, Bucket(project.strategy, str(project.strategy or "ไม่ระบุกลยุทธ์"))
        )
        s_bucket.projects.append(project)
        s_bucket.total += project_total
        g_bucket = groups.setdefault(
            project.lead_unit_id, Bucket(project.lead_unit, project.lead_unit.name_th)
        )
        g_bucket.projects.append(project)
        g_bucket.total += project_total
        for category, amount in project.totals_by_category().items():
            categories.setdefault(category.pk, Bucket(category, category.name_th)).total += amount
        for source, amount in project.totals_by_fund_source().items():
            sources.setdefault(source.pk, Bucket(source, source.name_th)).total += amount
        for i, amount in enumerate(project.quarter_totals()):
            quarters[i] += amount
    return PlanSummary(
        plan=plan,
        projects=projects,
        strategies=list(strategies.values()),
        groups=sorted(groups.values(), key=lambda b: (b.key.sort_order, b.label)),
        categories=sorted(categories.values(), key=lambda b: b.key.order),
        fund_sources=sorted(sources.values(), key=lambda b: b.key.order),
        quarters=[quantize(q) for q in quarters],
        total=quantize(total),
    )


def strategy_sentence(bucket: Bucket, money_formatter) -> str:
    """ "มีโครงการรองรับกลยุทธ์ที่ N จำนวน X โครงการ งบประมาณ Y บาท", generated, never typed."""
    strategy = bucket.key
    label = f"{strategy.label}ที่ {strategy.number}" if strategy else "ที่ไม่ระบุกลยุทธ์"
    return (
        f"มีโครงการรองรับ{label} จำนวน {bucket.count} โครงการ "
        f"งบประมาณ {money_formatter(bucket.total)} บาท"
    )
