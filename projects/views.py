"""Views of projects: the list, the editor, the read-only document, copy-forward, delete and
history (the approval workflow, amendments, the inbox and notifications are workflow.views)."""

from __future__ import annotations

import functools
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan.models import OrgUnit, Plan, Role, User
from actionplan.plan_kinds import menu_order, pick_plan
from actionplan.services import DomainError
from budgets.formula import formula_messages
from budgets.models import BudgetLine, BudgetLineFactor, QuarterAllocation
from indicators.models import ProjectIndicator
from projects import audit, checks, compiled, services
from projects.audit import captures_ip, numbered
from projects.compiled import keep_prefetched
from projects.forms import (
    ActivityFormSet,
    CopyProjectForm,
    EditorChoices,
    IndicatorFormSet,
    LineFormSet,
    PersonFormSet,
    ProjectForm,
    check_rows,
)
from projects.models import (
    Activity,
    PlanInclusion,
    Project,
    ProjectEvent,
    ProjectItem,
    ProjectPerson,
    ProjectStatus,
    ProjectType,
)

UNIT_CHOOSERS = {Role.PLAN_ADMIN, Role.SYSADMIN}

# What higher apps add to the project page, registered in their AppConfig.ready(): callables
# (request, project) -> dict merged into the page's context. The workflow adds its buttons, the
# last return, the amendment panel and the approved versions (workflow.views.workflow_panel).
PROJECT_PAGE_PANELS: list = []


def _office_plans(user):
    return Plan.objects.filter(office_id=user.office_id).select_related("fiscal_year", "office")


def _current_plan(request: HttpRequest, plans: list[Plan]) -> Plan | None:
    """The plan chosen with ?plan=<id> (404 outside the office), ?year= (that year's action
    plan, for old links), else the newest action plan of the user's office."""
    return pick_plan(request.GET, plans)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects the user may see in one fiscal year, with filters and computed totals."""
    plans = menu_order(_office_plans(request.user))
    plan = _current_plan(request, plans)
    projects = Project.objects.none()
    if plan is not None:
        projects = (
            Project.objects.visible_to(request.user)
            .in_plan(plan)
            .select_related("strategy", "lead_unit", "updated_by__person", "plan__fiscal_year")
            .with_budget(quarters=False)
            .order_by("strategy__number", "pk")
        )
        f = request.GET
        if f.get("strategy", "").isdigit():
            projects = projects.filter(strategy_id=int(f["strategy"]))
        if f.get("group", "").isdigit():
            projects = projects.filter(
                Q(lead_unit_id=int(f["group"])) | Q(co_units=int(f["group"]))
            )
        if f.get("status") in ProjectStatus.values:
            projects = projects.filter(status=f["status"])
        if f.get("q", "").strip():
            projects = projects.filter(name_th__icontains=f["q"].strip())
    projects = list(projects)
    for project in projects:  # listed from another plan of the office (PlanInclusion)
        project.included_from = project.plan if plan and project.plan_id != plan.pk else None
    context = {
        "plan": plan,
        "plans": plans,
        "projects": projects,
        "strategies": list(plan.strategies.all()) if plan else [],
        "units": list(OrgUnit.objects.filter(office_id=request.user.office_id)),
        "statuses": ProjectStatus.choices,
        "filters": request.GET,
        "can_create": plan is not None
        and request.user.role in {*UNIT_CHOOSERS, Role.PLANNER, Role.GROUP_DIRECTOR},
    }
    return render(request, "projects/project_list.html", context)


def _visible_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "plan__fiscal_year",
            "plan__office",
            "strategy",
            "lead_unit__deputy__person",
            "programme",
            "updated_by__person",
        ),
        pk=pk,
    )


def _initial_rows(project: Project | None):
    """Initial data of the four formsets, from prefetched rows."""
    if project is None:
        return [], [], [], []
    people = [
        {"id": p.pk, "person": p.person_id, "name_th": p.name_th, "position_th": p.position_th}
        for p in project.people.all()
    ]
    activities, lines = [], []
    ordered = [activity for _, activity in numbered(project.activities.all())]
    for index, a in enumerate(ordered):
        quarters = a.quarter_amounts()
        activities.append(
            {
                "id": a.pk,
                "is_sub": a.parent_id is not None,
                "title_th": a.title_th,
                "steps_th": a.steps_th,
                "period_th": a.period_th,
                "location_th": a.location_th,
                "responsible_th": a.responsible_th,
                "target_group_th": a.target_group_th,
                "months": a.months,
                **{f"q{q}": quarters[q - 1] or None for q in (1, 2, 3, 4)},
            }
        )
        for line in a.budget_lines.all():
            lines.append(
                {
                    "id": line.pk,
                    "activity_ref": index,
                    "description_th": line.description_th,
                    "formula": line.formula_text
                    + (
                        f" = {line.declared_amount:,.2f}"
                        if line.has_formula
                        and line.declared_amount is not None
                        and line.declared_amount != line.amount
                        else ""
                    ),
                    "plain_amount": None if line.has_formula else line.plain_amount,
                    "category": line.category_id,
                    "fund_source": line.fund_source_id,
                }
            )
    indicators = [
        {
            f: getattr(i, f)
            for f in (
                "id",
                "result_level",
                "measure_type",
                "text_th",
                "comparator",
                "target_value",
                "target_unit_th",
                "target_text_th",
                "method_th",
                "tool_th",
            )
        }
        for i in project.indicators.all()
    ]
    return people, activities, lines, indicators


def _editor_forms(request, plan, project, choices):
    data = request.POST if request.method == "POST" else None
    # A bound formset gets no initial rows: rows are identified by their hidden id, and a row
    # must never be taken for "unchanged, so empty" by comparing it with the database.
    people, activities, lines, indicators = _initial_rows(project if data is None else None)
    user = request.user
    initial = {}
    if project is None:
        initial = {"lead_unit": user.org_unit_id, "project_type": ProjectType.NEW}
    form = ProjectForm(
        data,
        instance=project,
        initial=initial,
        choices=choices,
        plan=plan,
        can_choose_unit=user.role in UNIT_CHOOSERS,
    )
    if project is None and user.role not in UNIT_CHOOSERS:
        form.fields["lead_unit"].initial = user.org_unit_id
    return services.EditorData(
        form=form,
        people=PersonFormSet(data, initial=people, prefix="people", choices=choices),
        activities=ActivityFormSet(data, initial=activities, prefix="activities"),
        lines=LineFormSet(data, initial=lines, prefix="lines", choices=choices),
        indicators=IndicatorFormSet(data, initial=indicators, prefix="indicators"),
    )


def _all_valid(data: services.EditorData) -> bool:
    valid = [
        data.form.is_valid(),
        data.people.is_valid(),
        data.activities.is_valid(),
        data.lines.is_valid(),
        data.indicators.is_valid(),
    ]
    # `&`, not `and`: the checks across rows run even when a row is invalid, so every error
    # shows at once.
    return all(valid) & check_rows(data.activities, data.lines)


def _prefetched(pk: int) -> Project:
    return (
        Project.objects.select_related(
            "plan__fiscal_year",
            "plan__office",
            "strategy",
            "lead_unit__deputy__person",
            "programme",
            "updated_by__person",
            "ready_by__person",
        )
        .with_budget()
        .prefetch_related(
            "people",
            "items",
            "indicators",
            "alignments",
            "co_units",
            "signatures",
        )
        .get(pk=pk)
    )


def _editor_project(request: HttpRequest, pk: int) -> Project:
    """The project as the editor needs it, in one query for the project (404 outside the
    user's scope) and one per kind of row: `can_edit` says whether the user may edit it now,
    `has_snapshots` whether it was ever approved. Its policy items and co-units come with the
    editor's choices (EditorChoices.load), and for a save its signatures (the audit record).

    The queries are compiled once per role and run with the ids (projects.compiled); a user
    without an office or a group gets the same querysets built as usual."""
    user = request.user
    ids = {"project": pk, "office": user.office_id}
    if not user.is_office_wide:
        ids["unit"] = user.org_unit_id
    if None in ids.values():
        return get_object_or_404(_editor_header(user, pk).prefetch_related(*_editor_prefetches()))
    found = compiled.instances(
        ("editor-project", user.role),
        functools.partial(_editor_header_of, role=user.role),
        **ids,
    )
    if not found:
        raise Http404
    project = found[0]
    rows = {
        name: compiled.instances(("editor-rows", name), build, project=pk)
        for name, build in _EDITOR_ROWS.items()
    }
    lines_of, factors_of = defaultdict(list), defaultdict(list)
    for factor in rows["factors"]:
        factors_of[factor.line_id].append(factor)
    for line in rows["lines"]:
        keep_prefetched(line, "factors", factors_of[line.pk])
        for factor in factors_of[line.pk]:
            factor.line = line
        lines_of[line.activity_id].append(line)
    for activity in rows["activities"]:
        activity.project = project
        keep_prefetched(activity, "budget_lines", lines_of[activity.pk])
        for line in lines_of[activity.pk]:
            line.activity = activity
    for name in ("activities", "people", "items", "indicators"):
        for row in rows[name]:
            row.project = project
        keep_prefetched(project, name, rows[name])
    return project


def _editor_header(user, pk: int):
    """The project row of the editor, with what its page prints and the user's rights."""
    editable = Project.objects.editable_by(user)
    return (
        Project.objects.filter(pk__in=Project.objects.visible_to(user).filter(pk=pk).values("pk"))
        .select_related(
            "plan__fiscal_year",
            "plan__office",
            "strategy",
            "lead_unit__deputy__person",
            "programme",
            "updated_by__person",
            "ready_by__person",
        )
        .annotate(
            can_edit=Exists(editable.filter(pk=OuterRef("pk"))),
            has_snapshots=Exists(
                Project.objects.filter(pk=OuterRef("pk"), snapshots__isnull=False)
            ),
        )
    )


def _editor_header_of(*, role, project, office, unit=None):
    """_editor_header for a user of that role, office and group, from the ids alone. The key
    of its compiled SQL is the role (with the ids' names): everything `visible_to` and
    `editable_by` read from a user must be there or be one of the ids (a test compares the
    compiled load with the real user's querysets for every role)."""
    return _editor_header(User(role=role, office_id=office, org_unit_id=unit), project)


def _editor_prefetches():
    """The rows, each kind in its order within the project: the models' own orderings start
    with the parent, which expands to the parent's ordering and joins up to the office (only
    one project is loaded, so the order within it is the whole order)."""
    return [
        Prefetch("activities", queryset=_editor_activities()),
        Prefetch("people", queryset=ProjectPerson.objects.order_by("role", "pk")),
        Prefetch("items", queryset=ProjectItem.objects.order_by("kind", "order", "pk")),
        Prefetch("indicators", queryset=ProjectIndicator.objects.order_by("order", "pk")),
    ]


def _editor_activities():
    """Activities with their lines (and factors) and their four quarter amounts as columns."""
    lines = (
        BudgetLine.objects.select_related("category", "fund_source")
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("factors", queryset=BudgetLineFactor.objects.order_by("order", "pk"))
        )
    )
    return _activities_with_quarters().prefetch_related(Prefetch("budget_lines", queryset=lines))


def _activities_with_quarters():
    quarters = {
        f"quarter_{q}_amount": Subquery(
            QuarterAllocation.objects.filter(activity=OuterRef("pk"), quarter=q).values("amount")[
                :1
            ]
        )
        for q in (1, 2, 3, 4)
    }
    return Activity.objects.annotate(**quarters).order_by("order", "pk")


# The editor's rows of one project, one query each (the orders within the project as above).
_EDITOR_ROWS = {
    "activities": lambda project: _activities_with_quarters().filter(project_id=project),
    "lines": lambda project: (
        BudgetLine.objects.filter(activity__project_id=project)
        .select_related("category", "fund_source")
        .order_by("order", "pk")
    ),
    "factors": lambda project: BudgetLineFactor.objects.filter(
        line__activity__project_id=project
    ).order_by("order", "pk"),
    "people": lambda project: ProjectPerson.objects.filter(project_id=project).order_by(
        "role", "pk"
    ),
    "items": lambda project: ProjectItem.objects.filter(project_id=project).order_by(
        "kind", "order", "pk"
    ),
    "indicators": lambda project: ProjectIndicator.objects.filter(project_id=project).order_by(
        "order", "pk"
    ),
}


def _render_editor(request, plan, project, data, choices, *, conflict=None, status=200):
    findings = []
    if project is not None and request.method == "GET":
        findings = checks.check_project(project, choices.categories)
    by_activity, by_line, general = {}, {}, []
    for finding in findings:
        if finding.line_id:
            by_line.setdefault(finding.line_id, []).append(finding)
        elif finding.activity_id:
            by_activity.setdefault(finding.activity_id, []).append(finding)
        else:
            general.append(finding)
    blocks, orphans = _activity_blocks(data, by_activity, by_line)
    context = {
        "plan": plan,
        "project": project,
        "can_delete": project is not None and not services.delete_refusal(project),
        "data": data,
        "conflict": conflict,
        "findings": general,
        "activity_blocks": blocks,
        "orphan_lines": orphans,
        "activity_empty": data.activities.empty_form,
        "line_empty": data.lines.empty_form,
        "people_data": {
            str(p.pk): {"name": p.full_name, "position": p.position_th} for p in choices.people
        },
        "category_names": {str(c.pk): c.name_th for c in choices.categories},
        "formula_messages": formula_messages(),
        "fund_names": {str(s.pk): s.short_th or s.name_th for s in choices.fund_sources},
        "max_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }
    return render(request, "projects/project_form.html", context, status=status)


def _activity_blocks(data, by_activity, by_line):
    """Each activity form with the line forms that belong to it (by activity_ref).

    A line whose reference names no activity on the page is shown under the first activity
    that is not removed, with its error, so that nothing typed disappears from the screen (the
    editor script files every line under the activity it is shown in when the page is saved).
    """
    activity_forms = data.activities.forms
    shown = [i for i, form in enumerate(activity_forms) if not form["DELETE"].value()]
    lines_by_ref: dict[int, list] = {}
    orphans = []
    for line_form in data.lines.forms:
        ref = line_form["activity_ref"].value()
        try:
            ref = int(ref)
        except (TypeError, ValueError):
            ref = -1
        line_id = line_form["id"].value()
        findings = by_line.get(int(line_id), []) if str(line_id or "").isdigit() else []
        if 0 <= ref < len(activity_forms):
            lines_by_ref.setdefault(ref, []).append((line_form, findings))
        else:
            orphans.append((line_form, findings))
    if orphans and shown:
        lines_by_ref.setdefault(shown[0], []).extend(orphans)
        orphans = []
    blocks = []
    for index, form in enumerate(activity_forms):
        activity_id = form["id"].value()
        findings = by_activity.get(int(activity_id), []) if str(activity_id or "").isdigit() else []
        blocks.append((index, form, lines_by_ref.get(index, []), findings))
    return blocks, orphans


def _save(request, plan, project, choices):
    data = _editor_forms(request, plan, project, choices)
    if request.method == "POST":
        # The document as loaded, for the audit record: taken before validation writes the
        # posted header onto the instance.
        before = audit.document(project) if project is not None else None
        if not _all_valid(data):
            messages.error(request, "ยังบันทึกไม่ได้ กรุณาแก้ไขรายการที่มีเครื่องหมายเตือนด้านล่าง")
            return _render_editor(request, plan, project, data, choices, status=400)
        try:
            saved = services.save_project(
                project=project, plan=plan, data=data, by=request.user, before=before
            )
        except services.EditConflict as exc:
            return _render_editor(request, plan, project, data, choices, conflict=exc, status=409)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("projects:project_detail", pk=project.pk)
        messages.success(request, "บันทึกร่างโครงการแล้ว")
        return redirect("projects:project_edit", pk=saved.pk)
    return _render_editor(request, plan, project, data, choices)


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def project_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A new draft project of the user's group in one of the office's plans."""
    plan = get_object_or_404(_office_plans(request.user), pk=plan_id)
    if request.user.role not in {*UNIT_CHOOSERS, Role.PLANNER, Role.GROUP_DIRECTOR}:
        raise PermissionDenied
    return _save(request, plan, None, EditorChoices.load(plan))


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole project on one page; saving writes everything in one transaction."""
    project = _editor_project(request, pk)
    if not project.can_edit:
        if request.method == "POST" and _edits_drafts_of(request.user, project):
            return _moved_on(request, project)
        raise PermissionDenied("แก้ไขได้เฉพาะโครงการสถานะร่างของกลุ่มตนเอง")
    choices = EditorChoices.load(project.plan, project, signatures=request.method == "POST")
    return _save(request, project.plan, project, choices)


def _edits_drafts_of(user, project: Project) -> bool:
    """Whether the user could edit the project if it were still a draft (the role half of
    `Project.objects.editable_by`)."""
    if user.role in UNIT_CHOOSERS:
        return True
    return user.role in {Role.PLANNER, Role.GROUP_DIRECTOR} and (
        project.lead_unit_id == user.org_unit_id
    )


def _moved_on(request: HttpRequest, project: Project) -> HttpResponse:
    """A save posted after somebody moved the project on in the workflow: the two-tab
    conflict answer, with what the user typed still in the form, and nothing saved."""
    choices = EditorChoices.load(project.plan, project)
    data = _editor_forms(request, project.plan, project, choices)
    _all_valid(data)  # the typed values are shown back with their own errors, if any
    conflict = services.edit_conflict(project=project)
    return _render_editor(
        request, project.plan, project, data, choices, conflict=conflict, status=409
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The project laid out like the official document, with computed totals, findings and the
    workflow buttons the user may press."""
    _visible_project(request, pk)
    project = _prefetched(pk)
    rows = [(n, a, a.parent_id is not None) for n, a in numbered(project.activities.all())]
    findings = checks.check_project(project)
    user = request.user
    can_edit = Project.objects.editable_by(user).filter(pk=pk).exists()
    context = {
        "project": project,
        "rows": rows,
        "items": _items_by_kind(project),
        "findings": findings,
        "has_errors": any(f.is_error for f in findings),
        "can_edit": can_edit,
        # Only a draft that was never approved goes; an approved one is cancelled instead.
        "can_delete": can_edit and not services.delete_refusal(project),
        "quarter_labels": project.plan.fiscal_year.quarter_labels(digits="arabic"),
        "months": _gantt_months(project.plan.fiscal_year.year_be),
        "signatures": sorted(
            project.signatures.all(),
            key=lambda s: ["proposer", "endorser", "approver"].index(s.role),
        ),
    }
    context.update(_inclusion_panel(user, project))
    for panel in PROJECT_PAGE_PANELS:
        context.update(panel(request, project))
    return render(request, "projects/project_detail.html", context)


def _inclusion_panel(user, project: Project) -> dict:
    """The other plans that list the project, and (for a plan admin) the other plans of the
    same office and year it could be included in, with their strategies."""
    inclusions = list(
        PlanInclusion.objects.filter(project=project).select_related(
            "plan__fiscal_year", "strategy"
        )
    )
    others = []
    if user.role in UNIT_CHOOSERS:
        others = list(
            Plan.objects.filter(
                office_id=project.plan.office_id, fiscal_year_id=project.plan.fiscal_year_id
            )
            .exclude(pk=project.plan_id)
            .select_related("fiscal_year")
            .prefetch_related("strategies")
        )
    # the teacher-development plans listing the project: where its development methods are kept
    listing = [project.plan, *(i.plan for i in inclusions)]
    development = [p for p in listing if p.plan_type == "teacher_dev"]
    return {
        "inclusions": inclusions,
        "inclusion_plans": others,
        "development_plans": development if user.role in UNIT_CHOOSERS else [],
    }


@login_required
@require_POST
def project_include(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan admin lists the project in another plan of the office and year (or takes it out
    with remove=1), under one of that plan's strategies."""
    project = _visible_project(request, pk)
    if request.user.role not in UNIT_CHOOSERS:
        raise PermissionDenied("เฉพาะผู้ดูแลแผน")
    plan_id = request.POST.get("plan", "")
    plan = get_object_or_404(
        _office_plans(request.user), pk=int(plan_id) if plan_id.isdigit() else 0
    )
    strategy_id = request.POST.get("strategy", "")
    strategy = (
        plan.strategies.filter(pk=int(strategy_id)).first() if strategy_id.isdigit() else None
    )
    try:
        if request.POST.get("remove"):
            services.exclude_project(project=project, plan=plan, by=request.user)
            messages.success(request, f"นำโครงการออกจาก{plan.menu_title}แล้ว")
        else:
            services.include_project(project=project, plan=plan, strategy=strategy, by=request.user)
            messages.success(request, f"รวมโครงการไว้ใน{plan.menu_title}แล้ว")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("projects:project_detail", pk=project.pk)


def _items_by_kind(project: Project) -> dict[str, list[str]]:
    items: dict[str, list[str]] = {}
    for item in project.items.all():
        items.setdefault(item.kind, []).append(item.text_th)
    return items


def _gantt_months(year_be: int) -> list[str]:
    from actionplan import thai

    return [thai.MONTHS_ABBR[m] for _, m in thai.fiscal_months(year_be)]


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def project_copy(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Copy one of last year's projects into this plan as a continuing project."""
    plan = get_object_or_404(_office_plans(request.user), pk=plan_id)
    if request.user.role not in {*UNIT_CHOOSERS, Role.PLANNER, Role.GROUP_DIRECTOR}:
        raise PermissionDenied
    previous = (
        _office_plans(request.user)
        .filter(fiscal_year__year_be__lt=plan.fiscal_year.year_be)
        .order_by("-fiscal_year__year_be")
        .first()
    )
    sources = []
    if previous is not None:
        sources = list(
            Project.objects.visible_to(request.user)
            .filter(plan=previous)
            .select_related("strategy", "lead_unit")
            .with_budget()
            .order_by("strategy__number", "pk")
        )
    strategies = list(plan.strategies.all())
    form = CopyProjectForm(request.POST or None, strategies=strategies)
    if request.method == "POST" and form.is_valid():
        source = next((p for p in sources if p.pk == form.cleaned_data["source"]), None)
        if source is None:
            raise Http404
        if (
            request.user.role not in UNIT_CHOOSERS
            and source.lead_unit_id != request.user.org_unit_id
        ):
            raise PermissionDenied
        copy = services.copy_project(
            source=source, plan=plan, strategy=form.cleaned_data["strategy"], by=request.user
        )
        messages.success(request, "คัดลอกโครงการเป็นโครงการต่อเนื่องแล้ว กรุณาตรวจสอบวันที่และงบประมาณ")
        return redirect("projects:project_edit", pk=copy.pk)
    context = {"plan": plan, "previous": previous, "sources": sources, "form": form}
    return render(request, "projects/project_copy.html", context)


def _deletable_project(request: HttpRequest, pk: int) -> Project:
    """A visible project (else 404) whose drafts the user may edit (else 403); one that is no
    longer a draft answers 403 with why it cannot go (an approved one is cancelled instead)."""
    project = _visible_project(request, pk)
    if not _edits_drafts_of(request.user, project):
        raise PermissionDenied("ลบได้เฉพาะโครงการสถานะร่างของกลุ่มตนเอง")
    if project.status != ProjectStatus.DRAFT:
        raise PermissionDenied(services.delete_refusal(project))
    return project


@login_required
@require_http_methods(["GET", "POST"])
@captures_ip
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft of one's own group (never one that was approved before): GET asks for
    confirmation with the project's name and budget, POST deletes."""
    project = _deletable_project(request, pk)
    plan_year = project.plan.fiscal_year.year_be
    if request.method == "GET":
        loaded = Project.objects.with_budget(quarters=False).get(pk=pk)
        context = {
            "project": project,
            "total": loaded.budget_total(),
            "refusal": services.delete_refusal(project),
        }
        return render(request, "projects/project_delete.html", context)
    version = request.POST.get("version", "")
    try:
        services.delete_project(
            project=project,
            by=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("projects:project_detail", pk=pk)
    messages.success(request, gettext("ลบโครงการ “%(name)s” แล้ว") % {"name": project.name_th})
    return redirect(f"{redirect('projects:project_list').url}?year={plan_year}")


@login_required
@require_GET
def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded change of the project, newest first, in Thai."""
    project = _visible_project(request, pk)
    events = list(ProjectEvent.objects.filter(project_ref=pk).select_related("actor"))
    context = {"project": project, "events": events}
    return render(request, "projects/project_history.html", context)
