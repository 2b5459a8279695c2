"""Forms of the project editor: the header form and the formsets for the nested rows.

Choice fields resolve their values from lists loaded once per request (`EditorChoices`), so the
editor costs the same number of queries with 5 or 50 rows.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import html
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef, Q, TextField, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.forms import BaseFormSet, formset_factory
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from actionplan import thai
from actionplan.forms import BEDateField, CleanTextMixin
from actionplan.models import (
    Office,
    OrgUnit,
    Person,
    PolicyFramework,
    PolicyItem,
    Programme,
    Strategy,
)
from budgets.formula import parse_formula
from budgets.models import BudgetCategory, FundSource
from budgets.money import ZERO, quantize
from indicators.models import Comparator, MeasureType, ResultLevel
from projects.compiled import compile_once, keep_prefetched
from projects.models import ItemKind, Project, ProjectSignature


def esc(value) -> str:
    """Django's conditional_escape (the same text: Django escapes with html.escape) without
    its check of every argument for lazy strings, for the thousands of values the editor
    draws."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return value if isinstance(value, SafeData) else html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class EditorRenderer(DjangoTemplates):
    """Django's form renderer, with the editor's widgets drawn in Python: the same HTML as
    Django's widget templates (django/forms/widgets/*.html), escaped the same way, without a
    template render per input. A page of 160 budget lines has some 3,000 inputs and options;
    drawn from templates they were most of the editor's time. Templates it does not know (the
    form and formset layouts) are rendered by Django as usual."""

    def render(self, template_name, context, request=None):
        draw = _DRAW.get(template_name)
        if draw is None:
            return super().render(template_name, context, request=request)
        return draw(context["widget"])


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {name}" if value is True else f' {name}="{esc(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(w: dict) -> str:
    value = "" if w["value"] is None else f' value="{esc(w["value"])}"'
    return f'<input type="{esc(w["type"])}" name="{esc(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _textarea(w: dict) -> str:
    # The newline after the tag is Django's: a browser drops it, so a value that starts with a
    # line break keeps it.
    value = esc(w["value"]) if w["value"] else ""
    return f'<textarea name="{esc(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def _option(w: dict) -> str:
    return f'<option value="{esc(w["value"])}"{_attrs(w["attrs"])}>{esc(w["label"])}</option>'


def _select(w: dict) -> str:
    parts = [f'<select name="{esc(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, options, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input_option(w: dict) -> str:
    # django/forms/widgets/input_option.html
    if not w.get("wrap_label"):
        return _input(w)
    target = w["attrs"].get("id")
    for_attr = f' for="{esc(target)}"' if target else ""
    return f"<label{for_attr}>{_input(w)} {esc(w['label'])}</label>"


def _multiple_input(w: dict) -> str:
    # django/forms/widgets/multiple_input.html
    target, css = w["attrs"].get("id"), w["attrs"].get("class")
    parts = ["<div"]
    if target:
        parts.append(f' id="{esc(target)}"')
    if css:
        parts.append(f' class="{esc(css)}"')
    parts.append(">")
    for group, options, _index in w["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{esc(group)}</label>")
        parts.extend(f"<div>\n    {_input_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


_WIDGETS = "django/forms/widgets/"
_DRAW = {
    **{
        f"{_WIDGETS}{name}.html": _input
        for name in (
            "input",
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "checkbox",
            "date",
            "datetime",
            "time",
            "search",
            "tel",
        )
    },
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}select_option.html": _option,
    f"{_WIDGETS}input_option.html": _input_option,
    f"{_WIDGETS}checkbox_option.html": _input_option,
    f"{_WIDGETS}radio_option.html": _input_option,
    f"{_WIDGETS}radio.html": _multiple_input,
    f"{_WIDGETS}checkbox_select.html": _multiple_input,
}
EDITOR_RENDERER = EditorRenderer()

MONTH_CHOICES = [(i, thai.MONTHS_ABBR[m]) for i, (_, m) in enumerate(thai.fiscal_months(2566), 1)]


@dataclass
class EditorChoices:
    """Everything the editor's select boxes offer, loaded once per request."""

    strategies: list[Strategy]
    programmes: list[Programme]
    units: list[OrgUnit]
    people: list[Person]
    policy_items: list[PolicyItem]
    categories: list[BudgetCategory]
    fund_sources: list[FundSource]
    _options: dict = dataclasses.field(default_factory=dict, repr=False)
    _row_fields: dict = dataclasses.field(default_factory=dict, repr=False)

    def row_field(self, key: str, build) -> forms.Field:
        """A copy of the page's one field `key` (built by `build()` the first time) for one
        row's form: every budget line's category select is the same field."""
        if key not in self._row_fields:
            self._row_fields[key] = build()
        return _field_copy(self._row_fields[key])

    def options(self, name: str, **kwargs) -> Options:
        """The page's one `Options` of a list (people, categories, fund sources)."""
        if name not in self._options:
            self._options[name] = Options(getattr(self, name), **kwargs)
        return self._options[name]

    @classmethod
    def load(cls, plan, project=None, *, signatures: bool = False) -> EditorChoices:
        """The choices of a plan's editor: programmes and policy items valid in the plan's
        fiscal year, of the frameworks the office follows; what the project already links to
        stays offered (and checked) even when it is no longer, so saving never drops it.

        The project's own policy items and co-units come with these lists (marked `linked`)
        and are kept as its prefetched `alignments` and `co_units` (and, with `signatures`,
        its signatures, for a save's audit record): the same query for all of them."""
        linked = bool(project is not None and project.pk)
        ids = {"office": plan.office_id, "year": plan.fiscal_year.year_be, "plan": plan.pk}
        if linked:
            ids["project"] = project.pk
            if project.programme_id:
                ids["programme"] = project.programme_id
        with_signatures = linked and signatures
        lists = load_together_compiled(
            ("editor-choices", with_signatures),
            functools.partial(_choice_querysets, signatures=with_signatures),
            **ids,
        )
        if "signatures" in lists:
            keep_prefetched(project, "signatures", lists["signatures"])
        frameworks = {fw.pk: fw for fw in lists["frameworks"]}
        for item in lists["policy_items"]:
            item.framework = frameworks[item.framework_id]
        if linked:
            # The orders of the prefetches they stand for (Meta.ordering of both models).
            keep_prefetched(project, "alignments", [i for i in lists["policy_items"] if i.linked])
            keep_prefetched(project, "co_units", [u for u in lists["units"] if u.linked])
        return cls(
            strategies=lists["strategies"],
            programmes=lists["programmes"],
            units=[u for u in lists["units"] if u.is_active],
            people=lists["people"],
            policy_items=lists["policy_items"],
            categories=lists["categories"],
            fund_sources=lists["fund_sources"],
        )


def _choice_querysets(*, office, year, plan, project=None, programme=None, signatures=False):
    """The querysets of EditorChoices.load, from ids alone (see load_together_compiled)."""
    office = Office(pk=office)
    frameworks = PolicyFramework.objects.followed_by(office).applies_to(year)
    offered = Q(is_active=True, framework__in=frameworks)
    programmes = Q(pk__in=Programme.objects.available_to(office, year))
    units = Q(is_active=True)
    items = PolicyItem.objects.all()
    unit_rows = OrgUnit.objects.filter(office=office)
    if project is not None:
        aligned = Project.alignments.through.objects.filter(project_id=project)
        shared = Project.co_units.through.objects.filter(project_id=project)
        offered |= Q(pk__in=aligned.values("policyitem_id"))
        units |= Q(pk__in=shared.values("orgunit_id"))
        items = items.annotate(linked=Exists(aligned.filter(policyitem_id=OuterRef("pk"))))
        unit_rows = unit_rows.annotate(linked=Exists(shared.filter(orgunit_id=OuterRef("pk"))))
        if programme is not None:
            programmes |= Q(pk=programme)
    items = items.filter(offered).order_by("framework__order", "framework_id", "order", "pk")
    querysets = {
        "strategies": Strategy.objects.filter(plan_id=plan),
        "programmes": Programme.objects.filter(programmes),
        "units": unit_rows.filter(units),
        "people": Person.objects.filter(office=office, is_active=True),
        "policy_items": items,
        "frameworks": PolicyFramework.objects.filter(pk__in=items.values("framework_id")),
        "categories": BudgetCategory.objects.filter(is_active=True),
        "fund_sources": FundSource.objects.filter(is_active=True),
    }
    if project is not None and signatures:
        querysets["signatures"] = ProjectSignature.objects.filter(project_id=project)
    return querysets


def load_together(**querysets) -> dict[str, list]:
    """Several short lists of different models in one query (UNION ALL) instead of one query
    each: every column cast to text so that the parts line up whatever their types, each
    part's rows numbered by the database in the part's own order, then rebuilt as instances
    with their annotations. For small reference lists (the editor's choices); querysets with
    select_related() or columns of other types (dates, binary) are loaded on their own."""
    parts, union = _union_parts(querysets)
    return _rebuild(parts, list(union) if union is not None else [])


def load_together_compiled(shape, build, **ids) -> dict[str, list]:
    """`load_together(**build(**ids))` with the UNION's SQL compiled once per `shape` (and
    database) instead of on every request: building and compiling a dozen querysets is most of
    the work, the query itself a fraction of a millisecond. `build` makes the querysets from
    the integer `ids` alone; projects.compiled says when the SQL may be kept (else the
    querysets are built and run on every call)."""
    compiled = compile_once(shape, build, ids, prepare=_compiled_union)
    if compiled is None:
        return load_together(**build(**ids))
    return _rebuild(compiled.meta, compiled.execute(ids))


def _compiled_union(querysets):
    """The UNION to compile and its parts without their querysets (None if a part is loaded
    on its own)."""
    parts, union = _union_parts(querysets)
    if union is None or any(part[3] is None for part in parts):
        return None, None
    return union, [(name, model, None, fields, extra) for name, model, _q, fields, extra in parts]


def _union_parts(querysets):
    """The parts of load_together (name, queryset, fields, annotations; fields None for a
    part loaded on its own) and the UNION ALL queryset of the others (None if none)."""
    parts, width = [], 0
    for name, queryset in querysets.items():
        fields = queryset.model._meta.concrete_fields
        annotations = {
            key: annotation.output_field for key, annotation in queryset.query.annotations.items()
        }
        kinds = [f.get_internal_type() for f in fields] + [
            f.get_internal_type() for f in annotations.values()
        ]
        if queryset.query.select_related or not set(kinds) <= _TEXT_SAFE:
            parts.append((name, queryset.model, queryset, None, None))
            continue
        columns = [f.attname for f in fields] + list(annotations)
        width = max(width, len(columns))
        parts.append((name, queryset.model, queryset, fields, annotations))
    selects = []
    for name, _model, queryset, fields, annotations in parts:
        if fields is None:
            continue
        columns = [f.attname for f in fields] + list(annotations)
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
        values = {
            f"_c{i}": Cast(F(column), TextField()) if i < len(columns) else Value(None, TextField())
            for i, column in enumerate([*columns, *[None] * (width - len(columns))])
        }
        selects.append(
            queryset.order_by()
            .annotate(
                _part=Value(name, CharField()),
                _row=Window(RowNumber(), order_by=ordering),
                **values,
            )
            .values_list("_part", "_row", *values)
        )
    if not selects:
        return parts, None
    union = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    return parts, union


def _rebuild(parts, union_rows) -> dict[str, list]:
    """The instances of each part from the UNION's rows (part, number, texts...)."""
    rows: dict[str, list] = {name: [] for name, *_ in parts}
    for part, number, *texts in union_rows:
        rows[part].append((number, texts))
    result = {}
    for name, model, queryset, fields, extra in parts:
        if fields is None:
            result[name] = list(queryset)
            continue
        built = []
        attnames = [f.attname for f in fields]
        for _number, texts in sorted(rows[name], key=lambda row: row[0]):
            values = [_from_text(f, t) for f, t in zip(fields, texts, strict=False)]
            instance = model.from_db(connection.alias, attnames, values)
            for (key, output), text in zip(extra.items(), texts[len(fields) :], strict=False):
                setattr(instance, key, _from_text(output, text))
            built.append(instance)
        result[name] = built
    return result


_TEXT_SAFE = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BooleanField",
    "CharField",
    "SlugField",
    "TextField",
    "IntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "ForeignKey",
    "OneToOneField",
    "DecimalField",
    "JSONField",
    "DateField",
    "DateTimeField",
}


def _from_text(field, text):
    """A column read back from its text cast as the field's Python value."""
    if text is None:
        return None
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return text.lower() in {"1", "t", "true"}
    if kind == "JSONField":
        return json.loads(text)
    if kind == "DecimalField":
        return Decimal(text).quantize(Decimal(1).scaleb(-field.decimal_places))
    if kind in {"ForeignKey", "OneToOneField"}:
        return field.target_field.to_python(text)
    if kind == "DateTimeField":
        # SQLite keeps UTC without an offset; PostgreSQL prints the session's UTC with "+00"
        moment = parse_datetime(text)
        if settings.USE_TZ and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        return moment
    if kind == "DateField":
        return datetime.date.fromisoformat(text[:10])
    return field.to_python(text)


class Options:
    """The choices of a select box over a list already in memory, with each option's HTML
    drawn once: every budget line offers the same categories and fund sources, so a page of
    160 lines draws them once, not 160 times."""

    def __init__(self, objects, *, label_of=str, empty_label="—"):
        self.objects = {str(o.pk): o for o in objects}
        self.choices = [("", empty_label), *[(str(o.pk), label_of(o)) for o in objects]]
        self._html: list[tuple[str, str, str]] | None = None

    def html(self, selected: list[str]) -> str:
        """The <option>s, the first one whose value is in `selected` marked (as Django does)."""
        if self._html is None:
            self._html = [
                (
                    value,
                    f'\n  <option value="{esc(value)}">{esc(label)}</option>',
                    f'\n  <option value="{esc(value)}" selected>{esc(label)}</option>',
                )
                for value, label in self.choices
            ]
        parts, marked = [], False
        for value, plain, chosen in self._html:
            if not marked and value in selected:
                parts.append(chosen)
                marked = True
            else:
                parts.append(plain)
        return "".join(parts)


class OptionsSelect(forms.Select):
    """A select whose options come drawn from its `Options` when the editor's renderer draws
    it (any other renderer gets Django's select)."""

    options: Options | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.options is None or not isinstance(renderer, EditorRenderer):
            return super().render(name, value, attrs, renderer)
        w = forms.Widget.get_context(self, name, value, attrs)["widget"]
        return mark_safe(
            f'<select name="{esc(name)}"{_attrs(w["attrs"])}>'
            f"{self.options.html(w['value'])}\n</select>"
        )


class CachedModelChoiceField(forms.ChoiceField):
    """A model choice field over a list already in memory: no query to render or validate.
    `objects` is a list, or an `Options` shared by every row of the page."""

    widget = OptionsSelect

    def __init__(self, objects, *, label_of=str, empty_label="—", **kwargs):
        if not isinstance(objects, Options):
            objects = Options(objects, label_of=label_of, empty_label=empty_label)
        super().__init__(**kwargs)
        self.objects = objects.objects
        # The shared list, already normalized: ChoiceField's setter would copy it per row.
        self._choices = self.widget.choices = objects.choices
        if isinstance(self.widget, OptionsSelect):
            self.widget.options = objects

    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None

    def prepare_value(self, value):
        return str(getattr(value, "pk", value) or "")


class CachedModelMultipleChoiceField(forms.MultipleChoiceField):
    """Several objects from a list already in memory."""

    def __init__(self, objects, *, label_of=str, **kwargs):
        self.objects = {str(o.pk): o for o in objects}
        super().__init__(choices=[(str(o.pk), label_of(o)) for o in objects], **kwargs)

    def clean(self, value):
        return [self.objects[v] for v in super().clean(value)]

    def prepare_value(self, value):
        return [str(getattr(v, "pk", v)) for v in (value or [])]


# The largest amount a money column (Decimal(14, 2)) holds.
MAX_AMOUNT = Decimal("999999999999.99")
TOO_LARGE = _("จำนวนเงินต้องไม่เกิน 999,999,999,999.99 บาท")


class ThaiDecimalField(forms.DecimalField):
    """A money field that accepts what people type: "1,500", "๑,๕๐๐", "1500.-", "-"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("กรุณากรอกจำนวนเงินเป็นตัวเลข เช่น 1,500 หรือ ๑,๕๐๐"),
        "too_large": TOO_LARGE,
        "max_digits": TOO_LARGE,
        "max_whole_digits": TOO_LARGE,
        "min_value": _("ต้องไม่ติดลบ"),
    }

    def prepare_value(self, value):
        """A saved amount as the documents print it, "3,600.00"; typed text is shown as typed."""
        if isinstance(value, Decimal) and value.is_finite():
            return thai.format_money(value, zero="0.00")
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = thai.parse_number(str(value))
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if abs(number) > MAX_AMOUNT:  # checked before rounding: quantize() overflows past 28 digits
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        try:
            return quantize(number)
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["too_large"], code="too_large") from exc


def _lines(text: str) -> list[str]:
    """The lines of a list the documents number, without the numbering typed or pasted."""
    lines = (thai.strip_list_marker(line) for line in (text or "").splitlines())
    return [line for line in lines if line]


ITEM_FIELDS = {
    "objectives": ItemKind.OBJECTIVE,
    "targets_quant": ItemKind.TARGET_QUANTITATIVE,
    "targets_qual": ItemKind.TARGET_QUALITATIVE,
    "outcomes": ItemKind.EXPECTED_OUTCOME,
}


class ProjectForm(CleanTextMixin, forms.ModelForm):
    """The header and narrative sections, in the order of the official project form."""

    default_renderer = EDITOR_RENDERER

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    objectives = forms.CharField(
        label=_("วัตถุประสงค์"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("บรรทัดละหนึ่งข้อ ระบบใส่เลขข้อให้เอง"),
    )
    targets_quant = forms.CharField(
        label=_("เป้าหมายเชิงปริมาณ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("บรรทัดละหนึ่งข้อ"),
    )
    targets_qual = forms.CharField(
        label=_("เป้าหมายเชิงคุณภาพ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("บรรทัดละหนึ่งข้อ"),
    )
    outcomes = forms.CharField(
        label=_("ผลที่คาดว่าจะได้รับ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("บรรทัดละหนึ่งข้อ"),
    )

    class Meta:
        model = Project
        fields = [
            "name_th",
            "code",
            "programme",
            "strategy",
            "alignments",
            "lead_unit",
            "co_units",
            "project_type",
            "start_date",
            "end_date",
            "location_th",
            "rationale_th",
            "target_groups_th",
            "allow_reallocation",
            "priority",
        ]
        widgets = {
            "name_th": forms.TextInput(attrs={"class": "wide"}),
            "location_th": forms.Textarea(attrs={"rows": 2}),
            "rationale_th": forms.Textarea(attrs={"rows": 8}),
            "target_groups_th": forms.Textarea(attrs={"rows": 2}),
            "project_type": forms.RadioSelect,
        }

    def __init__(self, *args, choices: EditorChoices, plan, can_choose_unit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        f = self.fields
        f["programme"] = CachedModelChoiceField(
            choices.programmes, label=_("แผนงาน"), required=False
        )
        f["strategy"] = CachedModelChoiceField(
            choices.strategies,
            label=_("กลยุทธ์ที่สนอง"),
            required=True,
            empty_label=_("— เลือกกลยุทธ์ —"),
        )
        f["lead_unit"] = CachedModelChoiceField(
            choices.units, label=_("กลุ่มที่รับผิดชอบ"), required=True
        )
        if not can_choose_unit:
            f["lead_unit"].disabled = True
        f["co_units"] = CachedModelMultipleChoiceField(
            choices.units,
            label=_("กลุ่มที่ร่วมรับผิดชอบ"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        f["alignments"] = CachedModelMultipleChoiceField(
            choices.policy_items,
            label=_("ความสอดคล้อง (สนอง)"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.alignment_groups = _group_by_framework(choices.policy_items)
        for name in ("start_date", "end_date"):
            f[name] = BEDateField(
                fiscal_year_be=plan.fiscal_year.year_be, label=f[name].label, required=False
            )
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            items = {field: [] for field in ITEM_FIELDS}
            kind_to_field = {kind: field for field, kind in ITEM_FIELDS.items()}
            for item in self.instance.items.all():
                items[kind_to_field[item.kind]].append(item.text_th)
            for field, texts in items.items():
                self.initial[field] = "\n".join(texts)
            self.initial["alignments"] = list(self.instance.alignments.all())
            self.initial["co_units"] = list(self.instance.co_units.all())

    def _get_validation_exclusions(self):
        # The choice fields took their objects from the editor's lists and clean() checks the
        # dates' order: the model's own checks would ask the database again (three queries).
        return super()._get_validation_exclusions() | {
            "programme",
            "strategy",
            "lead_unit",
            "start_date",
            "end_date",
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("วันสิ้นสุดต้องไม่มาก่อนวันเริ่มต้น"))
        lead, co_units = data.get("lead_unit"), data.get("co_units") or []
        if lead and lead in co_units:
            data["co_units"] = [u for u in co_units if u != lead]
        return data

    def item_texts(self) -> dict[str, list[str]]:
        return {
            kind: _lines(self.cleaned_data.get(field, "")) for field, kind in ITEM_FIELDS.items()
        }


def _group_by_framework(items: list[PolicyItem]) -> list[tuple[str, list[PolicyItem]]]:
    """Items per framework, each framework's in reading order (a parent, then its children)."""
    by_pk = {item.pk: item for item in items}

    def path(item: PolicyItem) -> list[tuple[int, int]]:
        steps = []
        while item is not None:
            steps.append((item.order, item.pk))
            item = by_pk.get(item.parent_id)
        return steps[::-1]

    groups: dict[int, tuple[str, list]] = {}
    for item in items:
        groups.setdefault(item.framework_id, (item.framework.title_th, []))[1].append(item)
    return [(title, sorted(members, key=path)) for title, members in groups.values()]


def _field_copy(field: forms.Field) -> forms.Field:
    """A copy of a field for one form, as Django's Field.__deepcopy__ makes (its own widget,
    widget attrs, error messages and validators) but sharing the choice lists: nothing on
    the editor's pages changes a row's choices in place, and deep-copying them (with their
    lazy labels) for every row was a fifth of the page."""
    new = object.__new__(type(field))
    new.__dict__.update(field.__dict__)
    widget = field.widget
    new.widget = object.__new__(type(widget))
    new.widget.__dict__.update(widget.__dict__)
    new.widget.attrs = widget.attrs.copy()
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    return new


class _RowFields(dict):
    """A row form's declared fields, copied for each form by _field_copy (BaseForm.__init__
    deep-copies `base_fields`)."""

    def __deepcopy__(self, memo):
        return {name: _field_copy(field) for name, field in self.items()}


class _RowFormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _RowFields(new_class.base_fields)
        return new_class


class RowForm(CleanTextMixin, forms.Form, metaclass=_RowFormMetaclass):
    """A row of one of the editor's formsets (a person, an activity, a budget line, an
    indicator): its fields copied for each row by _field_copy."""

    default_renderer = EDITOR_RENDERER

    def has_changed(self) -> bool:
        """Whether a posted row holds anything. A row with its id always does (Django's own
        answer too: an id differs from the form's empty initial) without comparing every
        other field of it; the formsets ask it of every row."""
        if self.is_bound and self.data.get(self.add_prefix("id")) not in (None, ""):
            return True
        return super().has_changed()


class PersonForm(RowForm):
    """A responsible person: picked from the office's staff, position text editable per project."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    person = forms.Field(required=False)
    name_th = forms.CharField(label=_("ชื่อ-สกุล"), max_length=255)
    position_th = forms.CharField(label=_("ตำแหน่ง"), max_length=255, required=False)

    def __init__(self, *args, choices: EditorChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = choices.row_field(
            "person",
            lambda: CachedModelChoiceField(
                choices.options("people", label_of=lambda p: f"{p.full_name} — {p.position_th}"),
                label=_("เลือกจากบุคลากร"),
                required=False,
            ),
        )


class ActivityForm(RowForm):
    """An activity with its steps, Gantt months and quarterly spending plan."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_sub = forms.BooleanField(label=_("เป็นกิจกรรมย่อยของกิจกรรมหลักก่อนหน้า"), required=False)
    title_th = forms.CharField(label=_("ชื่อกิจกรรม"), widget=forms.Textarea(attrs={"rows": 2}))
    steps_th = forms.CharField(
        label=_("ขั้นตอนดำเนินการ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("บรรทัดละหนึ่งขั้นตอน ระบบใส่เลขให้เอง"),
    )
    period_th = forms.CharField(label=_("ระยะเวลา"), max_length=255, required=False)
    location_th = forms.CharField(label=_("สถานที่"), max_length=255, required=False)
    responsible_th = forms.CharField(label=_("ผู้รับผิดชอบ"), max_length=255, required=False)
    target_group_th = forms.CharField(label=_("กลุ่มเป้าหมาย"), max_length=255, required=False)
    months = forms.TypedMultipleChoiceField(
        label=_("เดือนที่ดำเนินการ"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    q1 = ThaiDecimalField(
        label=_("ไตรมาสที่ 1"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    q2 = ThaiDecimalField(
        label=_("ไตรมาสที่ 2"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    q3 = ThaiDecimalField(
        label=_("ไตรมาสที่ 3"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    q4 = ThaiDecimalField(
        label=_("ไตรมาสที่ 4"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def clean_steps_th(self) -> str:
        return "\n".join(_lines(self.cleaned_data["steps_th"]))

    def quarters(self) -> list[Decimal]:
        return [self.cleaned_data.get(f"q{q}") or Decimal("0") for q in (1, 2, 3, 4)]


FORMULA_UNREADABLE = _("อ่านสูตรไม่ได้ กรุณาเขียนเป็น จำนวน หน่วย x จำนวน หน่วย")
UNKNOWN_ACTIVITY = _(
    "ไม่พบกิจกรรมที่รายการนี้สังกัด (หน้านี้อาจเปิดค้างไว้นานหรือโหลดไม่ครบ) ระบบยังไม่ได้บันทึกและไม่ได้ลบรายการนี้ "
    "กรุณาตรวจสอบว่ารายการอยู่ใต้กิจกรรมที่ถูกต้อง แล้วกดบันทึกอีกครั้ง"
)


class LineForm(RowForm):
    """A budget line: a formula ("32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง") or a plain amount."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    activity_ref = forms.IntegerField(
        label=_("กิจกรรม"),
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": UNKNOWN_ACTIVITY,
            "invalid": UNKNOWN_ACTIVITY,
            "min_value": UNKNOWN_ACTIVITY,
        },
    )
    description_th = forms.CharField(label=_("รายการ"), max_length=500)
    formula = forms.CharField(
        label=_("สูตรคำนวณ"),
        max_length=500,
        required=False,
        help_text=_("เช่น 32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"),
    )
    plain_amount = ThaiDecimalField(
        label=_("จำนวนเงิน (ถ้าไม่มีสูตร)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    category = forms.Field()
    fund_source = forms.Field()

    def __init__(self, *args, choices: EditorChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = choices.row_field(
            "category",
            lambda: CachedModelChoiceField(
                choices.options("categories", empty_label=_("— หมวด —")), label=_("หมวดรายจ่าย")
            ),
        )
        self.fields["fund_source"] = choices.row_field(
            "fund_source",
            lambda: CachedModelChoiceField(
                choices.options("fund_sources", empty_label=_("— แหล่งงบ —")),
                label=_("แหล่งงบประมาณ"),
            ),
        )
        if not self.is_bound and not self.initial.get("fund_source") and choices.fund_sources:
            self.initial["fund_source"] = choices.fund_sources[0]

    def clean(self):
        data = super().clean()
        formula, plain = data.get("formula", "").strip(), data.get("plain_amount")
        if formula:
            parsed = parse_formula(formula)
            if parsed.error or not parsed.factors:
                self.add_error("formula", parsed.message or FORMULA_UNREADABLE)
                return data
            if plain is not None:
                self.add_error(
                    "plain_amount", _("มีสูตรคำนวณแล้ว ไม่ต้องกรอกจำนวนเงินซ้ำ (ระบบคำนวณจากสูตร)")
                )
            data["parsed"] = parsed
        elif plain is None:
            self.add_error("plain_amount", _("กรุณากรอกสูตรคำนวณหรือจำนวนเงิน"))
        return data


class IndicatorForm(RowForm):
    """A success indicator: output or outcome, target with its comparison, method and tool."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    result_level = forms.ChoiceField(label=_("ด้าน"), choices=ResultLevel.choices)
    measure_type = forms.ChoiceField(label=_("ประเภท"), choices=MeasureType.choices)
    text_th = forms.CharField(label=_("ตัวชี้วัดความสำเร็จ"), widget=forms.Textarea(attrs={"rows": 2}))
    comparator = forms.ChoiceField(
        label=_("เงื่อนไข"), choices=Comparator.choices, initial=Comparator.GTE
    )
    target_value = ThaiDecimalField(
        label=_("ค่าเป้าหมาย"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    target_unit_th = forms.CharField(label=_("หน่วย"), max_length=50, required=False)
    target_text_th = forms.CharField(label=_("เป้าหมาย (ข้อความ)"), max_length=255, required=False)
    method_th = forms.CharField(label=_("วิธีการประเมิน"), max_length=255, required=False)
    tool_th = forms.CharField(label=_("เครื่องมือที่ใช้"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if data.get("comparator") == Comparator.TEXT:
            if not data.get("target_text_th"):
                self.add_error("target_text_th", _("กรุณาระบุเป้าหมายเป็นข้อความ"))
        elif data.get("target_value") is None:
            self.add_error("target_value", _("กรุณาระบุค่าเป้าหมาย"))
        elif (
            data.get("target_unit_th", "").strip() in {"ร้อยละ", "%"} and data["target_value"] > 100
        ):
            self.add_error("target_value", _("ค่าร้อยละต้องไม่เกิน 100"))
        return data


class EditorFormSet(BaseFormSet):
    """A formset whose forms share the request's choice lists."""

    def __init__(self, *args, choices: EditorChoices | None = None, **kwargs):
        self.choices = choices
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        """The delete box of every row (the formsets neither order nor keep extra forms),
        a copy of one field instead of a new one per row."""
        if self.can_order or not self.can_delete_extra:
            super().add_fields(form, index)
        elif self.can_delete:
            form.fields[DELETION_FIELD_NAME] = _field_copy(_DELETE_FIELD)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.form in (PersonForm, LineForm):
            kwargs["choices"] = self.choices
        return kwargs

    @property
    def empty_form(self):
        kwargs = {"choices": self.choices} if self.form in (PersonForm, LineForm) else {}
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            **kwargs,
        )
        self.add_fields(form, None)
        return form

    def live_forms(self):
        """Forms that are filled in and not marked for deletion, in page order."""
        return [
            form
            for form in self.forms
            if form.has_changed() or form.cleaned_data.get("id")
            if not (self.can_delete and self._should_delete_form(form))
        ]


def check_rows(activities: EditorFormSet, lines: EditorFormSet) -> bool:
    """What no single row can check: every kept line names an activity of the page, and the
    project's totals fit a money column. Errors go on the rows; True when there are none.

    A line under an activity removed in the same save goes with it (the remove is explicit); a
    line whose reference names no activity at all is an error, never a silent delete.
    """
    ok = True
    activity_forms = activities.forms
    lines_total = ZERO
    for form in lines.live_forms():
        cd = form.cleaned_data
        ref = cd.get("activity_ref")
        if ref is None:
            ok = False  # the field itself already carries the error
            continue
        activity = activity_forms[ref] if ref < len(activity_forms) else None
        if activity is None:
            form.add_error("description_th", UNKNOWN_ACTIVITY)
            ok = False
            continue
        if activities._should_delete_form(activity):
            continue
        if not activity.cleaned_data and not activity.errors:
            # A new activity left blank but given budget lines: it needs its title.
            activity.add_error("title_th", _("กรุณากรอกชื่อกิจกรรม (กิจกรรมนี้มีรายการงบประมาณ)"))
            ok = False
        parsed = cd.get("parsed")
        amount = parsed.product if parsed is not None else cd.get("plain_amount")
        if amount is not None and amount.is_finite():
            lines_total += amount
    if lines_total > MAX_AMOUNT:
        lines.non_form_errors().append(
            ValidationError(_("งบประมาณรวมของโครงการต้องไม่เกิน 999,999,999,999.99 บาท"))
        )
        ok = False
    quarters_total = sum(
        (sum(form.quarters(), ZERO) for form in activities.live_forms() if form.cleaned_data),
        ZERO,
    )
    if quarters_total > MAX_AMOUNT:
        activities.non_form_errors().append(
            ValidationError(_("แผนการใช้จ่ายรวมทุกไตรมาสต้องไม่เกิน 999,999,999,999.99 บาท"))
        )
        ok = False
    return ok


def _formset(form, *, too_many, **kwargs):
    formset = formset_factory(
        form,
        formset=EditorFormSet,
        extra=0,
        can_delete=True,
        renderer=EDITOR_RENDERER,
        **kwargs,
    )
    # Django's own "Please submit at most ..." has no Thai translation.
    formset.default_error_messages = {"too_many_forms": too_many}
    return formset


# Django's own formset label (translated by Django's catalogue), not a string of ours.
_DJANGO_DELETE = "Delete"
_DELETE_FIELD = forms.BooleanField(label=_(_DJANGO_DELETE), required=False)


PersonFormSet = _formset(
    PersonForm, max_num=20, validate_max=True, too_many=_("ผู้รับผิดชอบโครงการมีได้ไม่เกิน %(num)d คน")
)
ActivityFormSet = _formset(
    ActivityForm, max_num=100, validate_max=True, too_many=_("โครงการหนึ่งมีได้ไม่เกิน %(num)d กิจกรรม")
)
LineFormSet = _formset(
    LineForm,
    max_num=500,
    validate_max=True,
    too_many=_("โครงการหนึ่งมีรายการงบประมาณได้ไม่เกิน %(num)d รายการ"),
)
IndicatorFormSet = _formset(
    IndicatorForm,
    max_num=50,
    validate_max=True,
    too_many=_("โครงการหนึ่งมีตัวชี้วัดได้ไม่เกิน %(num)d ตัวชี้วัด"),
)


class CopyProjectForm(CleanTextMixin, forms.Form):
    """Copy last year's project into this year's plan as a continuing project."""

    source = forms.IntegerField(widget=forms.HiddenInput)
    strategy = forms.Field()

    def __init__(self, *args, strategies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"] = CachedModelChoiceField(
            strategies, label=_("กลยุทธ์ในแผนปีนี้"), empty_label=_("— เลือกกลยุทธ์ —")
        )
