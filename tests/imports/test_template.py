"""The downloadable template comes back in (issue 16): its own instruction and lists sheets are
never data, every closed list is a dropdown listed on the instruction sheet, and the errors of a
filled-in copy name the cells as Excel shows them, whatever the order of the columns."""

import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from actionplan.models import Programme, StandardGroup
from imports import export, services, template
from projects.models import Project
from tests import factories as f

pytestmark = pytest.mark.django_db

NAME = "โครงการพัฒนาระบบสารสนเทศเพื่อการบริหาร"


@pytest.fixture
def office():
    return f.make_office("TPL")


@pytest.fixture
def plan(office):
    Programme.objects.create(office=office, name_th="แผนงานพื้นฐานด้านการพัฒนาและเสริมสร้างศักยภาพคน")
    plan = f.make_plan(office, 2567)
    f.make_strategy(plan, 1, "พัฒนาคุณภาพการบริหารจัดการ")
    f.make_strategy(plan, 2, "ส่งเสริมการเรียนรู้")
    return plan


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(office, data: bytes, **kwargs):
    return services.run_import(name="filled.xlsx", data=data, office=office, year_be=2567, **kwargs)


def fill(book, spec, rows: list[dict]) -> None:
    """Rows by header, into the template's sheet wherever its columns are."""
    ws = book[spec.title]
    header = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in header])


def filled(office, plan, **spellings) -> bytes:
    """The downloaded template with one project typed the way offices type it."""
    book = load(export.template_workbook(office, plan))
    fill(
        book,
        template.PROJECTS,
        [
            {
                "ชื่อโครงการ": NAME,
                "กลยุทธ์ที่": "๑",
                "กลุ่มที่รับผิดชอบ": "กลุ่มนโยบายและแผน",
                "ลักษณะโครงการ": spellings.get("project_type", "ต่อเนื่อง"),
                "วันเริ่มต้น": "1 ตุลาคม 2566",
                "วันสิ้นสุด": "30 กันยายน 2567",
            }
        ],
    )
    fill(book, template.ACTIVITIES, [{"ชื่อโครงการ": NAME, "ลำดับกิจกรรม": 1, "กิจกรรม": "ประชุม"}])
    fill(
        book,
        template.LINES,
        [
            {
                "ชื่อโครงการ": NAME,
                "ลำดับกิจกรรม": 1,
                "ลำดับรายการ": 1,
                "รายการ": "ค่าอาหารว่าง",
                "สูตรคำนวณ": "30 คน x 35 บาท x 2 มื้อ",
                "หมวดรายจ่าย": spellings.get("category", "ใช้สอย"),
                "แหล่งงบประมาณ": spellings.get("fund", "สพท."),
                "จำนวนเงิน": 2100,
            }
        ],
    )
    fill(
        book,
        template.INDICATORS,
        [
            {
                "ชื่อโครงการ": NAME,
                "ลำดับ": 1,
                "ระดับผล": spellings.get("result_level", "ผลผลิต"),
                "ประเภท": spellings.get("measure_type", "ปริมาณ"),
                "ตัวชี้วัดความสำเร็จ": "จำนวนผู้เข้าร่วม",
                "เงื่อนไข": spellings.get("comparator", ">="),
                "ค่าเป้าหมาย": 30,
                "หน่วย": "คน",
            }
        ],
    )
    return save(book)


class TestInstructionSheets:
    def test_a_filled_in_template_imports_without_a_phantom_project(self, office, plan):
        report = run(office, filled(office, plan), commit=True)
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert [p.name for p in report.projects] == [NAME]
        assert dict(report.sheets)[template.INSTRUCTIONS_TITLE] == "template_help"
        assert dict(report.sheets)[template.LISTS_TITLE] == "template_help"
        labels = {s["name"]: s["label"] for s in report.as_json()["sheets"]}
        assert labels[template.INSTRUCTIONS_TITLE] == template.LAYOUT_LABELS["template_help"]
        assert labels[template.PROJECTS.title] == "แม่แบบ: โครงการ"
        project = Project.objects.get()
        assert (project.project_type, project.lead_unit.standard_code) == (
            "continuing",
            StandardGroup.PLAN,
        )
        indicator = project.indicators.get()
        assert (indicator.result_level, indicator.measure_type, indicator.comparator) == (
            "output",
            "quantitative",
            "gte",
        )

    def test_renamed_and_moved_they_are_still_recognised_by_their_marker(self, office, plan):
        book = load(filled(office, plan))
        book[template.INSTRUCTIONS_TITLE].title = "อ่านก่อนกรอก"
        book[template.LISTS_TITLE].title = "Sheet9"
        book["Sheet9"].sheet_state = "visible"
        book.move_sheet("อ่านก่อนกรอก", offset=4)
        report = run(office, save(book))
        assert report.ok, [e.message for e in report.errors]
        assert [p.name for p in report.projects] == [NAME]
        assert dict(report.sheets)["อ่านก่อนกรอก"] == "template_help"

    def test_without_their_marker_row_they_are_still_recognised_by_their_name(self, office, plan):
        book = load(filled(office, plan))
        for title in (template.INSTRUCTIONS_TITLE, template.LISTS_TITLE):
            book[title].delete_rows(1)
        report = run(office, save(book))
        assert report.ok, [e.message for e in report.errors]
        assert [p.name for p in report.projects] == [NAME]

    def test_a_data_sheet_that_happens_to_have_their_name_is_still_read(self, office, plan):
        book = load(filled(office, plan))
        del book[template.INSTRUCTIONS_TITLE]
        book[template.PROJECTS.title].title = template.INSTRUCTIONS_TITLE
        report = run(office, save(book))
        assert dict(report.sheets)[template.INSTRUCTIONS_TITLE] == "canonical_projects"
        assert report.ok and report.count("created") == 1


class TestClosedLists:
    def test_every_closed_list_column_is_a_dropdown_of_the_lists_sheet(self, office, plan):
        book = load(export.template_workbook(office, plan))
        lists = book[template.LISTS_TITLE]
        assert lists.sheet_state == "hidden"
        titles = [c.value for c in lists[2]]
        for spec in template.DATA_SHEETS:
            ws = book[spec.title]
            validations = {
                str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation
            }
            for n, column in enumerate(spec.columns, start=1):
                cell = f"{get_column_letter(n)}2"
                if not column.choices or column.multi:
                    assert cell not in validations, (spec.title, column.header)
                    continue
                validation = validations[cell]
                assert validation.type == "list"
                source = validation.formula1.split("!")[1].replace("$", "")
                offered = [c.value for row in lists[source] for c in row]
                list_column = titles.index(template.LIST_TITLES[column.choices]) + 1
                expected = [
                    c.value
                    for c in list(lists.iter_cols(list_column, list_column, 3))[0]
                    if c.value
                ]
                assert offered == expected and offered, (spec.title, column.header)

    def test_the_lists_hold_the_offices_groups_the_plans_strategies_and_the_labels(
        self, office, plan
    ):
        book = load(export.template_workbook(office, plan))
        lists = book[template.LISTS_TITLE]
        columns = {
            col[0].value: [c.value for c in col[1:] if c.value is not None]
            for col in lists.iter_cols(min_row=2)
        }
        assert columns["ลักษณะโครงการ"] == ["โครงการต่อเนื่อง", "โครงการใหม่"]
        assert columns["ระดับผล"] == ["ด้านผลผลิต (Output)", "ด้านผลลัพธ์ (Outcome)"]
        assert columns["ประเภทตัวชี้วัด"] == ["เชิงปริมาณ", "เชิงคุณภาพ"]
        assert columns["กลยุทธ์ที่"] == [1, 2]
        assert "กลุ่มนโยบายและแผน" in columns["กลุ่มที่รับผิดชอบ"]
        assert {"ค่าตอบแทน", "ค่าใช้สอย", "ค่าวัสดุ"} <= set(columns["หมวดรายจ่าย"])
        assert "งบประมาณสำนักงานเขตพื้นที่การศึกษา" in columns["แหล่งงบประมาณ"]

    def test_the_instruction_sheet_lists_every_column_and_its_allowed_values(self, office, plan):
        book = load(export.template_workbook(office, plan))
        rows = list(book[template.INSTRUCTIONS_TITLE].values)
        assert rows[0][0] == template.INSTRUCTIONS_MARKER
        described = {(r[0], r[1]): r[3] for r in rows if r and r[0] and len(r) > 3}
        for spec in template.DATA_SHEETS:
            for column in spec.columns:
                assert (spec.title, column.header) in described
        assert described[("โครงการ", "ลักษณะโครงการ")] == "โครงการต่อเนื่อง\nโครงการใหม่"
        assert "1 พัฒนาคุณภาพการบริหารจัดการ" in described[("โครงการ", "กลยุทธ์ที่")]
        assert "เชิงคุณภาพ" in described[("ตัวชี้วัด", "ประเภท")]

    @pytest.mark.parametrize(
        "spellings",
        [
            {"project_type": "โครงการต่อเนื่อง", "result_level": "ด้านผลผลิต (Output)"},
            {"project_type": "continuing", "result_level": "output", "measure_type": "เชิง ปริมาณ"},
            {"comparator": "ไม่น้อยกว่า", "category": "ค่าใช้สอย", "fund": "สพป."},
            {"category": "ค่า ใช้สอย", "fund": "งบประมาณสำนักงานเขตพื้นที่การศึกษา"},
        ],
    )
    def test_a_filled_in_template_takes_every_common_spelling(self, office, plan, spellings):
        report = run(office, filled(office, plan, **spellings))
        assert report.ok, [e.message for e in report.errors]

    def test_an_unknown_value_is_an_error_at_its_cell_naming_the_allowed_ones(self, office, plan):
        report = run(office, filled(office, plan, project_type="โครงการพิเศษ", comparator="ราวๆ"))
        found = {(e.loc.sheet, e.loc.column): e.message for e in report.errors}
        assert "โครงการต่อเนื่อง" in found[("โครงการ", "F")]
        assert "ไม่น้อยกว่า" in found[("ตัวชี้วัด", "F")]


class TestColumnLetters:
    def test_errors_name_the_cells_of_a_sheet_with_moved_columns_and_a_header_on_row_3(
        self, office, plan
    ):
        book = openpyxl.Workbook()
        book.remove(book.active)
        projects = book.create_sheet("โครงการ")
        projects.append(["แผนปฏิบัติการประจำปี 2567"])
        projects.append([])
        header = [
            "วันสิ้นสุด",
            "ลักษณะโครงการ",
            "ชื่อโครงการ",
            "กลุ่มที่รับผิดชอบ",
            "วันเริ่มต้น",
            "กลยุทธ์ที่",
        ]
        projects.append(header)  # row 3
        projects.append(
            ["1 ตุลาคม 2566", "โครงการพิเศษ", NAME, "กลุ่มนโยบายและแผน", "30 กันยายน 2567", 1]
        )
        lines = book.create_sheet("งบ")
        lines.append(["รายละเอียด"])
        lines.append([])
        lines.append(["จำนวนเงิน", "หมวดรายจ่าย", "รายการ", "ลำดับกิจกรรม", "ชื่อโครงการ", "สูตรคำนวณ"])
        lines.append(["สิบบาท", "ค่าใช้สอย", "ค่าอาหาร", 1, NAME, None])
        lines.append([100, "ค่าเดินทางไกล", "ค่าพาหนะ", 1, NAME, None])
        lines.append([None, "ค่าใช้สอย", "ค่าอาหาร", 1, NAME, "100 คน x 2OO บาท"])
        kpis = book.create_sheet("KPI")
        kpis.append(["ตัวชี้วัดโครงการ"])
        kpis.append([])
        kpis.append(["เงื่อนไข", "ค่าเป้าหมาย", "ระดับผล", "ชื่อโครงการ", "ตัวชี้วัดความสำเร็จ"])
        kpis.append(["ราวๆ", 80, "ผลผลิต", NAME, "ร้อยละความพึงพอใจ"])
        kpis.append([">=", 80, "ผลกระทบ", NAME, "ร้อยละผู้ผ่านการอบรม"])
        report = run(office, save(book))
        where = {(e.loc.sheet, e.loc.row, e.loc.column) for e in report.errors}
        assert where == {
            ("โครงการ", 4, "B"),  # the project type nobody knows
            ("โครงการ", 4, "A"),  # the end date before the start date
            ("งบ", 4, "A"),  # “สิบบาท” is not a number
            ("งบ", 5, "B"),  # no such category
            ("งบ", 6, "F"),  # a formula the grammar refuses, and no amount
            ("KPI", 4, "A"),  # no such comparator
            ("KPI", 5, "C"),  # no such result level
        }, [(e.loc.describe(), e.message) for e in report.errors]
