"""Layout of the project document with the documents that showed the defects (issue 17): a
60-line project over 5 categories and 5 fund sources (13 budget columns), a row taller than a
page; read back with pdftotext and pdffonts."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from budgets.figures import activity_figures, project_figures
from budgets.models import BudgetCategory, FundSource
from printing import columns as cols
from printing import project as project_doc
from printing import renderer
from tests.printing.conftest import (
    build_ex01,
    build_tall_row_project,
    build_wide_project,
    page_count,
    pdffonts,
    pdftotext,
    squash,
)

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_amount(value) -> str:
    return renderer.amount(value).translate(THAI)


def pages_text(data: bytes) -> list[str]:
    return [pdftotext(data, "-layout", first=i, last=i) for i in range(1, page_count(data) + 1)]


def orientations(data: bytes) -> list[bool]:
    reader = PdfReader(io.BytesIO(data))
    return [page.mediabox.width > page.mediabox.height for page in reader.pages]


@pytest.fixture(scope="module")
def wide(module_db, media_root):
    project = build_wide_project()
    return project, project_doc.render_project(project)


@pytest.fixture(scope="module")
def tall(module_db, media_root):
    return project_doc.render_project(build_tall_row_project())


@pytest.fixture(scope="module")
def ex01(module_db, media_root):
    return project_doc.render_project(build_ex01())


class TestWideBudgetTable:
    def test_every_total_prints_whole_in_its_own_cell(self, wide):
        project, data = wide
        figures = project_figures(project_ids=[project.pk])[0][project.pk]
        layout = pdftotext(data, "-layout")
        categories = [figures.by_category.get(c.pk) for c in BudgetCategory.objects.all()]
        funds = [figures.by_fund.get(s.pk) for s in FundSource.objects.all()]
        expected = [thai_amount(figures.total)] + [thai_amount(v) for v in categories + funds]
        # The grand total row: 11 amounts, each a separate run (an amount overflowing its
        # cell runs into its neighbour and pdftotext reads them as one word).
        row = next(line for line in layout.splitlines() if line.strip().startswith("รวมทั้งสิ้น"))
        assert row.split()[1:] == expected
        assert thai_amount(figures.total) == "๙,๓๗๓,๘๖๐"

    def test_the_widths_hold_the_widest_amount_at_the_chosen_size(self, wide):
        project, _ = wide
        context = project_doc.project_context(project_doc.fetch_project(project.pk))
        fit = context["budget_fit"]
        widths = [float(w[:-2]) for w in fit.widths]
        assert context["budget"]["wide"] is True
        assert abs(sum(widths) - project_doc.LANDSCAPE_WIDTH_CM) < 0.05
        padding = 4.6 / cols.PT_PER_CM
        for width, total in zip(
            widths[2:],
            [context["budget"]["total"]]
            + context["budget"]["category_totals"]
            + context["budget"]["source_totals"],
            strict=True,
        ):
            printed = total.translate(THAI)
            assert cols.text_width_cm(printed, fit.size, bold=True) + padding <= width + 1e-6

    def test_headings_break_between_thai_words_only(self, wide):
        _, data = wide
        words = pdftotext(data).split()
        # "ค่าสาธารณูปโภค" wraps after "ค่า", never inside "สาธารณูปโภค" (libthai's words).
        assert "สาธารณูปโภค" in words
        assert not any(w in words for w in ("สาธารณูปโ", "ภค", "สาธารณู", "ปโภค"))
        # Quarter headings wrap before the parenthesis, never inside "(ต.ค.-ธ.ค. ๖๖)".
        text = " ".join(words)
        for months in ("(ต.ค.-ธ.ค. ๖๖)", "(ม.ค.-มี.ค. ๖๗)", "(เม.ย.-มิ.ย. ๖๗)", "(ก.ค.-ก.ย. ๖๗)"):
            assert months in text

    def test_libthai_finds_the_word_boundaries(self):
        assert cols.words("ค่าสาธารณูปโภค") == ["ค่า", "สาธารณูปโภค"]
        assert cols.words("งบประมาณ (บาท)") == ["งบประมาณ", "(บาท)"]

    def test_sub_activities_carry_their_lines_and_the_main_activity_their_sum(self, wide):
        project, data = wide
        amounts = activity_figures(project_ids=[project.pk])
        parent = project.activities.get(parent=None, order=1)
        subs = list(parent.children.order_by("order"))
        assert amounts[parent.pk].total == sum(amounts[s.pk].total for s in subs)
        layout = pdftotext(data, "-layout")
        assert re.search(
            r"^\s*๑\s+จัดหาครุภัณฑ์.*?" + thai_amount(amounts[parent.pk].total), layout, re.M
        )
        assert re.search(
            r"^\s*๑\.๑\s+ประชุมวางแผนการจัดหา\s+" + thai_amount(amounts[subs[0].pk].total),
            layout,
            re.M,
        )
        assert re.search(
            r"^\s*๑\.๒\s+จัดซื้อจัดจ้างตามระเบียบ\s+" + thai_amount(amounts[subs[1].pk].total),
            layout,
            re.M,
        )

    def test_the_activity_table_prints_place_and_target_group(self, wide):
        _, data = wide
        text = squash(pdftotext(data))
        for word in ("สถานที่", "กลุ่มเป้าหมาย", "ห้องประชุม", "ข้าราชการครู", "คณะทำงาน"):
            assert squash(word) in text

    def test_the_project_name_prints_once_on_its_first_page(self, wide):
        project, data = wide
        first = squash(pdftotext(data, first=1, last=1))
        assert first.count(squash(project.name_th)) == 1
        assert "ชื่อโครงการ" not in first

    def test_signatures_are_on_a_portrait_page_headed_by_the_project(self, wide):
        project, data = wide
        pages = pages_text(data)
        landscape = orientations(data)
        signed = [i for i, text in enumerate(pages) if "ผู้อนุมัติโครงการ" in text]
        assert len(signed) == 1 and not landscape[signed[0]]
        assert True in landscape  # the 13-column tables are on landscape pages
        head = [ln.strip() for ln in pages[signed[0]].splitlines() if ln.strip()][1]
        assert squash(project.name_th) in squash(head)

    def test_only_the_thai_font_is_embedded(self, wide, tmp_path):
        _, data = wide
        assert {re.sub(r"^[A-Z]{6}\+", "", font["name"]) for font in pdffonts(data, tmp_path)} <= {
            "GovSarabun",
            "GovSarabun-Bold",
        }


class TestTallRow:
    def test_a_row_taller_than_a_page_splits_with_the_header_repeated(self, tall):
        pages = pages_text(tall)
        steps = [i for i, text in enumerate(pages) if "ขั้นตอนที่" in text]
        assert len(steps) >= 3  # 80 steps: the row runs over several pages
        for i in steps:
            assert "ระยะเวลาดำเนินการ" in pages[i] and "ผู้รับผิดชอบ" in pages[i], i
        numbers = [
            int(n.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
            for n in re.findall(r"ขั้นตอนที่ ([๐-๙]+)", "".join(pages))
        ]
        assert numbers == list(range(1, 81))  # every line printed once, in order

    def test_no_heading_is_left_alone_on_a_page(self, tall):
        for text in pages_text(tall):
            if "กิจกรรมและระยะเวลาดำเนินการ" in text:
                assert "ขั้นตอนที่ ๑ " in text

    def test_the_signatures_take_the_end_of_the_table_along(self, tall):
        pages = pages_text(tall)
        signed = next(i for i, text in enumerate(pages) if "ผู้เสนอโครงการ" in text)
        before = pages[signed].split("ผู้เสนอโครงการ")[0]
        assert "รวมทั้งสิ้น" in before


class TestEmptyColumns:
    def test_activity_columns_nobody_filled_are_left_out(self, ex01):
        text = pdftotext(ex01)
        assert "ระยะเวลาดำเนินการ" in text and "ผู้รับผิดชอบ" in text
        assert "สถานที่" not in text and "กลุ่มเป้าหมาย" not in text


class TestGlyphs:
    def test_symbols_the_font_lacks_print_with_glyphs_it_has(self, db, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        project = build_ex01()
        project.rationale_th = "● ข้อแรก\n▶ ข้อสอง\n✓ ผ่าน"
        project.save()
        data = project_doc.render_project(project)
        text = pdftotext(data)
        assert "• ข้อแรก" in text and "• ข้อสอง" in text and "√ ผ่าน" in text
        names = {re.sub(r"^[A-Z]{6}\+", "", font["name"]) for font in pdffonts(data, tmp_path)}
        assert names <= {"GovSarabun", "GovSarabun-Bold"}
