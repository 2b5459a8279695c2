"""Every element issue 17 adds to the plan book, printed from the data and read back from the
PDF: the budget summaries (groups with their ceilings, categories, fund sources), the strategy
tables with fund-source columns and priority order, the duration table, the policy part and its
alignment with the projects, Part 1's structure, Part 4's calendar and report rounds, the
signed appendices placed into the book, the contents' continuation title."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from budgets.figures import summarize
from printing import book as plan_book
from printing import parts
from printing.models import OfficePrintSettings, StrategyTable
from printing.project import print_queryset
from projects.rollup import plan_projects
from tests import factories as f
from tests.printing.conftest import (
    SIGNED_TEXT,
    build_full_plan,
    build_small_plan,
    page_count,
    pdffonts,
    pdftotext,
    squash,
)

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def th(text) -> str:
    return str(text).translate(THAI)


def words(data: bytes, page: int | None = None) -> str:
    return " ".join(pdftotext(data, first=page, last=page).split())


def rows(data: bytes) -> list[str]:
    """The PDF's lines as laid out (pdftotext -layout), spaces collapsed: a table row each."""
    return [" ".join(line.split()) for line in pdftotext(data, "-layout").splitlines()]


def layout_pages(data: bytes) -> list[str]:
    return [pdftotext(data, "-layout", first=i, last=i) for i in range(1, page_count(data) + 1)]


@pytest.fixture(scope="module")
def full(module_db, media_root):
    plan, projects = build_full_plan(media_root=media_root)
    f.make_line(
        projects[0].activities.get(),
        "ค่าตอบแทนวิทยากร",
        amount="3600",
        category_code="compensation",
        fund_code="obec",
    )
    projects[1].priority = 1
    projects[1].save(update_fields=["priority"])
    OfficePrintSettings.objects.create(
        office=plan.office, strategy_table=StrategyTable.FUND_SOURCES
    )
    result = plan_book.render_plan_book(plan)
    return plan, projects, result


class TestBudgetSummaries:
    def test_by_group_with_ceiling_and_balance(self, full):
        plan, projects, result = full
        assert "๒. งบประมาณจำแนกตามกลุ่ม/หน่วย เทียบกับวงเงินที่ได้รับจัดสรร" in words(result.pdf)
        lines = rows(result.pdf)
        # กลุ่มอำนวยการ: 3 projects 4,800 + 4,800 + 3,600 + 4,800 = 18,000 against 5,000.
        assert "๑ กลุ่มอำนวยการ ๓ ๑๘,๐๐๐ ๕,๐๐๐ (๑๓,๐๐๐) ๗๘.๙๕" in lines
        assert any(re.fullmatch(r"๒ กลุ.*แผน ๑ ๔,๘๐๐ ๒๐,๐๐๐ ๑๕,๒๐๐ ๒๑\.๐๕", ln) for ln in lines)
        assert "รวม ๔ ๒๒,๘๐๐ ๒๕,๐๐๐ ๒,๒๐๐ ๑๐๐.๐๐" in lines

    def test_by_category_and_fund_source_from_the_one_money_path(self, full):
        plan, _, result = full
        summary, _, _ = summarize(plan, plan_projects(plan, print_queryset()))
        lines = rows(result.pdf)
        for n, bucket in enumerate(summary.categories, start=1):
            share = th(f"{bucket.total / summary.total * 100:.2f}")
            assert f"{th(n)} {bucket.label} {th(f'{bucket.total:,.0f}')} {share}" in lines
        for n, bucket in enumerate(summary.fund_sources, start=1):
            share = th(f"{bucket.total / summary.total * 100:.2f}")
            assert f"{th(n)} {bucket.label} {th(f'{bucket.total:,.0f}')} {share}" in lines
        assert "๑ ค่าตอบแทน ๓,๖๐๐ ๑๕.๗๙" in lines and "๒ งบประมาณ สพฐ. ๓,๖๐๐ ๑๕.๗๙" in lines

    def test_says_when_no_group_has_a_ceiling(self, db):
        plan, _ = build_small_plan(projects_per_strategy=1)
        summary = plan_book.plan_context(plan)["summary"]
        assert summary["has_ceiling"] is False
        assert [g["ceiling"] for g in summary["groups"]] == [""]

    def test_zero_prints_a_dash_in_tables_and_0_in_sentences(self, db):
        plan = f.make_plan(f.make_office("ZERO"), 2567)
        f.make_strategy(plan, 1, "กลยุทธ์ว่าง")
        context = plan_book.plan_context(plan)
        assert context["summary"]["total"] == "-" and context["summary"]["total_text"] == "0"
        assert context["strategy_sections"][0]["total"] == "-"
        assert context["strategy_sections"][0]["empty"] is True


class TestStrategyTables:
    def test_fund_source_columns_and_priority_order_as_001_prints(self, full):
        _, projects, result = full
        layout = pdftotext(result.pdf, "-layout")
        assert re.search(r"^ลำดับ.*\n^ความ.*\n^สำคัญ", layout, re.M)  # ลำดับความสำคัญ, by words
        assert re.search(r"สพป\.\s+สพฐ\.\s+รวม", layout)  # หน่วยงาน|อื่น wraps between them
        assert re.search(r"^ความ\s+โครงการ\s+หน่วยงาน", layout, re.M)
        lines = rows(result.pdf)
        # Priority 1 first (project 2 of the strategy), the unranked after in the plan's
        # order; the fund columns สพป. สพฐ. หน่วยงานอื่น, then รวม and the group.
        start = lines.index("มีโครงการรองรับกลยุทธ์ที่ ๑ จำนวน ๒ โครงการ งบประมาณ ๑๓,๒๐๐ บาท ดังนี้")
        table = lines[start : start + 12]
        assert "๑ โครงการทดสอบ กลยุทธ์ ๑ ลำดับ ๔,๘๐๐ - - ๔,๘๐๐ กลุ่มอำนวยการ" in table
        assert table.index(
            "๑ โครงการทดสอบ กลยุทธ์ ๑ ลำดับ ๔,๘๐๐ - - ๔,๘๐๐ กลุ่มอำนวยการ"
        ) + 1 == table.index("๒ การพัฒนาครู")
        assert "๒ โครงการทดสอบ กลยุทธ์ ๑ ลำดับ ๔,๘๐๐ ๓,๖๐๐ - ๘,๔๐๐ กลุ่มอำนวยการ" in table
        assert "รวมงบประมาณ ๙,๖๐๐ ๓,๖๐๐ - ๑๓,๒๐๐" in table
        context = plan_book.plan_context(projects[0].plan)
        ranked = [r["project"] for r in context["strategy_sections"][0]["rows"]]
        assert ranked == [projects[1], projects[0]]

    def test_an_empty_strategy_prints_the_plain_fact(self, full):
        _, _, result = full
        text = words(result.pdf)
        assert "กลยุทธ์ที่ ๓ กลยุทธ์ที่ยังไม่มีโครงการรองรับ ไม่มีโครงการในกลยุทธ์นี้" in text
        assert "จำนวน ๐ โครงการ งบประมาณ" not in text

    def test_the_default_layout_stays_l25(self, db):
        plan, _ = build_small_plan(projects_per_strategy=1)
        context = plan_book.plan_context(plan)
        assert context["strategy_table"]["with_funds"] is False
        html = plan_book.plan_chunks(context)[2].html
        assert "กลุ่มที่รับผิดชอบ" in html and "ลำดับความสำคัญ" not in html


class TestDurations:
    def test_start_and_end_in_buddhist_era(self, full):
        _, projects, result = full
        layout = pdftotext(result.pdf, "-layout")
        assert "ระยะเวลาในการดำเนินการโครงการ" in layout
        assert "เริ่มต้น" in layout and "สิ้นสุด" in layout
        rows = [ln for ln in layout.splitlines() if "๑ ตุลาคม ๒๕๖๖" in ln and "๓๐ กันยายน ๒๕๖๗" in ln]
        assert len(rows) == len(projects)


class TestPolicyPart:
    def test_prints_the_frameworks_in_force_with_their_items(self, full):
        _, _, result = full
        text = words(result.pdf)
        assert "นโยบายและจุดเน้นกระทรวงศึกษาธิการ" in text
        assert "นโยบาย สพฐ. ปีงบประมาณ พ.ศ. ๒๕๖๗" in text
        assert "นโยบาย สพฐ. ปีงบประมาณ พ.ศ. ๒๕๖๖" not in text  # another year's
        assert "๒.๑ ลดความเหลื่อมล้ำ" in text and "๒ ลด ลดภาระครู" in text

    def test_prints_the_vision_definitions(self, full):
        _, _, result = full
        text = words(result.pdf)
        assert "คำนิยาม องค์กรคุณภาพ หมายถึง สำนักงานที่บริหารงานตามมาตรฐาน" in text

    def test_the_alignment_matrix_marks_and_budgets_each_item(self, full):
        plan, projects, result = full
        text = words(result.pdf)
        assert "ความสอดคล้องของโครงการกับนโยบาย สพฐ. ปีงบประมาณ พ.ศ. ๒๕๖๗" in text
        assert "จำนวน ๓ โครงการ จากทั้งหมด ๔ โครงการ" in text
        lines = rows(result.pdf)
        # Item 1: projects 0 and 2 (8,400 + 4,800); item 2 through its sub-item 2.1: 0 and 1.
        assert "๑ ด้านความปลอดภัย ๒ ๑๓,๒๐๐" in lines
        assert "๒ ด้านโอกาสและความเสมอภาคทางการศึกษา ๒ ๑๓,๒๐๐" in lines
        assert "๓ ด้านคุณภาพการศึกษา - -" in lines
        page = next(
            i
            for i in range(1, page_count(result.pdf) + 1)
            if "ตารางความสอดคล้องของโครงการกับนโยบาย สพฐ." in words(result.pdf, i)
        )
        assert words(result.pdf, page).count("√") == 4

    def test_the_matrix_budget_comes_from_the_project_figures(self, full):
        plan, projects, _ = full
        context = plan_book.plan_context(plan)
        obec = next(m for m in context["alignments"] if "สพฐ." in m["title"])
        assert [(i["label"], i["count"], i["total"]) for i in obec["items"]] == [
            ("1", 2, "13,200"),
            ("2", 2, "13,200"),
            ("3", 0, "-"),
        ]


class TestPart1:
    def test_numbered_headings_duties_chart_and_tables(self, full):
        plan, _, result = full
        text = words(result.pdf)
        for heading in (
            "๑. ความเป็นมา",
            "๒. วัตถุประสงค์ ๒.๑ เพื่อใช้เป็นกรอบการดำเนินงาน ๒.๒ เพื่อใช้ติดตามผล",
            "๓. เป้าหมาย",
            "๔. ขอบเขต",
            f"๕. อำนาจหน้าที่ของ{plan.office.name_th}",
            "๖. โครงสร้างการแบ่งส่วนราชการ",
            "๗. ข้อมูลพื้นฐาน ตารางที่ ๑ แสดงจำนวนโรงเรียนจำแนกตามขนาด",
        ):
            assert th(heading) in text, heading
        assert "กลุ่มอำนวยการ (๑) ดำเนินการเกี่ยวกับงานสารบรรณ (๒) ประสานงานทั่วไป" in text

    def test_the_organisation_chart_is_printed(self, full):
        _, _, result = full
        reader = PdfReader(io.BytesIO(result.pdf))
        chart = next(
            i
            for i, page in enumerate(reader.pages)
            if "แผนภูมิโครงสร้าง" in (words(result.pdf, i + 1))
        )
        assert len(reader.pages[chart].images) == 2  # the chart and the draft watermark

    def test_a_picture_pillow_cannot_read_is_refused(self, db):
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        from actionplan.models import validate_print_image

        with pytest.raises(ValidationError):
            validate_print_image(SimpleUploadedFile("chart.png", b"not a picture"))


class TestPart4:
    def test_the_calendar_and_the_report_rounds(self, full):
        plan, _, result = full
        layout = pdftotext(result.pdf, "-layout")
        assert re.search(r"ต\.ค\.\s+พ\.ย\.\s+ธ\.ค\..*ก\.ย\.", layout)
        text = words(result.pdf)
        assert "ปฏิทินการดำเนินงาน" in text and "จัดทำแผนปฏิบัติการ" in text
        lines = rows(result.pdf)
        # Due dates from monitoring.rounds: the quarter's end plus the plan's 15 days.
        assert "๑ ไตรมาสที่ ๑ รอบ ๓ เดือน ตุลาคม ๒๕๖๖ - ธันวาคม ๒๕๖๖ ๑๕ มกราคม ๒๕๖๗" in lines
        assert "๔ ไตรมาสที่ ๔ รอบ ๑๒ เดือน ตุลาคม ๒๕๖๖ - กันยายน ๒๕๖๗ ๑๕ ตุลาคม ๒๕๖๗" in lines

    def test_the_calendar_marks_its_months(self, full):
        plan, _, _ = full
        calendar = plan_book.plan_context(plan)["calendar"]
        assert calendar == [
            {"title": "จัดทำแผนปฏิบัติการ", "months": {1, 2}},
            {"title": "ติดตามผล", "months": {6, 9, 12}},
        ]


class TestAppendices:
    def test_the_signed_pdf_pages_are_in_the_book_and_counted(self, full):
        _, _, result = full
        pages = layout_pages(result.pdf)
        signed = [i + 1 for i, text in enumerate(pages) if squash(SIGNED_TEXT) in squash(text)]
        assert len(signed) == 2 and signed[1] == signed[0] + 1
        assert result.pages == len(pages)
        # The contents entry names the page the order starts on, by the folio stamped on it.
        printed = re.search(r"-\s*([๐-๙]+)\s*-", pages[signed[0] - 1]).group(1)
        contents = "".join(p for p in pages[:6] if "สารบัญ" in p)
        assert re.search(r"คำสั่งแต่งตั้งคณะทำงานจัดทำแผนปฏิบัติการ\s+" + printed + r"\s", contents)
        # The typed appendix follows on the next page.
        assert "ประกาศใช้แผนปฏิบัติการ" in pages[signed[1]]

    def test_the_book_source_names_the_file_and_a_new_upload_changes_the_key(
        self, full, media_root
    ):
        plan, _, result = full
        source = plan_book.book_source(plan)
        files = [c for c in source["chunks"] if "file" in c]
        assert files == [
            {
                "file": "plan-appendices/order.pdf",
                "toc": [[1, "คำสั่งแต่งตั้งคณะทำงานจัดทำแผนปฏิบัติการ", files[0]["toc"][0][2]]],
                "bookmark": "คำสั่งแต่งตั้งคณะทำงานจัดทำแผนปฏิบัติการ",
            }
        ]
        json.dumps(source)  # an approval keeps it
        assert plan_book.source_version_key(source) == result.version_key
        path = media_root / "plan-appendices" / "order.pdf"
        path.write_bytes(path.read_bytes() + b"\n%")
        assert plan_book.source_version_key(source) != result.version_key

    def test_an_unreadable_pdf_is_refused(self):
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        from printing.models import validate_appendix_pdf

        with pytest.raises(ValidationError):
            validate_appendix_pdf(SimpleUploadedFile("order.pdf", b"%PDF-1.4 broken"))


class TestContentsAndFonts:
    def test_the_contents_continue_under_a_titled_page(self, full):
        _, _, result = full
        pages = layout_pages(result.pdf)
        contents = [i for i, text in enumerate(pages[:8]) if "หน้า" in text and "สารบัญ" in text]
        assert len(contents) >= 2
        first = [ln.strip() for ln in pages[contents[0]].splitlines() if ln.strip()]
        later = [ln.strip() for ln in pages[contents[1]].splitlines() if ln.strip()]
        assert "สารบัญ" in first[1] and "(ต่อ)" not in pages[contents[0]]
        assert later[1] == "สารบัญ (ต่อ)"

    def test_only_the_thai_font_is_embedded(self, full, tmp_path):
        _, _, result = full
        names = {
            re.sub(r"^[A-Z]{6}\+", "", font["name"]) for font in pdffonts(result.pdf, tmp_path)
        }
        assert names <= {"GovSarabun", "GovSarabun-Bold"}
        assert "• คุณภาพผู้เรียน" in words(result.pdf)  # typed "●", which the font lacks


class TestParts:
    def test_frameworks_in_force_cover_the_fiscal_year(self):
        from types import SimpleNamespace as NS

        from actionplan.models import FrameworkKind

        def framework(pk, kind, start=None, end=None, office=None, active=True):
            return NS(
                pk=pk,
                kind=kind,
                period_start_be=start,
                period_end_be=end,
                office_id=office,
                is_active=active,
                order=0,
            )

        found = parts.frameworks_in_force(
            [
                framework(1, FrameworkKind.ESA_POLICY, office=7),
                framework(2, FrameworkKind.OBEC_POLICY, 2566, 2566),
                framework(3, FrameworkKind.OBEC_POLICY, 2567, 2570),
                framework(4, FrameworkKind.GOVERNMENT_POLICY),
                framework(5, FrameworkKind.NATIONAL_STRATEGY),
                framework(6, FrameworkKind.MOE_POLICY, active=False),
            ],
            2567,
        )
        assert [x.pk for x in found] == [4, 3, 1]

    def test_vision_definitions_split_at_หมายถึง(self):
        assert parts.vision_definitions("องค์กรคุณภาพ หมายถึง มีมาตรฐาน\nข้อความอื่น") == [
            {"term": "องค์กรคุณภาพ", "meaning": "มีมาตรฐาน"},
            {"term": "", "meaning": "ข้อความอื่น"},
        ]


def test_a_missing_appendix_file_fails_the_render_in_thai_not_the_page(db, settings, tmp_path):
    from printing.models import PlanAppendix
    from printing.renderer import PdfError

    settings.MEDIA_ROOT = tmp_path
    plan, _ = build_small_plan(projects_per_strategy=1)
    appendix = PlanAppendix(plan=plan, order=1, title_th="คำสั่งที่ลบไฟล์ไปแล้ว")
    appendix.file.name = "plan-appendices/gone.pdf"
    appendix.save()
    assert plan_book.plan_version_key(plan)  # the plan-book page still computes its key
    with pytest.raises(PdfError, match="ไม่พบไฟล์ภาคผนวก"):
        plan_book.render_plan_book(plan)
