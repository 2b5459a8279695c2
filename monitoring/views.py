"""Views of quarterly monitoring (issue 7): each group's reports round by round (and a project's
report as PDF), the plan administrator's review, closing, reopening and due dates of rounds,
the monitoring dashboard, the printed report (PDF laid out in the background, and .xlsx),
strategy-KPI results, settings and the year-end summary.

Projects come through `figures.monitored(Project.objects.visible_to(user))` and plans through the plan
pages' `_reviewer_plan`: out of scope is 404, a role that may only read gets 403 on writes.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.models import Plan
from actionplan.plan_kinds import menu_order
from actionplan.services import DomainError
from monitoring import figures, resources, rounds, services
from monitoring.forms import (
    MonitoringSettingsForm,
    ReportForm,
    RoundDueDateForm,
    RoundReopenForm,
    StrategyResultsForm,
    report_sheet,
)
from monitoring.models import ProjectReport, ReportStatus
from plans import charts
from plans.views import _reviewer_plan
from projects.audit import captures_ip
from projects.models import EventAction, Project, ProjectEvent, ProjectStatus
from projects.views import _current_plan, _office_plans

REPORT_ACTIONS = [
    EventAction.REPORT_SAVE,
    EventAction.REPORT_SUBMIT,
    EventAction.REPORT_ACCEPT,
    EventAction.REPORT_RETURN,
    *rounds.ROUND_ACTIONS,
]


def _number(number: int) -> int:
    if number not in rounds.ROUNDS:
        raise Http404("ไม่มีรอบรายงานนี้")
    return number


def _monitored_project(request: HttpRequest, pk: int) -> Project:
    """A monitored project the user may see (else 404)."""
    return get_object_or_404(
        figures.monitored(Project.objects.visible_to(request.user)).select_related(
            "plan__fiscal_year", "plan__office", "lead_unit", "strategy"
        ),
        pk=pk,
    )


def _sheet_project(pk: int) -> Project:
    return (
        Project.objects.select_related("plan__fiscal_year", "plan__office", "lead_unit", "strategy")
        .with_budget()
        .prefetch_related("indicators")
        .get(pk=pk)
    )


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


# --- The groups' reports ---------------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Every monitored project the user may see with its report of each round: the groups'
    worklist (late reports are marked)."""
    plans = menu_order(_office_plans(request.user))
    plan = _current_plan(request, plans)
    rows, rounds = [], []
    today = timezone.localdate()
    if plan is not None:
        ids = Project.objects.visible_to(request.user).filter(plan=plan).values("pk")
        progress = figures.load_progress(plan, project_ids=ids)
        rounds = progress.rounds
        for entry in progress.projects:
            cells = []
            for r in rounds:
                report = entry.reports.get(r.number)
                late = r.is_past_due(today) and not (report and report.is_sent)
                cells.append((r, report, late))
            rows.append((entry, cells))
    context = {"plan": plan, "plans": plans, "rounds": rounds, "rows": rows, "today": today}
    return render(request, "monitoring/report_list.html", context)


@login_required
@require_GET
def report_current(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's report in the round where the work is (rounds.default_round)."""
    project = _monitored_project(request, pk)
    number = rounds.default_round(project.plan, timezone.localdate())
    return redirect("monitoring:report_edit", pk=pk, number=number)


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def report_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One project's report of one round: the lead group records it here; everybody else who
    may see the project reads it, and the plan administrator accepts or returns it."""
    _number(number)
    _monitored_project(request, pk)
    project = _sheet_project(pk)
    user = request.user
    if request.method == "POST" and not services.may_report(user, project):
        raise PermissionDenied("ผู้จัดทำและผู้อำนวยการกลุ่มที่รับผิดชอบโครงการเท่านั้นที่รายงานผลได้")
    sheet = report_sheet(project, number)
    report = sheet.report
    can_edit = (
        services.may_report(user, project)
        and project.status == ProjectStatus.APPROVED
        and not sheet.round.is_closed
        and (report is None or report.status == ReportStatus.DRAFT)
    )
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, sheet=sheet)
        if form.is_valid():
            try:
                services.save_project_report(
                    project=project,
                    number=number,
                    entry=form.entry(),
                    by=user,
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                messages.success(request, "บันทึกรายงานผลแล้ว")
                return redirect("monitoring:report_edit", pk=pk, number=number)
        else:
            messages.error(request, "ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความเตือน")
            status = 400
    else:
        form = ReportForm(sheet=sheet)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "project": project,
        "sheet": sheet,
        "form": form,
        "can_edit": can_edit,
        "can_submit": can_edit and report is not None,
        "can_review": services.may_review_reports(user, project.plan)
        and report is not None
        and not sheet.round.is_closed,
        "rounds": rounds.plan_rounds(project.plan),
        "events": list(
            ProjectEvent.objects.filter(
                project_ref=pk, action__in=REPORT_ACTIONS, changes__round=number
            ).order_by("-at", "-pk")[:20]
        ),
        "today": timezone.localdate(),
    }
    return render(request, "monitoring/report_form.html", context, status=status)


def _report(request: HttpRequest, pk: int, number: int) -> ProjectReport:
    project = _monitored_project(request, pk)
    return get_object_or_404(
        ProjectReport.objects.filter(project=project), round__number=_number(number)
    )


def _run(request: HttpRequest, done: str, service, **kwargs) -> None:
    try:
        service(by=request.user, **kwargs)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)


@login_required
@require_POST
@captures_ip
def report_submit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The lead group sends its report to the plan administrator."""
    report = _report(request, pk, number)
    version = request.POST.get("version", "")
    _run(
        request,
        "ส่งรายงานผลถึงผู้ดูแลแผนแล้ว",
        services.submit_project_report,
        report=report,
        expected_version=int(version) if version.isdigit() else None,
    )
    return redirect("monitoring:report_edit", pk=pk, number=number)


@login_required
@require_POST
@captures_ip
def report_accept(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The plan administrator accepts a sent report."""
    report = _report(request, pk, number)
    _run(request, "รับรายงานผลแล้ว", services.review_project_report, report=report, accept=True)
    return redirect(_next_or(request, reverse("monitoring:report_edit", args=[pk, number])))


@login_required
@require_POST
@captures_ip
def report_return(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The plan administrator returns a report to the group with what to correct."""
    report = _report(request, pk, number)
    _run(
        request,
        "ส่งรายงานกลับให้กลุ่มแก้ไขแล้ว",
        services.review_project_report,
        report=report,
        accept=False,
        comment=request.POST.get("comment", ""),
    )
    return redirect(_next_or(request, reverse("monitoring:report_edit", args=[pk, number])))


# --- The plan administrator's pages ----------------------------------------------------------


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    return _reviewer_plan(request, plan_id, Plan.objects.prefetch_related("strategies"))


def _round_param(request: HttpRequest, plan: Plan, today) -> int:
    raw = request.GET.get("round", "")
    if raw.isdigit() and int(raw) in rounds.ROUNDS:
        return int(raw)
    return rounds.default_round(plan, today)


@login_required
@require_GET
def monitoring_dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Spending against the quarterly plan and the disbursement targets per strategy, group and
    project; KPI achievement; rounds not yet reported; alerts. Queries do not grow with size."""
    plan = _plan(request, plan_id)
    today = timezone.localdate()
    number = _round_param(request, plan, today)
    progress = figures.load_progress(plan)
    now = progress.at(number, today)
    by_round = [progress.at(n, today)["total"] for n in rounds.ROUNDS]
    margin = plan.spending_margin_pct
    context = {
        "plan": plan,
        "today": today,
        "number": number,
        "round": progress.round(number),
        "rounds": progress.rounds,
        "round_rows": list(zip(progress.rounds, by_round, strict=True)),
        "targets": progress.targets,
        "now": now,
        "margin": margin,
        "alerts": figures.alerts(plan, today, progress),
        "year_chart": charts.disbursement_chart(
            [r.label for r in progress.rounds],
            [f.planned_pct for f in by_round],
            [f.pct_of_budget for f in by_round],
            progress.targets,
        ),
        "strategy_chart": _spending_chart(now["strategies"], margin),
        "group_chart": _spending_chart(now["groups"], margin),
        "can_review": services.may_review_reports(request.user, plan),
    }
    return render(request, "monitoring/dashboard.html", context)


def _spending_chart(rows: list[figures.Figures], margin) -> dict:
    """Actual spending to date per row, with the plan to date as the tick; behind in red."""
    return charts.bar_chart(
        [(row.label, row.actual) for row in rows],
        marks={i: row.planned for i, row in enumerate(rows)},
        flagged={i for i, row in enumerate(rows) if row.is_behind(margin)},
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """One round: every monitored project's report, late ones marked, the review buttons and
    closing the round."""
    plan = _plan(request, plan_id)
    _number(number)
    today = timezone.localdate()
    progress = figures.load_progress(plan)
    current = progress.round(number)
    rows = []
    for entry, one in zip(progress.projects, progress.at(number, today)["projects"], strict=True):
        report = entry.reports.get(number)
        sent_late = bool(
            report
            and report.submitted_at
            and timezone.localdate(report.submitted_at) > current.due_date
        )
        rows.append({"entry": entry, "report": report, "figures": one, "sent_late": sent_late})
    context = {
        "plan": plan,
        "round": current,
        "rounds": progress.rounds,
        "rows": rows,
        "total": progress.at(number, today)["total"],
        "today": today,
        "can_review": services.may_review_reports(request.user, plan),
        "due_form": RoundDueDateForm(
            prefix="due",
            plan=plan,
            initial={"due_date": current.due_date if current.due_is_set else None},
        ),
        "reopen_form": RoundReopenForm(prefix="reopen"),
        "events": rounds.round_events(plan, number),
    }
    return render(request, "monitoring/round_detail.html", context)


@login_required
@require_POST
@captures_ip
def round_close(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The plan administrator closes a round."""
    plan = _plan(request, plan_id)
    _run(request, "ปิดรอบรายงานแล้ว", services.close_report_round, plan=plan, number=_number(number))
    return redirect("monitoring:round_detail", plan_id=plan.pk, number=number)


def _reviewer_only(request: HttpRequest, plan: Plan, message: str) -> None:
    if not services.may_review_reports(request.user, plan):
        raise PermissionDenied(message)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _round_decision(
    request: HttpRequest,
    plan_id: int,
    number: int,
    make_form: Callable[[QueryDict, Plan], forms.Form],
    refused: str,
    done: str,
    service,
) -> HttpResponse:
    """A plan administrator's decision on a round (a form posted from the round page): refused
    to other roles, the form's first error as a message, else the service run."""
    plan = _plan(request, plan_id)
    _number(number)
    _reviewer_only(request, plan, refused)
    form = make_form(request.POST, plan)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        _run(request, done, service, plan=plan, number=number, **form.cleaned_data)
    return redirect("monitoring:round_detail", plan_id=plan.pk, number=number)


@login_required
@require_POST
@captures_ip
def round_reopen(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The plan administrator reopens a closed round, with a reason."""
    return _round_decision(
        request,
        plan_id,
        number,
        lambda data, plan: RoundReopenForm(data, prefix="reopen"),
        "ผู้ดูแลแผนเท่านั้นที่เปิดรอบรายงานอีกครั้งได้",
        "เปิดรอบรายงานอีกครั้งแล้ว",
        services.reopen_report_round,
    )


@login_required
@require_POST
@captures_ip
def round_due(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The plan administrator sets the round's due date (empty: the plan's rule again)."""
    return _round_decision(
        request,
        plan_id,
        number,
        lambda data, plan: RoundDueDateForm(data, prefix="due", plan=plan),
        "ผู้ดูแลแผนเท่านั้นที่กำหนดวันส่งรายงานได้",
        "บันทึกกำหนดส่งรายงานของรอบนี้แล้ว",
        services.set_round_due_date,
    )


@login_required
@require_GET
def round_xlsx(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """The same report as an .xlsx workbook: numbers numeric, text as inert text."""
    plan = _plan(request, plan_id)
    data = resources.report_workbook(figures.load_progress(plan), _number(number))
    response = HttpResponse(data, content_type=resources.XLSX_TYPE)
    name = resources.report_file_name(plan, number, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_settings(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan administrator sets when reports are due and the spending margin of the alerts."""
    plan = _plan(request, plan_id)
    if not services.may_review_reports(request.user, plan):
        raise PermissionDenied("ผู้ดูแลแผนเท่านั้นที่กำหนดค่าการติดตามผลได้")
    initial = {"due_days": plan.report_due_days, "margin_pct": plan.spending_margin_pct}
    form = MonitoringSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _run(
            request,
            "บันทึกการตั้งค่าการติดตามผลแล้ว",
            services.set_monitoring_settings,
            plan=plan,
            due_days=form.cleaned_data["due_days"],
            margin_pct=form.cleaned_data["margin_pct"],
        )
        return redirect("monitoring:monitoring_dashboard", plan_id=plan.pk)
    context = {"plan": plan, "form": form, "rounds": rounds.plan_rounds(plan)}
    return render(request, "monitoring/settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def strategy_results(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Strategy KPIs: this year's actual against this year's target of the five-year table."""
    plan = _plan(request, plan_id)
    can_edit = services.may_review_reports(request.user, plan)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("ผู้ดูแลแผนเท่านั้นที่บันทึกผลตัวชี้วัดกลยุทธ์ได้")
    kpis = figures.strategy_kpis(plan)
    year = plan.fiscal_year.year_be
    form = StrategyResultsForm(request.POST or None, kpis=kpis)
    if request.method == "POST" and form.is_valid():
        _run(
            request,
            "บันทึกผลตัวชี้วัดกลยุทธ์แล้ว",
            services.record_strategy_results,
            plan=plan,
            values=form.values(),
        )
        return redirect("monitoring:strategy_results", plan_id=plan.pk)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    rows = [
        (kpi, form[f"value-{kpi.indicator.pk}"], form[f"note-{kpi.indicator.pk}"]) for kpi in kpis
    ]
    context = {
        "plan": plan,
        "year": year,
        "rows": rows,
        "form": form,
        "can_edit": can_edit,
        "rounds": rounds.plan_rounds(plan),
    }
    return render(request, "monitoring/strategy_results.html", context)


@login_required
@require_GET
def year_end(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The year's results per project (what the next year's continuing projects draw on), and
    the strategy KPIs of the year."""
    plan = _plan(request, plan_id)
    progress = figures.load_progress(plan)
    rows = [(entry, figures.year_end(progress, entry)) for entry in progress.projects]
    kpis = figures.strategy_kpis(plan)
    context = {
        "plan": plan,
        "rows": rows,
        "total": progress.at(4)["total"],
        "kpis": kpis,
        "reported": sum(1 for _, summary in rows if summary),
        "rounds": progress.rounds,
        "can_review": services.may_review_reports(request.user, plan),
    }
    return render(request, "monitoring/year_end.html", context)
