"""The preference grid and a LINE chat's settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.models import OrgUnit
from notify.models import EventKind, LineTarget


class LineTargetForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("เหตุการณ์ที่ส่ง (ไม่เลือก = ทุกเหตุการณ์)"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LineTarget
        fields = ["name_th", "org_unit", "channel_token", "target_id", "kinds", "is_active"]
        widgets = {"channel_token": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(office=office)
        self.fields["org_unit"].empty_label = _("ทุกกลุ่มของสำนักงาน")

    def clean_target_id(self):
        value = self.cleaned_data["target_id"].strip()
        if not value or value[0] not in "CRU" or not value[1:].isalnum() or len(value) != 33:
            raise forms.ValidationError(
                _("รหัสผู้รับของ LINE ขึ้นต้นด้วย C, R หรือ U ตามด้วยตัวอักษรและตัวเลข 32 ตัว")
            )
        return value
