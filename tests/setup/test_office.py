"""The office profile and the print settings pages."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from actionplan.models import DigitStyle
from printing.models import OfficePrintSettings
from tests.setup.helpers import form_data

pytestmark = pytest.mark.django_db


class TestOfficeProfile:
    def test_saves_the_profile_and_its_aliases(self, admin_a, office_a, plan_admin_a):
        url = reverse("setup:office_edit")
        data = form_data(admin_a.get(url).context["form"])
        data.update(
            {
                "province_th": "พัทลุง",
                "area_no": "๒",
                "address_th": "ถนนราเมศวร์ อำเภอเมือง",
                "phone": "074-000000",
                "digit_style": DigitStyle.ARABIC,
                "aliases_text": "สพป.พัทลุง 2\n\nสพป.พัทลุง 2\n สพป. พทล.2 ",
            }
        )
        response = admin_a.post(url, data)
        assert response.status_code == 302 and response["Location"] == reverse("setup:index")
        office_a.refresh_from_db()
        assert office_a.province_th == "พัทลุง" and office_a.area_no == 2
        assert office_a.digit_style == DigitStyle.ARABIC
        assert office_a.aliases == ["สพป.พัทลุง 2", "สพป. พทล.2"]
        assert office_a.code == "A"  # the system administrator's
        entry = LogEntry.objects.get(object_id=str(office_a.pk), content_type__model="office")
        assert entry.user_id == plan_admin_a.pk and "ตั้งค่าสำนักงาน" in entry.change_message

    def test_a_missing_name_is_an_error_and_nothing_changes(self, admin_a, office_a):
        url = reverse("setup:office_edit")
        data = form_data(admin_a.get(url).context["form"])
        data["name_th"] = ""
        data["province_th"] = "ตรัง"
        response = admin_a.post(url, data)
        assert response.status_code == 200
        assert "name_th" in response.context["form"].errors
        office_a.refresh_from_db()
        assert office_a.province_th == ""

    def test_text_is_stored_clean(self, admin_a, office_a):
        url = reverse("setup:office_edit")
        data = form_data(admin_a.get(url).context["form"])
        data["address_th"] = "ถนน\u202eราเมศวร์\u200b"
        admin_a.post(url, data)
        office_a.refresh_from_db()
        assert office_a.address_th == "ถนนราเมศวร์"


class TestPrintSettings:
    def test_creates_the_settings_of_the_office(self, admin_a, office_a):
        url = reverse("setup:print_settings_edit")
        data = form_data(admin_a.get(url).context["form"])
        data["approver_title_th"] = "ผู้อนุมัติ"
        data.pop("include_appendices")
        response = admin_a.post(url, data)
        assert response.status_code == 302
        settings = OfficePrintSettings.objects.get(office=office_a)
        assert settings.approver_title_th == "ผู้อนุมัติ"
        assert settings.include_appendices is False and settings.include_context is True

    def test_edits_the_existing_row(self, admin_a, office_a):
        OfficePrintSettings.objects.create(office=office_a, proposer_title_th="ผู้เสนอ")
        url = reverse("setup:print_settings_edit")
        data = form_data(admin_a.get(url).context["form"])
        assert data["proposer_title_th"] == "ผู้เสนอ"
        data["print_sign_line"] = "on"
        admin_a.post(url, data)
        assert OfficePrintSettings.objects.get(office=office_a).print_sign_line is True
        assert OfficePrintSettings.objects.count() == 1
