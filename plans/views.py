"""The plan-level pages for plan administrators and directors: the office-wide roll-up
(overview), validation, dashboard, disbursement targets and plan approval."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import thai
from actionplan.models import Plan, Role, Strategy
from actionplan.plan_kinds import pick_plan
from actionplan.services import DomainError
from budgets import figures
from budgets.models import BudgetCategory
from budgets.money import ZERO
from development import services as development_services
from plans import alignment, charts
from plans import services as plan_services
from plans.forms import DisbursementTargetForm
from plans.models import DisbursementTarget, PlanApproval
from plans.templatetags import fragments as plan_fragments
from plans.templatetags.fragments import Fragment
from projects import checks
from projects.audit import captures_ip
from projects.models import Project, ProjectStatus
from projects.rollup import overview_projects, strategy_sentence
from workflow import services as workflow_services

# --- Plan roll-up, validation, dashboard and approval (issue 4) ------------------------------

PLAN_REVIEWERS = {Role.PLAN_ADMIN, Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.SYSADMIN}
TARGET_EDITORS = {Role.PLAN_ADMIN, Role.SYSADMIN}


def _reviewer_plan(request: HttpRequest, plan_id: int, queryset=None) -> Plan:
    """A plan of the user's own office (else 404) that the user's role may review (else 403)."""
    qs = queryset if queryset is not None else Plan.objects.all()
    plan = get_object_or_404(
        qs.filter(office_id=request.user.office_id).select_related("office", "fiscal_year"),
        pk=plan_id,
    )
    if request.user.role not in PLAN_REVIEWERS:
        raise PermissionDenied("เฉพาะผู้ดูแลแผนและผู้บริหารสำนักงาน")
    return plan


def _money(value) -> str:
    return thai.format_money(value, zero="0.00")


@login_required
@require_GET
def plan_index(request: HttpRequest) -> HttpResponse:
    """The plan chosen with ?plan=<id> (?year= is that year's action plan), else the newest
    action plan of the office, for plan administrators and directors."""
    if request.user.role not in PLAN_REVIEWERS:
        raise PermissionDenied("เฉพาะผู้ดูแลแผนและผู้บริหารสำนักงาน")
    plans = Plan.objects.filter(office_id=request.user.office_id).select_related("fiscal_year")
    plan = pick_plan(request.GET, plans)
    if plan is None:
        return render(request, "plans/no_plan.html")
    return redirect("plans:plan_overview", plan_id=plan.pk)


def overview_context(plan: Plan, projects: list) -> dict:
    """Everything the roll-up page prints: three queries for the amounts, then memory only.
    The strategy tables are plain values (they are kept as rendered fragments)."""
    summary, per_project, sources = figures.summarize(plan, projects)
    strategies = []
    for bucket in summary.strategies:
        rows = []
        for n, project in enumerate(bucket.projects, start=1):
            entry = per_project[project.pk]
            rows.append(
                {
                    "number": n,
                    "pk": project.pk,
                    "name_th": project.name_th,
                    "status": project.status,
                    "status_label": str(project.get_status_display()),
                    "unit": project.lead_unit.name_th,
                    "total": entry.total,
                    "funds": [entry.by_fund.get(s.pk, ZERO) for s in sources],
                }
            )
        strategies.append(
            {
                "title": str(bucket.key) if bucket.key else bucket.label,
                "anchor": f"strategy-{bucket.key.pk if bucket.key else 0}",
                "sentence": strategy_sentence(bucket, _money),
                "total": bucket.total,
                "rows": rows,
                "fund_totals": [bucket.by_fund.get(s.pk, ZERO) for s in sources],
            }
        )
    groups = [
        {
            "pk": row.bucket.key.pk,
            "label": row.bucket.label,
            "count": row.bucket.count,
            "total": row.bucket.total,
            "ceiling": row.ceiling,
            "remaining": row.balance,
            "over": row.over,
        }
        for row in figures.ceilings(summary.groups)[0]
    ]
    statuses = {value: 0 for value in ProjectStatus.values if value != ProjectStatus.CANCELLED}
    for project in projects:
        statuses[project.status] += 1
    matrix = alignment.alignment_matrix(plan, projects, per_project)
    return {
        "plan": plan,
        "summary": summary,
        "matrix": matrix,
        "frameworks": [
            {
                "title": framework.title_th,
                "rows": [
                    {
                        "pk": row.item.pk,
                        "label": str(row.item),
                        "depth": row.depth,
                        "covered": row.covered,
                        "total": row.bucket.total,
                        "projects": [{"pk": p.pk, "name_th": p.name_th} for p in row.projects],
                    }
                    for row in rows
                ],
            }
            for framework, rows in matrix.frameworks
        ],
        "sources": sources,
        "source_labels": [s.short_th or s.name_th for s in sources],
        "strategies": strategies,
        "groups": groups,
        "over_ceiling": [g for g in groups if g["over"]],
        "statuses": [(ProjectStatus(v).label, v, n) for v, n in statuses.items()],
        "quarters": list(
            zip(plan.fiscal_year.quarter_labels(digits="arabic"), summary.quarters, strict=True)
        ),
    }


@login_required
@require_GET
def plan_overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The office-wide roll-up: per-strategy tables with the generated sentence, totals by
    group (against each ceiling), category, fund source and quarter. The strategy tables and
    the alignment matrix are kept rendered under a digest of what they print, so a repeat view
    renders only what changed (docs/decisions/overview-fragments.md)."""
    plan = _reviewer_plan(request, plan_id, Plan.objects.prefetch_related("strategies"))
    context = overview_context(plan, overview_projects(plan))
    context["split"] = split = request.GET.get("split") == "fund"
    summary = context["summary"]
    count, total = len(summary.projects), summary.total
    context["summary_block"] = Fragment.of(
        "plans/_overview_summary.html",
        {
            "count": count,
            "total": total,
            "statuses": [(str(label), n) for label, _, n in context["statuses"]],
            "split": split,
            "over_ceiling": context["over_ceiling"],
        },
    )
    context["strategy_blocks"] = [
        Fragment.of(
            "plans/_overview_strategy.html",
            {"s": s, "split": split, "source_labels": context["source_labels"]},
        )
        for s in context["strategies"]
    ]
    context["totals_block"] = Fragment.of(
        "plans/_overview_totals.html",
        {
            "count": count,
            "total": total,
            "groups": context["groups"],
            "categories": [{"label": b.label, "total": b.total} for b in summary.categories],
            "fund_sources": [{"label": b.label, "total": b.total} for b in summary.fund_sources],
            "quarters": context["quarters"],
        },
    )
    context["matrix_block"] = Fragment.of(
        "plans/_alignment_matrix.html", {"frameworks": context["frameworks"]}
    )
    blocks = [
        context["summary_block"],
        *context["strategy_blocks"],
        context["totals_block"],
        context["matrix_block"],
    ]
    plan_fragments.load(blocks)
    response = render(request, "plans/plan_overview.html", context)
    plan_fragments.store(blocks)
    return response


def _finding_link(finding, project, *, editable: bool) -> str:
    """Where the viewer can act on a finding: the editor anchor when they may edit the project,
    else the read-only document's findings (never a page that answers 403)."""
    if not editable:
        return reverse("projects:project_detail", args=[project.pk]) + "#findings-title"
    url = reverse("projects:project_edit", args=[project.pk])
    if finding.line_id:
        return f"{url}#line-{finding.line_id}"
    if finding.activity_id:
        return f"{url}#activity-{finding.activity_id}"
    if finding.indicator_id:
        return f"{url}#indicator-{finding.indicator_id}"
    if finding.field in {"strategy", "start_date", "end_date", "name_th", "lead_unit"}:
        return f"{url}#id_{finding.field}"
    if finding.field in {"budget", "indicators"}:
        return f"{url}#{finding.field}"
    return reverse("projects:project_detail", args=[project.pk]) + "#findings-title"


PLAN_FINDING_ADMIN = {
    "strategy": ("actionplan.change_strategy", "admin:actionplan_strategy_change"),
    "strategy-indicator": (
        "actionplan.change_strategyindicator",
        "admin:actionplan_strategyindicator_change",
    ),
    "unit": ("actionplan.change_orgunit", "admin:actionplan_orgunit_change"),
}


def _plan_finding_link(finding, plan: Plan, user, strategy_of: dict[int, int]) -> str:
    """The admin page for those who may change the record there, else the plan overview's
    section of the strategy or group."""
    kind, _, pk = finding.field.rpartition("-")
    if kind not in PLAN_FINDING_ADMIN or not pk.isdigit():
        return ""
    permission, admin_name = PLAN_FINDING_ADMIN[kind]
    if user.is_staff and user.has_perm(permission):
        try:
            return reverse(admin_name, args=[int(pk)])
        except NoReverseMatch:
            pass
    overview = reverse("plans:plan_overview", args=[plan.pk])
    if kind == "unit":
        return f"{overview}#unit-{pk}"
    strategy_id = int(pk) if kind == "strategy" else strategy_of.get(int(pk))
    return f"{overview}#strategy-{strategy_id}" if strategy_id else overview


VALIDATION_PAGE_PROJECTS = 20  # projects with findings per page of the validation page


@login_required
@require_GET
def plan_validation(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Every error and warning across the plan, each with a link to where it is fixed, grouped
    by project and paged (?page=N); the counts on top cover every project. The director
    approves the whole plan from here."""
    plan = _reviewer_plan(
        request,
        plan_id,
        Plan.objects.prefetch_related(
            Prefetch(
                "strategies",
                queryset=Strategy.objects.prefetch_related("indicators__targets"),
            )
        ),
    )
    projects = overview_projects(plan)  # the cancelled left out, as everywhere
    number = {s.pk: s.number for s in plan.strategies.all()}
    own = sorted(  # the others are checked at home
        (p for p in projects if not p.is_included),
        key=lambda p: (number.get(p.strategy_id, 0) if p.strategy_id else 0, p.pk),
    )
    categories = list(BudgetCategory.objects.all())
    rows = checks.plan_project_rows(plan, [p.pk for p in own], categories)
    findings = {row.pk: checks.check_project(row, categories) for row in rows}
    by_pk = {p.pk: p for p in own}
    for row in rows:  # what check_group_ceilings reads of the group
        row.lead_unit = by_pk[row.pk].lead_unit
    strategy_of = {i.pk: s.pk for s in plan.strategies.all() for i in s.indicators.all()}
    plan_findings = [
        (finding, None, _plan_finding_link(finding, plan, request.user, strategy_of))
        for finding in checks.check_strategy_coverage(plan, projects)
        + checks.check_strategy_targets(plan)
        + checks.check_group_ceilings(rows)
    ]
    _, per_project, _ = figures.summarize(plan, projects)
    matrix = alignment.alignment_matrix(plan, projects, per_project)
    needs = development_services.uncovered_needs(plan)
    flagged = [(by_pk[pk], found) for pk, found in findings.items() if found]
    errors = sum(1 for _, found in flagged for f in found if f.is_error)
    project_warnings = sum(len(found) for _, found in flagged) - errors
    page = Paginator(flagged, VALIDATION_PAGE_PROJECTS).get_page(request.GET.get("page"))
    editable = set(
        Project.objects.editable_by(request.user)
        .filter(pk__in=[p.pk for p, _ in page.object_list])
        .values_list("pk", flat=True)
    )
    groups = [
        {
            "project": project,
            "errors": sum(1 for f in found if f.is_error),
            "warnings": sum(1 for f in found if not f.is_error),
            "rows": [
                (f, _finding_link(f, project, editable=project.pk in editable)) for f in found
            ],
        }
        for project, found in page.object_list
    ]
    uncovered, unfunded = matrix.uncovered(), matrix.unfunded()
    plan_errors = sum(1 for f, _, _ in plan_findings if f.is_error)
    context = {
        "uncovered_needs": needs,
        "uncovered": uncovered,
        "unfunded": unfunded,
        "plan": plan,
        "groups": groups,
        "page_obj": page,
        "page_links": _page_links(page),
        "plan_findings": plan_findings,
        "errors": errors + plan_errors,
        "warnings": project_warnings
        + len(plan_findings)
        - plan_errors
        + len(uncovered)
        + len(unfunded)
        + len(needs),
        "project_errors": errors,
        "project_warnings": project_warnings,
        "projects_with_errors": sum(1 for _, found in flagged if any(f.is_error for f in found)),
        "projects_flagged": len(flagged),
        "projects_checked": len(own),
        "project_count": len(projects),
        "waiting": [p for p in projects if p.status != ProjectStatus.APPROVED],
        "approvals": list(plan.approvals.order_by("-number").defer("data", "print_source")),
        "can_approve": plan_services.may_approve_plan(request.user, plan),
    }
    return render(request, "plans/plan_validation.html", context)


def _page_links(page) -> list[int | None]:
    """The page numbers to offer: the first, the last and two either side of the current one
    (None where some are left out)."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [n if isinstance(n, int) else None for n in numbers]


@login_required
@require_GET
def plan_dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Charts (server-side SVG): budget by strategy, group and category; the quarterly plan
    against the office's cumulative disbursement targets."""
    plan = _reviewer_plan(request, plan_id, Plan.objects.prefetch_related("strategies"))
    summary, _, _ = figures.summarize(plan, overview_projects(plan))
    target = DisbursementTarget.objects.filter(
        office_id=plan.office_id, fiscal_year_id=plan.fiscal_year_id
    ).first()
    groups = summary.groups
    context = {
        "plan": plan,
        "summary": summary,
        "target": target,
        "can_set_targets": request.user.role in TARGET_EDITORS,
        "strategy_chart": charts.bar_chart(
            [
                (f"{b.key.label}ที่ {b.key.number}" if b.key else b.label, b.total)
                for b in summary.strategies
            ]
        ),
        "group_chart": charts.bar_chart(
            [(b.label, b.total) for b in groups],
            marks={
                i: b.key.budget_ceiling
                for i, b in enumerate(groups)
                if b.key.budget_ceiling is not None
            },
        ),
        "category_chart": charts.bar_chart([(b.label, b.total) for b in summary.categories]),
        "quarter_chart": charts.quarter_chart(
            plan.fiscal_year.quarter_labels(digits="arabic"),
            summary.quarters,
            target.percents if target else None,
        ),
    }
    return render(request, "plans/plan_dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_targets(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan administrator sets the cumulative disbursement targets of the fiscal year."""
    plan = _reviewer_plan(request, plan_id)
    if request.user.role not in TARGET_EDITORS:
        raise PermissionDenied("ผู้ดูแลแผนเท่านั้นที่กำหนดเป้าหมายการเบิกจ่ายได้")
    current = DisbursementTarget.objects.filter(
        office_id=plan.office_id, fiscal_year_id=plan.fiscal_year_id
    ).first()
    initial = dict(zip(["q1", "q2", "q3", "q4"], current.percents, strict=True)) if current else {}
    form = DisbursementTargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.set_disbursement_targets(
                office=plan.office,
                fiscal_year=plan.fiscal_year,
                percents=[form.cleaned_data[q] for q in ("q1", "q2", "q3", "q4")],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "บันทึกเป้าหมายการเบิกจ่ายแล้ว")
            return redirect("plans:plan_dashboard", plan_id=plan.pk)
    return render(request, "plans/plan_targets.html", {"plan": plan, "form": form})


@login_required
@require_POST
@captures_ip
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The director approves the whole plan; an approval snapshot is frozen for printing."""
    plan = _reviewer_plan(request, plan_id)
    version = request.POST.get("version", "")
    try:
        approval = plan_services.approve_plan(
            plan=plan, by=request.user, expected_version=int(version) if version.isdigit() else None
        )
    except workflow_services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("plans:plan_validation", plan_id=plan.pk)
    messages.success(request, f"อนุมัติแผนแล้ว (ฉบับอนุมัติครั้งที่ {approval.number})")
    return redirect("plans:plan_approval", pk=approval.pk)


@login_required
@require_GET
def plan_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """A frozen approval of a whole plan: the texts, people and figures as approved."""
    approval = get_object_or_404(
        PlanApproval.objects.filter(plan__office_id=request.user.office_id)
        .select_related("plan__fiscal_year")
        .defer("print_source"),
        pk=pk,
    )
    if request.user.role not in PLAN_REVIEWERS:
        raise PermissionDenied("เฉพาะผู้ดูแลแผนและผู้บริหารสำนักงาน")
    context = {"approval": approval, "data": approval.data, "plan": approval.plan}
    return render(request, "plans/plan_approval.html", context)


# --- Error pages -------------------------------------------------------------------------------
