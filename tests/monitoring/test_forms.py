"""Monitoring's forms clean what people type like the editor does (moved from
tests/projects/test_editor_safety.py with the monitoring app, issue 13)."""

import pytest

from monitoring.forms import RoundReopenForm

pytestmark = pytest.mark.django_db


class TestInvisibleCharacters:
    def test_the_monitoring_forms_clean_their_text_too(self):
        form = RoundReopenForm({"reason": "เปิด\u202eรอบ\u200bใหม่"})
        assert form.is_valid()
        assert form.cleaned_data["reason"] == "เปิดรอบใหม่"
