"""Quarterly report rounds (issue 7): their labels, dates and due dates derived from the fiscal
year and the plan (never typed), what the plan administrator decided on them, and the round
to show first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from actionplan import thai
from monitoring.models import ReportRound, RoundStatus
from projects.models import EventAction, ProjectEvent

ROUNDS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Round:
    """A report round as pages and documents print it: labels, dates and whether it is closed."""

    number: int
    label: str  # "ไตรมาสที่ 2 รอบ 6 เดือน"
    period_label: str  # the quarter: "มกราคม 2566 - มีนาคม 2566"
    cumulative_label: str  # the whole period reported: "ตุลาคม 2565 - มีนาคม 2566"
    start: date
    end: date
    due_date: date
    status: str = RoundStatus.OPEN
    closed_at: datetime | None = None
    closed_by: str = ""
    derived_due_date: date | None = None  # the plan's rule, when the admin set another date
    reopened_at: datetime | None = None
    reopened_by: str = ""
    reopen_reason: str = ""

    @property
    def due_is_set(self) -> bool:
        """The plan administrator set this round's due date instead of the derived one."""
        return self.derived_due_date is not None

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED

    @property
    def status_label(self) -> str:
        return str(RoundStatus(self.status).label)

    def is_past_due(self, today: date) -> bool:
        return today > self.due_date


def due_date(plan, number: int) -> date:
    """Reports of a round are due the plan's number of days after its quarter ends."""
    end = thai.quarter_bounds(plan.fiscal_year.year_be, number)[1]
    return end + timedelta(days=plan.report_due_days)


def make_round(plan, number: int, row: ReportRound | None = None, digits="arabic") -> Round:
    """The round's labels and dates, derived from the fiscal year (R-D5: never typed); the due
    date is the one the plan administrator set for the round, if any, else the derived one."""
    period = thai.report_round(plan.fiscal_year.year_be, number, digits=digits)
    first, last = period.cumulative_start, period.end
    derived = due_date(plan, number)
    override = row.due_date_override if row else None
    return Round(
        number=number,
        label=period.label,
        period_label=period.period_label,
        cumulative_label=(
            f"{thai.format_month_year(first.year, first.month, digits=digits)} - "
            f"{thai.format_month_year(last.year, last.month, digits=digits)}"
        ),
        start=period.start,
        end=period.end,
        due_date=override or derived,
        status=row.status if row else RoundStatus.OPEN,
        closed_at=row.closed_at if row else None,
        closed_by=row.closed_by.display_name if row and row.closed_by_id else "",
        derived_due_date=derived if override else None,
        reopened_at=row.reopened_at if row else None,
        reopened_by=row.reopened_by.display_name if row and row.reopened_by_id else "",
        reopen_reason=row.reopen_reason_th if row else "",
    )


def plan_rounds(plan, digits="arabic") -> list[Round]:
    """The four rounds of a plan (one query for the rows that exist)."""
    rows = {
        r.number: r
        for r in ReportRound.objects.filter(plan=plan).select_related(
            "closed_by__person", "reopened_by__person"
        )
    }
    return [make_round(plan, n, rows.get(n), digits) for n in ROUNDS]


ROUND_ACTIONS = (EventAction.ROUND_CLOSE, EventAction.ROUND_REOPEN, EventAction.ROUND_DUE)


def round_events(plan, number: int, limit: int = 20) -> list[dict]:
    """The plan administrator's decisions on a round (closing, reopening, due date), newest
    first and each once: services record them in every monitored project's history at one
    timestamp, so identical rows are one decision."""
    return list(
        ProjectEvent.objects.filter(
            project__plan=plan, action__in=ROUND_ACTIONS, changes__round=number
        )
        .order_by("-at")
        .values("at", "action", "actor_name_th", "summary_th", "comment_th")
        .distinct()[:limit]
    )


def default_round(plan, today: date) -> int:
    """The round where the work is, which pages and the project's report button open first: the
    earliest round still open whose quarter has ended (its reports are being written or
    reviewed); when every ended round is closed, the next open one; when all are closed, the
    last. Before the first quarter ends, round 1."""
    year = plan.fiscal_year.year_be
    closed = set(
        ReportRound.objects.filter(plan=plan, status=RoundStatus.CLOSED).values_list(
            "number", flat=True
        )
    )
    ended = [n for n in ROUNDS if thai.quarter_bounds(year, n)[1] < today]
    for candidates in (
        [n for n in ended if n not in closed],
        [n for n in ROUNDS if n not in closed],
    ):
        if candidates:
            return candidates[0]
    return ROUNDS[-1]
