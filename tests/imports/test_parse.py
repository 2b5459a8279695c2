"""Cell and header reading survives what real files contain (domain.md §7)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from actionplan.workbooks import check_file
from budgets.models import BudgetCategory, FundSource
from imports import cells, headers, services
from imports.reader import UNCOMPUTED, CellError
from tests import factories as f

D = Decimal


class TestAmounts:
    @pytest.mark.parametrize(
        "raw, expected",
        [
            ("20,0๐๐", D("20000")),
            ("5๐,๐๐๐", D("50000")),
            ("๑๐,๐๐๐.-", D("10000")),
            ("50,000.-บาท", D("50000")),
            ("๑๕๐,๐๐๐ .- บาท", D("150000")),
            ("-", D("0")),
            ("--", D("0")),
            ("←  →", D("0")),
            ("     40,000", D("40000")),
            (1120, D("1120")),
            (1500.5, D("1500.5")),
            (None, None),
            ("", None),
        ],
    )
    def test_reads_money_cells(self, raw, expected):
        assert cells.amount(raw) == expected

    @pytest.mark.parametrize(
        "raw, message",
        [
            ("สิบ", "ไม่ใช่ตัวเลข"),
            ("-500", "ติดลบ"),
            (UNCOMPUTED, "สูตรคำนวณแต่ไม่มีค่า"),
            (CellError("#REF!"), "#REF!"),
            (datetime(2023, 1, 1), "ไม่ใช่จำนวนเงิน"),
        ],
    )
    def test_refuses_what_is_not_money(self, raw, message):
        with pytest.raises(cells.CellProblem, match=message):
            cells.amount(raw)


class TestDates:
    def test_a_be_year_typed_into_excel_is_moved_back(self):
        assert cells.date_value(datetime(2566, 10, 1)) == date(2566 - 543, 10, 1)

    @pytest.mark.parametrize(
        "raw", ["๑ ตุลาคม ๒๕๖๖", "1 ต.ค. 2566", "2023-10-01", datetime(2023, 10, 1)]
    )
    def test_reads_thai_and_iso_dates(self, raw):
        assert cells.date_value(raw) == date(2023, 10, 1)


class TestFormulaInText:
    @pytest.mark.parametrize(
        "raw, description, formula",
        [
            ("ค่าอาหารว่าง (18คน X ๓3 บาท X๒มื้อ )", "ค่าอาหารว่าง", "18คน X ๓3 บาท X๒มื้อ"),
            (
                "ค่าอาหารและเครื่องดื่มของผู้เข้าร่วมประชุม จำนวน ๒๒๐ คน x 30บาท x 6 ครั้ง",
                "ค่าอาหารและเครื่องดื่มของผู้เข้าร่วมประชุม",
                "จำนวน ๒๒๐ คน x 30บาท x 6 ครั้ง",
            ),
            ("ค่าอาหารกลางวัน =100x200X2", "ค่าอาหารกลางวัน", "100x200X2"),
            (
                "ค่าอาหารว่าง จำนวน 30 คน 2 วันๆละ 180 บาท/คน/วัน",
                "ค่าอาหารว่าง",
                "จำนวน 30 คน 2 วันๆละ 180 บาท/คน/วัน",
            ),
            ("ค่าวัสดุโครงการ", "ค่าวัสดุโครงการ", ""),
            ("ประจำปีงบประมาณ พ.ศ.2563", "ประจำปีงบประมาณ พ.ศ.2563", ""),
        ],
    )
    def test_separates_description_and_formula(self, raw, description, formula):
        assert cells.split_formula(raw) == (description, formula)


class TestLabels:
    @pytest.mark.parametrize(
        "raw, label, title",
        [
            ("๑.๒ ประชุม", "1.2", "ประชุม"),
            ("๑. จัดทำแผน", "1", "จัดทำแผน"),
            ("กิจกรรมที่ ๓ แผนบริหาร", "3", "กิจกรรมที่ ๓ แผนบริหาร"),
            ("ประชุม 2 ครั้ง", "", "ประชุม 2 ครั้ง"),
        ],
    )
    def test_splits_printed_numbers(self, raw, label, title):
        assert cells.split_label(raw) == (label, title)

    def test_keeps_the_offices_digits_in_text_and_strips_tags(self):
        assert cells.text("<p>เขต ๒</p>\n  กลุ่มนโยบาย\nและแผน") == "เขต ๒ กลุ่มนโยบาย และแผน"
        assert cells.project_key("โครงการ พัฒนา  ครู ๒") == cells.project_key("พัฒนาครู 2")


@pytest.mark.django_db
class TestHeaders:
    @pytest.fixture
    def vocab(self):
        return headers.Vocabulary.build(BudgetCategory.objects.all(), FundSource.objects.all())

    @pytest.mark.parametrize(
        "label, role",
        [
            ("ค่าตอบ\nแทน", ("category", "compensation")),
            ("ใช้สอย", ("category", "services")),
            ("ไตรมาสที่ ๒ (ม.ค.-มี.ค. ๖๖)", ("quarter", "2")),
            ("ไตรมาสที่ 3/2566 (เม.ย.-มิ.ย.66)", ("quarter", "3")),
            ("ลำดับ\nความสำคัญ", ("no", "")),
            ("สพป.", ("fund", "esa")),
            ("สพฐ.", ("fund", "obec")),
            ("เงินนอก\nงบประมาณ", ("fund", "off_budget")),
            ("รวมทั้งสิ้น", ("total", "")),
            ("กลุ่มที่รับผิดชอบ", ("group", "")),
            ("ผู้รับผิดชอบ", ("group", "")),
            ("ชื่อโครงการ/กิจกรรม", ("project", "")),
            ("กิจกรรม/รายการ", ("item", "")),
            ("งบประมาณ (บาท)", ("amount", "")),
            ("งบประมาณที่ใช้จำแนกตามหมวดรายจ่าย", ("amount", "")),
            ("หมายเหตุ", ("remark", "")),
        ],
    )
    def test_classifies_header_words(self, vocab, label, role):
        assert headers.classify(label, vocab) == role


@pytest.mark.django_db
class TestCsv:
    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp874"])
    def test_reads_a_strategy_summary_in_any_thai_encoding(self, encoding):
        text = (
            "กลยุทธ์ที่ 2 พัฒนาครู\r\n"
            "ที่,โครงการ,กลุ่มที่รับผิดชอบ,งบประมาณ (บาท)\r\n"
            '๑,อบรมครู,"กลุ่มพัฒนาครูและบุคลากร\nทางการศึกษา","20,0๐๐"\r\n'
            ',รวมงบประมาณ,,"20,000"\r\n'
        )
        office = f.make_office("CSV")
        report = services.run_import(
            name="s.csv", data=text.encode(encoding), office=office, year_be=2567, record=False
        )
        assert report.ok, report.as_json()["errors"]
        [project] = report.projects
        assert (project.name, project.computed, project.strategy) == ("อบรมครู", D("20000.00"), 2)
        assert project.group == "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา"

    def test_check_file_keeps_the_kind(self):
        assert check_file("a.csv", "ที่,โครงการ\n".encode()).kind == "csv"
