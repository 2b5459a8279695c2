"""The PDFs are accessible and archivable (issue 17): tagged (PDF/UA-1 identified in the XMP),
in Thai (/Lang th), with a real title, subject and author, bookmarks as a tree, page labels as
printed, and the approved book archived as PDF/A-3b. Read from the PDFs the real renderer
writes, with poppler (pdfinfo), pypdf and qpdf when installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject

from plans import services as plan_services
from printing import book as plan_book
from printing import project as project_doc
from printing.assemble import VERSION_KEY
from printing.models import PlanRender, RenderStatus
from printing.renderer import book_title, localise_digits
from tests.printing.conftest import build_ex01, build_small_plan, pdftotext
from tests.printing.test_snapshots import (  # noqa: F401 (fixtures)
    IMMEDIATE,
    chain,
    costed_project,
    group_director_a1,
)


def pdfinfo(data: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdfinfo", *args, "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def info_field(data: bytes, name: str) -> str:
    match = re.search(rf"^{name}:\s+(.*)$", pdfinfo(data), re.MULTILINE)
    return match.group(1).strip() if match else ""


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, depth 0 at the top."""
    reader = PdfReader(io.BytesIO(data))
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def structure_problems(data: bytes) -> list[str]:
    """What is wrong with the structure tree: every element's /P is its parent, its /Pg a page
    of the document, and every page's marked contents map to elements through the
    ParentTree, exactly as many as its content streams mark."""
    reader = PdfReader(io.BytesIO(data))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    problems, marked, seen = [], {}, set()
    top = tree.raw_get("/K")
    stack = [(top[0] if isinstance(top, ArrayObject) else top, tree.indirect_reference)]
    while stack:
        ref, parent = stack.pop()
        if ref.idnum in seen:
            problems.append(f"element {ref.idnum} twice in the tree")
            continue
        seen.add(ref.idnum)
        element = ref.get_object()
        if element.raw_get("/P").idnum != parent.idnum:
            problems.append(f"element {ref.idnum}: /P is not its parent")
        if "/Pg" in element and element.raw_get("/Pg").idnum not in pages:
            problems.append(f"element {ref.idnum}: /Pg is not a page of the document")
        kids = element.raw_get("/K") if "/K" in element else ArrayObject()
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject):
                stack.append((kid, ref))
            else:
                marked[pages[element.raw_get("/Pg").idnum], int(kid)] = ref.idnum
    nums = tree["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for index, page in enumerate(reader.pages):
        refs = parent_tree[int(page["/StructParents"])]
        if len(re.findall(rb"/MCID \d+", page.get_contents().get_data())) != len(refs):
            problems.append(f"page {index}: marked contents and ParentTree differ")
        for mcid, ref in enumerate(refs):
            if marked.get((index, mcid)) != ref.idnum:
                problems.append(f"page {index} MCID {mcid}: not its element")
    return problems


def heading_levels(data: bytes) -> list[int]:
    """The levels of the /H1 … /H6 elements of the structure tree, in reading order."""
    reader = PdfReader(io.BytesIO(data))
    levels: list[int] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get") or "/S" not in node:
            return
        match = re.fullmatch(r"/H(\d)", str(node["/S"]))
        if match:
            levels.append(int(match.group(1)))
        if "/K" in node:
            walk(node.raw_get("/K"))

    walk(reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K"))
    return levels


@pytest.fixture(scope="module")
def plan_book_pdf(module_db, media_root):
    """A draft plan with two strategies of two projects each, laid out by the real renderer."""
    plan, projects = build_small_plan()
    return plan, projects, plan_book.render_plan_book(plan)


@pytest.fixture(scope="module")
def project_pdf(module_db, media_root) -> bytes:
    return project_doc.render_project(build_ex01())


class TestPlanBookPdf:
    def test_is_tagged_pdf_ua_in_thai(self, plan_book_pdf):
        data = plan_book_pdf[2].pdf
        assert info_field(data, "Tagged") == "yes"
        assert info_field(data, "PDF version") == "1.7"
        xmp = pdfinfo(data, "-meta")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "pdfaid" not in xmp  # a draft is not archived
        root = PdfReader(io.BytesIO(data)).trailer["/Root"]
        assert root["/Lang"] == "th"
        assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
        assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712

    def test_says_what_it_is_in_thai_and_keeps_the_version_key_apart(self, plan_book_pdf):
        plan, projects, result = plan_book_pdf
        data = result.pdf
        title = info_field(data, "Title")
        printed = f">{book_title(plan)} {plan.office.short_name_th}<"
        assert title == localise_digits(printed, "thai")[1:-1].strip()
        assert "พ.ศ. ๒๕๖๗" in title
        subject = info_field(data, "Subject")
        assert subject.startswith(localise_digits(f">{book_title(plan)} ของ<", "thai")[1:-1])
        assert "๔ โครงการ งบประมาณรวม ๑๙,๒๐๐ บาท" in subject
        assert not re.search("[0-9a-f]{32}", subject)
        assert info_field(data, "Author") == plan.office.name_th
        assert "ปีงบประมาณ พ.ศ. ๒๕๖๗" in info_field(data, "Keywords")
        metadata = PdfReader(io.BytesIO(data)).metadata
        assert metadata[f"/{VERSION_KEY}"] == result.version_key
        xmp = pdfinfo(data, "-meta")
        assert f">{title}</rdf:li>" in xmp and f">{subject}</rdf:li>" in xmp

    def test_bookmarks_are_a_tree_from_part_to_strategy_to_project(self, plan_book_pdf):
        _, projects, result = plan_book_pdf
        marks = outline(result.pdf)
        assert max(depth for depth, _, _ in marks) >= 3
        tops = [title for depth, title, _ in marks if depth == 0]
        assert tops[:3] == ["คำนำ", "สารบัญ", "ส่วนที่ ๑ ข้อมูลทั่วไป"]
        assert "ส่วนที่ ๓ รายละเอียดโครงการ" in tops
        part3 = next(i for i, m in enumerate(marks) if m[1] == "ส่วนที่ ๓ รายละเอียดโครงการ")
        # part 3 opens with its summaries (สรุปงบประมาณ, durations, alignment), then the strategies
        first = next(i for i in range(part3 + 1, len(marks)) if marks[i][1].startswith("กลยุทธ์ที่ ๑"))
        assert marks[part3 + 1][:2] == (1, "สรุปงบประมาณ")
        strategy = marks[first]
        assert strategy[0] == 1
        project = marks[first + 1]
        assert project[0] == 2 and project[1] == "โครงการทดสอบ กลยุทธ์ ๑ ลำดับ ๑ การพัฒนาครู"
        # The project's numbered sections nest under it; each bookmark opens its page.
        assert marks[first + 2][:2] == (3, "ส่วนที่ ๑ รายละเอียดโครงการ/กิจกรรม")
        assert marks[first + 3][:2] == (4, "๑. หลักการและเหตุผล")
        assert sum(1 for depth, _, _ in marks if depth == 2) == len(projects)
        for _, title, page in marks:
            text = re.sub(r"\s+", "", pdftotext(result.pdf, first=page + 1, last=page + 1))
            assert re.sub(r"\s+", "", title)[:25] in text, (title, page)

    def test_page_labels_are_the_printed_folios(self, plan_book_pdf):
        result = plan_book_pdf[2]
        labels = PdfReader(io.BytesIO(result.pdf)).page_labels
        assert len(labels) == result.pages
        # Cover, foreword ก, contents ข (one page each in this plan), then the body ๑, ๒ …
        assert labels[:4] == ["ปก", "ก", "ข", "๑"]
        body = 3
        assert labels[body:] == [
            "".join("๐๑๒๓๔๕๖๗๘๙"[int(d)] for d in str(n)) for n in range(1, len(labels) - body + 1)
        ]
        for index in (1, body, len(labels) - 1):  # as printed at the top of the page
            first = pdftotext(result.pdf, "-layout", first=index + 1, last=index + 1).strip()
            assert first.splitlines()[0].replace(" ", "") == f"-{labels[index]}-"

    def test_structure_tree_is_whole(self, plan_book_pdf):
        assert structure_problems(plan_book_pdf[2].pdf) == []

    def test_headings_never_skip_a_level(self, plan_book_pdf):
        """PDF/UA (and screen readers' heading lists): every heading is at most one level below
        the one before it: part 1's and part 2's sections are H2 under the part's H1."""
        levels = heading_levels(plan_book_pdf[2].pdf)
        assert levels[0] == 1 and {1, 2, 3} <= set(levels)
        skips = [
            (i, a, b) for i, (a, b) in enumerate(zip(levels, levels[1:], strict=False)) if b > a + 1
        ]
        assert skips == []

    @pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf is not installed")
    def test_qpdf_finds_no_error(self, plan_book_pdf, tmp_path):
        path = tmp_path / "book.pdf"
        path.write_bytes(plan_book_pdf[2].pdf)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr

    def test_font_subsets_have_names_of_their_own(self, plan_book_pdf, tmp_path):
        path = tmp_path / "book.pdf"
        path.write_bytes(plan_book_pdf[2].pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        names = [line.split()[0] for line in out.splitlines()[2:]]
        assert len(names) == len(set(names))


class TestProjectPdf:
    def test_is_tagged_with_its_own_title_and_bookmarks(self, project_pdf):
        assert info_field(project_pdf, "Tagged") == "yes"
        assert info_field(project_pdf, "Title") == "โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา"
        assert info_field(project_pdf, "Subject").startswith("เอกสารโครงการ")
        assert "<pdfuaid:part>1</pdfuaid:part>" in pdfinfo(project_pdf, "-meta")
        marks = outline(project_pdf)
        assert [title for depth, title, _ in marks if depth == 0] == [
            "ส่วนที่ ๑ รายละเอียดโครงการ/กิจกรรม",
            "ส่วนที่ ๒ แนวทางการดำเนินโครงการ",
            "ส่วนที่ ๓ งบประมาณ",
        ]
        assert (1, "๑. หลักการและเหตุผล", 0) in marks
        assert (1, "๑. ประมาณการค่าใช้จ่าย") in [m[:2] for m in marks]

    def test_page_labels_count_from_one_in_thai_digits(self, project_pdf):
        labels = PdfReader(io.BytesIO(project_pdf)).page_labels
        assert labels[:2] == ["๑", "๒"]

    def test_structure_tree_is_whole(self, project_pdf):
        assert structure_problems(project_pdf) == []


@pytest.mark.django_db
class TestArchivedBook:
    """The approval's official book, as the worker lays it out after the approval commits."""

    @pytest.fixture
    def archived(
        self,
        settings,
        tmp_path,
        plan_a,
        chain,  # noqa: F811 (the fixture imported above)
        director_a,
        django_capture_on_commit_callbacks,
    ):
        settings.MEDIA_ROOT = tmp_path
        settings.TASKS = IMMEDIATE
        for name in ("โครงการแรกของเล่มฉบับอนุมัติ", "โครงการที่สองของเล่มฉบับอนุมัติ"):
            chain(costed_project(plan_a, name_th=name))
        with django_capture_on_commit_callbacks(execute=True):
            approval = plan_services.approve_plan(plan=plan_a, by=director_a)
        render = PlanRender.objects.get(approval=approval)
        assert render.status == RenderStatus.DONE, render.error
        return render.file.read()

    def test_is_pdf_a_3b_and_pdf_ua_1(self, archived):
        xmp = pdfinfo(archived, "-meta")
        assert "<pdfaid:part>3</pdfaid:part>" in xmp
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp  # declared for PDF/A
        assert info_field(archived, "Tagged") == "yes"
        assert archived.startswith(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3")

    def test_has_what_pdf_a_requires_of_the_file(self, archived, tmp_path):
        reader = PdfReader(io.BytesIO(archived))
        root = reader.trailer["/Root"]
        (intent,) = root["/OutputIntents"]
        assert intent["/S"] == "/GTS_PDFA1"
        assert intent["/DestOutputProfile"]["/N"] == 3
        assert len(reader.trailer["/ID"]) == 2
        assert "/Encrypt" not in reader.trailer
        assert "/Filter" not in root["/Metadata"]  # the XMP stays readable
        path = tmp_path / "book.pdf"
        path.write_bytes(archived)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5:-3] == ["yes", "yes"] for row in rows)  # embedded
        # Every information entry with an XMP twin says the same in the XMP.
        xmp = pdfinfo(archived, "-meta")
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Producer", "/Creator"):
            assert reader.metadata[key] in xmp, key
        assert "ฉบับร่าง" not in pdftotext(archived)
        assert structure_problems(archived) == []


class TestAssemblyHelpers:
    def test_arabic_page_numbers_are_one_decimal_range_and_thai_ones_prefixes(self):
        from printing.assemble import _page_labels

        assert _page_labels(["ปก", "ก", "1", "2", "3", "5"]) == [
            0,
            {"P": "ปก"},
            1,
            {"P": "ก"},
            2,
            {"S": "/D", "St": 1},
            5,
            {"S": "/D", "St": 5},
        ]
        assert _page_labels(["๑", "๒"]) == [0, {"P": "๑"}, 1, {"P": "๒"}]

    def test_text_strings_are_utf16_unless_plain_ascii(self):
        from printing.assemble import pdf

        assert pdf("th") == b"(th)"
        assert pdf("ก (1)") == b"<feff" + "ก (1)".encode("utf-16-be").hex().encode() + b">"
        assert pdf({"P": "a(b)"}) == b"<</P (a\\(b\\))>>"
