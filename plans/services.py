"""The whole plan: the director's approval of a plan (its frozen snapshot) and the office's
disbursement targets. Called through the module: `plan_services.approve_plan(plan=p, by=u)`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import Plan, PlanStatus, Role
from actionplan.services import DomainError
from budgets.figures import summarize
from plans.models import DisbursementTarget, PlanApproval
from projects import audit
from projects.models import Project, ProjectStatus
from projects.rollup import inclusion_strategies, strategy_sentence
from workflow.models import AmendmentRequest, AmendmentStatus
from workflow.services import NotAllowed, _print_source, hooked_source

# --- The whole plan --------------------------------------------------------------------------


def may_approve_plan(user, plan) -> bool:
    return bool(
        user.is_authenticated and user.office_id == plan.office_id and user.role == Role.DIRECTOR
    )


# Printing's hooks for a plan approval (filled by printing.apps.PrintingConfig.ready()).
PLAN_PRINT_SOURCE: list = []  # callables (plan) -> dict, the frozen final HTML of the book
PLAN_APPROVED: list = []  # callables (approval, by) -> None, run on commit (queue the book)


@transaction.atomic
def approve_plan(*, plan, by, expected_version: int | None = None) -> PlanApproval:
    """The director approves the whole plan: freeze texts, people and figures for printing."""

    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=plan.pk)
    if not may_approve_plan(by, plan):
        raise NotAllowed("ผู้อำนวยการเท่านั้นที่อนุมัติแผนทั้งฉบับได้")
    if plan.status == PlanStatus.APPROVED:
        raise DomainError("แผนนี้ได้รับการอนุมัติแล้ว ไม่มีการเปลี่ยนแปลงหลังการอนุมัติครั้งล่าสุด")
    if plan.status != PlanStatus.DRAFT:
        raise DomainError("แผนนี้เป็นแผนประวัติ อนุมัติไม่ได้")
    # Cancelled projects are not part of the approved plan (its totals and its documents).
    # Its own projects and those included from another plan of the office (listed under this
    # plan's strategy, as the book prints them).
    projects = list(
        audit.document_queryset().counted().in_plan(plan).order_by("strategy__number", "pk")
    )
    included = inclusion_strategies(plan)
    if included:
        strategies = {s.pk: s for s in plan.strategies.all()}
        for project in projects:
            if project.plan_id != plan.pk:
                project.strategy = strategies.get(included.get(project.pk))
    if not projects:
        raise DomainError("แผนนี้ยังไม่มีโครงการ")
    waiting = [p for p in projects if p.status != ProjectStatus.APPROVED]
    if waiting:
        raise DomainError(
            f"ยังอนุมัติแผนไม่ได้ มีโครงการที่ยังไม่ได้รับอนุมัติ {len(waiting)} โครงการ "
            f"เช่น “{waiting[0].name_th}” ({waiting[0].get_status_display()})"
        )
    if AmendmentRequest.objects.filter(project__plan=plan, status=AmendmentStatus.PENDING).exists():
        raise DomainError("ยังมีคำขอปรับแผนที่รอการพิจารณา กรุณาพิจารณาให้เสร็จก่อนอนุมัติแผน")
    expected = plan.version if expected_version is None else expected_version
    moved = Plan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT, version=expected).update(
        status=PlanStatus.APPROVED, version=F("version") + 1
    )
    if not moved:
        if Plan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED).exists():
            raise DomainError("แผนนี้ได้รับการอนุมัติไปแล้ว")
        raise DomainError("แผนถูกเปลี่ยนแปลงหลังจากที่ท่านเปิดหน้านี้ กรุณาตรวจสอบอีกครั้ง")
    now = timezone.now()
    data = plan_snapshot(plan, projects, by=by, at=now)
    approval = PlanApproval.objects.create(
        plan=plan,
        number=PlanApproval.objects.filter(plan=plan).count() + 1,
        approved_by=by,
        approver_name_th=by.display_name,
        approver_position_th=data["approver"]["position"],
        approved_at=now,
        data=data,
        sha256=audit.digest(data),
        ip_address=audit.current_ip(),
        print_source=_print_source(lambda: hooked_source(PLAN_PRINT_SOURCE, plan)),
    )
    # The official book is laid out by the task worker after commit (a minute for 150 projects).
    for hook in PLAN_APPROVED:
        transaction.on_commit(lambda hook=hook: hook(approval, by), robust=True)
    return approval


@in_thai  # stored with the approval and hashed: never in the approver's page language
def plan_snapshot(plan, projects: list[Project], *, by, at) -> dict:
    """Texts, people and figures of a plan as approved: what its official book prints."""

    def money(value) -> str:
        return thai.format_money(value, zero="0.00")

    summary, _, _ = summarize(plan, projects)
    direction: dict[str, list[str]] = {}
    for item in plan.direction_items.all():
        direction.setdefault(item.kind, []).append(item.text_th)
    strategies = [
        {
            "number": bucket.key.number if bucket.key else None,
            "title": str(bucket.key) if bucket.key else bucket.label,
            "sentence": strategy_sentence(bucket, money),
            "count": bucket.count,
            "total": money(bucket.total),
            "rows": [
                {
                    "number": i,
                    "project_id": p.pk,
                    "name": p.name_th,
                    "unit": p.lead_unit.name_th,
                    "total": money(p.budget_total()),
                    "funds": {s.name_th: money(v) for s, v in p.totals_by_fund_source().items()},
                }
                for i, p in enumerate(bucket.projects, start=1)
            ],
        }
        for bucket in summary.strategies
    ]
    office = plan.office
    position = by.person.position_th if by.person_id and by.person.position_th else ""
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.display_title,
            "office": office.name_th,
            "office_short": office.short_name_th,
            "fiscal_year": plan.fiscal_year.year_be,
            "vision": plan.vision_th,
            "values": plan.values_th,
            "foreword": plan.foreword_th,
            "foreword_signatory": plan.foreword_signatory_th,
            "context_intro": plan.context_intro_th,
            "management": plan.management_th,
            "direction": direction,
        },
        "approver": {
            "name": by.display_name,
            "position": position or f"ผู้อำนวยการ{office.name_th}",
            "approved_at": at.isoformat(),
        },
        "totals": summary.as_json(),
        "strategies": strategies,
        "groups": [
            {
                "name": b.label,
                "count": b.count,
                "total": money(b.total),
                "ceiling": money(b.key.budget_ceiling) if b.key.budget_ceiling is not None else "",
            }
            for b in summary.groups
        ],
        "projects": [audit.document(p) for p in projects],
    }


# --- Disbursement targets --------------------------------------------------------------------


@transaction.atomic
def set_disbursement_targets(*, office, fiscal_year, percents: list, by) -> DisbursementTarget:
    """The plan administrator sets the cumulative disbursement target (%) of each quarter."""
    if not (
        by.is_authenticated
        and by.office_id == office.pk
        and by.role in {Role.PLAN_ADMIN, Role.SYSADMIN}
    ):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่กำหนดเป้าหมายการเบิกจ่ายได้")
    if len(percents) != 4 or any(p is None or p < 0 or p > 100 for p in percents):
        raise DomainError("ร้อยละต้องอยู่ระหว่าง 0 ถึง 100 ครบทั้ง 4 ไตรมาส")
    if any(b < a for a, b in zip(percents, percents[1:], strict=False)):
        raise DomainError("เป้าหมายเป็นร้อยละสะสม ไตรมาสหลังต้องไม่น้อยกว่าไตรมาสก่อน")
    target, _ = DisbursementTarget.objects.update_or_create(
        office=office,
        fiscal_year=fiscal_year,
        defaults={
            "q1_pct": percents[0],
            "q2_pct": percents[1],
            "q3_pct": percents[2],
            "q4_pct": percents[3],
            "updated_by": by,
        },
    )
    return target
