"""Printing pages: a project's PDF, the round reports' PDFs, the plan book (render, progress, download) and the Part-1
context-table editor. Objects are fetched through scoped querysets: out of scope is 404.

The progress and download pages of a background render serve both documents rendered that way:
the plan book and the report of a monitoring round (round_pdf below queues it); a round
report's render is read by the roles that may open the round's pages (else 403). One project's
report of a round (report_pdf) is laid out in the request, like a project document.

Approved documents are served from the PDFs stored with their approval (ProjectSnapshot,
PlanApproval's render), never from live rows; drafts render live with the ฉบับร่าง watermark."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import services as plan_services
from actionplan import thai
from actionplan.models import Plan, PlanStatus, Role
from actionplan.worker import worker_missing
from monitoring import resources
from monitoring.views import _monitored_project, _number, _plan
from plans.models import PlanApproval
from plans.views import PLAN_REVIEWERS
from printing import book, parts, renderer, report, tasks, word, word_tasks
from printing import project as project_doc
from printing.forms import CalendarFormSet, ContextTableForm
from printing.models import (
    OFFICE_SCOPE,
    PlanRender,
    RenderKind,
    RenderStatus,
    render_scope,
)
from projects import audit
from projects.models import Project, ProjectStatus
from workflow.models import ProjectSnapshot

PLAN_ADMIN_ROLES = {Role.PLAN_ADMIN, Role.SYSADMIN}
WHOLE_BOOK_ONLY = "เล่มแผนฉบับอนุมัติทั้งเล่มเปิดได้เฉพาะผู้บริหารสำนักงานและผู้ดูแลแผน"


def _plans(request: HttpRequest):
    """Plans of the user's office (none for a user without an office)."""
    if not request.user.office_id:
        return Plan.objects.none()
    return Plan.objects.filter(office_id=request.user.office_id).select_related(
        "office", "fiscal_year"
    )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def project_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One project document: an approved project's stored PDF of its latest approved version;
    any other state rendered live on request with the watermark (well under a second)."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    snapshot = None
    if project.status == ProjectStatus.APPROVED:
        snapshot = ProjectSnapshot.objects.filter(project=project).order_by("-number").first()
    try:
        data = tasks.snapshot_pdf(snapshot) if snapshot else project_doc.render_project(project)
    except renderer.PdfError as exc:
        messages.error(request, str(exc))
        return redirect("projects:project_detail", pk=project.pk)
    year = project.plan.fiscal_year.year_be
    suffix = f"-v{snapshot.number}" if snapshot else ""
    return _pdf_response(data, f"project-{year}-{project.pk}{suffix}.pdf")


@login_required
@require_GET
def project_version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The stored PDF of one approved version (ฉบับที่อนุมัติ ครั้งที่ n), as it was approved."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    snapshot = get_object_or_404(ProjectSnapshot, project=project, number=number)
    try:
        data = tasks.snapshot_pdf(snapshot)
    except renderer.PdfError as exc:
        messages.error(request, str(exc))
        return redirect("workflow:project_version", pk=project.pk, number=number)
    year = project.plan.fiscal_year.year_be
    return _pdf_response(data, f"project-{year}-{project.pk}-v{number}.pdf")


def _approvals(plan: Plan):
    """The plan's approvals, newest first, without their (large) frozen data."""
    return PlanApproval.objects.filter(plan=plan).defer("data", "print_source")


@login_required
@require_GET
def plan_book(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan book page: an approved plan offers the official book of its latest approval
    (frozen); a draft the current version's PDF (watermarked) if it exists, else a button to
    make it. Every approval's official book stays downloadable."""
    plan = get_object_or_404(_plans(request), pk=pk)
    scope = render_scope(request.user)
    # A group role's book holds its own projects only, so never an approval's whole book.
    approvals = list(_approvals(plan)) if scope == OFFICE_SCOPE else []
    books = tasks.approval_renders(plan) if approvals else {}
    approval = approvals[0] if approvals and plan.status == PlanStatus.APPROVED else None
    latest = None
    if approval:
        current = books.get(approval.pk)
    else:
        version_key = book.plan_version_key(plan, scope=scope)
        current = tasks.find_current_render(plan, version_key, scope=scope)
        latest = None if current else tasks.find_latest_render(plan, scope=scope)
    pending = tasks.find_pending_render(plan, approval=approval, scope=scope)
    context = {
        "plan": plan,
        "approval": approval,
        "current": current,
        "latest": latest,
        "scope_label": book.scope_label(plan, scope),
        "pending": pending,
        "worker_missing": _waits_for_no_worker(pending),
        "approvals": [(a, books.get(a.pk)) for a in approvals],
        "renders": plan.renders.filter(kind=RenderKind.BOOK, scope=scope)
        .select_related("approval")
        .defer("approval__data", "approval__print_source")[:5],
        "can_edit_tables": request.user.role in PLAN_ADMIN_ROLES,
        "can_export_word": scope == OFFICE_SCOPE,
    }
    return render(request, "print/plan_book.html", context)


@login_required
@require_POST
def plan_book_render(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a render of the plan book (or reuse the finished one) and show its progress: the
    official book of an approval (the one posted, else an approved plan's latest), else the
    live plan's. A group role gets the live book of its own projects (an approval's whole book
    is refused: 403)."""
    plan = get_object_or_404(_plans(request), pk=pk)
    scope = render_scope(request.user)
    number = request.POST.get("approval", "")
    if number and scope != OFFICE_SCOPE:
        raise PermissionDenied(WHOLE_BOOK_ONLY)
    if number:
        approval = get_object_or_404(_approvals(plan), number=number if number.isdigit() else 0)
    elif scope == OFFICE_SCOPE and plan.status == PlanStatus.APPROVED:
        approval = _approvals(plan).first()
    else:
        approval = None
    if approval:
        plan_render = tasks.request_approval_render(approval=approval, by=request.user)
    else:
        plan_render = tasks.request_plan_render(plan=plan, by=request.user, scope=scope)
    return redirect("print:render_status", pk=plan.pk, render_id=plan_render.pk)


@login_required
@require_GET
def approval_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The official book of one approval of the plan (no watermark; later edits never change
    it). Not laid out yet: its progress, or the plan-book page to queue it. The whole book is
    for office-wide roles (403 for a group role: it prints every group's projects)."""
    plan = get_object_or_404(_plans(request), pk=pk)
    if render_scope(request.user) != OFFICE_SCOPE:
        raise PermissionDenied(WHOLE_BOOK_ONLY)
    approval = get_object_or_404(_approvals(plan), number=number)
    done = tasks.find_approval_render(approval)
    if done is None:
        pending = tasks.find_pending_render(plan, approval=approval)
        if pending:
            return redirect("print:render_status", pk=plan.pk, render_id=pending.pk)
        messages.info(request, f"ยังไม่มีไฟล์เล่มแผนฉบับอนุมัติครั้งที่ {number} กรุณากดจัดทำไฟล์")
        return redirect("print:plan_book", pk=plan.pk)
    filename = f"plan-{plan.office.code}-{plan.fiscal_year.year_be}-approval-{number}.pdf"
    return _file_response(done, filename)


@login_required
@require_GET
def render_status(request: HttpRequest, pk: int, render_id: int) -> HttpResponse:
    """Progress of one render; the page refreshes itself until the render has finished. A
    render silent for RENDER_STALE_SECONDS is failed here (stuck: its worker is gone), so the
    page offers the retry instead of refreshing forever; a queued one whose job the queue
    lost (or never got: the queue was down) is queued again, so it runs once the queue is back."""
    plan = get_object_or_404(_plans(request), pk=pk)
    renders = PlanRender.objects.filter(plan=plan).select_related("approval")
    renders = renders.defer("approval__data", "approval__print_source")
    plan_render = _readable(request, get_object_or_404(renders, pk=render_id))
    this = PlanRender.objects.filter(pk=plan_render.pk)
    if plan_render.status == RenderStatus.QUEUED:
        tasks.requeue_lost_renders(this)
    elif tasks.fail_stalled_renders(this):
        plan_render = get_object_or_404(renders, pk=render_id)
    context = {
        "plan": plan,
        "render": plan_render,
        "worker_missing": _waits_for_no_worker(plan_render),
    }
    return render(request, "print/render_status.html", context)


def _waits_for_no_worker(plan_render: PlanRender | None) -> bool:
    """Queued for WORKER_MISSING_AFTER seconds and no background worker has reported in."""
    return (
        plan_render is not None
        and plan_render.status == RenderStatus.QUEUED
        and worker_missing(plan_render.created_at)
    )


@login_required
@require_GET
def render_download(request: HttpRequest, pk: int, render_id: int) -> FileResponse:
    """The finished PDF from the render cache (never rendered in the request)."""
    plan = get_object_or_404(_plans(request), pk=pk)
    plan_render = get_object_or_404(
        PlanRender.objects.filter(plan=plan, status=RenderStatus.DONE), pk=render_id
    )
    _readable(request, plan_render)
    if not plan_render.file or not plan_render.file.storage.exists(plan_render.file.name):
        raise Http404("ไม่พบไฟล์")
    return _file_response(plan_render, render_filename(plan, plan_render))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def project_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The project document as an editable Word file: an approved project as approved (its
    latest approved version), any other state as it stands."""
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "plan__office", "plan__fiscal_year"
        ),
        pk=pk,
    )
    snapshot = None
    if project.status == ProjectStatus.APPROVED:
        snapshot = ProjectSnapshot.objects.filter(project=project).order_by("-number").first()
    document = snapshot.data if snapshot else audit.load_document(project.pk)
    office = project.plan.office
    content = word.project_docx(document, digits=office.digit_style, office=office.name_th)
    suffix = f"-v{snapshot.number}" if snapshot else ""
    name = f"project-{project.plan.fiscal_year.year_be}-{project.pk}{suffix}.docx"
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def plan_book_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the whole book as a Word file (office-wide roles) and show its progress."""
    plan = get_object_or_404(_plans(request), pk=pk)
    if render_scope(request.user) != OFFICE_SCOPE:
        raise PermissionDenied("เฉพาะผู้บริหารและผู้ดูแลแผนของสำนักงานที่ส่งออกทั้งเล่มได้")
    render_obj = word_tasks.request_book_docx(plan=plan, by=request.user)
    return redirect("print:render_status", pk=plan.pk, render_id=render_obj.pk)


def _readable(request: HttpRequest, plan_render: PlanRender) -> PlanRender:
    """A round report's render is for the roles that open the round's pages (else 403); a
    book's for the viewers of its scope only (else 404): a group role never reads the whole
    office's book, nor another group's, and an office-wide role reads the whole one."""
    if plan_render.kind == RenderKind.REPORT and request.user.role not in PLAN_REVIEWERS:
        raise PermissionDenied("เฉพาะผู้ดูแลแผนและผู้บริหารสำนักงาน")
    if plan_render.scope != render_scope(request.user):
        raise Http404("ไม่พบไฟล์")
    return plan_render


def render_filename(plan: Plan, plan_render: PlanRender) -> str:
    """The download name: report-<office>-<year>-r<n>.pdf for a round report, else the book's."""
    kind = "" if plan.plan_type == "action_plan" else f"-{plan.plan_type}"
    if plan_render.kind == RenderKind.BOOK_DOCX:
        return f"plan-{plan.office.code}-{plan.fiscal_year.year_be}{kind}.docx"
    if plan_render.kind == RenderKind.REPORT:
        return resources.report_file_name(plan, plan_render.round_number, "pdf")
    return f"plan-{plan.office.code}-{plan.fiscal_year.year_be}{kind}.pdf"


def _file_response(plan_render: PlanRender, filename: str) -> FileResponse:
    """A stored PDF, inline, never kept by shared caches (like _pdf_response)."""
    word_file = plan_render.kind == RenderKind.BOOK_DOCX
    response = FileResponse(
        plan_render.file.open("rb"),
        content_type=DOCX if word_file else "application/pdf",
        filename=filename,
    )
    disposition = "attachment" if word_file else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Part-1 context tables ------------------------------------------------------------------


def _admin_plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(_plans(request), pk=pk)
    if request.user.role not in PLAN_ADMIN_ROLES:
        raise PermissionDenied("เฉพาะผู้ดูแลแผน")
    return plan


@login_required
@require_GET
def context_tables(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's Part-1 tables as they will print, with links to edit them."""
    plan = _admin_plan(request, pk)
    tables = [(t, book.context_table(t)) for t in plan.context_tables.all()]
    return render(request, "print/context_tables.html", {"plan": plan, "tables": tables})


@login_required
@require_http_methods(["GET", "POST"])
def context_table_edit(request: HttpRequest, pk: int, table_id: int | None = None) -> HttpResponse:
    """Create or edit one context table; POST with "delete" removes it."""
    plan = _admin_plan(request, pk)
    table = get_object_or_404(plan.context_tables, pk=table_id) if table_id else None
    if request.method == "POST" and "delete" in request.POST and table:
        table.delete()
        messages.success(request, f"ลบตารางที่ {table.number} แล้ว")
        return redirect("print:context_tables", pk=plan.pk)
    form = ContextTableForm(request.POST or None, instance=table, plan=plan)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, f"บันทึกตารางที่ {saved.number} แล้ว")
        return redirect("print:context_tables", pk=plan.pk)
    preview = book.context_table(table) if table else None
    return render(
        request,
        "print/context_table_form.html",
        {"plan": plan, "form": form, "table": table, "preview": preview},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan calendar of Part 4 (ปฏิทินการดำเนินงาน): a row per activity with its months."""
    plan = _admin_plan(request, pk)
    initial = [
        {"title": row["title"], "months": sorted(row["months"])}
        for row in parts.calendar_rows(plan.calendar_rows)
    ]
    formset = CalendarFormSet(request.POST or None, initial=initial, prefix="rows")
    if request.method == "POST" and formset.is_valid():
        rows = [row for form in formset.forms if (row := form.row()) is not None]
        try:
            plan_services.set_plan_calendar(plan=plan, rows=rows, by=request.user)
        except plan_services.DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"บันทึกปฏิทินการดำเนินงานแล้ว {len(rows)} รายการ")
            return redirect("print:plan_calendar", pk=plan.pk)
    return render(request, "print/plan_calendar.html", {"plan": plan, "formset": formset})


# --- Monitoring rounds' reports (the report pages are monitoring.views) -------------


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One project's report of a round as PDF, for whoever may open its report page (the lead
    group prints its own). One project is a page or two: laid out in the request, like a
    project document, in the round report's typography; watermarked until accepted."""
    _number(number)
    project = _monitored_project(request, pk)
    try:
        data = report.render_project_report(project, number, today=timezone.localdate())
    except renderer.PdfError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:report_edit", pk=pk, number=number)
    plan = project.plan
    name = (
        f"report-{plan.office.code}-{plan.fiscal_year.year_be}-project-{project.pk}-r{number}.pdf"
    )
    return _pdf_response(data, name)


@login_required
@require_http_methods(["GET", "POST"])
def round_pdf(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """รายงานผลการดำเนินงาน of one round as PDF, in the plan book's typography, laid out in the
    background like the plan book. GET serves the finished file of the report's current
    version, or shows the pending render's progress, or a page with the button that queues
    one; only that POST starts work (a GET never changes anything)."""
    plan = _plan(request, plan_id)
    number = _number(number)
    plan_render = tasks.request_report_render(
        plan=plan,
        number=number,
        by=request.user,
        today=timezone.localdate(),
        queue=request.method == "POST",
    )
    if plan_render is None:
        return render(
            request,
            "monitoring/round_pdf.html",
            {
                "plan": plan,
                "number": number,
                "round": thai.report_round(plan.fiscal_year.year_be, number, digits="arabic"),
            },
        )
    if plan_render.status == RenderStatus.DONE and request.method == "GET":
        return _file_response(plan_render, resources.report_file_name(plan, number, "pdf"))
    return redirect("print:render_status", pk=plan.pk, render_id=plan_render.pk)
