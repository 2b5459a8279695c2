"""The plan pages' forms."""

from decimal import Decimal

from django import forms

from actionplan import thai


class DisbursementTargetForm(forms.Form):
    """Four cumulative percentages, typed as people type them ("๓๐", "52.5")."""

    q1 = forms.CharField(label="ไตรมาสที่ 1 (ร้อยละสะสม)")
    q2 = forms.CharField(label="ไตรมาสที่ 2 (ร้อยละสะสม)")
    q3 = forms.CharField(label="ไตรมาสที่ 3 (ร้อยละสะสม)")
    q4 = forms.CharField(label="ไตรมาสที่ 4 (ร้อยละสะสม)")

    def _clean_pct(self, name: str):
        try:
            value = thai.parse_number(self.cleaned_data[name])
        except ValueError as exc:
            raise forms.ValidationError("กรุณากรอกตัวเลขร้อยละ เช่น 30 หรือ ๕๒.๕") from exc
        if not 0 <= value <= 100:
            raise forms.ValidationError("ร้อยละต้องอยู่ระหว่าง 0 ถึง 100")
        return value.quantize(Decimal("0.01"))

    def clean_q1(self):
        return self._clean_pct("q1")

    def clean_q2(self):
        return self._clean_pct("q2")

    def clean_q3(self):
        return self._clean_pct("q3")

    def clean_q4(self):
        return self._clean_pct("q4")
