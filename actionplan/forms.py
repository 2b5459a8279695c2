"""What every form of the app shares (typed text is stored clean; dates are typed and shown in
the Buddhist Era), and the forms of the reference-data pages: an office's own frameworks and
their items."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from actionplan import thai
from actionplan.models import FrameworkKind, PolicyFramework, PolicyItem
from actionplan.services import OWN_KINDS


class CleanTextMixin:
    """Put first in a form's bases: every text value it accepts is NFC, without bidi controls
    or zero-width characters (an RLO would print the rest of a line reversed in the PDF).

    It runs as the first step of `clean()`, so a subclass's `clean()` that calls `super()`
    first already works on the cleaned text, and a ModelForm builds its instance from it.
    """

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = thai.clean_text(value)
        return data


class OwnFrameworkForm(CleanTextMixin, forms.ModelForm):
    """An office's own policy or standard (นโยบาย/จุดเน้น สพท., มาตรฐานสำนักงาน), with its years."""

    class Meta:
        model = PolicyFramework
        fields = ["kind", "title_th", "period_start_be", "period_end_be", "order", "is_active"]
        widgets = {"title_th": forms.TextInput(attrs={"class": "wide"})}
        help_texts = {
            "period_start_be": _("ปีงบประมาณ พ.ศ. เว้นว่างได้ถ้าใช้ทุกปี"),
            "order": _("ลำดับการแสดงในหน้าโครงการ (น้อยแสดงก่อน)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in FrameworkKind.choices if value in OWN_KINDS
        ]
        for name in ("period_start_be", "period_end_be"):
            self.fields[name].validators += [MinValueValidator(2500), MaxValueValidator(2700)]
            self.fields[name].widget.attrs.update(min=2500, max=2700)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start_be"), data.get("period_end_be")
        if start and end and end < start:
            self.add_error("period_end_be", _("ปีสิ้นสุดต้องไม่มาก่อนปีเริ่มต้น"))
        return data


class PolicyItemForm(CleanTextMixin, forms.ModelForm):
    """An item of an office's own framework; its parent is another item of the same framework
    (never itself or an item under it)."""

    class Meta:
        model = PolicyItem
        fields = ["parent", "code", "title_th"]
        widgets = {"title_th": forms.Textarea(attrs={"rows": 3})}
        labels = {"parent": _("อยู่ใต้ข้อ")}
        help_texts = {"code": _("เลขข้อตามที่พิมพ์ในเอกสาร เช่น ๑.๒ หรือ มาตรฐานที่ ๑")}

    def __init__(self, *args, framework: PolicyFramework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        items = list(framework.items.order_by("order", "pk"))
        excluded = _subtree(items, self.instance.pk) if self.instance.pk else set()
        parent = self.fields["parent"]
        parent.queryset = framework.items.exclude(pk__in=excluded)
        parent.empty_label = _("— ข้อหลัก (ไม่อยู่ใต้ข้อใด) —")
        parent.label_from_instance = lambda item: str(item)[:120]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and parent.framework_id != self.framework.pk:
            raise forms.ValidationError(_("ต้องเป็นข้อของกรอบเดียวกัน"))
        return parent


def _subtree(items: list[PolicyItem], root_pk: int) -> set[int]:
    """The item and every item under it, from the framework's items already in memory."""
    children: dict[int | None, list[int]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item.pk)
    found, pending = set(), [root_pk]
    while pending:
        pk = pending.pop()
        found.add(pk)
        pending.extend(children.get(pk, []))
    return found


class CopyFrameworksForm(forms.Form):
    """Copy the office's own frameworks of one fiscal year to another."""

    from_year = forms.IntegerField(label=_("จากปีงบประมาณ"), min_value=2500, max_value=2700)
    to_year = forms.IntegerField(label=_("ไปยังปีงบประมาณ"), min_value=2500, max_value=2700)

    def clean(self):
        data = super().clean()
        if data.get("from_year") and data.get("from_year") == data.get("to_year"):
            self.add_error("to_year", _("ปีปลายทางต้องต่างจากปีต้นทาง"))
        return data


class BEDateInput(forms.TextInput):
    """A text input that shows a date as "17/10/2565" (never the browser's CE date picker).

    static/js/bedate.js adds a calendar button with Thai month names and BE years to every
    input marked `data-bedate`; without the script the input still takes a typed date.
    """

    class Media:
        js = ("js/bedate.js",)

    def __init__(self, attrs: dict | None = None):
        defaults = {
            "data-bedate": "",
            "autocomplete": "off",
            "placeholder": _("วว/ดด/ปปปป"),
            "size": 12,
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            return thai.format_short_date(value)
        return super().format_value(value)


class BEDateField(forms.DateField):
    """A date typed in the Buddhist Era, or picked from the BE calendar: "17/10/2565",
    "17/10/65", "17 ต.ค. 65", "17 ตุลาคม 2565", Thai digits ("๑๗/๑๐/๒๕๖๕"), and "2022-10-17"
    from a page still showing the browser's own picker (thai.read_date_parts).

    With a plan's fiscal year, a four-digit year may be BE or CE within YEAR_TOLERANCE of it
    (thai.resolve_year_be); a year far from it, a month past 12 or a day the month does not
    have is a Thai error at the field, never a guess.
    """

    widget = BEDateInput
    default_error_messages = {
        "invalid": _("กรุณากรอกวันที่เป็นวัน/เดือน/ปี พ.ศ. เช่น 17/10/2565 หรือ 17 ต.ค. 2565"),
        "no_such_month": _("เดือนต้องเป็นเลข 1 ถึง 12 (วัน/เดือน/ปี พ.ศ. เช่น 17/10/2565)"),
        "no_such_day": _("เดือน%(month)s %(year)s ไม่มีวันที่ %(day)s"),
    }

    def __init__(self, *, fiscal_year_be: int | None = None, **kwargs):
        kwargs.setdefault("help_text", _("วัน/เดือน/ปี พ.ศ. เช่น 17/10/2565"))
        super().__init__(**kwargs)
        self.fiscal_year_be = fiscal_year_be

    @property
    def fiscal_year_be(self) -> int | None:
        return self._fiscal_year_be

    @fiscal_year_be.setter
    def fiscal_year_be(self, year_be: int | None) -> None:
        # The calendar opens an empty input in the plan's year rather than on today's date.
        self._fiscal_year_be = year_be
        if year_be:
            self.widget.attrs["data-fiscal-year"] = str(year_be)
        else:
            self.widget.attrs.pop("data-fiscal-year", None)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            parts = thai.read_date_parts(thai.clean_text(str(value)), self.fiscal_year_be)
        except thai.YearOutOfRange as exc:
            raise ValidationError(str(exc), code="year_out_of_range") from exc
        if parts is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year_be, month, day = parts
        if not 1 <= month <= 12:
            raise ValidationError(self.error_messages["no_such_month"], code="no_such_month")
        try:
            return date(thai.be_to_ce(year_be), month, day)
        except ValueError as exc:
            raise ValidationError(
                self.error_messages["no_such_day"],
                code="no_such_day",
                params={"month": thai.MONTHS_FULL[month], "year": year_be, "day": day},
            ) from exc
