"""Printing's forms: a plan's Part-1 context table typed or pasted as tab-separated text, and
the rows of the plan's calendar (Part 4)."""

from __future__ import annotations

from django import forms

from actionplan import thai
from actionplan.forms import CleanTextMixin
from actionplan.models import Plan
from printing.models import ContextTable
from projects.forms import MONTH_CHOICES


def _grid(text: str) -> list[list[str]]:
    """Tab-separated lines (as pasted from a spreadsheet) as a list of rows of cells."""
    lines = [line.rstrip("\r") for line in thai.clean_text(text or "").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    return [line.split("\t") for line in lines]


def _tsv(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(str(cell) for cell in row) for row in rows or [])


class ContextTableForm(CleanTextMixin, forms.ModelForm):
    """A context table typed or pasted as tab-separated lines (one line per row)."""

    header_text = forms.CharField(
        label="หัวตาราง",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "tsv", "wrap": "off"}),
        help_text="วางจาก Excel ได้ (คั่นช่องด้วย Tab) ช่องว่างทางขวาของข้อความคือช่องที่ผสานกับช่องซ้าย "
        "ช่องว่างใต้ข้อความคือช่องที่ผสานลงมา",
    )
    rows_text = forms.CharField(
        label="ข้อมูล",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "tsv", "wrap": "off"}),
        help_text="หนึ่งบรรทัดต่อหนึ่งแถว แถวที่ขึ้นต้นด้วย “รวม” พิมพ์เป็นตัวหนา",
    )

    class Meta:
        model = ContextTable
        fields = ["number", "caption_th", "note_th"]
        widgets = {"note_th": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if self.instance.pk:
            self.fields["header_text"].initial = _tsv(self.instance.header_rows)
            self.fields["rows_text"].initial = _tsv(self.instance.rows)
        else:
            taken = plan.context_tables.values_list("number", flat=True)
            self.fields["number"].initial = max(taken, default=0) + 1

    def clean_header_text(self) -> list[list[str]]:
        return _grid(self.cleaned_data["header_text"])

    def clean_rows_text(self) -> list[list[str]]:
        rows = _grid(self.cleaned_data["rows_text"])
        if len(rows) > 500:
            raise forms.ValidationError("ตารางหนึ่งมีได้ไม่เกิน 500 แถว")
        if any(len(row) > 16 for row in rows):
            raise forms.ValidationError("ตารางหนึ่งมีได้ไม่เกิน 16 คอลัมน์")
        return rows

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        clash = self.plan.context_tables.filter(number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"มีตารางที่ {number} อยู่แล้ว")
        return number

    def save(self, commit: bool = True) -> ContextTable:
        table = super().save(commit=False)
        table.plan = self.plan
        table.header_rows = self.cleaned_data["header_text"]
        table.rows = self.cleaned_data["rows_text"]
        if commit:
            table.save()
        return table


class CalendarRowForm(CleanTextMixin, forms.Form):
    """One row of the plan calendar: what is done and in which months of the fiscal year."""

    title = forms.CharField(label="รายการ", max_length=255, required=False)
    months = forms.TypedMultipleChoiceField(
        label="เดือนที่ดำเนินการ",
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("months") and not (data.get("title") or "").strip():
            self.add_error("title", "กรุณาระบุรายการของเดือนที่เลือก")
        return data

    def row(self) -> dict | None:
        """The row to keep, or None for a blank or deleted one."""
        data = self.cleaned_data
        if data.get("DELETE") or not (data.get("title") or "").strip():
            return None
        return {"title": data["title"], "months": sorted(data.get("months") or [])}


CalendarFormSet = forms.formset_factory(
    CalendarRowForm, extra=3, can_delete=True, max_num=40, validate_max=True
)
