"""Buddhist-Era dates in the Django admin, as everywhere else a person reads or types one.

The admin prints dates and times through Django's date formats (the change list, read-only
fields, the history page): `be_date_formats()` makes the year format characters "Y" and "y" of
`django.utils.dateformat` print the BE year (2567, 67), so "DATE_FORMAT" = "j F Y" reads
"1 ตุลาคม 2566". Our own templates never use Django's `date` filter (they print dates through
actionplan.thai), machine formats ("c", "r", "U", ISO strings, HTTP headers) do not go through
"Y" (Django writes "r" with email.utils), so nothing machine-read changes.

The admin's date inputs are our BE date field (typed 17/10/2565 or picked from the BE calendar)
instead of Django's CE calendar: ADMIN_DATE_OVERRIDES, put into every scoped ModelAdmin's and
inline's formfield_overrides by actionplan.admin_scope.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.db import models
from django.utils import dateformat

from actionplan.forms import BEDateField, BEDateInput

_PATCHED = "_actionplan_be_years"


def be_date_formats() -> None:
    """Make Django's "Y" and "y" print the Buddhist-Era year (idempotent)."""
    cls = dateformat.DateFormat
    if getattr(cls, _PATCHED, False):
        return
    ce_year, ce_short = cls.Y, cls.y

    def be_year(self):
        return f"{int(ce_year(self)) + 543:04d}"

    def be_short(self):
        return f"{(int(ce_year(self)) + 543) % 100:02d}"

    be_year.__doc__ = "Year, 4 digits, Buddhist Era; e.g. '2567'"
    be_short.__doc__ = "Year, 2 digits, Buddhist Era; e.g. '67'"
    cls.Y, cls.y = be_year, be_short
    cls._ce_Y, cls._ce_y = ce_year, ce_short
    setattr(cls, _PATCHED, True)


class BESplitDateTimeWidget(forms.MultiWidget):
    """A BE date input and a time input, side by side."""

    def __init__(self, attrs=None):
        super().__init__([BEDateInput(), forms.TimeInput(attrs={"size": 8}, format="%H:%M")], attrs)

    def decompress(self, value):
        if isinstance(value, datetime):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [value.date(), value.time().replace(microsecond=0)]
        return [None, None]


class BEDateTimeField(forms.SplitDateTimeField):
    """A date and time: the date typed in the Buddhist Era, the time as 09:30."""

    widget = BESplitDateTimeWidget

    def __init__(self, **kwargs):
        kwargs.pop("input_date_formats", None)
        kwargs.pop("input_time_formats", None)
        super().__init__(**kwargs)
        self.fields = (
            BEDateField(error_messages={"incomplete": self.error_messages["incomplete"]}),
            forms.TimeField(),
        )
        self.widget.widgets[0].attrs.update(self.fields[0].widget.attrs)

    def compress(self, data_list):
        if data_list and data_list[0] is not None and data_list[1] is None:
            data_list = [data_list[0], time(0, 0)]
        return super().compress(data_list)


ADMIN_DATE_OVERRIDES = {
    models.DateField: {"form_class": BEDateField, "widget": BEDateInput},
    models.DateTimeField: {"form_class": BEDateTimeField, "widget": BESplitDateTimeWidget},
}


def thai_lockout_names() -> None:
    """django-axes names its records with a CE time stamp in English ("Attempted Access:
    2026-12-03 16:47:17"), which the admin prints in titles, breadcrumbs and checkbox labels:
    name them in Thai with the local BE time."""
    from axes import models as axes_models
    from django.utils import timezone

    from actionplan.thai import format_thai_datetime

    def at(value) -> str:
        if value is None:
            return "-"
        return format_thai_datetime(
            timezone.localtime(value) if timezone.is_aware(value) else value
        )

    axes_models.AccessFailureLog.__str__ = lambda self: (
        f"เข้าระบบไม่สำเร็จ: {self.username}{' (ถูกล็อก)' if self.locked_out else ''}"
        f" เมื่อ {at(self.attempt_time)} จาก {self.ip_address}"
    )
    axes_models.AccessAttempt.__str__ = lambda self: f"ความพยายามเข้าระบบ: {at(self.attempt_time)}"
    axes_models.AccessLog.__str__ = lambda self: (
        f"บันทึกการเข้าระบบของ {self.username} เมื่อ {at(self.attempt_time)}"
    )

    # django-tasks-db's task admin prints "run after" as str(datetime).
    from django_tasks_db.admin import DBTaskResultAdmin

    shown = DBTaskResultAdmin.display_run_after

    def display_run_after(self, obj):
        value = shown(self, obj)
        return at(value) if isinstance(value, datetime) else value

    display_run_after.short_description = shown.short_description
    DBTaskResultAdmin.display_run_after = display_run_after
