"""The set-up pages after switching to English: the checklist's step titles, states and missing
items, the plan forms' and the staff form's labels, help texts and messages, and the staff
import's row errors are English; under Thai (the default) the same code gives the Thai wording
the other set-up tests assert. What is kept (the admin history) or read back (the spreadsheet
template) stays Thai."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from actionplan.models import Role, StandardGroup
from setup import checklist, services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_admin(client, plan_admin_a):
    """The plan administrator of office A, signed in, with English chosen in the switcher."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.status_code == 302
    client.force_login(plan_admin_a)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="en">' in text
    return text


def absent(text: str, words: list[str]) -> list[str]:
    return [word for word in words if word in text]


def missing(text: str, words: list[str]) -> list[str]:
    return [word for word in words if word not in text]


class TestChecklistInEnglish:
    def test_step_titles_states_and_missing_items(self, english_admin, office_a):
        text = page(english_admin, reverse("setup:index"))
        assert not missing(
            text,
            [
                "Office details",
                "Print settings",
                "Groups, group directors and supervising deputy directors",
                "Staff user accounts",
                "Annual action plan, strategies, goals and indicator targets",
                "Group budget ceilings",
                "The office&#x27;s policies and standards",
                "Incomplete",
                "Not done yet (optional)",
                "The province has not been entered",
                "The office address has not been entered",
                "No annual action plan yet",
                "groups have no group director yet: ",
                "and 5 more groups",
                "groups have no budget ceiling yet",
                "Total 0.00 baht",
            ],
        )
        assert not absent(
            text,
            [
                "ข้อมูลสำนักงาน",
                "การตั้งค่าการพิมพ์",
                "ยังขาด",
                "ยังไม่ได้ทำ (ไม่บังคับ)",
                "ยังไม่ได้กรอกจังหวัด",
                "ยังไม่มีผู้อำนวยการกลุ่มใน",
                "และอีก",
                "วงเงินงบประมาณของกลุ่ม",
                "บาท",
            ],
        )

    def test_counts_take_the_english_plural(self, office_a, plan_a):
        f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN))
        f.make_user(office_a, Role.PLANNER, f.group(office_a, StandardGroup.ADMIN))
        with translation.override("en"):
            by_key = {step.key: step for step in checklist.build(office_a).steps}
            assert by_key["groups"].missing[0].startswith("9 groups have no group director yet")
            assert by_key["staff"].summary == "2 active accounts"
            assert by_key["staff"].notes[0].startswith("9 groups have no project preparer account")
            assert by_key["plan"].missing == ("No strategy yet",)
            assert by_key["office"].state == "Incomplete"
        # The same code under Thai: the wording the checklist tests assert.
        with translation.override("th"):
            by_key = {step.key: step for step in checklist.build(office_a).steps}
            assert by_key["groups"].missing[0].startswith("ยังไม่มีผู้อำนวยการกลุ่มใน 9 กลุ่ม")
            assert by_key["staff"].summary == "2 บัญชีที่ใช้งาน"
            assert by_key["office"].state == "ยังขาด"  # a lazy label: Thai while Thai is active

    def test_a_strategy_is_named_by_its_english_label(self, office_a, plan_a):
        f.make_strategy(plan_a, 3)
        with translation.override("en"):
            plan_step = {s.key: s for s in checklist.build(office_a).steps}["plan"]
        assert "No goal yet in Strategy 3" in plan_step.missing
        assert plan_step.summary.endswith(": 1 strategy")


class TestPlanFormsInEnglish:
    def test_the_new_plan_form(self, english_admin, plan_a):
        text = page(english_admin, reverse("setup:plan_list"))
        assert not missing(
            text,
            [
                "Fiscal year (B.E.)",
                "Plan type",
                "Plan title",
                "May be left empty: “Annual Action Plan” is used",
                "Copy from last year&#x27;s plan",
            ],
        )
        assert not absent(text, ["ชื่อแผน", "ประเภทแผน", "ปีงบประมาณ (พ.ศ.)", "เว้นว่างได้"])

    def test_the_plan_form(self, english_admin, plan_a):
        text = page(english_admin, reverse("setup:plan_edit", args=[plan_a.pk]))
        assert not missing(
            text,
            [
                "Development plan from year (B.E.)",
                "To year (B.E.)",
                "A PNG or JPG file up to 2 MB, printed on the cover of the plan book",
            ],
        )
        assert not absent(text, ["แผนพัฒนาฯ ตั้งแต่ปี (พ.ศ.)", "ถึงปี (พ.ศ.)", "ไฟล์ PNG หรือ JPG"])

    def test_errors_of_the_plan_forms(self, english_admin, plan_a):
        url = reverse("setup:plan_list")
        text = english_admin.post(url, {"year_be": "2024", "plan_type": "action_plan"})
        text = text.content.decode()
        assert "Please enter the year in B.E. (e.g. 2567), not A.D." in text
        assert "กรุณากรอกปีเป็น พ.ศ." not in text

        text = english_admin.post(url, {"year_be": "2567", "plan_type": "action_plan"})
        text = text.content.decode()
        assert "An action plan for fiscal year B.E. 2567 already exists" in text
        assert "อยู่แล้ว" not in text

    def test_the_success_message_follows_the_language(self, english_admin, office_a):
        url = reverse("setup:plan_list")
        response = english_admin.post(
            url, {"year_be": "2570", "plan_type": "action_plan"}, follow=True
        )
        text = response.content.decode()
        assert " created. Add strategies below" in text
        assert "เพิ่มกลยุทธ์ได้ด้านล่าง" not in text


class TestStaffFormInEnglish:
    def test_labels_help_texts_and_roles(self, english_admin, office_a):
        text = page(english_admin, reverse("setup:staff_create"))
        assert not missing(
            text,
            [
                "Add account",
                ">Title</label>",
                ">Surname</label>",
                ">Position</label>",
                ">Role</label>",
                ">Username</label>",
                ">Group</label>",
                "English letters, digits and . _ - @ +; used to log in",
                "Printed under the signature in project documents",
                "Project preparer (group staff)",
                "Group director",
            ],
        )
        assert not absent(
            text,
            [
                "คำนำหน้า",
                "นามสกุล",
                "ชื่อผู้ใช้",
                "ตัวอักษรอังกฤษ ตัวเลข",
                "ผู้จัดทำโครงการ (เจ้าหน้าที่กลุ่ม)",
                "ผู้อำนวยการกลุ่ม",
            ],
        )

    def test_errors_of_the_staff_form(self, english_admin, office_a, plan_admin_a):
        data = {"first_name_th": "สมชาย", "role": Role.PLANNER, "username": plan_admin_a.username}
        text = english_admin.post(reverse("setup:staff_create"), data).content.decode()
        assert "The username “plan_admin_a” is already taken" in text
        assert "Project preparers and group directors must belong to a group" in text
        assert "มีผู้ใช้แล้ว" not in text and "ต้องสังกัดกลุ่ม" not in text

    def test_the_own_role_cannot_be_changed_says_so_in_english(self, english_admin, plan_admin_a):
        text = page(english_admin, reverse("setup:staff_edit", args=[plan_admin_a.pk]))
        assert "You cannot change your own role" in text
        assert "เปลี่ยนบทบาทของตนเองไม่ได้" not in text


class TestGroupsAndServicesInEnglish:
    def test_the_group_form_labels(self, english_admin, office_a):
        text = page(english_admin, reverse("setup:group_list"))
        assert "Group director" in text and "Supervising deputy director" in text
        assert "รองผู้อำนวยการที่กำกับดูแล<" not in text

    def test_a_refusal_of_a_service(self, office_a, plan_admin_a, plan_a):
        with translation.override("en"), pytest.raises(services.DomainError) as refused:
            services.create_plan(office=office_a, by=plan_admin_a, year_be=2567)
        assert str(refused.value) == "An action plan for fiscal year B.E. 2567 already exists"

    def test_what_is_kept_stays_thai(self, english_admin, office_a):
        """The admin history's change message is data: Thai whatever the page language."""
        english_admin.post(
            reverse("setup:plan_list"), {"year_be": "2570", "plan_type": "action_plan"}
        )
        entry = LogEntry.objects.order_by("-pk").first()
        assert entry.change_message == "สร้างแผนปฏิบัติการ (ตั้งค่าสำนักงาน)"


class TestStaffImportInEnglish:
    def test_the_preview_explains_each_row_in_english(self, english_admin, office_a):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "บุคลากร"
        ws.append(["ชื่อ-สกุล", "ตำแหน่ง", "กลุ่ม", "บทบาท", "อีเมล", "ชื่อผู้ใช้"])
        ws.append(["นายสมชาย ใจดี", "", "กลุ่มที่ไม่มี", "นักบินอวกาศ", "not-an-email", ""])
        out = io.BytesIO()
        wb.save(out)
        upload = SimpleUploadedFile("staff.xlsx", out.getvalue())
        response = english_admin.post(
            reverse("setup:staff_import"), {"action": "preview", "file": upload}
        )
        text = response.content.decode()
        assert not missing(
            text,
            [
                "Unknown role “นักบินอวกาศ” (see the list in the “คำอธิบาย” sheet)",
                "The group “กลุ่มที่ไม่มี” is not in the office",
                "The email address “not-an-email” is invalid",
                "The username is required",
            ],
        )
        assert not absent(text, ["ไม่รู้จักบทบาท", "ไม่พบกลุ่ม", "ไม่ถูกต้อง", "ต้องกรอกชื่อผู้ใช้"])

        # The template to fill in stays Thai: its headers are what the import reads.
        wb = openpyxl.load_workbook(
            io.BytesIO(english_admin.get(reverse("setup:staff_template")).content)
        )
        assert wb.sheetnames == ["บุคลากร", "คำอธิบาย"]
