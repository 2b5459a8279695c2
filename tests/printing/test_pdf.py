"""The printed documents read as entered: pdftotext, pdffonts, totals, contents page numbers."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from actionplan.models import PlanStatus
from printing import book as plan_book
from printing import project as project_doc
from printing import renderer
from tests import factories as f
from tests.printing.conftest import (
    EX01_ACTIVITY,
    EX01_NAME,
    EX01_SIGNERS,
    TRICKY_TEXT,
    build_ex01,
    build_small_plan,
    page_count,
    pdffonts,
    pdftotext,
    squash,
)

FOLIO = re.compile(r"^\s*-\s*([๐-๙0-9ก-ฮ]+)\s*-\s*$", re.MULTILINE)


def folio(data: bytes, page: int) -> str | None:
    """The page number printed at the top of a page ("- ๑๒ -"), as a reader sees it."""
    lines = [
        ln for ln in pdftotext(data, "-layout", first=page, last=page).splitlines() if ln.strip()
    ]
    match = FOLIO.match(lines[0]) if lines else None
    return match.group(1) if match else None


@pytest.fixture(scope="module")
def ex01_pdf(module_db, media_root) -> bytes:
    return project_doc.render_project(build_ex01())


@pytest.fixture(scope="module")
def ex01_arabic_pdf(module_db, media_root) -> bytes:
    office = f.make_office("PTL2A", name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 2")
    return project_doc.render_project(build_ex01(office, digit_style="arabic"))


@pytest.fixture(scope="module")
def book(module_db, media_root):
    plan, projects = build_small_plan()
    result = plan_book.render_plan_book(plan)
    return plan, projects, result


class TestProjectDocument:
    def test_text_extracts_exactly_as_typed(self, ex01_pdf):
        text = pdftotext(ex01_pdf)
        for word in TRICKY_TEXT.split():
            assert word in text, word
        assert TRICKY_TEXT in " ".join(text.split())
        assert EX01_NAME in text
        assert squash(EX01_ACTIVITY) in squash(text)

    def test_embeds_only_the_vendored_font(self, ex01_pdf, tmp_path):
        fonts = pdffonts(ex01_pdf, tmp_path)
        assert fonts
        for font in fonts:
            assert re.fullmatch(r"[A-Z]{6}\+GovSarabun(-Bold|-Italic|-BoldItalic)?", font["name"])
            assert font["emb"] == "yes"

    def test_prints_6820_in_the_budget_and_q3_columns(self, ex01_pdf):
        layout = pdftotext(ex01_pdf, "-layout")
        # Budget table total: รวม | ค่าตอบแทน | ค่าใช้สอย | ค่าวัสดุ
        assert re.search(r"รวมทั้งสิ้น\s+๖,๘๒๐\s+-\s+๕,๓๒๐\s+๑,๕๐๐", layout)
        # Quarterly plan: Q1 Q2 Q3 Q4 รวม, for the activity and the total row.
        quarters = re.findall(r"-\s+-\s+๖,๘๒๐\s+-\s+๖,๘๒๐", layout)
        assert len(quarters) == 2
        assert squash("รวม ๖,๘๒๐ บาท (หกพันแปดร้อยยี่สิบบาทถ้วน)") in squash(layout)

    def test_prints_the_three_signature_blocks(self, ex01_pdf):
        text = pdftotext(ex01_pdf)
        for title in ("ผู้เสนอโครงการ", "ผู้เห็นชอบโครงการ", "ผู้อนุมัติโครงการ"):
            assert title in text
        for name, position in EX01_SIGNERS.values():
            assert f"({name})" in text
            assert squash(position) in squash(text)

    def test_numbers_pages_from_the_second_in_thai_digits(self, ex01_pdf):
        pages = page_count(ex01_pdf)
        assert pages >= 2
        assert folio(ex01_pdf, 1) is None
        assert folio(ex01_pdf, 2) == "๒"

    def test_arabic_offices_get_arabic_digits_everywhere(self, ex01_arabic_pdf):
        text = pdftotext(ex01_arabic_pdf)
        layout = pdftotext(ex01_arabic_pdf, "-layout")
        assert re.search(r"-\s+-\s+6,820\s+-\s+6,820", layout)
        assert "ไตรมาสที่ 3/" in layout  # the header "ไตรมาสที่ 3/2566 (เม.ย.-มิ.ย.66)"
        # Never mixed (domain.md §6.1): Thai digits typed by the user print as Arabic too.
        assert not re.search("[๐-๙]", text)
        assert "ปี 2566 น้ำใจ" in " ".join(text.split())


class TestPlanBook:
    def test_contents_page_numbers_match_the_pages(self, book):
        _, projects, result = book
        folios = {}
        for index in range(1, result.pages + 1):
            label = folio(result.pdf, index)
            if label:
                folios[label] = index
        contents = [i for i in range(1, 6) if "สารบัญ" in pdftotext(result.pdf, first=i, last=i)]
        entries = []
        for index in contents:
            for line in pdftotext(result.pdf, "-layout", first=index, last=index).splitlines():
                match = re.match(r"^\s*(\S.*?)\s{2,}([๐-๙]+|[ก-ฮ])\s*$", line)
                if match and match.group(1) not in ("หน้า",):
                    entries.append((match.group(1).lstrip("- ").strip(), match.group(2)))
        titles = [title for title, _ in entries]
        assert "ส่วนที่ ๑ ข้อมูลทั่วไป" in titles
        assert "ส่วนที่ ๔ การบริหารแผนสู่การปฏิบัติ" in titles
        assert sum(1 for t in titles if t.startswith("โครงการทดสอบ")) == len(projects)
        for title, label in entries:
            physical = folios[label]
            page_text = squash(pdftotext(result.pdf, first=physical, last=physical))
            assert squash(title)[:30] in page_text, (title, label, physical)

    def test_every_page_but_the_cover_has_a_folio(self, book):
        _, _, result = book
        assert page_count(result.pdf) == result.pages
        numbered = [i for i in range(1, result.pages + 1) if folio(result.pdf, i)]
        assert numbered == list(range(2, result.pages + 1))

    def test_a_draft_carries_the_watermark_on_every_page(self, book):
        _, _, result = book
        reader = PdfReader(__import__("io").BytesIO(result.pdf))
        assert all(len(page.images) == 1 for page in reader.pages)
        # The watermark is a picture: it never mixes into the text layer.
        assert "ฉบับร่าง" not in pdftotext(result.pdf)

    def test_prints_the_generated_sentences_and_context_table(self, book):
        _, _, result = book
        text = " ".join(pdftotext(result.pdf).split())
        assert "มีโครงการรองรับกลยุทธ์ที่ ๑ จำนวน ๒ โครงการ งบประมาณ ๙,๖๐๐ บาท ดังนี้" in text
        assert "ตารางที่ ๑ แสดงจำนวนโรงเรียนจำแนกตามขนาด" in text
        assert "ที่มา : ระบบ DMC ณ วันที่ ๑๐ มิถุนายน ๒๕๖๖" in text

    def test_an_unchanged_book_reuses_every_chunk_and_an_edit_only_its_own(self, book):
        plan, projects, first = book
        again = plan_book.render_plan_book(plan)
        assert again.chunks_rendered == 0
        assert again.version_key == first.version_key
        projects[0].name_th = "โครงการทดสอบ ชื่อใหม่หลังแก้ไข"
        projects[0].save()
        edited = plan_book.render_plan_book(plan)
        # The project document and the Part-3 summary that lists its name.
        assert edited.chunks_rendered == 2
        assert edited.version_key != first.version_key
        assert "ชื่อใหม่หลังแก้ไข" in pdftotext(edited.pdf)

    def test_an_approved_plan_prints_without_watermark(self, book):
        plan, _, _ = book
        plan.status = PlanStatus.APPROVED
        plan.save()
        result = plan_book.render_plan_book(plan)
        reader = PdfReader(__import__("io").BytesIO(result.pdf))
        assert all(len(page.images) == 0 for page in reader.pages)
        plan.status = PlanStatus.DRAFT
        plan.save()


class TestPlanContext:
    def test_costs_the_same_queries_whatever_the_number_of_projects(self, db):
        small, _ = build_small_plan(f.make_office("Q1"), projects_per_strategy=1)
        large, _ = build_small_plan(f.make_office("Q2"), projects_per_strategy=4)
        counts = []
        for plan in (small, large):
            with CaptureQueriesContext(connection) as queries:
                plan_book.plan_context(plan)
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestLocalFileFetcher:
    def test_refuses_the_network_and_files_outside_static(self, settings, tmp_path):
        fetcher = renderer.LocalFileFetcher()
        for url in (
            "http://example.com/logo.png",
            "https://example.com/font.ttf",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "file://remote-host/share/x.png",
            f"{(settings.BASE_DIR / 'static').as_uri()}/../pyproject.toml",
        ):
            with pytest.raises(PermissionError):
                fetcher.local_path(url)

    def test_serves_the_vendored_fonts(self):
        fetcher = renderer.LocalFileFetcher()
        for face in renderer.font_faces():
            response = fetcher.fetch(face["url"])
            assert response.read()[:4] == b"\x00\x01\x00\x00"  # TrueType


class TestHelpers:
    def test_localise_digits_changes_text_only(self):
        html = '<td class="w-12" id="toc-3">ปี 2566 &#39;1&#39; &amp; 12</td>'
        assert renderer.localise_digits(html, "thai") == (
            '<td class="w-12" id="toc-3">ปี ๒๕๖๖ &#39;๑&#39; &amp; ๑๒</td>'
        )
        assert renderer.localise_digits(html, "arabic") == html

    def test_header_grid_works_out_spans(self):
        grid = plan_book.header_grid([["ขนาด", "อำเภอ", "", "รวม"], ["", "เมือง", "ควนขนุน", ""]])
        assert [(c.text, c.colspan, c.rowspan) for c in grid[0]] == [
            ("ขนาด", 1, 2),
            ("อำเภอ", 2, 1),
            ("รวม", 1, 2),
        ]
        assert [(c.text, c.colspan, c.rowspan) for c in grid[1]] == [
            ("เมือง", 1, 1),
            ("ควนขนุน", 1, 1),
        ]

    def test_amounts_print_whole_baht_and_satang_only_when_present(self):
        assert renderer.amount("6820.00") == "6,820"
        assert renderer.amount("1234.50") == "1,234.50"
        assert renderer.amount(0) == "-"

    def test_front_folios_are_thai_letters(self):
        assert [renderer.front_folio(i) for i in range(4)] == ["ก", "ข", "ค", "ง"]


def test_a_wide_budget_table_goes_on_a_landscape_page(db, settings, tmp_path):
    """Two fund sources add source columns: budget and quarter tables move to landscape pages."""
    settings.MEDIA_ROOT = tmp_path
    project = build_ex01()
    activity = project.activities.get()
    f.make_line(
        activity,
        "ค่าตอบแทนวิทยากร",
        amount="3600",
        category_code="compensation",
        fund_code="external",
    )
    data = project_doc.render_project(project)
    reader = PdfReader(__import__("io").BytesIO(data))
    orientations = [page.mediabox.width > page.mediabox.height for page in reader.pages]
    assert orientations[0] is False
    assert True in orientations
    text = pdftotext(data)
    assert "แหล่งงบประมาณ" in text
    assert "๑๐,๔๒๐" in text  # 6,820 + 3,600, in the landscape tables


def test_the_cover_prints_the_uploaded_logo(db, settings, tmp_path):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    plan, _ = build_small_plan(projects_per_strategy=1)
    (tmp_path / "plan-logos").mkdir()
    Image.new("RGB", (120, 120), (20, 60, 140)).save(tmp_path / "plan-logos" / "logo.png")
    plan.logo.name = "plan-logos/logo.png"
    plan.status = PlanStatus.APPROVED  # no watermark: the only picture is the logo
    plan.save()
    result = plan_book.render_plan_book(plan)
    reader = PdfReader(__import__("io").BytesIO(result.pdf))
    assert len(reader.pages[0].images) == 1
    # (The front matter's pages share one resource dictionary; the body pages have no picture.)
    assert all(len(page.images) == 0 for page in reader.pages[4:])


def test_office_settings_choose_the_parts_and_signature_titles(db):
    from printing.models import OfficePrintSettings

    plan, projects = build_small_plan(projects_per_strategy=1)
    OfficePrintSettings.objects.create(
        office=plan.office,
        include_context=False,
        include_project_documents=False,
        approver_title_th="ผู้อนุมัติ",
    )
    context = plan_book.plan_context(plan)
    bookmarks = [chunk.bookmark for chunk in plan_book.plan_chunks(context)]
    assert bookmarks == ["ส่วนที่ 2 ทิศทางการพัฒนา", "ส่วนที่ 3 รายละเอียดโครงการ", "ส่วนที่ 4 การบริหารแผน"]
    signatures = context["strategy_sections"][0]["projects"][0]["signatures"]
    assert [s["title"] for s in signatures] == ["ผู้เสนอโครงการ", "ผู้เห็นชอบโครงการ", "ผู้อนุมัติ"]
