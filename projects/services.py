"""Services that write projects: the editor's save, copy forward, the approval workflow,
amendments (ปรับแผน), plan approval, disbursement targets and quarterly monitoring reports.

Every write is a fixed number of bulk queries, whatever the number of rows, and is guarded by a
conditional UPDATE with a version check that works the same on SQLite and PostgreSQL (row locks
alone do nothing on SQLite). Each service writes its audit record in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import PlanStatus, Role
from actionplan.services import DomainError
from budgets import services as budget_services
from budgets.models import ActualSpending, BudgetLine, QuarterAllocation
from budgets.money import money_sum
from indicators.models import IndicatorResult, ProjectIndicator, StrategyKPIResult
from projects import audit, checks, monitoring
from projects.models import (
    Activity,
    ActivityProgress,
    AmendmentRequest,
    AmendmentStatus,
    DisbursementTarget,
    EventAction,
    Notification,
    PlanApproval,
    Project,
    ProjectEvent,
    ProjectItem,
    ProjectPerson,
    ProjectReport,
    ProjectSignature,
    ProjectSnapshot,
    ProjectStatus,
    ProjectType,
    ReportRound,
    ReportStatus,
    RoundStatus,
    SignatureRole,
)

logger = logging.getLogger(__name__)


class EditConflict(DomainError):
    """Somebody saved the project, or moved it on in the workflow, after this editor was opened."""

    def __init__(self, *, changed_by: str, changed_at: datetime | None, status_label: str = ""):
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.status_label = status_label
        when = ""
        if changed_at:
            local = timezone.localtime(changed_at)
            when = f"{thai.format_thai_date(local.date(), 'abbr', 'arabic')} {local:%H:%M}"
        if status_label:
            what = f"โครงการนี้ถูกเปลี่ยนเป็นสถานะ “{status_label}” โดย {changed_by} เมื่อ {when} น."
            then = "จึงแก้ไขในหน้านี้ไม่ได้แล้ว ระบบยังไม่บันทึกข้อมูลของท่าน"
        else:
            what = f"โครงการนี้ถูกแก้ไขโดย {changed_by} เมื่อ {when} น."
            then = "ระบบจึงยังไม่บันทึกข้อมูลของท่าน"
        super().__init__(
            f"{what} หลังจากที่ท่านเปิดหน้านี้ {then} ข้อมูลที่ท่านกรอกยังอยู่บนหน้าจอ "
            "กรุณาเปิดโครงการในแท็บใหม่เพื่อดูฉบับล่าสุด แล้วนำการแก้ไขของท่านไปใส่อีกครั้ง"
        )


def edit_conflict(*, project: Project) -> EditConflict:
    """Why an editor opened on this project can no longer save: who changed it, when, and
    the status it is in now when it has left draft."""
    current = Project.objects.select_related("updated_by__person").get(pk=project.pk)
    if current.status != ProjectStatus.DRAFT:
        event = ProjectEvent.objects.filter(project_ref=project.pk).order_by("-at", "-pk").first()
        return EditConflict(
            changed_by=(event.actor_name_th if event else "") or "ผู้ใช้อื่น",
            changed_at=event.at if event else current.updated_at,
            status_label=str(current.get_status_display()),
        )
    who = current.updated_by.display_name if current.updated_by else "ผู้ใช้อื่น"
    return EditConflict(changed_by=who, changed_at=current.updated_at)


@dataclass
class EditorData:
    """The validated editor: the header form and the four formsets."""

    form: object
    people: object
    activities: object
    lines: object
    indicators: object

    @property
    def formsets(self) -> list:
        return [self.people, self.activities, self.lines, self.indicators]

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(fs.total_error_count() for fs in self.formsets)


HEADER_FIELDS = [
    "name_th",
    "code",
    "programme",
    "strategy",
    "lead_unit",
    "project_type",
    "start_date",
    "end_date",
    "location_th",
    "rationale_th",
    "target_groups_th",
    "allow_reallocation",
]


@transaction.atomic
def save_project(*, project: Project | None, plan, data: EditorData, by) -> Project:
    """Create or update a draft project and all its rows from the validated editor."""
    cleaned = data.form.cleaned_data
    if project is None:
        before = None
        project = Project(plan=plan, status=ProjectStatus.DRAFT, version=1)
    else:
        before = _document_before(project)
        _claim_version(project, expected=cleaned.get("version"), by=by)
        project.version = (cleaned.get("version") or 0) + 1
    for field in HEADER_FIELDS:
        # A disabled field (a planner's own group) is set on creation and never changed.
        if field in cleaned and (project.pk is None or not data.form.fields[field].disabled):
            setattr(project, field, cleaned[field])
    project.updated_by = by
    project.save()
    project.alignments.set(cleaned.get("alignments") or [])
    project.co_units.set(cleaned.get("co_units") or [])
    _save_items(project, data.form.item_texts())
    _save_people(project, data.people)
    activities = _save_activities(project, data.activities)
    _save_lines(project, data.lines, activities)
    _save_indicators(project, data.indicators)
    if before is None:
        _reopen_plan_if_approved(plan)
    audit.record_change(
        project,
        by=by,
        before=before,
        after=audit.load_document(project.pk),
        action=EventAction.CREATE if before is None else EventAction.UPDATE,
    )
    return project


def _document_before(project: Project) -> dict:
    """The document as the editor loaded it: from its prefetched rows when it has them (the
    version check below guarantees nobody saved since), else from a fresh fixed-query load."""
    cache = getattr(project, "_prefetched_objects_cache", {})
    if not {"activities", "items", "people", "indicators", "co_units", "alignments"} <= set(cache):
        return audit.load_document(project.pk)
    # The bound ModelForm has already written the new header values onto `project`; read the
    # header again and keep the prefetched rows, which the form does not touch.
    stored = Project.objects.select_related(
        "plan__fiscal_year", "plan__office", "strategy", "lead_unit", "programme"
    ).get(pk=project.pk)
    stored._prefetched_objects_cache = cache
    return audit.document(stored)


def _reopen_plan_if_approved(plan) -> None:
    """A new project or an amendment puts an approved plan back under revision (new version)."""
    from actionplan.models import Plan

    Plan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED).update(
        status=PlanStatus.DRAFT, version=F("version") + 1
    )


def _claim_version(project: Project, *, expected: int | None, by) -> None:
    """Bump the version only if nobody saved since the editor was opened (optimistic lock)."""
    claimed = Project.objects.filter(
        pk=project.pk, version=expected, status=ProjectStatus.DRAFT
    ).update(version=F("version") + 1, updated_by=by, updated_at=timezone.now())
    if claimed:
        return
    raise edit_conflict(project=project)


def _save_items(project: Project, texts: dict[str, list[str]]) -> None:
    ProjectItem.objects.filter(project=project).delete()
    ProjectItem.objects.bulk_create(
        ProjectItem(project=project, kind=kind, order=i, text_th=text)
        for kind, lines in texts.items()
        for i, text in enumerate(lines, start=1)
    )


def _save_people(project: Project, formset) -> None:
    ProjectPerson.objects.filter(project=project).delete()
    ProjectPerson.objects.bulk_create(
        ProjectPerson(
            project=project,
            person=form.cleaned_data.get("person"),
            order=i,
            name_th=form.cleaned_data["name_th"],
            position_th=form.cleaned_data.get("position_th", ""),
        )
        for i, form in enumerate(formset.live_forms(), start=1)
    )


def _removed_ids(formset) -> set[int]:
    """Saved rows the user removed explicitly (the row's remove button ticks DELETE)."""
    removed = set()
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            raw = form["id"].value()
            if raw not in (None, ""):
                try:
                    removed.add(int(raw))
                except (TypeError, ValueError):
                    pass
    return removed


def _sync(model, existing: dict, rows: list, fields: list[str], removed_ids: set) -> None:
    """Create new rows, update posted ones and delete only those removed explicitly: a saved
    row missing from the POST (a stale or broken page) is kept, never lost. Three queries."""
    model.objects.filter(pk__in=set(existing) & removed_ids).delete()
    new = [row for row in rows if row.pk is None]
    old = [row for row in rows if row.pk is not None]
    if new:
        model.objects.bulk_create(new)
    if old:
        model.objects.bulk_update(old, fields)


def _save_activities(project: Project, formset) -> list[Activity]:
    existing = {a.pk: a for a in Activity.objects.filter(project=project)}
    activities = []
    for i, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            activities.append(None)
            continue
        cd = form.cleaned_data
        if not cd:
            activities.append(None)
            continue
        activity = existing.get(cd.get("id")) or Activity(project=project)
        activity.order = i
        activity.parent = None
        for field in (
            "title_th",
            "steps_th",
            "period_th",
            "location_th",
            "responsible_th",
            "target_group_th",
        ):
            setattr(activity, field, cd.get(field, ""))
        activity.months = sorted(cd.get("months") or [])
        activity.is_sub = cd.get("is_sub", False)
        activity.quarter_values = form.quarters()
        activities.append(activity)
    live = [a for a in activities if a is not None]
    fields = [
        "order",
        "title_th",
        "steps_th",
        "period_th",
        "location_th",
        "responsible_th",
        "target_group_th",
        "months",
    ]
    _sync(Activity, existing, live, fields, _removed_ids(formset))
    _assign_parents(live)
    QuarterAllocation.objects.filter(activity__project=project).delete()
    QuarterAllocation.objects.bulk_create(
        QuarterAllocation(activity=a, quarter=q, amount=amount)
        for a in live
        for q, amount in enumerate(a.quarter_values, start=1)
        if amount
    )
    return activities


def _assign_parents(activities: list[Activity]) -> None:
    """A sub-activity belongs to the nearest main activity above it; order restarts under it."""
    parent, top_order, child_order = None, 0, 0
    for activity in activities:
        if activity.is_sub and parent is not None:
            child_order += 1
            activity.parent, activity.order = parent, child_order
        else:
            top_order += 1
            parent, child_order = activity, 0
            activity.parent, activity.order = None, top_order
    Activity.objects.bulk_update(activities, ["parent", "order"])


def _save_lines(project: Project, formset, activities: list[Activity | None]) -> None:
    existing = {line.pk: line for line in BudgetLine.objects.filter(activity__project=project)}
    lines = []
    for form in formset.live_forms():
        cd = form.cleaned_data
        ref = cd.get("activity_ref")
        activity = activities[ref] if ref is not None and ref < len(activities) else None
        if activity is None:
            continue  # its activity was removed in the same save
        line = existing.get(cd.get("id")) or BudgetLine()
        line.activity = activity
        line.description_th = cd["description_th"]
        line.category = cd["category"]
        line.fund_source = cd["fund_source"]
        parsed = cd.get("parsed")
        line.plain_amount = None if parsed else cd.get("plain_amount")
        line.declared_amount = parsed.declared if parsed else None
        line.formula_note_th = ""
        line.parsed = parsed
        budget_services.stamp_amount(line, parsed.factors if parsed else ())
        lines.append(line)
    for order, line in enumerate(lines, start=1):
        line.order = order
    fields = [
        "activity",
        "order",
        "description_th",
        "category",
        "fund_source",
        "plain_amount",
        "declared_amount",
        "formula_note_th",
        "amount",
    ]
    _sync(BudgetLine, existing, lines, fields, _removed_ids(formset))
    # Factors are rewritten for the posted lines only: a saved line the page did not send keeps
    # its formula (its activity's removal, if explicit, deleted it with its factors).
    budget_services.write_factors(
        [(line, line.parsed.factors if line.parsed else ()) for line in lines]
    )


def _save_indicators(project: Project, formset) -> None:
    existing = {i.pk: i for i in ProjectIndicator.objects.filter(project=project)}
    rows = []
    fields = [
        "result_level",
        "measure_type",
        "text_th",
        "comparator",
        "target_value",
        "target_unit_th",
        "target_text_th",
        "method_th",
        "tool_th",
    ]
    for order, form in enumerate(formset.live_forms(), start=1):
        cd = form.cleaned_data
        row = existing.get(cd.get("id")) or ProjectIndicator(project=project)
        row.order = order
        for field in fields:
            setattr(row, field, cd.get(field) if field == "target_value" else cd.get(field, ""))
        rows.append(row)
    _sync(ProjectIndicator, existing, rows, ["order", *fields], _removed_ids(formset))


def _shift_years(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def copy_project(*, source: Project, plan, strategy, by) -> Project:
    """Copy a project into another year's plan as a continuing draft, dates moved by the years;
    the rationale gains a paragraph of last year's results when the project reported any."""
    years = plan.fiscal_year.year_be - source.plan.fiscal_year.year_be
    results = monitoring.year_end_summary(source)
    rationale = source.rationale_th
    if results is not None:
        rationale = f"{rationale.rstrip()}\n\n{monitoring.year_end_text(results)}".lstrip()
    copy = Project.objects.create(
        plan=plan,
        name_th=source.name_th,
        code="",
        programme=source.programme,
        strategy=strategy,
        lead_unit=source.lead_unit,
        project_type=ProjectType.CONTINUING,
        start_date=_shift_years(source.start_date, years),
        end_date=_shift_years(source.end_date, years),
        location_th=source.location_th,
        rationale_th=rationale,
        target_groups_th=source.target_groups_th,
        allow_reallocation=source.allow_reallocation,
        copied_from=source,
        updated_by=by,
    )
    copy.co_units.set(source.co_units.all())
    copy.alignments.set(source.alignments.all())
    ProjectItem.objects.bulk_create(
        ProjectItem(project=copy, kind=i.kind, order=i.order, text_th=i.text_th)
        for i in source.items.all()
    )
    ProjectPerson.objects.bulk_create(
        ProjectPerson(
            project=copy,
            person=p.person,
            order=p.order,
            name_th=p.name_th,
            position_th=p.position_th,
        )
        for p in source.people.all()
    )
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(
            project=copy,
            order=i.order,
            result_level=i.result_level,
            measure_type=i.measure_type,
            text_th=i.text_th,
            comparator=i.comparator,
            target_value=i.target_value,
            target_unit_th=i.target_unit_th,
            target_text_th=i.target_text_th,
            method_th=i.method_th,
            tool_th=i.tool_th,
        )
        for i in source.indicators.all()
    )
    _copy_activities(source, copy)
    _reopen_plan_if_approved(plan)
    audit.record(
        copy,
        by=by,
        action=EventAction.COPY,
        summary_th=(
            f"คัดลอกจากโครงการ “{source.name_th}” ปีงบประมาณ {source.plan.fiscal_year.year_be} "
            "เป็นโครงการต่อเนื่อง"
        ),
        changes={"source_project": source.pk},
    )
    return copy


@transaction.atomic
def delete_project(*, project: Project, by) -> None:
    """Delete a draft that was never approved; the audit record keeps its name and contents."""
    if project.status != ProjectStatus.DRAFT:
        raise DomainError("ลบได้เฉพาะโครงการที่อยู่ในสถานะร่าง")
    if ProjectSnapshot.objects.filter(project=project).exists():
        raise DomainError("โครงการนี้เคยได้รับอนุมัติแล้ว จึงลบไม่ได้ (เก็บไว้เป็นหลักฐาน)")
    before = audit.load_document(project.pk)
    audit.record(
        project,
        by=by,
        action=EventAction.DELETE,
        summary_th=f"ลบโครงการ “{project.name_th}” งบประมาณ {before['totals']['total']} บาท",
        changes=audit.diff(before, None),
    )
    project.delete()


def _copy_activities(source: Project, copy: Project) -> None:
    old = list(
        Activity.objects.filter(project=source)
        .prefetch_related("budget_lines__factors", "quarters")
        .order_by("parent_id", "order")
    )
    new_by_old = {}
    for activity in sorted(old, key=lambda a: a.parent_id is not None):
        new_by_old[activity.pk] = Activity(
            project=copy,
            order=activity.order,
            title_th=activity.title_th,
            steps_th=activity.steps_th,
            period_th=activity.period_th,
            location_th=activity.location_th,
            responsible_th=activity.responsible_th,
            target_group_th=activity.target_group_th,
            months=list(activity.months),
        )
    Activity.objects.bulk_create(new_by_old.values())
    children = []
    for activity in old:
        if activity.parent_id:
            new_by_old[activity.pk].parent = new_by_old[activity.parent_id]
            children.append(new_by_old[activity.pk])
    Activity.objects.bulk_update(children, ["parent"])
    QuarterAllocation.objects.bulk_create(
        QuarterAllocation(activity=new_by_old[a.pk], quarter=q.quarter, amount=q.amount)
        for a in old
        for q in a.quarters.all()
    )
    budget_services.create_lines(
        [
            (
                BudgetLine(
                    activity=new_by_old[a.pk],
                    order=line.order,
                    description_th=line.description_th,
                    category_id=line.category_id,
                    fund_source_id=line.fund_source_id,
                    plain_amount=line.plain_amount,
                    formula_note_th=line.formula_note_th,
                ),
                line.factors.all(),  # copied with their order
            )
            for a in old
            for line in a.budget_lines.all()
        ]
    )


# --- Approval workflow -----------------------------------------------------------------------


class NotAllowed(DomainError):
    """The user's role or scope does not permit this action (the view answers 403)."""


@dataclass(frozen=True)
class Step:
    """One transition of the approval chain."""

    action: str
    source: tuple[str, ...]
    target: str
    signature: str | None
    verb_th: str
    done_th: str


STEPS = {
    EventAction.SUBMIT: Step(
        EventAction.SUBMIT,
        (ProjectStatus.DRAFT,),
        ProjectStatus.SUBMITTED,
        SignatureRole.PROPOSER,
        "เสนอ",
        "โครงการนี้ถูกเสนอไปแล้ว",
    ),
    EventAction.ENDORSE: Step(
        EventAction.ENDORSE,
        (ProjectStatus.SUBMITTED,),
        ProjectStatus.ENDORSED,
        SignatureRole.ENDORSER,
        "ให้ความเห็นชอบ",
        "โครงการนี้ได้รับความเห็นชอบไปแล้ว",
    ),
    EventAction.APPROVE: Step(
        EventAction.APPROVE,
        (ProjectStatus.ENDORSED,),
        ProjectStatus.APPROVED,
        SignatureRole.APPROVER,
        "อนุมัติ",
        "โครงการนี้ได้รับการอนุมัติไปแล้ว",
    ),
    EventAction.RETURN: Step(
        EventAction.RETURN,
        (ProjectStatus.SUBMITTED, ProjectStatus.ENDORSED),
        ProjectStatus.DRAFT,
        None,
        "ส่งกลับแก้ไข",
        "โครงการนี้ถูกส่งกลับแก้ไขไปแล้ว",
    ),
}


def _same_office(user, project: Project) -> bool:
    return bool(
        user.is_authenticated and user.office_id and user.office_id == project.plan.office_id
    )


def _is_proposer(user, project: Project) -> bool:
    return (
        user.role == Role.GROUP_DIRECTOR
        and _same_office(user, project)
        and user.org_unit_id == project.lead_unit_id
    )


def _is_endorser(user, project: Project) -> bool:
    """A deputy director who may endorse the project: the one assigned to its group
    (OrgUnit.deputy), or any deputy of the office when the group has none."""
    if user.role != Role.DEPUTY_DIRECTOR or not _same_office(user, project):
        return False
    endorser = project.lead_unit.endorser
    return endorser is None or endorser.pk == user.pk


def may_transition(user, project: Project, action: str) -> bool:
    """Whether the user's role and scope allow the action on this project (state aside)."""
    if not _same_office(user, project):
        return False
    if action == EventAction.SUBMIT:
        return _is_proposer(user, project)
    if action == EventAction.ENDORSE:
        return _is_endorser(user, project)
    if action == EventAction.APPROVE:
        return user.role == Role.DIRECTOR
    if action == EventAction.RETURN:
        # The proposer may take back what they sent while it still waits for the deputy.
        return (
            _is_proposer(user, project) or _is_endorser(user, project) or user.role == Role.DIRECTOR
        )
    return False


def _not_allowed_message(user, project: Project, action: str) -> str:
    step = STEPS[action]
    deputy_step = action in {EventAction.ENDORSE, EventAction.RETURN}
    if deputy_step and user.role == Role.DEPUTY_DIRECTOR and _same_office(user, project):
        deputy = project.lead_unit.endorser
        return (
            f"{step.verb_th}ไม่ได้: {project.lead_unit.name_th}อยู่ในความกำกับดูแลของ "
            f"{deputy.display_name} ผู้เห็นชอบโครงการของกลุ่มนี้"
        )
    return f"ท่านไม่มีสิทธิ์{step.verb_th}โครงการนี้"


def available_actions(user, project: Project) -> list[str]:
    """Transitions the user may perform now (role, scope and state); no queries."""
    actions = []
    for action, step in STEPS.items():
        if project.status not in step.source or not may_transition(user, project, action):
            continue
        if action == EventAction.RETURN and _is_proposer(user, project):
            if project.status != ProjectStatus.SUBMITTED:
                continue
        actions.append(action)
    return actions


def _state_error(step: Step, status: str) -> str:
    if status == step.target:
        return step.done_th
    label = ProjectStatus(status).label
    needs = " หรือ ".join(f"“{ProjectStatus(s).label}”" for s in step.source)
    return (
        f"{step.verb_th}ไม่ได้: โครงการนี้อยู่ในสถานะ “{label}” ต้องอยู่ในสถานะ {needs} จึงจะ{step.verb_th}ได้"
    )


def position_for(user, project: Project) -> str:
    """The position text printed under a signature: the person's own, else from the role."""
    person = user.person if user.person_id else None
    if person is not None and person.position_th:
        return person.position_th
    office = project.plan.office
    if user.role == Role.GROUP_DIRECTOR:
        return f"ผู้อำนวยการ{project.lead_unit.name_th}"
    if user.role == Role.DEPUTY_DIRECTOR:
        return f"รองผู้อำนวยการ{office.name_th}"
    if user.role == Role.DIRECTOR:
        return f"ผู้อำนวยการ{office.name_th}"
    return ""


def _load_for_transition(pk: int, *, with_checks: bool) -> Project:
    qs = Project.objects.select_related(
        "plan__office", "plan__fiscal_year", "lead_unit__deputy__person", "strategy"
    )
    if with_checks:
        qs = qs.with_budget().prefetch_related("indicators")
    return qs.get(pk=pk)


@in_thai  # the history summary and the notifications are kept in Thai
def _transition(
    *, project: Project, by, action: str, expected_version: int | None, comment: str = ""
) -> Project:
    """Guard -> conditional UPDATE (status and version) -> signature -> audit -> notify."""
    step = STEPS[action]
    project = _load_for_transition(project.pk, with_checks=action == EventAction.SUBMIT)
    if not may_transition(by, project, action):
        raise NotAllowed(_not_allowed_message(by, project, action))
    if project.status not in step.source:
        raise DomainError(_state_error(step, project.status))
    if (
        action == EventAction.RETURN
        and _is_proposer(by, project)
        and project.status != ProjectStatus.SUBMITTED
    ):
        raise DomainError("ส่งกลับไม่ได้: รองผู้อำนวยการให้ความเห็นชอบโครงการนี้แล้ว")
    if action == EventAction.RETURN and not comment.strip():
        raise DomainError("กรุณาระบุเหตุผลที่ส่งกลับแก้ไข")
    if action == EventAction.SUBMIT:
        errors = [f for f in checks.check_project(project) if f.is_error]
        if errors:
            listed = "; ".join(f.message for f in errors[:3])
            more = f" และอีก {len(errors) - 3} รายการ" if len(errors) > 3 else ""
            raise DomainError(
                f"ยังเสนอโครงการไม่ได้ มีข้อผิดพลาด {len(errors)} รายการที่ต้องแก้ก่อน: {listed}{more}"
            )
    expected = project.version if expected_version is None else expected_version
    now = timezone.now()
    moved = Project.objects.filter(pk=project.pk, status=project.status, version=expected).update(
        status=step.target, version=F("version") + 1
    )
    if not moved:
        current = Project.objects.only("status", "version").get(pk=project.pk)
        if current.status not in step.source:
            raise DomainError(_state_error(step, current.status))
        raise DomainError(
            f"{step.verb_th}ไม่ได้: โครงการถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้ "
            "กรุณาเปิดหน้าโครงการใหม่เพื่อตรวจสอบฉบับล่าสุดก่อน"
        )
    from_status = project.status
    project.status, project.version = step.target, expected + 1
    if step.signature:
        ProjectSignature.objects.filter(project=project, role=step.signature).delete()
        ProjectSignature.objects.create(
            project=project,
            role=step.signature,
            person=by.person if by.person_id else None,
            name_th=by.display_name,
            position_th=position_for(by, project),
            signed_at=now,
        )
    else:
        ProjectSignature.objects.filter(project=project).delete()
    event = audit.record(
        project,
        by=by,
        action=action,
        summary_th=(
            f"{step.verb_th}โครงการ "
            f"({ProjectStatus(from_status).label} → {ProjectStatus(step.target).label})"
        ),
        comment_th=comment.strip(),
        from_status=from_status,
        to_status=step.target,
        changes=audit.status_changes(from_status, step.target),
        at=now,
    )
    if action == EventAction.APPROVE:
        _freeze_project(project, at=now)
    notify_event(event, project=project)
    return project


def _freeze_project(project: Project, *, at) -> ProjectSnapshot:
    """Keep the approved document (texts, people, figures, signatures) as it was approved."""
    from projects import pdf, tasks

    data = audit.load_document(project.pk)
    number = ProjectSnapshot.objects.filter(project=project).count() + 1
    snapshot = ProjectSnapshot.objects.create(
        project=project,
        number=number,
        version=project.version,
        approved_at=at,
        data=data,
        sha256=audit.digest(data),
        print_source=_print_source(lambda: pdf.project_source(project, draft=False)),
    )
    # Laid out after commit by the task worker: a failed render never undoes the approval.
    transaction.on_commit(lambda: tasks.render_snapshot_pdf.enqueue(snapshot.pk), robust=True)
    return snapshot


def _print_source(build) -> dict:
    """The document's final HTML, frozen in the approval's transaction (templates only, no
    layout). A failure here must not undo the approval: the version is kept without it and its
    PDF follows the fallback rule of tasks.snapshot_print_source / tasks.approval_print_source."""
    try:
        with transaction.atomic():
            return build()
    except Exception:  # any rendering bug; the approval itself is what matters here
        logger.exception("could not freeze the print source of an approval")
        return {}


@transaction.atomic
def submit_project(*, project: Project, by, expected_version: int | None = None) -> Project:
    """The group director proposes a draft of their group (ผู้เสนอโครงการ); errors block it."""
    return _transition(
        project=project, by=by, action=EventAction.SUBMIT, expected_version=expected_version
    )


@transaction.atomic
def endorse_project(*, project: Project, by, expected_version: int | None = None) -> Project:
    """The deputy director endorses a submitted project (ผู้เห็นชอบโครงการ)."""
    return _transition(
        project=project, by=by, action=EventAction.ENDORSE, expected_version=expected_version
    )


@transaction.atomic
def approve_project(*, project: Project, by, expected_version: int | None = None) -> Project:
    """The director approves an endorsed project (ผู้อนุมัติโครงการ) and freezes the document."""
    return _transition(
        project=project, by=by, action=EventAction.APPROVE, expected_version=expected_version
    )


@transaction.atomic
def return_project(
    *, project: Project, by, comment: str, expected_version: int | None = None
) -> Project:
    """A reviewer sends a project back to draft with a required comment (ส่งกลับแก้ไข)."""
    return _transition(
        project=project,
        by=by,
        action=EventAction.RETURN,
        expected_version=expected_version,
        comment=comment,
    )


# --- Notifications ---------------------------------------------------------------------------


def _recipients(event: ProjectEvent, project: Project, extra_ids=()) -> list:
    from actionplan.models import User

    office_id = project.plan.office_id
    group = Q(
        office_id=office_id,
        org_unit_id=project.lead_unit_id,
        role__in=[Role.GROUP_DIRECTOR, Role.PLANNER],
    )
    wanted = {
        EventAction.ENDORSE: Q(office_id=office_id, role=Role.DIRECTOR),
        EventAction.AMEND_REQUEST: Q(office_id=office_id, role=Role.DIRECTOR),
        EventAction.REPORT_SUBMIT: Q(office_id=office_id, role=Role.PLAN_ADMIN),
    }.get(event.action, group)
    if event.action == EventAction.SUBMIT:  # the group's deputy, else every deputy
        endorser = project.lead_unit.endorser
        wanted = (
            Q(pk=endorser.pk) if endorser else Q(office_id=office_id, role=Role.DEPUTY_DIRECTOR)
        )
    extra = [pk for pk in extra_ids if pk]
    if extra:
        wanted |= Q(pk__in=extra)
    return list(
        User.objects.filter(wanted, is_active=True)
        .exclude(pk=event.actor_id)
        .only("pk", "email", "username")
    )


@in_thai  # message_th is kept, like every other Thai text
def notify_event(event: ProjectEvent, *, project: Project, extra_ids=(), url: str = "") -> None:
    """In-app notifications for whoever the event concerns, and e-mail after commit."""
    from django.urls import reverse

    recipients = _recipients(event, project, extra_ids)
    if not recipients:
        return
    message = f"{event.actor_name_th} {event.get_action_display()} “{project.name_th}”"
    if event.comment_th:
        message += f": {event.comment_th}"
    message = message[:500]
    url = url or reverse("projects:project_detail", args=[project.pk])
    Notification.objects.bulk_create(
        Notification(recipient=u, project=project, event=event, message_th=message, url=url)
        for u in recipients
    )
    emails = [u.email for u in recipients if u.email]
    if emails:
        transaction.on_commit(lambda: _send_emails(message, url, emails))


def _send_emails(message: str, url: str, emails: list[str]) -> None:
    """One e-mail per recipient through Django's mail API (the console in development)."""
    from django.conf import settings
    from django.core.mail import send_mass_mail

    subject = f"[แผนปฏิบัติการ] {message}"[:150]
    body = f"{message}\n\nดูรายละเอียด: {url}\n"
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails],
        fail_silently=True,
    )


@transaction.atomic
def mark_notifications_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- Amendments (ปรับแผน) -------------------------------------------------------------------


def may_request_amendment(user, project: Project) -> bool:
    """The lead group's planners and director, or the plan administrator, may ask."""
    if not _same_office(user, project):
        return False
    if user.role in {Role.PLANNER, Role.GROUP_DIRECTOR}:
        return user.org_unit_id == project.lead_unit_id
    return user.role == Role.PLAN_ADMIN


@transaction.atomic
def request_amendment(*, project: Project, by, reason: str) -> AmendmentRequest:
    """Ask the director to reopen an approved project for a mid-year change, with a reason."""
    project = _load_for_transition(project.pk, with_checks=False)
    if not may_request_amendment(by, project):
        raise NotAllowed("ท่านไม่มีสิทธิ์ขอปรับแผนโครงการนี้")
    if project.status != ProjectStatus.APPROVED:
        raise DomainError("ขอปรับแผนได้เฉพาะโครงการที่ได้รับอนุมัติแล้ว")
    if not reason.strip():
        raise DomainError("กรุณาระบุเหตุผลการขอปรับแผน")
    if AmendmentRequest.objects.filter(project=project, status=AmendmentStatus.PENDING).exists():
        raise DomainError("โครงการนี้มีคำขอปรับแผนที่รอการพิจารณาอยู่แล้ว")
    now = timezone.now()
    try:
        with transaction.atomic():
            amendment = AmendmentRequest.objects.create(
                project=project,
                reason_th=reason.strip(),
                requested_by=by,
                requested_at=now,
                snapshot=ProjectSnapshot.objects.filter(project=project)
                .order_by("-number")
                .first(),
            )
    except IntegrityError as exc:  # a simultaneous request won
        raise DomainError("โครงการนี้มีคำขอปรับแผนที่รอการพิจารณาอยู่แล้ว") from exc
    event = audit.record(
        project,
        by=by,
        action=EventAction.AMEND_REQUEST,
        summary_th="ขอปรับแผน (รอผู้อำนวยการพิจารณา)",
        comment_th=amendment.reason_th,
        at=now,
    )
    notify_event(event, project=project)
    return amendment


@transaction.atomic
def decide_amendment(
    *, amendment: AmendmentRequest, by, approve: bool, comment: str = ""
) -> AmendmentRequest:
    """The director approves (the project reopens as a draft: a new version) or rejects."""
    project = _load_for_transition(amendment.project_id, with_checks=False)
    if not (_same_office(by, project) and by.role == Role.DIRECTOR):
        raise NotAllowed("ผู้อำนวยการเท่านั้นที่พิจารณาคำขอปรับแผนได้")
    if not approve and not comment.strip():
        raise DomainError("กรุณาระบุเหตุผลที่ไม่อนุมัติให้ปรับแผน")
    now = timezone.now()
    status = AmendmentStatus.APPROVED if approve else AmendmentStatus.REJECTED
    decided = AmendmentRequest.objects.filter(
        pk=amendment.pk, status=AmendmentStatus.PENDING
    ).update(status=status, decided_by=by, decided_at=now, decision_comment_th=comment.strip())
    if not decided:
        raise DomainError("คำขอปรับแผนนี้ได้รับการพิจารณาไปแล้ว")
    from_status = project.status
    if approve:
        moved = Project.objects.filter(
            pk=project.pk, status=ProjectStatus.APPROVED, version=project.version
        ).update(status=ProjectStatus.DRAFT, version=F("version") + 1)
        if not moved:
            raise DomainError("สถานะของโครงการเปลี่ยนไปแล้ว กรุณาเปิดหน้าโครงการใหม่")
        project.status, project.version = ProjectStatus.DRAFT, project.version + 1
        ProjectSignature.objects.filter(project=project).delete()
        _reopen_plan_if_approved(project.plan)
    event = audit.record(
        project,
        by=by,
        action=EventAction.AMEND_APPROVE if approve else EventAction.AMEND_REJECT,
        summary_th=(
            "อนุมัติให้ปรับแผน โครงการกลับเป็นร่างเพื่อแก้ไข (ฉบับที่อนุมัติเดิมยังเปิดดูได้)"
            if approve
            else "ไม่อนุมัติให้ปรับแผน"
        ),
        comment_th=comment.strip() or amendment.reason_th,
        from_status=from_status if approve else "",
        to_status=ProjectStatus.DRAFT if approve else "",
        changes=audit.status_changes(from_status, ProjectStatus.DRAFT) if approve else {},
        at=now,
    )
    notify_event(event, project=project, extra_ids=[amendment.requested_by_id])
    amendment.refresh_from_db()
    return amendment


# --- The whole plan --------------------------------------------------------------------------


def may_approve_plan(user, plan) -> bool:
    return bool(
        user.is_authenticated and user.office_id == plan.office_id and user.role == Role.DIRECTOR
    )


@transaction.atomic
def approve_plan(*, plan, by, expected_version: int | None = None) -> PlanApproval:
    """The director approves the whole plan: freeze texts, people and figures for printing."""
    from actionplan.models import Plan
    from projects import pdf, tasks

    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=plan.pk)
    if not may_approve_plan(by, plan):
        raise NotAllowed("ผู้อำนวยการเท่านั้นที่อนุมัติแผนทั้งฉบับได้")
    if plan.status == PlanStatus.APPROVED:
        raise DomainError("แผนนี้ได้รับการอนุมัติแล้ว ไม่มีการเปลี่ยนแปลงหลังการอนุมัติครั้งล่าสุด")
    if plan.status != PlanStatus.DRAFT:
        raise DomainError("แผนนี้เป็นแผนประวัติ อนุมัติไม่ได้")
    projects = list(audit.document_queryset().filter(plan=plan).order_by("strategy__number", "pk"))
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
        print_source=_print_source(lambda: pdf.book_source(plan, draft=False)),
    )
    # The official book is laid out by the task worker after commit (a minute for 150 projects).
    transaction.on_commit(
        lambda: tasks.request_approval_render(approval=approval, by=by), robust=True
    )
    return approval


@in_thai  # stored with the approval and hashed: never in the approver's page language
def plan_snapshot(plan, projects: list[Project], *, by, at) -> dict:
    """Texts, people and figures of a plan as approved: what its official book prints."""
    from actionplan import thai
    from budgets.figures import summarize
    from projects.rollup import strategy_sentence

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


# --- Quarterly monitoring (issue 7) ----------------------------------------------------------
# Reports never write to the plan: no project, activity, line or quarterly-plan row and no
# version is touched, so the approved figures and the printed plan stay as approved.


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

    return reverse("projects:report_edit", args=[report.project_id, report.round.number])


def _report_round(plan, number: int) -> ReportRound:
    if number not in monitoring.ROUNDS:
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
    *, project: Project, number: int, entry: ReportEntry, by, expected_version: int | None = None
) -> ProjectReport:
    """The lead group records (or corrects) its draft report of a round for an approved project."""
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
    now = timezone.now()
    report, created = ProjectReport.objects.get_or_create(
        round=report_round,
        project=project,
        defaults={
            "updated_by": by,
            "problems_th": entry.problems,
            "suggestions_th": entry.suggestions,
        },
    )
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
    others = [r for r in monitoring.project_reports(project) if r.pk != report.pk]
    errors = monitoring.spending_errors(monitoring.spending_bounds(others, number), entry.spending)
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
    *, report: ProjectReport, by, expected_version: int | None = None
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
    now = timezone.now()
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
    *, report: ProjectReport, by, accept: bool, comment: str = ""
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
    now = timezone.now()
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
def close_report_round(*, plan, number: int, by) -> ReportRound:
    """The plan administrator closes a round: its reports can no longer change. Reports still
    missing stay missing (and late); each monitored project's history records the closing."""
    if not may_review_reports(by, plan):
        raise NotAllowed("ผู้ดูแลแผนเท่านั้นที่ปิดรอบรายงานได้")
    report_round = _report_round(plan, number)
    label = _round_label(report_round)
    now = timezone.now()
    closed = ReportRound.objects.filter(pk=report_round.pk, status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED, closed_by=by, closed_at=now
    )
    if not closed:
        raise DomainError(f"{label} ปิดรอบไปแล้ว")
    projects = list(monitoring.monitored_projects(plan).select_related("plan").order_by("pk"))
    sent = ProjectReport.objects.filter(round=report_round, status__in=monitoring.SENT).count()
    audit.record_bulk(
        projects,
        by=by,
        action=EventAction.ROUND_CLOSE,
        summary_th=f"ปิดรอบรายงานผล{label} (ส่งรายงานแล้ว {sent} จาก {len(projects)} โครงการ)",
        details={"round": number},
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
    projects = list(monitoring.monitored_projects(plan).select_related("plan").order_by("pk"))
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
    *, plan, number: int, due_date: date | None, by, reason: str = ""
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
    before = monitoring.make_round(plan, number, report_round).due_date
    after = due_date or monitoring.due_date(plan, number)
    if due_date == report_round.due_date_override:
        raise DomainError(f"กำหนดส่งรายงานผล{label} เป็นวันนี้อยู่แล้ว")
    ReportRound.objects.filter(pk=report_round.pk).update(due_date_override=due_date)
    projects = list(monitoring.monitored_projects(plan).select_related("plan").order_by("pk"))
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
    )
    report_round.refresh_from_db()
    return report_round


@transaction.atomic
def set_monitoring_settings(*, plan, due_days: int, margin_pct: Decimal, by):
    """The plan administrator sets when reports are due and the spending margin of the alerts."""
    from actionplan.models import Plan

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
    from actionplan.models import StrategyIndicator

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
