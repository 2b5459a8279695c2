"""Forms of the development parts: the survey, and one model formset per table."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory

from actionplan.models import Plan
from development.models import (
    DevelopmentMethod,
    DevelopmentNeed,
    NeedsSurvey,
    StaffStatistic,
    TargetGroup,
)
from projects.models import Activity, Project


class SurveyForm(forms.ModelForm):
    class Meta:
        model = NeedsSurvey
        fields = ["surveyed_date", "method_th"]
        widgets = {"surveyed_date": forms.DateInput(attrs={"type": "date"})}


class NeedForm(forms.ModelForm):
    class Meta:
        model = DevelopmentNeed
        fields = ["order", "topic_th", "surveyed_count", "wanting_count", "projects"]
        widgets = {"projects": forms.CheckboxSelectMultiple}

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = (
            projects if projects is not None else Project.objects.none()
        )

    def clean(self):
        data = super().clean()
        surveyed, wanting = data.get("surveyed_count"), data.get("wanting_count")
        if surveyed is not None and wanting is not None and wanting > surveyed:
            self.add_error("wanting_count", "ผู้ต้องการพัฒนามากกว่าผู้ตอบแบบสำรวจไม่ได้")
        return data


NeedFormSet = inlineformset_factory(Plan, DevelopmentNeed, form=NeedForm, extra=2, can_delete=True)
TargetFormSet = inlineformset_factory(
    Plan,
    TargetGroup,
    fields=["order", "group", "label_th", "head_count"],
    extra=2,
    can_delete=True,
)
StaffFormSet = inlineformset_factory(
    Plan,
    StaffStatistic,
    fields=["order", "position_th", "standing", "count"],
    extra=2,
    can_delete=True,
)


class MethodForm(forms.ModelForm):
    class Meta:
        model = DevelopmentMethod
        fields = ["activity", "method", "participants", "hours"]

    def __init__(self, *args, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = (
            activities if activities is not None else Activity.objects.none()
        )
        self.fields["activity"].required = False


MethodFormSet = inlineformset_factory(
    Project, DevelopmentMethod, form=MethodForm, extra=2, can_delete=True
)
