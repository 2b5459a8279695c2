"""Services that write projects: the editor's save, copy forward and delete, plan approval,
disbursement targets and quarterly monitoring reports (the approval workflow, notifications
and amendments are in workflow.services).

Every write is a fixed number of bulk queries, whatever the number of rows, and is guarded by a
conditional UPDATE with a version check that works the same on SQLite and PostgreSQL (row locks
alone do nothing on SQLite). Each service writes its audit record in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actionplan import thai
from actionplan.models import Plan, PlanStatus, Role
from actionplan.services import DomainError
from budgets import services as budget_services
from budgets.models import BudgetLine, QuarterAllocation
from budgets.money import ZERO
from indicators.models import ProjectIndicator
from projects import audit
from projects.models import (
    Activity,
    EventAction,
    PlanInclusion,
    Project,
    ProjectEvent,
    ProjectItem,
    ProjectPerson,
    ProjectStatus,
    ProjectType,
)


class EditConflict(DomainError):
    """Somebody saved the project, or moved it on in the workflow, after this editor was opened."""

    def __init__(self, *, changed_by: str, changed_at: datetime | None, status_label: str = ""):
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.status_label = status_label
        when = ""
        if changed_at:
            local = timezone.localtime(changed_at)
            when = thai.format_thai_datetime(local, "abbr", "arabic")
        if status_label:
            what = f"โครงการนี้ถูกเปลี่ยนเป็นสถานะ “{status_label}” โดย {changed_by} เมื่อ {when}"
            then = "จึงแก้ไขในหน้านี้ไม่ได้แล้ว ระบบยังไม่บันทึกข้อมูลของท่าน"
        else:
            what = f"โครงการนี้ถูกแก้ไขโดย {changed_by} เมื่อ {when}"
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
    "priority",
]


@transaction.atomic
def save_project(
    *, project: Project | None, plan, data: EditorData, by, before: dict | None = None
) -> Project:
    """Create or update a draft project and all its rows from the validated editor.

    Only what changed is written, compared with the rows the editor loaded (a fixed number of
    bulk queries, whatever the number of rows); `before` is the document as loaded, taken by
    the caller before the forms were bound (else it is read again here)."""
    cleaned = data.form.cleaned_data
    if project is None:
        before = None
        project = Project(plan=plan, status=ProjectStatus.DRAFT, version=1)
    else:
        before = before or _document_before(project)
    header = {
        field: cleaned[field]
        for field in HEADER_FIELDS
        # A disabled field (a planner's own group) is set on creation and never changed.
        if field in cleaned and (project.pk is None or not data.form.fields[field].disabled)
    }
    for field, value in header.items():
        setattr(project, field, value)
    project.updated_by = by
    if project.pk is None:
        project.save()
    else:
        # the header is written by the same conditional UPDATE that claims the version
        _claim_version(project, expected=cleaned.get("version"), by=by, header=header)
        project.version = (cleaned.get("version") or 0) + 1
    # Whether rows were added, removed or moved: else the rows the editor loaded, updated in
    # place, are the saved document, and the audit record needs no second load.
    reshaped = [
        _set_links(project, "alignments", cleaned.get("alignments") or []),
        _set_links(project, "co_units", cleaned.get("co_units") or []),
        _save_items(project, data.form.item_texts()),
        _save_people(project, data.people),
    ]
    activities, moved = _save_activities(project, data.activities)
    reshaped += [
        moved,
        _save_lines(project, data.lines, activities),
        _save_indicators(project, data.indicators),
    ]
    if before is None:
        reopen_plan_if_approved(plan)
    audit.record_change(
        project,
        by=by,
        before=before,
        after=audit.load_document(project.pk)
        if before is None or any(reshaped)
        else audit.document(project),
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


def reopen_plan_if_approved(plan) -> None:
    """A new project or an amendment puts an approved plan back under revision (new version)."""
    Plan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED).update(
        status=PlanStatus.DRAFT, version=F("version") + 1
    )


def _claim_version(project: Project, *, expected: int | None, by, header: dict | None = None):
    """Bump the version only if nobody saved since the editor was opened (optimistic lock),
    writing the `header` fields in the same UPDATE."""
    now = timezone.now()
    claimed = Project.objects.filter(
        pk=project.pk, version=expected, status=ProjectStatus.DRAFT
    ).update(version=F("version") + 1, updated_by=by, updated_at=now, **(header or {}))
    if claimed:
        project.updated_at = now
        return
    raise edit_conflict(project=project)


def _loaded(project: Project, name: str) -> list | None:
    """The rows of a relation as the editor loaded them (prefetched), else None."""
    cache = getattr(project, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def _set_links(project: Project, name: str, objects: list) -> bool:
    """Link the project to exactly `objects`; True when that changed anything."""
    loaded = _loaded(project, name)
    if loaded is not None and {o.pk for o in loaded} == {o.pk for o in objects}:
        return False
    getattr(project, name).set(objects)
    return True


def _save_items(project: Project, texts: dict[str, list[str]]) -> bool:
    loaded = _loaded(project, "items")
    wanted = sorted(
        (kind, i, text) for kind, lines in texts.items() for i, text in enumerate(lines, start=1)
    )
    if loaded is not None and sorted((i.kind, i.order, i.text_th) for i in loaded) == wanted:
        return False
    ProjectItem.objects.filter(project=project).delete()
    ProjectItem.objects.bulk_create(
        ProjectItem(project=project, kind=kind, order=i, text_th=text)
        for kind, lines in texts.items()
        for i, text in enumerate(lines, start=1)
    )
    return True


def _save_people(project: Project, formset) -> bool:
    people = [
        ProjectPerson(
            project=project,
            person=form.cleaned_data.get("person"),
            order=i,
            name_th=form.cleaned_data["name_th"],
            position_th=form.cleaned_data.get("position_th", ""),
        )
        for i, form in enumerate(formset.live_forms(), start=1)
    ]
    loaded = _loaded(project, "people")

    def key(p):
        return (p.person_id, p.order, p.name_th, p.position_th, p.role)

    if loaded is not None and sorted(map(key, loaded)) == sorted(map(key, people)):
        return False
    ProjectPerson.objects.filter(project=project).delete()
    ProjectPerson.objects.bulk_create(people)
    return True


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


def _values(row, fields: list[str]) -> tuple:
    return tuple(getattr(row, model_field_attname(row, f)) for f in fields)


def model_field_attname(row, name: str) -> str:
    return row._meta.get_field(name).attname


def _sync(
    model, existing: dict, rows: list, fields: list[str], removed_ids: set, loaded: dict
) -> bool:
    """Create new rows, update the posted ones that changed (compared with `loaded`, their
    values as the editor loaded them) and delete only those removed explicitly: a saved row
    missing from the POST (a stale or broken page) is kept, never lost. At most three queries,
    none when nothing changed; True when rows were added or removed."""
    gone = set(existing) & removed_ids
    if gone:
        model.objects.filter(pk__in=gone).delete()
    new = [row for row in rows if row.pk is None]
    old = [row for row in rows if row.pk is not None and _values(row, fields) != loaded.get(row.pk)]
    if new:
        model.objects.bulk_create(new)
    if old:
        model.objects.bulk_update(old, fields)
    return bool(gone or new)


def _existing(project: Project, name: str, queryset) -> dict:
    rows = _loaded(project, name)
    return {row.pk: row for row in (queryset if rows is None else rows)}


ACTIVITY_FIELDS = [
    "title_th",
    "steps_th",
    "period_th",
    "location_th",
    "responsible_th",
    "target_group_th",
    "months",
]


def _save_activities(project: Project, formset) -> tuple[list[Activity | None], bool]:
    """The posted activities in page order (None for a removed or empty one), and whether
    activities were added or removed or a quarterly plan rewritten."""
    existing = _existing(project, "activities", Activity.objects.filter(project=project))
    fields = ["order", "parent", *ACTIVITY_FIELDS]
    loaded = {pk: _values(a, fields) for pk, a in existing.items()}
    loaded_quarters = {pk: a.quarter_amounts() for pk, a in existing.items()}
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
        for field in ACTIVITY_FIELDS[:-1]:
            setattr(activity, field, cd.get(field, ""))
        activity.months = sorted(cd.get("months") or [])
        activity.is_sub = cd.get("is_sub", False)
        activity.quarter_values = form.quarters()
        activities.append(activity)
    live = [a for a in activities if a is not None]
    gone = set(existing) & _removed_ids(formset)
    if gone:
        Activity.objects.filter(pk__in=gone).delete()
    new = [a for a in live if a.pk is None]
    if new:
        for a in new:
            a.parent = None
        Activity.objects.bulk_create(new)
    _assign_parents(live)
    changed = [a for a in live if a in new or _values(a, fields) != loaded.get(a.pk)]
    if changed:
        Activity.objects.bulk_update(changed, fields)
    requoted = [
        a
        for a in live
        if a in new or [q or ZERO for q in a.quarter_values] != loaded_quarters.get(a.pk)
    ]
    # A saved activity the page did not send is kept, without its quarterly plan (as when the
    # whole plan was rewritten on every save).
    posted = {a.pk for a in live}
    unsent = [
        pk for pk in existing if pk not in posted and pk not in gone and any(loaded_quarters[pk])
    ]
    if requoted or unsent:
        QuarterAllocation.objects.filter(activity__in=[a.pk for a in requoted] + unsent).delete()
        QuarterAllocation.objects.bulk_create(
            QuarterAllocation(activity=a, quarter=q, amount=amount)
            for a in requoted
            for q, amount in enumerate(a.quarter_values, start=1)
            if amount
        )
    unsent_rows = len(existing) != len(posted & set(existing)) + len(gone)
    return activities, bool(gone or new or requoted or unsent or unsent_rows)


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


LINE_FIELDS = [
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


def _save_lines(project: Project, formset, activities: list[Activity | None]) -> bool:
    """Whether lines were added, removed, moved to another activity or given new factors."""
    loaded_lines = None
    if "activities" in getattr(project, "_prefetched_objects_cache", {}):
        loaded_lines = [
            line
            for a in project.activities.all()
            if "budget_lines" in getattr(a, "_prefetched_objects_cache", {})
            for line in a.budget_lines.all()
        ]
        if len(loaded_lines) != sum(
            1 for a in project.activities.all() for _ in a.budget_lines.all()
        ):
            loaded_lines = None
    if loaded_lines is None:
        existing = {
            line.pk: line
            for line in BudgetLine.objects.filter(activity__project=project).prefetch_related(
                "factors"
            )
        }
    else:
        existing = {line.pk: line for line in loaded_lines}
    loaded = {pk: _values(line, LINE_FIELDS) for pk, line in existing.items()}
    for line in existing.values():
        line.activity_id_loaded = line.activity_id
    loaded_factors = {
        pk: [(f.quantity, f.unit_th) for f in line.factors.all()] for pk, line in existing.items()
    }
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
    moved = any(
        line.pk in loaded and line.activity_id != existing[line.pk].activity_id_loaded
        for line in lines
    )
    added_or_removed = _sync(
        BudgetLine, existing, lines, LINE_FIELDS, _removed_ids(formset), loaded
    )
    # Factors are rewritten for the posted lines whose formula changed only: a saved line the
    # page did not send keeps its formula (its activity's removal, if explicit, deleted it with
    # its factors).
    refactored = []
    for line in lines:
        factors = line.parsed.factors if line.parsed else ()
        if loaded_factors.get(line.pk) != [(f.quantity, f.unit) for f in factors]:
            refactored.append((line, factors))
    if refactored:
        budget_services.write_factors(refactored)
    sent = [line.pk for line in lines if line.pk in loaded]
    unsent = len(existing) != len(sent) + len(set(existing) & _removed_ids(formset))
    # the prefetched lists keep the loaded order: a reordering is loaded again for the record
    reordered = sent != [pk for pk in existing if pk in set(sent)]
    return bool(moved or added_or_removed or refactored or unsent or reordered)


def _save_indicators(project: Project, formset) -> bool:
    existing = _existing(project, "indicators", ProjectIndicator.objects.filter(project=project))
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
    loaded = {pk: _values(row, ["order", *fields]) for pk, row in existing.items()}
    rows = []
    for order, form in enumerate(formset.live_forms(), start=1):
        cd = form.cleaned_data
        row = existing.get(cd.get("id")) or ProjectIndicator(project=project)
        row.order = order
        for field in fields:
            setattr(row, field, cd.get(field) if field == "target_value" else cd.get(field, ""))
        rows.append(row)
    changed = _sync(
        ProjectIndicator, existing, rows, ["order", *fields], _removed_ids(formset), loaded
    )
    # the prefetched list keeps the loaded order: a reordering is loaded again for the record
    sent = [r.pk for r in rows if r.pk in loaded]
    reordered = sent != [pk for pk in existing if pk in set(sent)]
    unsent = len(existing) != len(sent) + len(set(existing) & _removed_ids(formset))
    return changed or reordered or unsent


def _shift_years(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


# Paragraphs a copy's rationale gains, each hook(source project) -> text or "": filled by apps
# above projects in their AppConfig.ready() (monitoring: last year's results, when reported).
COPY_RATIONALE_HOOKS: list[Callable[[Project], str]] = []


@transaction.atomic
def copy_project(*, source: Project, plan, strategy, by) -> Project:
    """Copy a project into another year's plan as a continuing draft, dates moved by the years;
    the rationale gains a paragraph of last year's results when the project reported any."""
    years = plan.fiscal_year.year_be - source.plan.fiscal_year.year_be
    rationale = source.rationale_th
    for hook in COPY_RATIONALE_HOOKS:
        paragraph = hook(source)
        if paragraph:
            rationale = f"{rationale.rstrip()}\n\n{paragraph}".lstrip()
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
    reopen_plan_if_approved(plan)
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


def delete_refusal(project: Project) -> str:
    """Why the project may not be deleted ("" when it may): only a draft that was never
    approved goes; an approved one is cancelled through an amendment instead."""
    if project.status in {ProjectStatus.APPROVED, ProjectStatus.CANCELLED}:
        return (
            "โครงการนี้ได้รับอนุมัติแล้ว จึงลบไม่ได้ (เก็บไว้เป็นหลักฐาน) "
            "หากจะไม่ดำเนินโครงการ ให้ยื่นคำขอยกเลิกโครงการผ่านการขอปรับแผน"
        )
    if project.status != ProjectStatus.DRAFT:
        return "ลบได้เฉพาะโครงการที่อยู่ในสถานะร่าง"
    # `has_snapshots` when the project was loaded with it (the editor), else one query
    if getattr(project, "has_snapshots", None) or (
        not hasattr(project, "has_snapshots") and project.snapshots.exists()
    ):
        return "โครงการนี้เคยได้รับอนุมัติแล้ว จึงลบไม่ได้ (เก็บไว้เป็นหลักฐาน)"
    return ""


@transaction.atomic
def delete_project(*, project: Project, by, expected_version: int | None = None) -> None:
    """Delete a draft that was never approved, as it was when the confirmation page showed it
    (version check); the audit record keeps its name, budget and contents."""
    current = Project.objects.select_related("plan__office").get(pk=project.pk)
    refusal = delete_refusal(current)
    if refusal:
        raise DomainError(refusal)
    expected = current.version if expected_version is None else expected_version
    stale = DomainError("ยังไม่ได้ลบ: โครงการถูกแก้ไขหลังจากที่ท่านเปิดหน้ายืนยัน กรุณาตรวจสอบโครงการอีกครั้งก่อนลบ")
    if current.version != expected:
        raise stale
    before = audit.load_document(current.pk)
    audit.record(
        current,
        by=by,
        action=EventAction.DELETE,
        summary_th=f"ลบโครงการ “{current.name_th}” งบประมาณ {before['totals']['total']} บาท",
        changes=audit.diff(before, None),
    )
    # Conditional like every write: a save or a submission that won the race keeps the project
    # (and the audit record above is rolled back with the transaction).
    deleted, _ = Project.objects.filter(
        pk=current.pk, status=ProjectStatus.DRAFT, version=expected
    ).delete()
    if not deleted:
        raise stale


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


# --- A project listed in another plan of the office (PlanInclusion) ---------------------------

INCLUDERS = {Role.PLAN_ADMIN, Role.SYSADMIN}


def include_project(*, project: Project, plan: Plan, strategy=None, by) -> PlanInclusion:
    """List the project in another plan of its office and fiscal year as well (printed and
    totalled there once, still owned by its own plan); a second call updates the strategy."""
    if by.role not in INCLUDERS or by.office_id != project.plan.office_id:
        raise DomainError("เฉพาะผู้ดูแลแผนของสำนักงานเท่านั้นที่รวมโครงการไว้ในแผนอื่นได้")
    if plan.pk == project.plan_id:
        raise DomainError("โครงการอยู่ในแผนนี้อยู่แล้ว")
    if (
        plan.office_id != project.plan.office_id
        or plan.fiscal_year_id != project.plan.fiscal_year_id
    ):
        raise DomainError("รวมได้เฉพาะในแผนของสำนักงานเดียวกันและปีงบประมาณเดียวกัน")
    if strategy is not None and strategy.plan_id != plan.pk:
        raise DomainError("กลยุทธ์ที่เลือกไม่ใช่กลยุทธ์ของแผนนั้น")
    with transaction.atomic():
        order = PlanInclusion.objects.filter(plan=plan).count() + 1
        inclusion, created = PlanInclusion.objects.get_or_create(
            plan=plan,
            project=project,
            defaults={"strategy": strategy, "order": order, "added_by": by},
        )
        if not created and inclusion.strategy_id != (strategy.pk if strategy else None):
            inclusion.strategy = strategy
            inclusion.save(update_fields=["strategy"])
        reopen_plan_if_approved(plan)
    return inclusion


def exclude_project(*, project: Project, plan: Plan, by) -> None:
    """Take the project out of a plan it was included in (its own plan keeps it)."""
    if by.role not in INCLUDERS or by.office_id != project.plan.office_id:
        raise DomainError("เฉพาะผู้ดูแลแผนของสำนักงานเท่านั้นที่นำโครงการออกจากแผนอื่นได้")
    with transaction.atomic():
        deleted, _ = PlanInclusion.objects.filter(plan=plan, project=project).delete()
        if deleted:
            reopen_plan_if_approved(plan)
