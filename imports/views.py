"""Upload → preview → confirm for plan administrators; template and plan exports for everyone
who can see the plan. GET never writes; every POST carries the CSRF token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.models import Plan, Role
from imports import export, services
from imports.forms import UploadForm
from imports.models import ImportBatch, ImportStatus
from projects.models import Project

IMPORTER_ROLES = {Role.PLAN_ADMIN, Role.SYSADMIN}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(request: HttpRequest) -> None:
    if not request.user.office_id or request.user.role not in IMPORTER_ROLES:
        raise PermissionDenied("เฉพาะผู้ดูแลแผนและผู้ดูแลระบบ")


def _batches(request: HttpRequest):
    return ImportBatch.objects.filter(office_id=request.user.office_id).select_related(
        "user", "plan"
    )


@login_required
@require_http_methods(["GET", "POST"])
def importbatch_create(request: HttpRequest) -> HttpResponse:
    """Upload a file and see what would happen; nothing is written but the audit record."""
    _require_importer(request)
    initial = {}
    chosen = request.GET.get("plan", "")
    if chosen.isdigit():  # from a plan's page: its year and kind
        plan = Plan.objects.filter(office_id=request.user.office_id, pk=int(chosen))
        plan = plan.select_related("fiscal_year").first()
        if plan is not None:
            initial = {"year_be": plan.fiscal_year.year_be, "plan_type": plan.plan_type}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = services.run_import(
            name=upload.name,
            data=data,
            office=request.user.office,
            year_be=form.cleaned_data["year_be"],
            plan_type=form.cleaned_data["plan_type"],
            mode=form.cleaned_data["mode"],
            user=request.user,
            keep=True,  # the bytes the confirm step re-reads; a full disk is an error of the preview
        )
        return redirect("imports:importbatch_detail", report.batch_id)
    recent = _batches(request)[:20]
    return render(request, "imports/importbatch_form.html", {"form": form, "batches": recent})


@login_required
@require_GET
def importbatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: counts, every error with sheet/row/column, printed vs computed totals."""
    _require_importer(request)
    batch = get_object_or_404(_batches(request), pk=pk)
    return render(request, "imports/importbatch_detail.html", _preview_context(batch, batch.report))


def _preview_context(batch: ImportBatch, report: dict) -> dict:
    return {"batch": batch, "report": report, "can_confirm": batch.status == ImportStatus.PREVIEWED}


@login_required
@require_POST
def importbatch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-read the previewed bytes (same SHA-256), apply the group choices, write in one transaction."""
    _require_importer(request)
    batch = get_object_or_404(_batches(request), pk=pk)
    if batch.status != ImportStatus.PREVIEWED:
        messages.error(request, "รายการนี้ยืนยันไม่ได้แล้ว (นำเข้าแล้วหรือไม่ผ่านการตรวจ)")
        return redirect("imports:importbatch_detail", batch.pk)
    choices = {}
    for n, choice in enumerate(batch.report.get("group_choices", [])):
        value = request.POST.get(f"group-{n}", "")
        if value.isdigit():
            choices[choice["key"]] = int(value)
    try:
        data = services.load_pending(batch)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("imports:importbatch_detail", batch.pk)
    report = services.run_import(
        name=batch.file_name,
        data=data,
        office=request.user.office,
        year_be=batch.year_be,
        plan_type=batch.plan_type,
        mode=batch.mode,
        user=request.user,
        choices=choices,
        commit=True,
        batch=batch,
    )
    if report.committed:
        services.discard_pending(batch)
        counts = report.counts
        messages.success(
            request,
            f"นำเข้าแล้ว: โครงการใหม่ {counts['created']} ปรับปรุง {counts['updated']} "
            f"ไม่เปลี่ยนแปลง {counts['unchanged']}",
        )
        return redirect("imports:importbatch_detail", batch.pk)
    messages.error(request, "ยังนำเข้าไม่ได้ กรุณาตรวจรายการด้านล่าง")
    batch.refresh_from_db()
    return render(
        request,
        "imports/importbatch_detail.html",
        _preview_context(batch, report.as_json()),
        status=422,
    )


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    """The empty template, its dropdowns filled with the user's office's groups, programmes and
    policy items and the strategies of its latest plan."""
    office = request.user.office
    plan = (
        Plan.objects.filter(office=office).order_by("-fiscal_year__year_be", "-pk").first()
        if office
        else None
    )
    response = HttpResponse(export.template_workbook(office, plan), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="actionplan-template.xlsx"'
    return response


def _visible_plan(request: HttpRequest, pk: int) -> Plan:
    if not request.user.office_id:
        raise Http404
    return get_object_or_404(
        Plan.objects.select_related("office", "fiscal_year").filter(
            office_id=request.user.office_id
        ),
        pk=pk,
    )


@login_required
@require_GET
def plan_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as the canonical workbook; only the projects this user may see."""
    plan = _visible_plan(request, pk)
    projects = export.export_projects(plan, Project.objects.visible_to(request.user))
    response = HttpResponse(export.plan_workbook(plan, projects), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(plan, "xlsx")}"'
    return response


@login_required
@require_GET
def plan_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    projects = export.export_projects(plan, Project.objects.visible_to(request.user))
    response = HttpResponse(export.plan_csv(plan, projects), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(plan, "csv")}"'
    return response
