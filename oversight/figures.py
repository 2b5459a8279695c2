"""The roll-up above the offices: approved action plans of the covered offices, totalled by
office, strategy number, policy item, category and fund source — a fixed number of queries
whatever the number of offices (each a grouped aggregate in budgets.figures)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from actionplan.models import Office, Plan, PlanStatus, PlanType, PolicyItem
from budgets.figures import rollup, rollup_by_policy
from budgets.models import BudgetCategory, FundSource
from budgets.money import ZERO
from projects.models import Project


@dataclass
class OfficeRow:
    office: Office
    plan: Plan
    projects: int = 0
    total: Decimal = ZERO
    categories: dict[int, Decimal] = field(default_factory=dict)
    funds: dict[int, Decimal] = field(default_factory=dict)
    category_list: list[Decimal] = field(default_factory=list)  # in Rollup.categories' order
    fund_list: list[Decimal] = field(default_factory=list)


@dataclass
class Rollup:
    year_be: int
    offices: list[OfficeRow]
    categories: list[BudgetCategory]
    funds: list[FundSource]
    strategies: list[tuple[int | None, Decimal, dict[int, Decimal]]]  # number, total, by office
    policies: list[tuple[PolicyItem, Decimal, int]]  # item, budget behind it, offices serving it
    uncovered: list[Office]  # covered offices without an approved plan that year

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.offices), ZERO)

    @property
    def projects(self) -> int:
        return sum(row.projects for row in self.offices)


def covered_offices(user):
    coverage = getattr(user, "coverage", None)
    if coverage is None:
        return Office.objects.none()
    return coverage.office_queryset()


def build(user, year_be: int) -> Rollup:
    offices = list(covered_offices(user).order_by("code"))
    plans = {
        p.office_id: p
        for p in Plan.objects.filter(
            office__in=[o.pk for o in offices],
            fiscal_year__year_be=year_be,
            plan_type=PlanType.ACTION_PLAN,
            status=PlanStatus.APPROVED,
        ).select_related("fiscal_year")
    }
    plan_ids = [p.pk for p in plans.values()]
    lines = {"activity__project__plan__in": plan_ids, "activity__project__status": "approved"}
    cells = rollup(lines)
    by_policy = rollup_by_policy(lines)
    counts = dict(
        Project.objects.filter(plan__in=plan_ids, status="approved")
        .order_by()
        .values_list("plan__office_id")
        .annotate(n=Count("pk"))
    )
    by_office: dict = defaultdict(lambda: ZERO)
    by_category: dict = defaultdict(lambda: defaultdict(lambda: ZERO))  # office -> category
    by_fund: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    strategies: dict = defaultdict(lambda: [ZERO, defaultdict(lambda: ZERO)])
    for (office_id, number, category_id, fund_id), value in cells.items():
        by_office[office_id] += value
        by_category[office_id][category_id] += value
        by_fund[office_id][fund_id] += value
        strategies[number][0] += value
        strategies[number][1][office_id] += value
    rows = []
    for office in offices:
        plan = plans.get(office.pk)
        if plan is None:
            continue
        rows.append(
            OfficeRow(
                office=office,
                plan=plan,
                projects=counts.get(office.pk, 0),
                total=by_office[office.pk],
                categories=dict(by_category[office.pk]),
                funds=dict(by_fund[office.pk]),
            )
        )
    policy_totals: dict = defaultdict(lambda: [ZERO, set()])
    for (office_id, item_id), value in by_policy.items():
        policy_totals[item_id][0] += value
        policy_totals[item_id][1].add(office_id)
    items = PolicyItem.objects.filter(pk__in=list(policy_totals)).select_related("framework")
    categories = list(BudgetCategory.objects.filter(pk__in={k[2] for k in cells}))
    funds = list(FundSource.objects.filter(pk__in={k[3] for k in cells}))
    for row in rows:
        row.category_list = [row.categories.get(c.pk, ZERO) for c in categories]
        row.fund_list = [row.funds.get(s.pk, ZERO) for s in funds]
    return Rollup(
        year_be=year_be,
        offices=rows,
        categories=categories,
        funds=funds,
        strategies=sorted(
            ((n, total, per) for n, (total, per) in strategies.items()),
            key=lambda s: (s[0] is None, s[0] or 0),
        ),
        policies=sorted(
            ((item, *policy_totals[item.pk][:1], len(policy_totals[item.pk][1])) for item in items),
            key=lambda p: -p[1],
        ),
        uncovered=[o for o in offices if o.pk not in plans],
    )
