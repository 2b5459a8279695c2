"""Exports keep numbers numeric and text inert (EX-1), in the template's shape."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from imports import export, template
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","คลิก")', "+1+1", "-1+2", "@SUM(1,1)", "\t=1", "\r=1"]


@pytest.fixture
def plan():
    plan = f.make_plan(year_be=2567)
    for n, payload in enumerate(PAYLOADS, start=1):
        project = f.make_project(plan, name_th=payload if n > 1 else PAYLOADS[0])
        activity = f.make_activity(project, payload)
        f.make_line(activity, payload, "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
        f.make_line(activity, "ค่าวัสดุ", amount="1500.50", category_code="materials")
        f.set_quarters(activity, 0, 2620.50, 0, 0)
    return plan


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


class TestXlsx:
    def test_formula_like_text_comes_back_unchanged_as_text(self, plan):
        book = load(export.plan_workbook(plan, export.export_projects(plan)))
        ws = book[template.PROJECTS.title]
        names = [(c.value, c.data_type) for c in ws["B"][1:]]
        # openpyxl writes a bare CR as _x000D_; read back with lxml (python-docx brings it) it
        # is the CR again, with the standard library's parser an LF (XML end-of-line rules)
        assert [v.replace("\r", "\n") for v, _ in names] == [
            p.replace("\r", "\n") for p in PAYLOADS
        ]
        assert {t for _, t in names} == {"s"}
        lines = book[template.LINES.title]
        descriptions = {c.value for c in lines["H"][1:]}
        assert {p.replace("\r", "\n") for p in PAYLOADS} <= {
            d.replace("\r", "\n") for d in descriptions
        }
        assert all(c.data_type == "s" for c in lines["H"][1:])

    def test_amounts_stay_numeric(self, plan):
        book = load(export.plan_workbook(plan, export.export_projects(plan)))
        amounts = book[template.LINES.title]["M"][1:]
        assert {c.data_type for c in amounts} == {"n"}
        assert sorted({c.value for c in amounts}) == [1120, 1500.5]
        quarters = book[template.QUARTERS.title]
        assert quarters["E2"].value == 2620.5 and quarters["E2"].data_type == "n"

    def test_has_the_summary_and_every_template_sheet_with_thai_headers(self, plan):
        book = load(export.plan_workbook(plan, export.export_projects(plan)))
        assert book.sheetnames == [
            "สรุปตามกลยุทธ์",
            "โครงการ",
            "กิจกรรม",
            "รายการงบประมาณ",
            "แผนรายไตรมาส",
            "ตัวชี้วัด",
            "รายละเอียดโครงการ",
            "ผู้รับผิดชอบโครงการ",
            "คำอธิบาย",
            "รายการที่เลือกได้",
        ]
        assert book["รายการที่เลือกได้"].sheet_state == "hidden"
        assert [c.value for c in book["รายการงบประมาณ"][1]] == template.LINES.headers
        summary = list(book["สรุปตามกลยุทธ์"].values)
        assert summary[-1][1:] == ("รวมทั้งสิ้น", 6, 6 * 2620.5)

    def test_the_template_download_has_headers_only(self):
        book = load(export.template_workbook())
        assert book.sheetnames == [
            "คำอธิบาย",
            "โครงการ",
            "กิจกรรม",
            "รายการงบประมาณ",
            "แผนรายไตรมาส",
            "ตัวชี้วัด",
            "รายละเอียดโครงการ",
            "ผู้รับผิดชอบโครงการ",
            "รายการที่เลือกได้",
        ]
        assert book["รายการงบประมาณ"].max_row == 1


class TestCsv:
    def test_formula_like_text_is_prefixed_and_numbers_are_not(self, plan):
        text = export.plan_csv(plan, export.export_projects(plan)).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == template.LINES.headers
        descriptions = {r[7] for r in rows[1:]}
        assert {"'" + p for p in PAYLOADS} <= descriptions
        assert {r[12] for r in rows[1:]} == {"1120.00", "1500.50"}

    def test_negative_numbers_are_not_prefixed(self):
        assert export.csv_value(Decimal("-5.00")) == "-5.00"
        assert export.csv_value("-5") == "'-5"


class TestFileName:
    def test_is_ascii_from_the_office_code_and_year(self, plan):
        assert export.file_name(plan, "xlsx") == f"plan-{plan.office.code}-2567.xlsx"


class TestQueries:
    def test_export_queries_do_not_grow_with_projects(self, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = []
        for size in (2, 12):
            plan = f.make_plan(year_be=2560 + size)
            for n in range(size):
                project = f.make_project(plan, name_th=f"โครงการ {n}")
                f.make_line(f.make_activity(project), "ค่าวัสดุ", amount="100")
                f.make_indicator(project)
            with CaptureQueriesContext(connection) as queries:
                export.plan_workbook(plan, export.export_projects(plan))
            counts.append(len(queries))
        # 7 for the projects and their lines, 4 for the narrative (items, people, co-groups,
        # alignments), 6 for the dropdowns' lists (groups, strategies, programmes, policy
        # items, categories, fund sources)
        assert counts[0] == counts[1] <= 17


class TestTotals:
    def test_exported_amounts_equal_the_models_amounts(self):
        from projects.rollup import plan_projects

        plan = f.make_plan(year_be=2566)
        project = f.make_project(plan)
        activity = f.make_activity(project)
        f.make_line(activity, "ค่าอาหาร", "32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท")
        f.make_line(activity, "ค่าวัสดุ", amount="1500.005", category_code="materials")
        f.make_line(activity, "ค่าเดินทาง", "( ๖0 คน x 18๐ x ๒ วัน)", declared="20000")
        [row] = export.export_projects(plan)
        [model] = plan_projects(plan)
        assert row.total == model.budget_total() == Decimal("24220.01")
        assert [x.amount for x in row.activities[0].lines] == [x.amount for x in model.all_lines()]
        assert [x.formula for x in row.activities[0].lines] == [
            x.formula_text for x in model.all_lines()
        ]
