"""Plan helpers that are not money: the plan's projects prefetched, the strategy sentence.

The roll-up totals are budgets.figures (one ORM aggregate path).
"""

from __future__ import annotations

from budgets.figures import Bucket
from projects.models import Project


def plan_projects(plan, queryset=None, *, cancelled: bool = False) -> list[Project]:
    """The plan's projects with everything the totals need prefetched (fixed query count).
    Cancelled projects count nowhere, so they are left out unless `cancelled` (the book, which
    may print them marked ยกเลิก)."""
    qs = queryset if queryset is not None else Project.objects.all()
    if not cancelled:
        qs = qs.counted()
    return list(
        qs.filter(plan=plan)
        .select_related("strategy", "lead_unit", "plan__fiscal_year", "plan__office")
        .with_budget()
        .order_by("strategy__number", "pk")
    )


def strategy_sentence(bucket: Bucket, money_formatter) -> str:
    """ "มีโครงการรองรับกลยุทธ์ที่ N จำนวน X โครงการ งบประมาณ Y บาท", generated, never typed."""
    strategy = bucket.key
    label = f"{strategy.label}ที่ {strategy.number}" if strategy else "ที่ไม่ระบุกลยุทธ์"
    return (
        f"มีโครงการรองรับ{label} จำนวน {bucket.count} โครงการ "
        f"งบประมาณ {money_formatter(bucket.total)} บาท"
    )
