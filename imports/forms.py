"""The upload form: fiscal year, how the plan lands (drafts or approved history), the file."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan import thai
from actionplan.models import PlanType
from actionplan.workbooks import MAX_BYTES, RejectedFile, check_file_name
from imports.models import ImportMode


class UploadForm(forms.Form):
    year_be = forms.IntegerField(
        label=_("ปีงบประมาณ (พ.ศ.)"),
        min_value=2500,
        max_value=2700,
        initial=lambda: thai.fiscal_year_of(date.today()),
    )
    plan_type = forms.ChoiceField(
        label=_("แผน"),
        choices=PlanType.choices,
        initial=PlanType.ACTION_PLAN,
        required=False,  # old clients post no kind: the action plan
        help_text=_("ประเภทของแผนที่รับโครงการจากไฟล์นี้"),
    )
    mode = forms.ChoiceField(
        label=_("นำเข้าเป็น"),
        choices=ImportMode.choices,
        initial=ImportMode.DRAFT,
        widget=forms.RadioSelect,
        help_text=_(
            "แผนประวัติ: แผนของปีที่ผ่านมา บันทึกเป็นแผนที่อนุมัติแล้ว (แก้ไขไม่ได้) "
            "ฉบับร่าง: โครงการเข้าเป็นร่างให้กลุ่มแก้ไขต่อ"
        ),
    )
    file = forms.FileField(
        label=_("ไฟล์ (.xlsx, .csv หรือ .docx)"),
        help_text=_("ไม่เกิน 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt,.docx"}),
    )

    def clean_plan_type(self) -> str:
        return self.cleaned_data.get("plan_type") or PlanType.ACTION_PLAN

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB")
        try:
            check_file_name(upload.name)
        except RejectedFile as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
