"""A project's whole document frozen as its rows: every row the project document and its audit
document read (the project, its plan, office, year, strategy, groups, programme, activities,
lines and factors, quarters, items, people, indicators, signatures, alignments, and the budget
categories and fund sources), read in ONE query (a UNION ALL of one JSON object per row), kept
as JSON and turned back into unsaved model instances with their relations prefetched.

The approval freezes a project this way in its transaction (a few queries, whatever the size)
and its document is rendered from the frozen rows later, in the background: what it prints is
what the rows said when it was approved, whatever is edited afterwards. Higher apps add their
own rows (the office's print settings, the approved versions so far) through `extra`.
"""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.db import connection, models
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from actionplan.models import (
    FiscalYear,
    Office,
    OrgUnit,
    Plan,
    PolicyFramework,
    PolicyItem,
    Programme,
    Strategy,
)
from budgets import figures
from budgets.models import (
    BudgetCategory,
    BudgetLine,
    BudgetLineFactor,
    FundSource,
    QuarterAllocation,
)
from indicators.models import ProjectIndicator
from projects.models import Activity, Project, ProjectItem, ProjectPerson, ProjectSignature

CO_UNITS = Project.co_units.through
ALIGNMENTS = Project.alignments.through


def _branches(pk: int) -> dict[str, models.QuerySet]:
    """{tag: the rows of one model}, each filtered to what project `pk`'s documents read."""
    project = Project.objects.filter(pk=pk)
    items = ALIGNMENTS.objects.filter(project_id=pk).values("policyitem_id")
    units = CO_UNITS.objects.filter(project_id=pk).values("orgunit_id")
    return {
        "project": project,
        "plan": Plan.objects.filter(pk__in=project.values("plan_id")),
        "office": Office.objects.filter(pk__in=project.values("plan__office_id")),
        "fiscal_year": FiscalYear.objects.filter(pk__in=project.values("plan__fiscal_year_id")),
        "strategy": Strategy.objects.filter(pk__in=project.values("strategy_id")),
        "programme": Programme.objects.filter(pk__in=project.values("programme_id")),
        "unit": OrgUnit.objects.filter(
            models.Q(pk__in=project.values("lead_unit_id")) | models.Q(pk__in=units)
        ),
        "co_unit": CO_UNITS.objects.filter(project_id=pk),
        "alignment": ALIGNMENTS.objects.filter(project_id=pk),
        "policy_item": PolicyItem.objects.filter(pk__in=items),
        "framework": PolicyFramework.objects.filter(
            pk__in=PolicyItem.objects.filter(pk__in=items).values("framework_id")
        ),
        "activity": Activity.objects.filter(project_id=pk),
        "line": BudgetLine.objects.filter(activity__project_id=pk),
        "factor": BudgetLineFactor.objects.filter(line__activity__project_id=pk),
        "quarter": QuarterAllocation.objects.filter(activity__project_id=pk),
        "item": ProjectItem.objects.filter(project_id=pk),
        "person": ProjectPerson.objects.filter(project_id=pk),
        "indicator": ProjectIndicator.objects.filter(project_id=pk),
        "signature": ProjectSignature.objects.filter(project_id=pk),
        "category": BudgetCategory.objects.all(),
        "fund": FundSource.objects.all(),
    }


def _as_json(queryset, tag: str) -> models.QuerySet:
    """(tag, one JSON object of the row's columns) per row; amounts as text, never floats.
    `queryset` may be (queryset, [the only field names to keep])."""
    only = None
    if isinstance(queryset, tuple):
        queryset, only = queryset
    columns = {}
    for f in queryset.model._meta.concrete_fields:
        if only is not None and f.attname not in only and f.name not in only:
            continue
        value = F(f.attname)
        if isinstance(f, models.DecimalField):
            value = Cast(value, TextField())
        columns[f.attname] = value
    return queryset.order_by().values(tag=Value(tag), row=JSONObject(**columns))


def _figure_branches(pk: int) -> dict[str, models.QuerySet]:
    """budgets.figures.activity_figure_rows of the project, as (tag, JSON) rows: the frozen
    activity figures (fold them with fold_activity_figures)."""
    lines, quarters = figures.activity_figure_rows(
        BudgetLine.objects.filter(activity__project_id=pk),
        QuarterAllocation.objects.filter(activity__project_id=pk),
    )
    columns = {name: F(name) for name in ("act", "parent", "kind", "a", "b")}
    columns["total"] = Cast(F("total"), TextField())
    return {
        tag: qs.values(tag=Value(tag), row=JSONObject(**columns))
        for tag, qs in (("figure_line", lines), ("figure_quarter", quarters))
    }


def freeze(pk: int, extra: dict | None = None) -> dict[str, list[dict]]:
    """Every row project `pk`'s documents read, its activity figures ("figure_line",
    "figure_quarter") and the rows of `extra` ({tag: queryset or (queryset, [fields])}), as
    JSON-able {tag: [row, ...]}: one query."""
    branches = _branches(pk) | (extra or {})
    parts = [_as_json(qs, tag) for tag, qs in branches.items()]
    figure_parts = _figure_branches(pk)
    parts += figure_parts.values()
    branches |= figure_parts
    rows: dict[str, list[dict]] = {tag: [] for tag in branches}
    for found in parts[0].union(*parts[1:], all=True):
        row = found["row"]
        rows[found["tag"]].append(json.loads(row) if isinstance(row, str) else row)
    return rows


def as_row(obj) -> dict:
    """A saved instance as a frozen row (the JSON-able values of its columns)."""
    row = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        row[f.attname] = value
    return row


# --- Thawing: unsaved instances with their relations prefetched --------------------------------


def instance(model, row: dict):
    """One model instance from a frozen row (as loaded from the database, never saved)."""
    values = []
    names = []
    for f in model._meta.concrete_fields:
        if f.attname not in row:
            continue
        names.append(f.attname)
        values.append(_python(f, row[f.attname]))
    return model.from_db(connection.alias, names, values)


def _python(field, value):
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # SQLite's JSON_OBJECT embeds a JSON column as its text; PostgreSQL as JSON.
        return (
            json.loads(value) if isinstance(value, str) and connection.vendor == "sqlite" else value
        )
    if isinstance(field, models.DateTimeField):
        moment = field.to_python(value)
        if settings.USE_TZ and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        return moment
    if isinstance(field, models.DecimalField):
        return field.to_python(str(value))
    return field.to_python(value)


def _sort_key(model, lookup: dict):
    """A key ordering instances as the model's Meta.ordering does (a foreign key by the related
    instance's own key when it is thawed too), then by pk."""
    ordering = [o for o in (model._meta.ordering or []) if isinstance(o, str)]

    def key(obj):
        parts = []
        for name in ordering:
            descending = name.startswith("-")
            name = name.lstrip("-")
            if "__" in name:
                continue  # across a relation: the rows of one project share it
            if name == "pk":
                value = obj.pk
            else:
                f = model._meta.get_field(name)
                value = getattr(obj, f.attname)
                if f.is_relation and f.related_model in lookup:
                    related = lookup[f.related_model].get(value)
                    value = lookup[f.related_model]["__key__"](related) if related else ()
            parts.append(_Desc(value) if descending else _Asc(value))
        parts.append(_Asc(obj.pk))
        return tuple(parts)

    return key


class _Asc:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        a, b = self.value, other.value
        if a is None or b is None:
            return a is None and b is not None
        return a < b

    def __eq__(self, other):
        return self.value == other.value


class _Desc(_Asc):
    def __lt__(self, other):
        return _Asc(other.value) < _Asc(self.value)


def _prefetched(obj, name: str, items: list) -> None:
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = items


def thaw(rows: dict[str, list[dict]]) -> Project:
    """The frozen project with everything its documents read set on it (no queries): plan,
    office, fiscal year, strategy, lead unit, programme, co-units, alignments (with their
    frameworks), activities with their lines (factors, category, fund source) and quarters,
    items, people, indicators and signatures, each in its model's order. The budget categories
    and fund sources are `project.frozen_categories` / `project.frozen_funds`."""
    models_of = {
        "plan": Plan,
        "office": Office,
        "fiscal_year": FiscalYear,
        "strategy": Strategy,
        "programme": Programme,
        "unit": OrgUnit,
        "policy_item": PolicyItem,
        "framework": PolicyFramework,
        "category": BudgetCategory,
        "fund": FundSource,
    }
    lookup: dict = {}
    made: dict[str, list] = {}
    for tag, model in models_of.items():
        objects = [instance(model, r) for r in rows.get(tag, [])]
        by_pk = {o.pk: o for o in objects}
        lookup[model] = by_pk
        made[tag] = objects
    for model, by_pk in lookup.items():
        by_pk["__key__"] = _sort_key(model, lookup)

    def ordered(model, objects: list) -> list:
        return sorted(objects, key=_sort_key(model, lookup))

    (project,) = [instance(Project, r) for r in rows["project"]]
    (plan,) = made["plan"]
    plan.office = lookup[Office][plan.office_id]
    plan.fiscal_year = lookup[FiscalYear][plan.fiscal_year_id]
    project.plan = plan
    units = lookup[OrgUnit]
    project.lead_unit = units[project.lead_unit_id]
    project.strategy = lookup[Strategy].get(project.strategy_id) if project.strategy_id else None
    if project.strategy is not None and project.strategy.plan_id == plan.pk:
        project.strategy.plan = plan
    project.programme = (
        lookup[Programme].get(project.programme_id) if project.programme_id else None
    )
    linked = [units[r["orgunit_id"]] for r in rows.get("co_unit", [])]
    _prefetched(project, "co_units", ordered(OrgUnit, linked))
    for item in made["policy_item"]:
        item.framework = lookup[PolicyFramework][item.framework_id]
    aligned = [lookup[PolicyItem][r["policyitem_id"]] for r in rows.get("alignment", [])]
    _prefetched(project, "alignments", ordered(PolicyItem, aligned))

    categories, funds = lookup[BudgetCategory], lookup[FundSource]
    factors: dict[int, list] = {}
    for f in ordered(BudgetLineFactor, [instance(BudgetLineFactor, r) for r in rows["factor"]]):
        factors.setdefault(f.line_id, []).append(f)
    lines: dict[int, list] = {}
    for line in ordered(BudgetLine, [instance(BudgetLine, r) for r in rows["line"]]):
        line.category = categories[line.category_id]
        line.fund_source = funds[line.fund_source_id]
        _prefetched(line, "factors", factors.get(line.pk, []))
        lines.setdefault(line.activity_id, []).append(line)
    quarters: dict[int, list] = {}
    for q in ordered(QuarterAllocation, [instance(QuarterAllocation, r) for r in rows["quarter"]]):
        quarters.setdefault(q.activity_id, []).append(q)
    activities = ordered(Activity, [instance(Activity, r) for r in rows["activity"]])
    for activity in activities:
        activity.project = project
        _prefetched(activity, "budget_lines", lines.get(activity.pk, []))
        _prefetched(activity, "quarters", quarters.get(activity.pk, []))
    _prefetched(project, "activities", activities)
    for name, tag, model in (
        ("items", "item", ProjectItem),
        ("people", "person", ProjectPerson),
        ("indicators", "indicator", ProjectIndicator),
        ("signatures", "signature", ProjectSignature),
    ):
        _prefetched(project, name, ordered(model, [instance(model, r) for r in rows[tag]]))
    project.frozen_categories = ordered(BudgetCategory, made["category"])
    project.frozen_funds = ordered(FundSource, made["fund"])
    return project
