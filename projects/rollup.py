"""Plan helpers that are not money: the plan's projects prefetched, the strategy sentence.

The roll-up totals are budgets.figures (one ORM aggregate path).
"""

from __future__ import annotations

from budgets.figures import Bucket
from projects.models import PlanInclusion, Project


def inclusion_strategies(plan) -> dict[int, int | None]:
    """{project id: the strategy it is listed under in `plan`} of the projects included in
    `plan` from another plan (one query)."""
    return dict(PlanInclusion.objects.filter(plan=plan).values_list("project_id", "strategy_id"))


def plan_projects(plan, queryset=None, *, cancelled: bool = False) -> list[Project]:
    """The plan's projects, its own and those included from another plan (each once), with
    everything the totals need prefetched (fixed query count). An included project is listed
    under the strategy the inclusion names (set on the instance, never saved) and carries
    `included_from` (its own plan); an own project's is None.
    Cancelled projects count nowhere, so they are left out unless `cancelled` (the book, which
    may print them marked ยกเลิก)."""
    qs = queryset if queryset is not None else Project.objects.all()
    if not cancelled:
        qs = qs.counted()
    projects = list(
        qs.in_plan(plan)
        .select_related("strategy", "lead_unit", "plan__fiscal_year", "plan__office")
        .with_budget()
        .order_by("strategy__number", "pk")
    )
    included = inclusion_strategies(plan) if any(p.plan_id != plan.pk for p in projects) else {}
    strategies = {s.pk: s for s in plan.strategies.all()} if included else {}
    for project in projects:
        project.included_from = None
        if project.plan_id != plan.pk:
            project.included_from = project.plan
            project.strategy = strategies.get(included.get(project.pk))
    if included:
        number = {None: 0} | {pk: s.number for pk, s in strategies.items()}
        projects.sort(key=lambda p: (number.get(p.strategy_id, 0), p.pk))
    return projects


def strategy_sentence(bucket: Bucket, money_formatter) -> str:
    """ "มีโครงการรองรับกลยุทธ์ที่ N จำนวน X โครงการ งบประมาณ Y บาท", generated, never typed."""
    strategy = bucket.key
    label = f"{strategy.label}ที่ {strategy.number}" if strategy else "ที่ไม่ระบุกลยุทธ์"
    return (
        f"มีโครงการรองรับ{label} จำนวน {bucket.count} โครงการ "
        f"งบประมาณ {money_formatter(bucket.total)} บาท"
    )
