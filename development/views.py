"""The plan admin's pages of the teacher-development plan's parts (no Django admin needed):
the survey, needs, target groups and staff statistics of a plan; the methods of a project."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from actionplan.models import Plan
from actionplan.services import DomainError
from development import services
from development.forms import MethodFormSet, NeedFormSet, StaffFormSet, SurveyForm, TargetFormSet
from development.models import NeedsSurvey
from projects.models import Project


def _editor_plan(request: HttpRequest, plan_id: int) -> Plan:
    """A teacher-development plan of the user's office (else 404) the user may edit (else 403)."""
    plan = get_object_or_404(
        Plan.objects.filter(office_id=request.user.office_id).select_related(
            "fiscal_year", "office"
        ),
        pk=plan_id,
    )
    if not services.has_development_parts(plan):
        raise Http404("แผนนี้ไม่มีส่วนการพัฒนาครู")
    if request.user.role not in services.EDITORS:
        raise PermissionDenied("เฉพาะผู้ดูแลแผน")
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def development_parts(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The survey, the needs (each linked to the projects answering it), the target groups
    and the staff statistics of one plan, saved together."""
    plan = _editor_plan(request, plan_id)
    data = request.POST if request.method == "POST" else None
    survey = NeedsSurvey.objects.filter(plan=plan).first() or NeedsSurvey(plan=plan)
    projects = Project.objects.counted().in_plan(plan).order_by("pk")
    survey_form = SurveyForm(data, instance=survey)
    formsets = [
        NeedFormSet(data, instance=plan, prefix="needs", form_kwargs={"projects": projects}),
        TargetFormSet(data, instance=plan, prefix="targets"),
        StaffFormSet(data, instance=plan, prefix="staff"),
    ]
    if data is not None and survey_form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            services.save_development_parts(
                plan=plan, by=request.user, survey_form=survey_form, formsets=formsets
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "บันทึกข้อมูลการพัฒนาครูและบุคลากรแล้ว")
            return redirect("development:development_parts", plan_id=plan.pk)
    context = {
        "plan": plan,
        "survey_form": survey_form,
        "needs": formsets[0],
        "targets": formsets[1],
        "staff": formsets[2],
        "uncovered": services.uncovered_needs(plan),
    }
    status = 422 if data is not None else 200
    return render(request, "development/development_parts.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def project_methods(request: HttpRequest, plan_id: int, pk: int) -> HttpResponse:
    """The development methods (อบรม, PLC, Coaching …) of one project listed in the plan."""
    plan = _editor_plan(request, plan_id)
    project = get_object_or_404(Project.objects.visible_to(request.user).in_plan(plan), pk=pk)
    formset = MethodFormSet(
        request.POST if request.method == "POST" else None,
        instance=project,
        prefix="methods",
        form_kwargs={"activities": project.activities.all()},
    )
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, "บันทึกรูปแบบการพัฒนาแล้ว")
        return redirect("development:project_methods", plan_id=plan.pk, pk=project.pk)
    status = 422 if request.method == "POST" else 200
    context = {"plan": plan, "project": project, "formset": formset}
    return render(request, "development/project_methods.html", context, status=status)
