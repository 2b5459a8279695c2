"""Views of the approval workflow: one POST endpoint per transition, the approved versions,
amendments (ปรับแผน), the inbox (งานของฉัน) and the notifications; and the workflow panel of the
project page (registered in projects.views.PROJECT_PAGE_PANELS by WorkflowConfig.ready())."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.models import OrgUnit, Role
from actionplan.services import DomainError
from actionplan.thai import clean_text
from budgets import figures
from projects.audit import captures_ip
from projects.models import EventAction, Project, ProjectEvent, ProjectStatus
from projects.views import _gantt_months, _visible_project
from workflow import services
from workflow.models import (
    AmendmentKind,
    AmendmentRequest,
    AmendmentStatus,
    Notification,
    ProjectSnapshot,
)


def workflow_panel(request: HttpRequest, project: Project) -> dict:
    """The workflow's part of the project page: the buttons the user may press, the last
    return comment, the pending amendment and the approved versions."""
    user, pk = request.user, project.pk
    return {
        "actions": services.available_actions(user, project),
        "can_mark_ready": project.status == ProjectStatus.DRAFT
        and not project.is_ready
        and services.may_mark_ready(user, project),
        "can_request_amendment": project.status == ProjectStatus.APPROVED
        and services.may_request_amendment(user, project),
        "is_director": user.role == Role.DIRECTOR,
        "last_return": ProjectEvent.objects.filter(project_ref=pk, action=EventAction.RETURN)
        .order_by("-at", "-pk")
        .first()
        if project.status == ProjectStatus.DRAFT
        else None,
        "pending_amendment": AmendmentRequest.objects.filter(
            project_id=pk, status=AmendmentStatus.PENDING
        )
        .select_related("requested_by__person")
        .first(),
        "snapshots": list(
            ProjectSnapshot.objects.filter(project_id=pk).only("number", "approved_at")
        ),
    }


def _posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _transition(request: HttpRequest, pk: int, service, done: str, **kwargs) -> HttpResponse:
    """Run one workflow service for a visible project: 403 when the role may not, a message
    when the state refuses (skipped step, double click, stale page)."""
    project = _visible_project(request, pk)
    try:
        service(
            project=project, by=request.user, expected_version=_posted_version(request), **kwargs
        )
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("projects:project_detail", pk=pk)


@login_required
@require_POST
@captures_ip
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The group director proposes the project (ผู้เสนอโครงการ)."""
    return _transition(request, pk, services.submit_project, "เสนอโครงการแล้ว")


@login_required
@require_POST
@captures_ip
def project_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """The deputy director endorses the project (ผู้เห็นชอบโครงการ)."""
    return _transition(request, pk, services.endorse_project, "ให้ความเห็นชอบโครงการแล้ว")


@login_required
@require_POST
@captures_ip
def project_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The director approves the project (ผู้อนุมัติโครงการ)."""
    return _transition(request, pk, services.approve_project, "อนุมัติโครงการแล้ว")


@login_required
@require_POST
@captures_ip
def project_return(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer sends the project back to draft with a comment (ส่งกลับแก้ไข)."""
    return _transition(
        request,
        pk,
        services.return_project,
        "ส่งกลับแก้ไขแล้ว",
        comment=clean_text(request.POST.get("comment", "")),
    )


@login_required
@require_POST
@captures_ip
def project_ready(request: HttpRequest, pk: int) -> HttpResponse:
    """A planner tells the group director the draft is ready to be proposed (พร้อมเสนอ)."""
    return _transition(
        request, pk, services.mark_ready, gettext("แจ้งผู้อำนวยการกลุ่มแล้วว่าโครงการพร้อมเสนอ")
    )


@login_required
@require_GET
def project_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A frozen approved version of the project, as it was approved (printable)."""
    project = _visible_project(request, pk)
    snapshot = get_object_or_404(ProjectSnapshot, project=project, number=number)
    context = {
        "project": project,
        "snapshot": snapshot,
        "doc": snapshot.data,
        "months": _gantt_months(snapshot.data["fiscal_year"]),
        "quarter_labels": project.plan.fiscal_year.quarter_labels(digits="arabic"),
    }
    return render(request, "workflow/project_version.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def amendment_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to change an approved project mid-year (ปรับแผน) or to cancel it, with a reason."""
    project = _visible_project(request, pk)
    if not services.may_request_amendment(request.user, project):
        raise PermissionDenied("ท่านไม่มีสิทธิ์ขอปรับแผนโครงการนี้")
    kind = request.POST.get("kind", AmendmentKind.CHANGE)
    if request.method == "POST":
        try:
            services.request_amendment(
                project=project,
                by=request.user,
                reason=clean_text(request.POST.get("reason", "")),
                kind=kind,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("ส่งคำขอยกเลิกโครงการถึงผู้อำนวยการแล้ว")
                if kind == AmendmentKind.CANCEL
                else gettext("ส่งคำขอปรับแผนถึงผู้อำนวยการแล้ว"),
            )
            return redirect("projects:project_detail", pk=pk)
    context = {
        "project": project,
        "reason": request.POST.get("reason", ""),
        "kinds": AmendmentKind.choices,
        "kind": kind if kind in AmendmentKind.values else AmendmentKind.CHANGE,
    }
    return render(request, "workflow/amendment_form.html", context)


@login_required
@require_POST
@captures_ip
def amendment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The director approves or rejects an amendment request."""
    amendment = get_object_or_404(
        AmendmentRequest.objects.filter(
            project__in=Project.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_amendment(
            amendment=amendment,
            by=request.user,
            approve=approve,
            comment=clean_text(request.POST.get("comment", "")),
        )
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if amendment.kind == AmendmentKind.CANCEL:
            done = (
                gettext("อนุมัติให้ยกเลิกโครงการแล้ว โครงการไม่นับรวมในงบประมาณของแผน")
                if approve
                else gettext("ไม่อนุมัติให้ยกเลิกโครงการแล้ว")
            )
        else:
            done = "อนุมัติให้ปรับแผนแล้ว โครงการกลับเป็นร่างเพื่อแก้ไข" if approve else "ไม่อนุมัติให้ปรับแผนแล้ว"
        messages.success(request, done)
    return redirect("projects:project_detail", pk=amendment.project_id)


# --- Inbox and notifications --------------------------------------------------------------------

WAITING_STATUS = {
    Role.GROUP_DIRECTOR: ProjectStatus.DRAFT,
    Role.PLANNER: ProjectStatus.DRAFT,
    Role.DEPUTY_DIRECTOR: ProjectStatus.SUBMITTED,
    Role.DIRECTOR: ProjectStatus.ENDORSED,
}
SENT_ACTIONS = [
    EventAction.SUBMIT,
    EventAction.ENDORSE,
    EventAction.APPROVE,
    EventAction.RETURN,
    EventAction.AMEND_REQUEST,
    EventAction.CANCEL_REQUEST,
    EventAction.READY,
]


def _last_return_comment():
    return Subquery(
        ProjectEvent.objects.filter(project_ref=OuterRef("pk"), action=EventAction.RETURN)
        .order_by("-at", "-pk")
        .values("comment_th")[:1]
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """What waits for me, and what I sent and where it is now (queries constant in size)."""
    user = request.user
    visible = Project.objects.visible_to(user).select_related(
        "plan__fiscal_year", "strategy", "lead_unit"
    )
    waiting = Project.objects.none()
    status = WAITING_STATUS.get(user.role)
    if status is not None:
        waiting = visible.filter(status=status)
        if user.role in {Role.PLANNER, Role.GROUP_DIRECTOR}:
            waiting = waiting.filter(lead_unit_id=user.org_unit_id)
        elif user.role == Role.DEPUTY_DIRECTOR:  # not the groups another deputy endorses
            others = OrgUnit.objects.filter(
                office_id=user.office_id,
                deputy__is_active=True,
                deputy__role=Role.DEPUTY_DIRECTOR,
                deputy__office_id=user.office_id,
            ).exclude(deputy=user)
            waiting = waiting.exclude(lead_unit__in=others)
        waiting = waiting.annotate(return_comment=_last_return_comment())
    sent_ids = ProjectEvent.objects.filter(actor=user, action__in=SENT_ACTIONS).values(
        "project_ref"
    )
    sent = (
        visible.filter(pk__in=sent_ids)
        .annotate(return_comment=_last_return_comment())
        .order_by("-updated_at", "-pk")[:100]
    )
    if user.role == Role.PLANNER:
        # Planners do not send; they follow their group's projects through review.
        sent = (
            visible.filter(lead_unit_id=user.org_unit_id)
            .exclude(status=ProjectStatus.DRAFT)
            .annotate(return_comment=_last_return_comment())
            .order_by("-updated_at", "-pk")[:100]
        )
    amendments = AmendmentRequest.objects.none()
    if user.role == Role.DIRECTOR:
        amendments = AmendmentRequest.objects.filter(
            project__plan__office_id=user.office_id, status=AmendmentStatus.PENDING
        ).select_related("project__lead_unit", "requested_by__person")
    my_amendments = AmendmentRequest.objects.filter(requested_by=user).select_related(
        "project", "decided_by__person"
    )[:50]
    waiting = list(
        waiting.select_related("ready_by__person").order_by(
            "plan__fiscal_year__year_be", "strategy__number", "pk"
        )
    )
    if waiting:
        totals, _, _ = figures.project_figures(project_ids=[p.pk for p in waiting])
        for project in waiting:
            project.total = totals[project.pk].total
    # Drafts the planners marked พร้อมเสนอ (for their version) apart from those still written.
    ready = [p for p in waiting if p.is_ready] if status == ProjectStatus.DRAFT else []
    context = {
        "waiting": [p for p in waiting if not p.is_ready] if ready else waiting,
        "ready": ready,
        "waiting_status": status,
        "sent": list(sent),
        "amendments": list(amendments),
        "my_amendments": list(my_amendments),
    }
    return render(request, "workflow/inbox.html", context)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's in-app notifications, newest first."""
    notifications = list(Notification.objects.filter(recipient=request.user)[:100])
    return render(request, "workflow/notifications.html", {"notifications": notifications})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification (or the posted ids) as read."""
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    services.mark_notifications_read(user=request.user, ids=ids or None)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("workflow:notification_list")
