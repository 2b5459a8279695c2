"""Staff from a spreadsheet: the template, the preview with every error at its sheet, row and
column, the confirm in one transaction, and the one-time passwords shown once."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplan.models import Role, StandardGroup, User
from setup import staff_sheet
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "setup:staff_import"
HEADER = ["ชื่อ-สกุล", "ตำแหน่ง", "กลุ่ม", "บทบาท", "อีเมล", "ชื่อผู้ใช้"]


def xlsx(rows, header=HEADER, sheet="บุคลากร", before=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in before:
        ws.append(row)
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str = "staff.xlsx"):
    return client.post(reverse(URL), {"action": "preview", "file": SimpleUploadedFile(name, data)})


def confirm(client, response):
    return client.post(reverse(URL), {"action": "confirm", "token": response.context["token"]})


GOOD = [
    ["นางสาวศินัญญา ศรีเกตุ", "ผู้อำนวยการกลุ่มอำนวยการ", "กลุ่มอำนวยการ", "ผู้อำนวยการกลุ่ม", "", "sinanya"],
    ["นางอัจฉราภรณ์ ณ พัทลุง", "นักจัดการงานทั่วไป", "กลุ่มอำนาจการ", "", "a@example.go.th", "atcharaporn"],
    ["นายสมชาย ใจดี", "นักวิเคราะห์นโยบายและแผน", "กลุ่มนโยบาย และแผน", "ผู้จัดทำโครงการ", "", "somchai"],
]


class TestTemplate:
    def test_has_the_columns_and_lists_the_groups_and_the_roles_one_may_give(self, admin_a):
        response = admin_a.get(reverse("setup:staff_template"))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames == ["บุคลากร", "คำอธิบาย"]
        assert [c.value for c in wb["บุคลากร"][1]] == HEADER
        help_rows = list(wb["คำอธิบาย"].iter_rows(values_only=True))
        groups = [r[0] for r in help_rows[1:] if r[0]]
        roles = [r[1] for r in help_rows[1:] if r[1]]
        assert len(groups) == 10 and "กลุ่มนโยบายและแผน" in groups
        assert roles == ["ผู้จัดทำโครงการ (เจ้าหน้าที่กลุ่ม)", "ผู้อำนวยการกลุ่ม", "ผู้ดูแลแผน (กลุ่มนโยบายและแผน)"]
        assert len(wb["บุคลากร"].data_validations.dataValidation) == 2

    def test_a_filled_template_imports(self, admin_a):
        wb = openpyxl.load_workbook(
            io.BytesIO(admin_a.get(reverse("setup:staff_template")).content)
        )
        wb["บุคลากร"].append(GOOD[0])
        out = io.BytesIO()
        wb.save(out)
        response = upload(admin_a, out.getvalue())
        assert response.context["preview"].ok


class TestPreviewAndConfirm:
    def test_previews_then_creates_every_account_with_its_password(self, admin_a, office_a):
        response = upload(admin_a, xlsx(GOOD))
        preview = response.context["preview"]
        assert preview.ok and len(preview.rows) == 3
        assert not User.objects.filter(username="sinanya").exists()  # nothing written yet
        page = response.content.decode()
        assert "จะเพิ่ม 3 บัญชี" in page and "ยืนยันนำเข้า" in page

        done = confirm(admin_a, response)
        assert done.status_code == 200 and "no-store" in done["Cache-Control"]
        passwords = re.findall(r'<code class="password">([^<]+)</code>', done.content.decode())
        assert len(passwords) == 3
        sinanya = User.objects.get(username="sinanya")
        assert sinanya.role == Role.GROUP_DIRECTOR
        assert sinanya.org_unit == f.group(office_a, StandardGroup.ADMIN)
        assert sinanya.person.prefix_th == "นางสาว" and sinanya.person.last_name_th == "ศรีเกตุ"
        assert sinanya.check_password(passwords[0])
        atcharaporn = User.objects.get(username="atcharaporn")
        assert atcharaporn.person.last_name_th == "ณ พัทลุง" and atcharaporn.role == Role.PLANNER
        assert atcharaporn.email == "a@example.go.th"
        assert User.objects.get(username="somchai").org_unit == f.group(
            office_a, StandardGroup.PLAN
        )

    def test_a_confirm_is_used_once(self, admin_a):
        response = upload(admin_a, xlsx(GOOD[:1]))
        confirm(admin_a, response)
        again = confirm(admin_a, response)
        assert again.status_code == 302
        assert User.objects.filter(username="sinanya").count() == 1

    def test_a_wrong_token_creates_nothing(self, admin_a):
        upload(admin_a, xlsx(GOOD[:1]))
        response = admin_a.post(reverse(URL), {"action": "confirm", "token": "forged"}, follow=True)
        assert "ไม่พบรายการที่ตรวจไว้" in response.content.decode()
        assert not User.objects.filter(username="sinanya").exists()

    def test_a_username_taken_between_preview_and_confirm_creates_nothing(self, admin_a, office_a):
        response = upload(admin_a, xlsx(GOOD))
        f.make_user(office_a, username="somchai")
        done = admin_a.post(
            reverse(URL), {"action": "confirm", "token": response.context["token"]}, follow=True
        )
        assert "ยังไม่ได้นำเข้า: ชื่อผู้ใช้ “somchai” มีผู้ใช้แล้ว" in done.content.decode()
        assert not User.objects.filter(username__in=["sinanya", "atcharaporn"]).exists()

    def test_the_header_may_be_below_a_title_and_columns_in_any_order(self, admin_a):
        header = ["ชื่อผู้ใช้", "ชื่อ-สกุล", "กลุ่ม"]
        data = xlsx([["kanya", "นางกัญญา ดีงาม", "กลุ่มอำนวยการ"]], header=header, before=[["รายชื่อ"]])
        preview = upload(admin_a, data).context["preview"]
        assert preview.ok
        assert (preview.rows[0].username, preview.rows[0].first_name_th) == ("kanya", "กัญญา")


class TestErrorsAtTheirCell:
    def test_every_mistake_is_reported_at_sheet_row_and_column(self, admin_a, office_a, outsider):
        rows = [
            ["", "ตำแหน่ง", "กลุ่มอำนวยการ", "", "", "nobody"],  # row 2: no name
            ["นายเอ บี", "", "กลุ่มนโยบายแผน", "", "", "a1"],  # row 3: unknown group
            ["นายซี ดี", "", "กลุ่มอำนวยการ", "ผู้อำนวยการสำนักงาน", "", "c1"],  # 4: above rank
            ["นายอี เอฟ", "", "กลุ่มอำนวยการ", "หัวหน้า", "not-an-email", "e1"],  # 5: role, email
            ["นายจี เอช", "", "กลุ่มอำนวยการ", "", "", outsider.username],  # 6: taken
            ["นายไอ เจ", "", "กลุ่มอำนวยการ", "", "", "ไทย"],  # 7: Thai username
            ["นายเค แอล", "", "กลุ่มอำนวยการ", "", "", "k1"],  # 8
            ["นายเอ็ม เอ็น", "", "กลุ่มอำนวยการ", "", "", "K1"],  # 9: repeats row 8
            ["นายโอ พี", "", "", "", "", "o1"],  # 10: a planner needs a group
        ]
        response = upload(admin_a, xlsx(rows))
        errors = [(i.loc.describe(), i.message) for i in response.context["preview"].errors]
        sheet = "ชีต “บุคลากร”"
        assert errors == [
            (f"{sheet} แถว 2 คอลัมน์ A", "ต้องกรอกชื่อ-สกุล"),
            (
                f"{sheet} แถว 3 คอลัมน์ C",
                "ไม่พบกลุ่ม “กลุ่มนโยบายแผน” ในสำนักงาน หมายถึง “กลุ่มนโยบายและแผน” หรือไม่",
            ),
            (
                f"{sheet} แถว 4 คอลัมน์ D",
                "ท่านกำหนดบทบาท “ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา” ไม่ได้ (ได้ไม่เกินบทบาทของท่านเอง)",
            ),
            (f"{sheet} แถว 5 คอลัมน์ D", "ไม่รู้จักบทบาท “หัวหน้า” (ดูรายการในชีต “คำอธิบาย”)"),
            (f"{sheet} แถว 5 คอลัมน์ E", "อีเมล “not-an-email” ไม่ถูกต้อง"),
            (f"{sheet} แถว 6 คอลัมน์ F", f"ชื่อผู้ใช้ “{outsider.username}” มีผู้ใช้แล้ว"),
            (
                f"{sheet} แถว 7 คอลัมน์ F",
                "ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . _ - @ + (ไม่เกิน 150 ตัว)",
            ),
            (f"{sheet} แถว 9 คอลัมน์ F", "ชื่อผู้ใช้ “K1” ซ้ำกับแถว 8"),
            (f"{sheet} แถว 10 คอลัมน์ C", "ผู้จัดทำโครงการและผู้อำนวยการกลุ่มต้องระบุกลุ่ม"),
        ]
        page = response.content.decode()
        assert "พบข้อผิดพลาด 9 รายการ ยังไม่ได้นำเข้า" in page
        assert "<strong>ชีต “บุคลากร” แถว 3 คอลัมน์ C</strong>" in page
        assert "ยืนยันนำเข้า" not in page and "token" not in response.context

    def test_two_directors_for_one_group_or_one_over_an_existing_director(self, admin_a, office_a):
        existing = f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.HR))
        rows = [
            ["นายหนึ่ง ก", "", "กลุ่มอำนวยการ", "ผู้อำนวยการกลุ่ม", "", "one"],
            ["นายสอง ข", "", "กลุ่มอำนวยการ", "ผู้อำนวยการกลุ่ม", "", "two"],
            ["นายสาม ค", "", "กลุ่มบริหารงานบุคคล", "ผู้อำนวยการกลุ่ม", "", "three"],
        ]
        errors = [i.message for i in upload(admin_a, xlsx(rows)).context["preview"].errors]
        assert errors == [
            "กลุ่มอำนวยการ มีผู้อำนวยการกลุ่มในไฟล์แล้วที่แถว 2",
            f"กลุ่มบริหารงานบุคคล มีผู้อำนวยการกลุ่มแล้ว ({existing.display_name}) เปลี่ยนผู้อำนวยการกลุ่มได้ที่หน้ากลุ่ม",
        ]

    def test_a_file_without_the_header(self, admin_a):
        data = xlsx([["x", "y"]], header=["ชื่อ", "นามสกุล"])
        errors = upload(admin_a, data).context["preview"].errors
        assert "ไม่พบแถวหัวตารางที่มีคอลัมน์ “ชื่อ-สกุล” และ “ชื่อผู้ใช้”" in errors[0].message

    def test_an_empty_sheet(self, admin_a):
        errors = upload(admin_a, xlsx([])).context["preview"].errors
        assert [e.message for e in errors] == ["ไม่มีรายชื่อบุคลากรในไฟล์"]


class TestUnsafeFiles:
    def test_an_old_excel_file_is_refused_with_how_to_save_it(self, admin_a):
        response = upload(admin_a, b"\xd0\xcf\x11\xe0", name="staff.xls")
        assert "บันทึกเป็น .xlsx" in response.context["form"].errors["file"][0]

    def test_a_renamed_file_is_refused(self, admin_a):
        response = upload(admin_a, b"not a zip at all", name="staff.xlsx")
        assert "ไม่ใช่ไฟล์ .xlsx ที่ถูกต้อง" in response.context["form"].errors["file"][0]
        assert User.objects.count() == 1

    def test_too_many_rows_is_refused(self, admin_a, monkeypatch):
        monkeypatch.setattr(staff_sheet, "MAX_STAFF_ROWS", 2)
        rows = [[f"นายคน {i}", "", "กลุ่มอำนวยการ", "", "", f"u{i}"] for i in range(3)]
        response = upload(admin_a, xlsx(rows))
        assert "ไฟล์มีรายชื่อเกิน 2 คน" in response.context["form"].errors["file"][0]

    def test_a_csv_is_read_too(self, admin_a):
        text = "ชื่อ-สกุล,กลุ่ม,ชื่อผู้ใช้\nนายสมชาย ใจดี,กลุ่มอำนวยการ,somchai2\n"
        preview = upload(admin_a, text.encode("utf-8-sig"), name="staff.csv").context["preview"]
        assert preview.ok and preview.rows[0].username == "somchai2"


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("นางสาวศินัญญา ศรีเกตุ", ("นางสาว", "ศินัญญา", "ศรีเกตุ")),
        ("นางอัจฉราภรณ์ ณ พัทลุง", ("นาง", "อัจฉราภรณ์", "ณ พัทลุง")),
        ("ว่าที่ร้อยตรีสมศักดิ์  รักดี", ("ว่าที่ร้อยตรี", "สมศักดิ์", "รักดี")),
        ("ดร.สมใจ", ("ดร.", "สมใจ", "")),
        ("นาย", ("", "นาย", "")),
    ],
)
def test_split_name(full, parts):
    assert staff_sheet.split_name(full) == parts
