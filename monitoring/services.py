"""Services of quarterly monitoring (issue 7): a project's report of a round (save, send,
accept or return), closing and reopening rounds and their due dates, the plan's monitoring
settings and the yearly results of strategy KPIs.

Reports never write to the plan: no project, activity, line or quarterly-plan row and no
version is touched, so the approved figures and the printed plan stay as approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import Plan, Role, StrategyIndicator
from actionplan.services import DomainError
from budgets.money import money_sum
from monitoring import figures, rounds
from monitoring.models import (
    ActivityProgress,
    ActualSpending,
    IndicatorResult,
    ProjectReport,
    ReportRound,
    ReportStatus,
    RoundStatus,
    StrategyKPIResult,
)
from projects import audit
from projects.models import Activity, EventAction, Project, ProjectStatus
from workflow.services import NotAllowed, _load_for_transition, _same_office, notify_event


@dataclass
class ReportEntry:
    """A validated report form: a state per activity, cumulative spending per activity and
    category, a result per KPI, problems and suggestions."""

    problems: str
    suggestions: str
    states: dict[int, tuple[str, str]]
    spending: dict[tuple[int, int], Decimal]
    results: dict[int, tuple[Decimal | None, str, bool | None, str]]


def may_report(user, project: Project) -> bool:
    """The planners and the director of the project's lead group write its reports."""
    return (
        _same_office(user, project)
        and user.role in {Role.PLANNER, Role.GROUP_DIRECTOR}
        and user.org_unit_id == project.lead_unit_id
    )


def may_review_reports(user, plan) -> bool:
    """The plan administrator reviews reports, closes rounds and records strategy results."""
    return bool(
        user.is_authenticated
        and user.office_id == plan.office_id
        and user.role in {Role.PLAN_ADMIN, Role.SYSADMIN}
    )


def _report_url(report: ProjectReport) -> str:
    from django.urls import reverse

    return reverse("monitoring:report_edit", args=[report.project_id, report.round.number])


def _report_round(plan, number: int) -> ReportRound:
    if number not in rounds.ROUNDS:
        raise DomainError("รอบรายงานต้องเป็นรอบที่ 1 ถึง 4")
    report_round, _ = ReportRound.objects.get_or_create(plan=plan, number=number)
    return report_round


def _round_label(report_round: ReportRound) -> str:
    return thai.report_round(
        report_round.plan.fiscal_year.year_be, report_round.number, "arabic"
    ).label


def _load_report(pk: int) -> ProjectReport:
    return ProjectReport.objects.select_related(
        "round__plan__fiscal_year",
        "round__plan__office",
        "project__plan__office",
        "project__plan__fiscal_year",
        "project__lead_unit",
    ).get(pk=pk)


@transaction.atomic
def save_project_report(
    *,
    project: Project,
    number: int,
    entry: ReportEntry,
    by,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> ProjectReport:
    """The lead group records (or corrects) its draft report of a round for an approved project
    (`at`: when, default now; the demo loader dates its reports inside their fiscal year)."""
    project = _load_for_transition(project.pk, with_checks=False)
    if not may_report(by, project):
        raise NotAllowed("ผู้จัดทำและผู้อำนวยการกลุ่มที่รับผิดชอบโครงการเท่านั้นที่รายงานผลได้")
    if project.status != ProjectStatus.APPROVED:
        raise DomainError("รายงานผลได้เฉพาะโครงการที่ได้รับอนุมัติแล้ว")
    report_round = _report_round(project.plan, number)
    label = _round_label(report_round)
    if report_round.status == RoundStatus.CLOSED:
        raise DomainError(f"{label} ปิดรอบแล้ว จึงบันทึกรายงานไม่ได้")
    activity_ids = set(Activity.objects.filter(project=project).values_list("pk", flat=True))
    indicator_ids = set(project.indicators.values_list("pk", flat=True))
    if not set(entry.states) <= activity_ids or not {a for a, _ in entry.spending} <= activity_ids:
        raise DomainError("มีกิจกรรมที่ไม่ใช่ของโครงการนี้ในรายงาน")
    if not set(entry.results) <= indicator_ids:
        raise DomainError("มีตัวชี้วัดที่ไม่ใช่ของโครงการนี้ในรายงาน")
    if any(amount < 0 for amount in entry.spending.values()):
        raise DomainError("ผลการเบิกจ่ายต้องไม่ติดลบ")
    now = at or timezone.now()
    report, created = ProjectReport.objects.get_or_create(
        round=report_round,
        project=project,
        defaults={
            "updated_by": by,
            "problems_th": entry.problems,
            "suggestions_th": entry.suggestions,
        },
    )
    if created and at is not None:  # updated_at is auto_now: date a new report as asked
        ProjectReport.objects.filter(pk=report.pk).update(updated_at=now)
    if not created:
        expected = report.version if expected_version is None else expected_version
        claimed = ProjectReport.objects.filter(
            pk=report.pk, status=ReportStatus.DRAFT, version=expected
        ).update(
            version=F("version") + 1,
            updated_by=by,
            updated_at=now,
            problems_th=entry.problems,
            suggestions_th=entry.suggestions,
        )
        if not claimed:
            report.refresh_from_db()
            if report.status != ReportStatus.DRAFT:
                raise DomainError(
                    f"รายงานนี้อยู่ในสถานะ “{report.get_status_display()}” แล้ว จึงแก้ไขไม่ได้ "
                    "(ผู้ดูแลแผนส่งกลับให้แก้ไขได้)"
                )
            raise DomainError(
                "รายงานนี้ถูกบันทึกโดยผู้อื่นหลังจากที่ท่านเปิดหน้านี้ ระบบจึงยังไม่บันทึกข้อมูลของท่าน กรุณาเปิดหน้ารายงานใหม่"
            )
        report.refresh_from_db()
    others = [r for r in figures.project_reports(project) if r.pk != report.pk]
    errors = figures.spending_errors(figures.spending_bounds(others, number), entry.spending)
    if errors:
        raise DomainError(next(iter(errors.values())))
    titles = dict(Activity.objects.filter(project=project).values_list("pk", "title_th"))
    ActivityProgress.objects.filter(report=report).delete()
    ActivityProgress.objects.bulk_create(
        ActivityProgress(report=report, activity_id=a, state=state, note_th=note)
        for a, (state, note) in entry.states.items()
    )
    # Rows of an activity an amendment removed stay (activity NULL): that money was spent.
    ActualSpending.objects.filter(report=report, activity__isnull=False).delete()
    ActualSpending.objects.bulk_create(
        ActualSpending(
            report=report,
            activity_id=a,
            activity_title_th=titles[a],
            category_id=c,
            amount=amount,
        )
        for (a, c), amount in entry.spending.items()
        if amount
    )
    IndicatorResult.objects.filter(report=report).delete()
    IndicatorResult.objects.bulk_create(
        IndicatorResult(
            report=report,
            indicator_id=i,
            actual_value=value,
            actual_text_th=text,
            judged_met=met,
            note_th=note,
        )
        for i, (value, text, met, note) in entry.results.items()
        if value is not None or text or met is not None or note
    )
    spent = money_sum(entry.spending.values())
    audit.record(
        project,
        by=by,
        action=EventAction.REPORT_SAVE,
        summary_th=f"บันทึกรายงานผล{label}: ผลการเบิกจ่ายสะสม {thai.format_money(spent, zero='0.00')} บาท",
        changes={"report": report.pk, "round": number},
        at=now,
    )
    return report


@transaction.atomic
def submit_project_report(
    *, report: ProjectReport, by, expected_version: int | None = None, at: datetime | None = None
) -> ProjectReport:
    """The lead group sends its report of a round to the plan administrator."""
    report = _load_report(report.pk)
    project = report.project
    label = _round_label(report.round)
    if not may_report(by, project):
        raise NotAllowed("ผู้จัดทำและผู้อำนวยการกลุ่มที่รับผิดชอบโครงการเท่านั้นที่ส่งรายงานผลได้")
    if report.round.status == RoundStatus.CLOSED:
        raise DomainError(f"{label} ปิดรอบแล้ว จึงส่งรายงานไม่ได้")
    expected = report.version if expected_version is None else expected_version
    now = at or timezone.now()
    moved = ProjectReport.objects.filter(
        pk=report.pk, status=ReportStatus.DRAFT, version=expected
    ).update(
        status=ReportStatus.SUBMITTED,
        version=F("version") + 1,
        submitted_by=by,
        submitted_at=now,
    )
    if not moved:
        report.refresh_from_db()
        if report.status != ReportStatus.DRAFT:
            raise DomainError("รายงานนี้ถูกส่งไปแล้ว")
        raise DomainError("รายงานถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้ กรุณาตรวจสอบแล้วส่งอีกครั้ง")
    event = audit.record(
        project,
        by=by,
        action=EventAction.REPORT_SUBMIT,
        summary_th=f"ส่งรายงานผล{label}",
        changes=_report_status_changes(report, ReportStatus.DRAFT, ReportStatus.SUBMITTED),
        at=now,
    )
    notify_event(event, project=project, url=_report_url(report))
    report.refresh_from_db()
    return report


@in_thai
def _report_status_changes(report: ProjectReport, before: str, after: str) -> dict:
    """The status change in the history's shape, tagged with the report and its round."""
    return {
        "report": report.pk,
        "round": report.round.number,
        "fields": [
            {
                "label": "สถานะรายงานผล",
                "before": str(ReportStatus(before).label),
                "after": str(ReportStatus(after).label),
            }
        ],
        "rows": [],
        "total": None,
    }


@transaction.atomic
def review_project_report(
    *, report: ProjectReport, by, accept: bool, comment: str = "", at: datetime | None = None
) -> ProjectReport:
    """The plan administrator accepts a sent report, or returns it to the group with a comment."""
    report = _load_report(report.pk)
    project = report.project
    label = _round_label(report.round)
    if not may_review_reports(by, report.round.plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่ตรวจรายงานผลได้")
    if report.round.status == RoundStatus.CLOSED:
        raise DomainError(f"{label} ปิดรอบแล้ว")
    if not accept and not comment.strip():
        raise DomainError("กรุณาระบุสิ่งที่ต้องแก้ไขเมื่อส่งรายงานกลับ")
    source = [ReportStatus.SUBMITTED] if accept else [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
    target = ReportStatus.ACCEPTED if accept else ReportStatus.DRAFT
    now = at or timezone.now()
    moved = ProjectReport.objects.filter(pk=report.pk, status__in=source).update(
        status=target,
        version=F("version") + 1,
        reviewed_by=by,
        reviewed_at=now,
        review_comment_th=comment.strip(),
    )
    if not moved:
        report.refresh_from_db()
        raise DomainError(
            f"รายงานนี้อยู่ในสถานะ “{report.get_status_display()}” จึง"
            + ("รับรายงานไม่ได้" if accept else "ส่งกลับไม่ได้")
        )
    event = audit.record(
        project,
        by=by,
        action=EventAction.REPORT_ACCEPT if accept else EventAction.REPORT_RETURN,
        summary_th=f"{'รับ' if accept else 'ส่งกลับให้แก้ไข '}รายงานผล{label}",
        comment_th=comment.strip(),
        changes=_report_status_changes(report, report.status, target),
        at=now,
    )
    notify_event(event, project=project, url=_report_url(report))
    report.refresh_from_db()
    return report


@transaction.atomic
def close_report_round(*, plan, number: int, by, at: datetime | None = None) -> ReportRound:
    """The plan administrator closes a round: its reports can no longer change. Reports still
    missing stay missing (and late); each monitored project's history records the closing."""
    if not may_review_reports(by, plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่ปิดรอบรายงานได้")
    report_round = _report_round(plan, number)
    label = _round_label(report_round)
    now = at or timezone.now()
    closed = ReportRound.objects.filter(pk=report_round.pk, status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED, closed_by=by, closed_at=now
    )
    if not closed:
        raise DomainError(f"{label} ปิดรอบไปแล้ว")
    projects = list(figures.monitored_projects(plan).select_related("plan").order_by("pk"))
    sent = ProjectReport.objects.filter(round=report_round, status__in=figures.SENT).count()
    audit.record_bulk(
        projects,
        by=by,
        action=EventAction.ROUND_CLOSE,
        summary_th=f"ปิดรอบรายงานผล{label} (ส่งรายงานแล้ว {sent} จาก {len(projects)} โครงการ)",
        details={"round": number},
        at=now,
    )
    report_round.refresh_from_db()
    return report_round


@transaction.atomic
def reopen_report_round(*, plan, number: int, reason: str, by) -> ReportRound:
    """The plan administrator reopens a closed round with a required reason: groups may again
    save and send its reports, and sent ones may be returned for correction. Each monitored
    project's history records the reopening and its reason, like the closing."""
    if not may_review_reports(by, plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่เปิดรอบรายงานอีกครั้งได้")
    reason = reason.strip()
    if not reason:
        raise DomainError("กรุณาระบุเหตุผลที่เปิดรอบรายงานอีกครั้ง")
    report_round = _report_round(plan, number)
    label = _round_label(report_round)
    now = timezone.now()
    reopened = ReportRound.objects.filter(pk=report_round.pk, status=RoundStatus.CLOSED).update(
        status=RoundStatus.OPEN,
        closed_by=None,
        closed_at=None,
        reopened_by=by,
        reopened_at=now,
        reopen_reason_th=reason,
    )
    if not reopened:
        raise DomainError(f"{label} ยังเปิดรับรายงานอยู่ จึงไม่ต้องเปิดอีกครั้ง")
    projects = list(figures.monitored_projects(plan).select_related("plan").order_by("pk"))
    audit.record_bulk(
        projects,
        by=by,
        action=EventAction.ROUND_REOPEN,
        summary_th=f"เปิดรอบรายงานผล{label}อีกครั้ง",
        details={"round": number},
        comment_th=reason,
    )
    report_round.refresh_from_db()
    return report_round


@transaction.atomic
def set_round_due_date(
    *, plan, number: int, due_date: date | None, by, reason: str = "", at: datetime | None = None
) -> ReportRound:
    """The plan administrator sets a round's due date instead of the derived one (None: back to
    the plan's rule). Late reports and alerts follow it; each monitored project's history
    records the change."""
    if not may_review_reports(by, plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่กำหนดวันส่งรายงานได้")
    report_round = _report_round(plan, number)
    label = _round_label(report_round)
    quarter_end = thai.quarter_bounds(plan.fiscal_year.year_be, number)[1]
    if due_date is not None and not quarter_end <= due_date <= quarter_end + timedelta(days=365):
        raise DomainError(
            f"กำหนดส่งรายงานผล{label} ต้องอยู่ระหว่างวันสิ้นไตรมาส "
            f"({thai.format_thai_date(quarter_end, digits='arabic')}) ถึงหนึ่งปีหลังจากนั้น"
        )
    before = rounds.make_round(plan, number, report_round).due_date
    after = due_date or rounds.due_date(plan, number)
    if due_date == report_round.due_date_override:
        raise DomainError(f"กำหนดส่งรายงานผล{label} เป็นวันนี้อยู่แล้ว")
    ReportRound.objects.filter(pk=report_round.pk).update(due_date_override=due_date)
    projects = list(figures.monitored_projects(plan).select_related("plan").order_by("pk"))
    rule = "" if due_date else " (ตามจำนวนวันหลังสิ้นไตรมาสที่ตั้งไว้ในแผน)"
    audit.record_bulk(
        projects,
        by=by,
        action=EventAction.ROUND_DUE,
        summary_th=(
            f"กำหนดส่งรายงานผล{label} เป็น {thai.format_thai_date(after, digits='arabic')}{rule} "
            f"(เดิม {thai.format_thai_date(before, digits='arabic')})"
        ),
        details={
            "round": number,
            "before": before.isoformat(),
            "after": after.isoformat(),
        },
        comment_th=reason.strip(),
        at=at,
    )
    report_round.refresh_from_db()
    return report_round


@transaction.atomic
def set_monitoring_settings(*, plan, due_days: int, margin_pct: Decimal, by):
    """The plan administrator sets when reports are due and the spending margin of the alerts."""
    if not may_review_reports(by, plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่กำหนดค่าการติดตามผลได้")
    if not 0 <= due_days <= 90:
        raise DomainError("กำหนดส่งรายงานต้องอยู่ระหว่าง 0 ถึง 90 วันหลังสิ้นไตรมาส")
    if not 0 <= margin_pct <= 100:
        raise DomainError("ร้อยละต้องอยู่ระหว่าง 0 ถึง 100")
    Plan.objects.filter(pk=plan.pk).update(report_due_days=due_days, spending_margin_pct=margin_pct)
    plan.report_due_days, plan.spending_margin_pct = due_days, margin_pct
    return plan


@transaction.atomic
def record_strategy_results(*, plan, values: dict, by) -> int:
    """The plan administrator records this year's actual value of each strategy KPI
    ({indicator id: (value or None, note)}); an empty value removes the year's result."""

    if not may_review_reports(by, plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่บันทึกผลตัวชี้วัดกลยุทธ์ได้")
    year = plan.fiscal_year.year_be
    known = set(StrategyIndicator.objects.filter(strategy__plan=plan).values_list("pk", flat=True))
    if not set(values) <= known:
        raise DomainError("มีตัวชี้วัดที่ไม่ใช่ของแผนนี้")
    existing = {
        r.indicator_id: r
        for r in StrategyKPIResult.objects.filter(indicator_id__in=values, year_be=year)
    }
    now = timezone.now()
    StrategyKPIResult.objects.filter(
        pk__in=[
            existing[i].pk for i, (value, _) in values.items() if value is None and i in existing
        ]
    ).delete()
    new, changed = [], []
    for indicator_id, (value, note) in values.items():
        if value is None:
            continue
        row = existing.get(indicator_id)
        if row is None:
            new.append(
                StrategyKPIResult(
                    indicator_id=indicator_id,
                    year_be=year,
                    actual_value=value,
                    note_th=note,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif (row.actual_value, row.note_th) != (value, note):
            row.actual_value, row.note_th, row.recorded_by, row.recorded_at = value, note, by, now
            changed.append(row)
    StrategyKPIResult.objects.bulk_create(new)
    StrategyKPIResult.objects.bulk_update(
        changed, ["actual_value", "note_th", "recorded_by", "recorded_at"]
    )
    return len(new) + len(changed)
