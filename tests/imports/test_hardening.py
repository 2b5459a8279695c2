"""Uploads that used to crash or mislead: CE years read as BE, hostile XML, numbers the money
columns cannot hold, a full disk, oversized sheets, formula-like export text, invisible characters."""

import io
import json
import os
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from actionplan.workbooks import MAX_ROWS, RejectedFile
from imports import cells, export, reader, services, template
from imports.models import ImportBatch, ImportStatus
from projects.models import Project
from tests import factories as f
from tests.imports import workbooks as wb
from tests.imports.test_safety import xlsx_with

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:importbatch_create")
YEAR = 2567


def template_workbook(*, start="1 ตุลาคม 2566", end="30 กันยายน 2567", name=None, lines=2):
    """The canonical template: one project (dates and name replaceable) and its budget lines."""
    projects, rows = wb.canonical_rows(lines)
    projects[0][6], projects[0][7] = start, end
    if name is not None:
        projects[0][1] = name
        for row in rows:
            row[3] = name
    book = Workbook(write_only=True)
    for spec, data in ((template.PROJECTS, projects), (template.LINES, rows)):
        ws = book.create_sheet(spec.title)
        ws.append(spec.headers)
        for row in data:
            ws.append(row)
    return wb.to_bytes(book)


def run(data: bytes, *, commit=True, name="plan.xlsx", office_code="H1", year_be=YEAR):
    office = f.make_office(office_code)
    return services.run_import(name=name, data=data, office=office, year_be=year_be, commit=commit)


def where(error) -> tuple[str, int, str]:
    return error.loc.sheet, error.loc.row, error.loc.column


def upload(client: Client, data: bytes, name="plan.xlsx", year=YEAR):
    file = io.BytesIO(data)
    file.name = name
    return client.post(UPLOAD, {"year_be": year, "mode": "draft", "file": file})


# --- 1. BE/CE years -----------------------------------------------------------------------------


class TestYears:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("1 ตุลาคม 2023", "30 กันยายน 2024"),  # CE text (was stored as 1480)
            (datetime(2566, 10, 1), datetime(2567, 9, 30)),  # BE typed into an Excel date
            (datetime(2023, 10, 1), datetime(2024, 9, 30)),  # a CE Excel date
        ],
        ids=["ce-text", "be-excel-date", "ce-excel-date"],
    )
    def test_a_date_in_either_era_is_stored_as_the_same_day(self, start, end):
        report = run(template_workbook(start=start, end=end))
        assert report.committed, report.errors
        project = Project.objects.get()
        assert (project.start_date, project.end_date) == (date(2023, 10, 1), date(2024, 9, 30))

    @pytest.mark.parametrize(
        "start", ["1 ตุลาคม 2540", "1 ตุลาคม 1479", datetime(1990, 10, 1), "2040-10-01"]
    )
    def test_a_date_outside_the_plan_horizon_is_an_error_at_its_cell(self, start):
        report = run(template_workbook(start=start))
        assert not report.committed
        [error] = report.errors
        assert where(error) == (template.PROJECTS.title, 2, "G")
        assert "นอกช่วงของแผนปีงบประมาณ 2567" in error.message
        assert Project.objects.count() == 0
        assert ImportBatch.objects.get().status == ImportStatus.REJECTED

    def test_the_cell_reader_resolves_the_era_against_the_plan_year(self):
        assert cells.date_value("1 ตุลาคม 2022", 2566) == date(2022, 10, 1)
        assert cells.date_value(datetime(2565, 10, 1), 2566) == date(2022, 10, 1)
        with pytest.raises(cells.CellProblem, match="นอกช่วง"):
            cells.date_value(date(2030, 1, 1), 2566)


# --- 2. hostile XML inside a worksheet ----------------------------------------------------------

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
)


def hostile(payload: bytes) -> bytes:
    return xlsx_with({"xl/worksheets/sheet1.xml": payload}, wb.workbook(wb.p8_budget))


@pytest.mark.parametrize("payload", [LAUGHS, XXE], ids=["billion-laughs", "xxe"])
class TestHostileWorksheet:
    def test_the_upload_is_refused_with_a_thai_message(self, payload, plan_admin_a, media_root):
        client = Client()
        client.force_login(plan_admin_a)
        response = upload(client, hostile(payload))
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("imports:importbatch_detail", args=[batch.pk])
        assert batch.status == ImportStatus.REJECTED
        [error] = batch.report["errors"]
        assert "ไม่ปลอดภัย" in error["message"]
        assert "root:" not in json.dumps(batch.report)
        page = client.get(response.url)
        assert page.status_code == 200 and "ไม่ปลอดภัย" in page.content.decode()
        assert Project.objects.count() == 0
        assert not list(Path(media_root).rglob("*.*"))  # nothing kept for a confirm

    def test_the_command_reports_it_and_exits_non_zero(self, payload, tmp_path, capsys):
        f.make_office("CMD1")
        path = tmp_path / "hostile.xlsx"
        path.write_bytes(hostile(payload))
        with pytest.raises(SystemExit) as exit_:
            call_command("import_plan", str(path), "--office", "CMD1", "--year", "2563", "--json")
        assert exit_.value.code == 1
        data = json.loads(capsys.readouterr().out)
        assert not data["committed"]
        assert "ไม่ปลอดภัย" in data["errors"][0]["message"]
        assert Project.objects.count() == 0
        assert ImportBatch.objects.get().status == ImportStatus.REJECTED


# --- 3. numbers the money columns cannot hold ---------------------------------------------------


def with_raw_cell(data: bytes, sheet: str, coordinate: str, xml: bytes) -> bytes:
    """Replace one cell of a write-only workbook's sheet by hand-written XML (values openpyxl
    would never write: 1e309, nan)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    part = source.read(sheet)
    start = part.index(f'<c r="{coordinate}"'.encode())
    stop = part.index(b"</c>", start) + len(b"</c>")
    return xlsx_with({sheet: part[:start] + xml + part[stop:]}, data)


class TestHugeNumbers:
    @pytest.mark.parametrize(
        "value", [1e308, 1e12, "1,000,000,000,000", Decimal("999999999999.995")]
    )
    def test_an_amount_beyond_the_money_column_is_an_error_at_its_cell(self, value):
        report = run(wb.canonical_workbook(10, bad={(5, 13): value}))
        assert not report.committed
        [error] = report.errors
        assert where(error) == (template.LINES.title, 5, "M")
        assert "เกินกว่าที่ระบบรับได้" in error.message
        assert Project.objects.count() == 0

    @pytest.mark.parametrize("raw", [b"1e309", b"-1e309", b"nan", b"inf", b"12abc"])
    def test_infinity_and_garbage_in_a_number_cell_are_errors_at_the_cell(self, raw):
        data = with_raw_cell(
            wb.canonical_workbook(10),
            "xl/worksheets/sheet2.xml",
            "M5",
            b'<c r="M5" t="n"><v>' + raw + b"</v></c>",
        )
        report = run(data)
        assert not report.committed
        [error] = report.errors
        assert where(error) == (template.LINES.title, 5, "M")
        assert Project.objects.count() == 0

    @pytest.mark.parametrize(
        "formula",
        ["999999999999 คน x 999999999999 บาท x 999999 ครั้ง", "1000000 คน x 1000000 บาท x 1 ครั้ง"],
    )
    def test_a_formula_whose_product_does_not_fit_is_an_error(self, formula):
        report = run(wb.canonical_workbook(10, bad={(5, 9): formula, (5, 13): None}))
        assert not report.committed
        [error] = report.errors
        assert where(error) == (template.LINES.title, 5, "I")  # the formula's own cell
        assert "เกินกว่าที่ระบบรับได้" in error.message
        assert Project.objects.count() == 0

    def test_an_order_beyond_a_small_integer_is_an_error_at_its_cell(self):
        report = run(wb.canonical_workbook(10, bad={(5, 7): 99_999_999}))
        assert not report.committed
        assert where(report.errors[0]) == (template.LINES.title, 5, "G")
        assert Project.objects.count() == 0

    def test_the_largest_amount_the_column_holds_is_accepted(self):
        assert cells.amount(Decimal("999999999999.99")) == Decimal("999999999999.99")
        with pytest.raises(cells.CellProblem):
            cells.amount(float("nan"))
        with pytest.raises(cells.CellProblem):
            cells.amount(-1e308)


# --- 4. a full disk -----------------------------------------------------------------------------


def tmpfs_fill(mount) -> None:
    """Fill the tmpfs up: every later write there fails with ENOSPC."""
    filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(filler, b"\0" * 4096):
            pass
    except OSError:  # ENOSPC: the filesystem is full
        pass
    finally:
        os.close(filler)


@pytest.fixture
def full_disk(tmpfs, settings):
    """MEDIA_ROOT on a real 64 KiB tmpfs, filled up: writes fail with ENOSPC from the kernel."""
    mount = tmpfs("64k")
    (mount / "imports" / "pending").mkdir(parents=True)
    tmpfs_fill(mount)
    settings.MEDIA_ROOT = mount
    return mount


class TestFullDisk:
    def test_the_upload_gets_a_thai_message_and_leaves_nothing_half_written(
        self, full_disk, plan_admin_a
    ):
        client = Client()
        client.force_login(plan_admin_a)
        response = upload(client, template_workbook(lines=200))
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert batch.status == ImportStatus.REJECTED  # no preview waits for a missing file
        assert any("พื้นที่จัดเก็บเต็ม" in e["message"] for e in batch.report["errors"])
        assert list((full_disk / "imports" / "pending").iterdir()) == []  # no .part
        page = client.get(response.url)
        assert "พื้นที่จัดเก็บเต็ม" in page.content.decode()
        assert not page.context["can_confirm"]
        assert Project.objects.count() == 0

    def test_store_pending_raises_storage_full_and_removes_its_part_file(self, full_disk):
        with pytest.raises(services.StorageFull, match="พื้นที่จัดเก็บเต็ม"):
            services.store_pending("plan.xlsx", b"x" * 200_000)
        assert list((full_disk / "imports" / "pending").iterdir()) == []


# --- 5. the declared sheet size -----------------------------------------------------------------


def sheet_of(rows: int, dimension: str | None) -> bytes:
    """A worksheet written by hand: `rows` rows of data under an optional <dimension>."""
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>แถว {r}</t></is></c></row>'
        for r in range(1, rows + 1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    ).encode()


class TestDeclaredSize:
    def test_a_sheet_declaring_30000_rows_is_refused_before_any_row_is_read(self):
        data = xlsx_with(
            {"xl/worksheets/sheet1.xml": sheet_of(30_000, "A1:A30000")}, wb.to_bytes(Workbook())
        )
        with reader.open_sheets(data, "xlsx") as sheets:
            with pytest.raises(RejectedFile, match="ระบุขนาดไว้ 30,000 แถว") as refused:
                next(sheets[0].rows)  # the very first row is never produced
        assert f"{MAX_ROWS:,} แถว" in str(refused.value)
        report = run(data, commit=False)
        assert "ระบุขนาดไว้ 30,000 แถว" in report.errors[0].message

    def test_a_dimension_that_understates_the_size_is_caught_while_streaming(self):
        data = xlsx_with(
            {"xl/worksheets/sheet1.xml": sheet_of(MAX_ROWS + 1, "A1:A10")},
            wb.to_bytes(Workbook()),
        )
        report = run(data, commit=False)
        assert f"มีข้อมูลเกิน {MAX_ROWS:,} แถว" in report.errors[0].message


# --- 6. formula-like text in the .xlsx export ---------------------------------------------------


class TestExportQuotePrefix:
    def test_formula_like_text_is_marked_as_text_and_imports_back_unchanged(self, office_a):
        plan = f.make_plan(office_a, YEAR)
        project = f.make_project(plan, name_th="=1+1")
        f.make_line(f.make_activity(project, "-ลดต้นทุน"), "@ค่าวัสดุ", amount="1500")
        data = export.plan_workbook(plan, export.export_projects(plan))
        book = openpyxl.load_workbook(io.BytesIO(data))
        name = book[template.PROJECTS.title]["B2"]
        assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
        lines = book[template.LINES.title]
        assert lines["F2"].quotePrefix and lines["H2"].quotePrefix
        assert lines["M2"].value == 1500 and not lines["M2"].quotePrefix  # numbers stay numbers
        styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml")
        assert b'quotePrefix="1"' in styles
        report = run(data, office_code="H2")
        assert report.committed, report.errors
        assert Project.objects.get(plan__office__code="H2").name_th == "=1+1"


# --- 7. invisible characters --------------------------------------------------------------------


class TestInvisibleCharacters:
    def test_bidi_controls_and_zero_width_characters_are_not_stored(self):
        report = run(template_workbook(name="โครงการ\u202eพัฒนา\u200bระบบ\u200d\ufeff"))
        assert report.committed, report.errors
        assert Project.objects.get().name_th == "โครงการพัฒนาระบบ"

    def test_csv_text_is_cleaned_too(self):
        rows = ["\ufeff" + ",".join(template.LINES.headers)]
        _, lines = wb.canonical_rows(2)
        lines[0][3] = lines[1][3] = "โครงการ\u202eทดสอบ"
        rows += [",".join("" if v is None else str(v) for v in row) for row in lines]
        report = run("\r\n".join(rows).encode(), name="plan.csv", commit=False)
        assert [p.name for p in report.projects] == ["โครงการทดสอบ"]
