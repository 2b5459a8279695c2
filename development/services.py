"""Reading and writing the teacher-development plan's parts: the formsets' save in one
transaction, the needs no project answers (the validation page) and the book's context."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from actionplan import thai
from actionplan.models import Plan, PlanType, Role
from actionplan.services import DomainError
from development.models import (
    DevelopmentMethod,
    DevelopmentNeed,
    NeedsSurvey,
    StaffStatistic,
    TargetGroup,
    percent,
)

EDITORS = {Role.PLAN_ADMIN, Role.SYSADMIN}


def has_development_parts(plan: Plan) -> bool:
    return plan.plan_type == PlanType.TEACHER_DEV


@transaction.atomic
def save_development_parts(*, plan: Plan, by, survey_form, formsets) -> None:
    """Save the survey and every formset of the plan's development parts, all or nothing."""
    if by.role not in EDITORS or by.office_id != plan.office_id:
        raise DomainError("เฉพาะผู้ดูแลแผนของสำนักงาน")
    if not has_development_parts(plan):
        raise DomainError("แผนนี้ไม่ใช่แผนพัฒนาครูและบุคลากรทางการศึกษา")
    survey = survey_form.save(commit=False)
    survey.plan = plan
    survey.save()
    for formset in formsets:
        for obj in formset.save(commit=False):
            if hasattr(obj, "plan_id"):
                obj.plan = plan
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


def uncovered_needs(plan: Plan) -> list[DevelopmentNeed]:
    """The surveyed needs no (uncancelled) project of the plan answers."""
    return list(
        DevelopmentNeed.objects.filter(plan=plan)
        .exclude(projects__in=plan.projects.exclude(status="cancelled"))
        .exclude(projects__inclusions__plan=plan)
        .order_by("order", "pk")
    )


def book_context(plan: Plan, projects: list) -> dict:
    """What the book prints of the development parts (plain values, digits localised later)."""
    survey = NeedsSurvey.objects.filter(plan=plan).first()
    listed = {p.pk for p in projects}
    needs = []
    for need in DevelopmentNeed.objects.filter(plan=plan).prefetch_related("projects"):
        pct = need.percent
        needs.append(
            {
                "topic": need.topic_th,
                "surveyed": need.surveyed_count,
                "wanting": need.wanting_count,
                "percent": f"{pct:.2f}" if pct is not None else "-",
                "projects": [p.name_th for p in need.projects.all() if p.pk in listed],
            }
        )
    targets = list(TargetGroup.objects.filter(plan=plan))
    total_heads = sum(t.head_count for t in targets)
    methods: dict = defaultdict(lambda: {"participants": 0, "hours": 0, "projects": set()})
    for m in DevelopmentMethod.objects.filter(project_id__in=listed).select_related("project"):
        row = methods[m.get_method_display()]
        row["participants"] += m.participants
        row["hours"] += m.hours
        row["projects"].add(m.project.name_th)
    staff = list(StaffStatistic.objects.filter(plan=plan))
    staff_total = sum(s.count for s in staff)
    return {
        "survey_date": thai.format_thai_date(survey.surveyed_date, "full", "arabic")
        if survey and survey.surveyed_date
        else "",
        "survey_method": survey.method_th if survey else "",
        "needs": needs,
        "targets": [
            {
                "label": str(t),
                "count": t.head_count,
                "percent": f"{percent(t.head_count, total_heads):.2f}" if total_heads else "-",
            }
            for t in targets
        ],
        "targets_total": total_heads,
        "methods": [
            {
                "method": name,
                "participants": row["participants"],
                "hours": f"{row['hours']:g}",
                "projects": sorted(row["projects"]),
            }
            for name, row in methods.items()
        ],
        "staff": [
            {"position": s.position_th, "standing": s.get_standing_display(), "count": s.count}
            for s in staff
        ],
        "staff_total": staff_total,
    }
