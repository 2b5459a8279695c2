"""Services of the approval workflow: submit -> endorse -> approve, return with a comment, the
approved version frozen at approval (snapshot), notifications and amendments (ปรับแผน).

Every transition is a conditional UPDATE with a version check (the same guard as the editor's
save) that works the same on SQLite and PostgreSQL, and writes its signature, its audit record
(projects.audit) and its notifications in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from actionplan.i18n import in_thai
from actionplan.models import Role
from actionplan.services import DomainError
from notify import services as notify_services
from projects import audit, checks, frozen
from projects import services as project_services
from projects.models import (
    EventAction,
    Project,
    ProjectEvent,
    ProjectSignature,
    ProjectStatus,
    SignatureRole,
)
from workflow.models import (
    AmendmentKind,
    AmendmentRequest,
    AmendmentStatus,
    Notification,
    ProjectSnapshot,
)

logger = logging.getLogger(__name__)


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
    *,
    project: Project,
    by,
    action: str,
    expected_version: int | None,
    comment: str = "",
    at: datetime | None = None,
) -> Project:
    """Guard -> conditional UPDATE (status and version) -> signature -> audit -> notify."""
    step = STEPS[action]
    rows = None
    if action == EventAction.APPROVE:  # the document is frozen from the rows read here
        rows = _frozen_rows(project.pk)
        project = frozen.thaw(rows)
    else:
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
    now = at or timezone.now()
    if rows is not None and expected != project.version:
        # The frozen rows are not the version the director saw: approve nothing.
        raise DomainError(
            f"{step.verb_th}ไม่ได้: โครงการถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้ "
            "กรุณาเปิดหน้าโครงการใหม่เพื่อตรวจสอบฉบับล่าสุดก่อน"
        )
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
        signed = project.signatures.all() if rows is not None else None
        if signed is None or any(s.role == step.signature for s in signed):
            ProjectSignature.objects.filter(project=project, role=step.signature).delete()
        signature = ProjectSignature.objects.create(
            project=project,
            role=step.signature,
            person=by.person if by.person_id else None,
            name_th=by.display_name,
            position_th=position_for(by, project),
            signed_at=now,
        )
        if signed is not None:  # the frozen rows as they are once this commits
            kept = [s for s in signed if s.role != step.signature] + [signature]
            project._prefetched_objects_cache["signatures"] = sorted(kept, key=lambda s: s.role)
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
        _freeze_project(project, rows, at=now)
    notify_event(event, project=project)
    return project


# Printing's hooks (filled by printing.apps.PrintingConfig.ready(): a lower app never imports
# printing). A rows hook names more rows to freeze with the project (its office's print
# settings); a source hook returns the document's print source from the frozen rows (kept with
# the snapshot); an on-commit hook queues its layout. Without printing installed an approval
# keeps no print source and queues nothing.
PROJECT_FROZEN_ROWS: list = []  # callables (project pk) -> {tag: queryset}, frozen too
PROJECT_PRINT_SOURCE: list = []  # callables (project, rows) -> dict, the print source
PROJECT_FROZEN: list = []  # callables (snapshot) -> None, run on commit (queue the layout)


def hooked_source(hooks: list, *args) -> dict:
    """The print source the registered hooks build from `args` ({} when none is registered)."""
    source: dict = {}
    for hook in hooks:
        source.update(hook(*args))
    return source


def _frozen_rows(pk: int) -> dict:
    """Every row the project's documents print, the print hooks' rows and the numbers of its
    approved versions so far: one query (projects.frozen)."""
    extra = {"snapshot": (ProjectSnapshot.objects.filter(project_id=pk), ["id", "number"])}
    for hook in PROJECT_FROZEN_ROWS:
        extra.update(hook(pk))
    return frozen.freeze(pk, extra)


def _freeze_project(project: Project, rows: dict, *, at) -> ProjectSnapshot:
    """Keep the approved document (texts, people, figures, signatures) as it was approved: its
    data and print source come from the rows frozen at the start of the approval (`project` is
    their thawed instance, status and signature updated); its HTML and PDF are rendered from
    them after commit, so later edits never reach the approved document."""
    data = audit.document(project)
    snapshot = ProjectSnapshot.objects.create(
        project=project,
        number=len(rows["snapshot"]) + 1,
        version=project.version,
        approved_at=at,
        data=data,
        sha256=audit.digest(data),
        print_source=_print_source(
            lambda: hooked_source(PROJECT_PRINT_SOURCE, project, _document_rows(project, rows)),
            atomic=False,  # no queries: the hooks build it from the frozen rows
        ),
    )
    # Laid out after commit by the task worker: a failed render never undoes the approval.
    for hook in PROJECT_FROZEN:
        transaction.on_commit(lambda hook=hook: hook(snapshot), robust=True)
    return snapshot


def _document_rows(project: Project, rows: dict) -> dict:
    """The frozen rows as they are once the approval commits (status, version, signatures)."""
    document = {tag: found for tag, found in rows.items() if tag != "snapshot"}
    document["project"] = [
        {**rows["project"][0], "status": project.status, "version": project.version}
    ]
    document["signature"] = [frozen.as_row(signature) for signature in project.signatures.all()]
    return document


def _print_source(build, *, atomic: bool = True) -> dict:
    """The document's print source, frozen in the approval's transaction (no layout). A failure
    here must not undo the approval: the version is kept without it and its PDF follows the
    fallback rule of tasks.snapshot_print_source / tasks.approval_print_source. `atomic`: in a
    savepoint, for a build that queries (a failed query would break the approval's transaction)."""
    try:
        if not atomic:
            return build()
        with transaction.atomic():
            return build()
    except Exception:  # any rendering bug; the approval itself is what matters here
        logger.exception("could not freeze the print source of an approval")
        return {}


@transaction.atomic
def submit_project(
    *, project: Project, by, expected_version: int | None = None, at: datetime | None = None
) -> Project:
    """The group director proposes a draft of their group (ผู้เสนอโครงการ); errors block it."""
    return _transition(
        project=project,
        by=by,
        action=EventAction.SUBMIT,
        expected_version=expected_version,
        at=at,
    )


@transaction.atomic
def endorse_project(
    *, project: Project, by, expected_version: int | None = None, at: datetime | None = None
) -> Project:
    """The deputy director endorses a submitted project (ผู้เห็นชอบโครงการ)."""
    return _transition(
        project=project,
        by=by,
        action=EventAction.ENDORSE,
        expected_version=expected_version,
        at=at,
    )


@transaction.atomic
def approve_project(
    *, project: Project, by, expected_version: int | None = None, at: datetime | None = None
) -> Project:
    """The director approves an endorsed project (ผู้อนุมัติโครงการ) and freezes the document."""
    return _transition(
        project=project,
        by=by,
        action=EventAction.APPROVE,
        expected_version=expected_version,
        at=at,
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


# --- Ready for review (พร้อมเสนอ) -------------------------------------------------------------


def may_mark_ready(user, project: Project) -> bool:
    """The lead group's planners (and the plan administrator) tell their group director that a
    draft is ready to be proposed; the group director proposes it instead (submit)."""
    if not _same_office(user, project):
        return False
    if user.role == Role.PLANNER:
        return user.org_unit_id == project.lead_unit_id
    return user.role in {Role.PLAN_ADMIN, Role.SYSADMIN}


@transaction.atomic
@in_thai
def mark_ready(*, project: Project, by, expected_version: int | None = None) -> Project:
    """Mark a draft พร้อมเสนอ for the version the planner saw and notify the group director.
    The mark holds for that version only: any later write bumps the version and clears it."""
    project = _load_for_transition(project.pk, with_checks=True)
    if not may_mark_ready(by, project):
        raise NotAllowed("ท่านไม่มีสิทธิ์แจ้งพร้อมเสนอโครงการนี้")
    if project.status != ProjectStatus.DRAFT:
        label = ProjectStatus(project.status).label
        raise DomainError(f"แจ้งพร้อมเสนอได้เฉพาะโครงการสถานะร่าง โครงการนี้อยู่ในสถานะ “{label}”")
    expected = project.version if expected_version is None else expected_version
    if project.is_ready and project.version == expected:
        raise DomainError("โครงการนี้แจ้งพร้อมเสนอไปแล้ว")
    errors = [f for f in checks.check_project(project) if f.is_error]
    if errors:
        raise DomainError(
            f"ยังแจ้งพร้อมเสนอไม่ได้ มีข้อผิดพลาด {len(errors)} รายการที่ต้องแก้ก่อน: "
            + "; ".join(f.message for f in errors[:3])
        )
    now = timezone.now()
    marked = Project.objects.filter(
        pk=project.pk, status=ProjectStatus.DRAFT, version=expected
    ).update(ready_at=now, ready_by=by, ready_version=expected)
    if not marked:
        raise DomainError(
            "แจ้งพร้อมเสนอไม่ได้: โครงการถูกแก้ไขหลังจากที่ท่านเปิดหน้านี้ "
            "กรุณาเปิดหน้าโครงการใหม่เพื่อตรวจสอบฉบับล่าสุดก่อน"
        )
    project.ready_at, project.ready_by, project.ready_version = now, by, expected
    event = audit.record(
        project,
        by=by,
        action=EventAction.READY,
        summary_th="แจ้งผู้อำนวยการกลุ่มว่าโครงการพร้อมเสนอ",
        version=expected,
        at=now,
    )
    notify_event(event, project=project)
    return project


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
        EventAction.CANCEL_REQUEST: Q(office_id=office_id, role=Role.DIRECTOR),
        EventAction.REPORT_SUBMIT: Q(office_id=office_id, role=Role.PLAN_ADMIN),
        # พร้อมเสนอ: the lead group's director, who proposes it (ผู้เสนอโครงการ)
        EventAction.READY: Q(
            office_id=office_id, org_unit_id=project.lead_unit_id, role=Role.GROUP_DIRECTOR
        ),
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
        .only("pk", "email", "username", "is_active")
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
    # e-mail and LINE, as each recipient chose, sent in the background with retries
    notify_services.announce(
        notify_services.kind_of(event.action),
        recipients,
        message,
        office=project.plan.office,
        url=url,
        org_unit=project.lead_unit_id,
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
def request_amendment(
    *, project: Project, by, reason: str, kind: str = AmendmentKind.CHANGE
) -> AmendmentRequest:
    """Ask the director, with a reason, to reopen an approved project for a mid-year change
    (ปรับแผน) or to cancel it (ขอยกเลิกโครงการ)."""
    project = _load_for_transition(project.pk, with_checks=False)
    cancel = kind == AmendmentKind.CANCEL
    if kind not in AmendmentKind.values:
        raise DomainError("กรุณาเลือกประเภทคำขอ: ขอปรับแผน หรือ ขอยกเลิกโครงการ")
    if not may_request_amendment(by, project):
        raise NotAllowed("ท่านไม่มีสิทธิ์ขอปรับแผนโครงการนี้")
    if project.status != ProjectStatus.APPROVED:
        what = "ขอยกเลิกโครงการ" if cancel else "ขอปรับแผน"
        raise DomainError(f"{what}ได้เฉพาะโครงการที่ได้รับอนุมัติแล้ว")
    if not reason.strip():
        raise DomainError("กรุณาระบุเหตุผลการขอยกเลิกโครงการ" if cancel else "กรุณาระบุเหตุผลการขอปรับแผน")
    if AmendmentRequest.objects.filter(project=project, status=AmendmentStatus.PENDING).exists():
        raise DomainError("โครงการนี้มีคำขอปรับแผนที่รอการพิจารณาอยู่แล้ว")
    now = timezone.now()
    try:
        with transaction.atomic():
            amendment = AmendmentRequest.objects.create(
                project=project,
                kind=kind,
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
        action=EventAction.CANCEL_REQUEST if cancel else EventAction.AMEND_REQUEST,
        summary_th=(
            "ขอยกเลิกโครงการ (รอผู้อำนวยการพิจารณา)" if cancel else "ขอปรับแผน (รอผู้อำนวยการพิจารณา)"
        ),
        comment_th=amendment.reason_th,
        at=now,
    )
    notify_event(event, project=project)
    return amendment


@transaction.atomic
def decide_amendment(
    *, amendment: AmendmentRequest, by, approve: bool, comment: str = ""
) -> AmendmentRequest:
    """The director approves or rejects. An approved change reopens the project as a draft (a
    new version); an approved cancellation makes it ยกเลิก: out of every plan total, its
    history and approved versions kept. Either puts an approved plan back under revision."""
    amendment = AmendmentRequest.objects.get(pk=amendment.pk)
    cancel = amendment.kind == AmendmentKind.CANCEL
    project = _load_for_transition(amendment.project_id, with_checks=False)
    if not (_same_office(by, project) and by.role == Role.DIRECTOR):
        raise NotAllowed("ผู้อำนวยการเท่านั้นที่พิจารณาคำขอปรับแผนได้")
    if not approve and not comment.strip():
        raise DomainError(
            "กรุณาระบุเหตุผลที่ไม่อนุมัติให้ยกเลิกโครงการ" if cancel else "กรุณาระบุเหตุผลที่ไม่อนุมัติให้ปรับแผน"
        )
    now = timezone.now()
    status = AmendmentStatus.APPROVED if approve else AmendmentStatus.REJECTED
    decided = AmendmentRequest.objects.filter(
        pk=amendment.pk, status=AmendmentStatus.PENDING
    ).update(status=status, decided_by=by, decided_at=now, decision_comment_th=comment.strip())
    if not decided:
        raise DomainError("คำขอปรับแผนนี้ได้รับการพิจารณาไปแล้ว")
    from_status = project.status
    target = ProjectStatus.CANCELLED if cancel else ProjectStatus.DRAFT
    if approve:
        moved = Project.objects.filter(
            pk=project.pk, status=ProjectStatus.APPROVED, version=project.version
        ).update(status=target, version=F("version") + 1)
        if not moved:
            raise DomainError("สถานะของโครงการเปลี่ยนไปแล้ว กรุณาเปิดหน้าโครงการใหม่")
        project.status, project.version = target, project.version + 1
        if not cancel:  # a cancelled project keeps the signatures it was approved with
            ProjectSignature.objects.filter(project=project).delete()
        project_services.reopen_plan_if_approved(project.plan)
    if cancel:
        action = EventAction.CANCEL if approve else EventAction.CANCEL_REJECT
        summary = (
            "อนุมัติให้ยกเลิกโครงการ ไม่นับรวมในงบประมาณของแผน (ฉบับที่อนุมัติเดิมยังเปิดดูได้)"
            if approve
            else "ไม่อนุมัติให้ยกเลิกโครงการ"
        )
    else:
        action = EventAction.AMEND_APPROVE if approve else EventAction.AMEND_REJECT
        summary = (
            "อนุมัติให้ปรับแผน โครงการกลับเป็นร่างเพื่อแก้ไข (ฉบับที่อนุมัติเดิมยังเปิดดูได้)"
            if approve
            else "ไม่อนุมัติให้ปรับแผน"
        )
    event = audit.record(
        project,
        by=by,
        action=action,
        summary_th=summary,
        comment_th=comment.strip() or amendment.reason_th,
        from_status=from_status if approve else "",
        to_status=target if approve else "",
        changes=audit.status_changes(from_status, target) if approve else {},
        at=now,
    )
    notify_event(event, project=project, extra_ids=[amendment.requested_by_id])
    amendment.refresh_from_db()
    return amendment
