"""Monitoring's forms clean what people type like the editor does (moved from
tests/projects/test_editor_safety.py with the monitoring app, issue 13) and read dates in the
Buddhist Era (issue 14)."""

from datetime import date

import pytest
from django.utils import translation

from monitoring.forms import RoundDueDateForm, RoundReopenForm

pytestmark = pytest.mark.django_db


class TestInvisibleCharacters:
    def test_the_monitoring_forms_clean_their_text_too(self):
        form = RoundReopenForm({"reason": "เปิด\u202eรอบ\u200bใหม่"})
        assert form.is_valid()
        assert form.cleaned_data["reason"] == "เปิดรอบใหม่"


class TestRoundDueDate:
    """The round's due date is typed and shown in the Buddhist Era, read near the plan's year."""

    @pytest.fixture(autouse=True)
    def _thai(self):
        # Outside a request the active language is whatever an earlier test left; read Thai.
        with translation.override("th"):
            yield

    @pytest.mark.parametrize("typed", ["31/01/2567", "31/1/67", "๓๑/๐๑/๒๕๖๗", "31 ม.ค. 67"])
    def test_reads_a_buddhist_era_date(self, plan_a, typed):
        form = RoundDueDateForm({"due_date": typed}, plan=plan_a)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["due_date"] == date(2024, 1, 31)

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("31/02/2567", "เดือนกุมภาพันธ์ 2567 ไม่มีวันที่ 31"),
            ("31/01/2500", "อยู่นอกช่วงของแผนปีงบประมาณ 2567"),
            ("สิ้นเดือน", "กรุณากรอกวันที่เป็นวัน/เดือน/ปี พ.ศ."),
        ],
    )
    def test_refuses_a_wrong_date_in_thai(self, plan_a, typed, message):
        form = RoundDueDateForm({"due_date": typed}, plan=plan_a)
        assert not form.is_valid()
        assert message in form.errors["due_date"][0]

    def test_shows_a_set_date_in_the_buddhist_era(self, plan_a):
        html = str(
            RoundDueDateForm(initial={"due_date": date(2024, 1, 31)}, plan=plan_a)["due_date"]
        )
        assert 'value="31/01/2567"' in html and "data-bedate" in html and 'type="text"' in html
