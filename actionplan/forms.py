"""What every form of the app shares: typed text is stored clean, dates are typed and shown in
the Buddhist Era."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actionplan import thai


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
