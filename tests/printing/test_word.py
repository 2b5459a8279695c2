"""Word files of the project document and the plan book (issue 19): real Word tables and
headings, the office's font, digits and margins, the same text and totals as the PDF — checked
by opening them with python-docx and by converting them with LibreOffice headless."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from actionplan.models import DigitStyle
from printing import project as project_doc
from printing.models import PlanRender, RenderKind, RenderStatus
from tests import factories as f
from tests.projects.test_checks import make_ex01

pytestmark = pytest.mark.django_db

FONTS = settings.BASE_DIR / "static" / "fonts" / "thsarabunpsk"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


def text_of(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def libreoffice_pdf_text(data: bytes, tmp_path) -> str:
    source = tmp_path / "in.docx"
    source.write_bytes(data)
    # The vendored TH SarabunPSK for LibreOffice too (a Thai office's Word has it installed).
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{FONTS}</dir>'
        f"<cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>"
    )
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
    )
    return "\n".join(page.extract_text() for page in PdfReader(tmp_path / "in.pdf").pages)


@pytest.fixture
def ex01(office_a):
    office_a.digit_style = DigitStyle.ARABIC
    office_a.save(update_fields=["digit_style"])
    plan = f.make_plan(office_a, 2566)
    return make_ex01(plan)


def test_the_project_docx_has_word_tables_headings_font_and_margins(client, ex01, plan_admin_a):
    client.force_login(plan_admin_a)
    response = client.get(reverse("print:project_docx", args=[ex01.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ex01.name_th
    assert any("งบประมาณ" in h for h in headings) and any("ตัวชี้วัด" in h for h in headings)
    text = text_of(document)
    for figure in ("1,120", "4,200", "1,500", "6,820", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"):
        assert figure in text, figure
    assert document.styles["Normal"].font.name == "TH SarabunPSK"
    assert document.styles["Normal"].font.size.pt == 16
    section = document.sections[0]
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 2.0)
    assert round(section.top_margin.cm, 1) == 2.5 and round(section.page_width.cm, 1) == 21.0
    assert document.core_properties.title == ex01.name_th
    assert len(document.tables) >= 4


def test_thai_digits_when_the_office_prints_them(client, ex01, plan_admin_a, office_a):
    office_a.digit_style = DigitStyle.THAI
    office_a.save(update_fields=["digit_style"])
    client.force_login(plan_admin_a)
    text = text_of(
        Document(io.BytesIO(client.get(reverse("print:project_docx", args=[ex01.pk])).content))
    )
    assert "๖,๘๒๐" in text and "6,820" not in text


def test_an_outsider_gets_404(client, ex01, outsider):
    client.force_login(outsider)
    assert client.get(reverse("print:project_docx", args=[ex01.pk])).status_code == 404


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (make test installs it)")
def test_libreoffice_opens_the_docx_and_shows_the_pdfs_text_and_totals(
    client, ex01, plan_admin_a, tmp_path
):
    client.force_login(plan_admin_a)
    data = client.get(reverse("print:project_docx", args=[ex01.pk])).content
    converted = libreoffice_pdf_text(data, tmp_path)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "in.pdf")], capture_output=True, text=True
    ).stdout
    assert "SarabunPSK" in fonts  # Thai set in the office's font, not a fallback
    ours = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(project_doc.render_project(ex01))).pages
    )
    squash = lambda s: "".join(s.split())  # noqa: E731 (line breaks differ between the two layouts)
    for figure in ("6,820", "1,120", "4,200", "1,500", "จัดกิจกรรม ส่งเสริมความร่วมมือ"):
        assert squash(figure) in squash(converted), figure
        assert squash(figure) in squash(ours), figure


def test_the_book_docx_is_a_background_job_with_its_strategy_tables(
    client, ex01, director_a, planner_a1
):
    plan = ex01.plan
    client.force_login(planner_a1)  # a group role: its book is its own projects, not the office's
    assert client.post(reverse("print:plan_book_docx", args=[plan.pk])).status_code == 403
    client.force_login(director_a)
    response = client.post(reverse("print:plan_book_docx", args=[plan.pk]))
    render = PlanRender.objects.get(kind=RenderKind.BOOK_DOCX)
    assert response.url == reverse("print:render_status", args=[plan.pk, render.pk])
    assert render.status == RenderStatus.DONE and render.progress == 100
    page = client.get(response.url).content.decode()
    assert "ดาวน์โหลดเล่มแผน (Word .docx)" in page
    download = client.get(reverse("print:render_download", args=[plan.pk, render.pk]))
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    text = text_of(document)
    assert ex01.name_th in text and "6,820" in text
    assert "มีโครงการรองรับกลยุทธ์ที่" in text
