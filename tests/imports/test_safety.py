"""Hostile and malformed uploads are refused before anything is inflated or written (FI-1 … FI-6)."""

import io
import re
import time
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from actionplan.workbooks import RejectedFile, check_file
from imports import services
from projects.models import Project
from tests import factories as f
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def xlsx_with(entries: dict[str, bytes], base: bytes | None = None) -> bytes:
    """A real workbook with some parts replaced or added."""
    base = base or wb.to_bytes(Workbook())
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in entries:
                target.writestr(item, source.read(item))
        for name, data in entries.items():
            target.writestr(name, data)
    return out.getvalue()


def ods_bytes() -> bytes:
    """A LibreOffice spreadsheet: the zip's first entry is its stored mimetype."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(
            zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet"
        )
        target.writestr("content.xml", b"<office:document-content/>", zipfile.ZIP_DEFLATED)
        target.writestr("META-INF/manifest.xml", b"<manifest/>", zipfile.ZIP_DEFLATED)
    return out.getvalue()


class TestFileChecks:
    def test_refuses_xls_asking_to_save_as_xlsx(self):
        with pytest.raises(RejectedFile, match=r"บันทึกเป็น \.xlsx"):
            check_file("แผน2563.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)

    def test_refuses_xlsm_and_other_types(self):
        with pytest.raises(RejectedFile, match=r"\.xlsx"):
            check_file("plan.xlsm", wb.to_bytes(Workbook()))
        with pytest.raises(RejectedFile, match="รองรับเฉพาะ"):
            check_file("plan.pdf", b"%PDF-1.7")

    def test_refuses_ods_with_the_libreoffice_and_the_excel_menu_paths(self):
        """docs/decisions/ods-files.md: openpyxl cannot read .ods; another reader would be a new
        dependency, so the user is told how to save as .xlsx in either program."""
        for name, data in (("แผน.ods", ods_bytes()), ("แผน.xlsx", ods_bytes())):
            with pytest.raises(RejectedFile) as refused:
                check_file(name, data)
            message = str(refused.value)
            assert "ไฟล์ > บันทึกเป็น… > ชนิดไฟล์ Excel 2007-365 (.xlsx)" in message, name
            assert "แฟ้ม > บันทึกเป็น > เวิร์กบุ๊ก Excel (*.xlsx)" in message, name

    def test_an_ods_upload_is_refused_in_thai_by_the_service_without_a_500(self):
        office = f.make_office("ODS")
        report = services.run_import(name="plan.ods", data=ods_bytes(), office=office, year_be=2567)
        assert not report.ok and "LibreOffice" in report.errors[0].message
        assert Project.objects.count() == 0

    def test_accepts_utf16_text_from_excel_as_csv(self):
        checked = check_file("plan.txt", "ชื่อโครงการ\tรายการ\r\n".encode("utf-16"))
        assert checked.kind == "csv"
        with pytest.raises(RejectedFile, match="ไม่ใช่ข้อความ"):
            check_file("plan.csv", b"a,b\x00c")

    def test_refuses_a_file_over_10_mb(self):
        with pytest.raises(RejectedFile, match="10 MB"):
            check_file("big.csv", b"a," * (5 * 1024 * 1024 + 1))

    def test_refuses_a_csv_renamed_xlsx(self):
        with pytest.raises(RejectedFile, match="ไม่ใช่ไฟล์ .xlsx"):
            check_file("plan.xlsx", "ที่,โครงการ\n1,ทดสอบ\n".encode())

    def test_refuses_a_zip_bomb_from_the_central_directory_quickly(self):
        bomb = xlsx_with({"xl/worksheets/sheet2.xml": b"<a>" + b"0" * (60 * 1024 * 1024)})
        assert len(bomb) < 1024 * 1024
        started = time.perf_counter()
        with pytest.raises(RejectedFile, match="คลายออกใหญ่เกิน|บีบอัดมากผิดปกติ"):
            check_file("bomb.xlsx", bomb)
        assert time.perf_counter() - started < 0.05

    def test_refuses_an_entry_compressed_more_than_100_to_1(self):
        packed = xlsx_with({"xl/media/blob.bin": b"\0" * (2 * 1024 * 1024)})
        with pytest.raises(RejectedFile, match="บีบอัดมากผิดปกติ"):
            check_file("ratio.xlsx", packed)

    def test_refuses_too_many_entries(self):
        many = xlsx_with({f"xl/extra/{i}.xml": b"<a/>" for i in range(200)})
        with pytest.raises(RejectedFile, match="ส่วนประกอบมากผิดปกติ"):
            check_file("many.xlsx", many)

    def test_accepts_a_normal_workbook(self):
        checked = check_file("ok.xlsx", wb.workbook(wb.p8_budget))
        assert checked.kind == "xlsx" and len(checked.sha256) == 64


class TestXmlAttacks:
    def test_defusedxml_is_installed_so_openpyxl_refuses_entities(self):
        assert openpyxl.xml.DEFUSEDXML is True

    @pytest.mark.parametrize(
        "payload",
        [
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&b;</t></si></sst>',
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&e;</t></si></sst>',
        ],
        ids=["billion-laughs", "xxe"],
    )
    def test_entity_declarations_reject_the_file(self, payload):
        base = wb.workbook(wb.p8_budget)
        hostile = xlsx_with({"xl/sharedStrings.xml": payload}, base)
        office = f.make_office("X1")
        report = services.run_import(name="x.xlsx", data=hostile, office=office, year_be=2563)
        assert not report.ok
        assert "root:" not in str(report.as_json())
        assert Project.objects.count() == 0


class TestStreamingCaps:
    def test_a_formula_without_a_cached_value_is_an_error_at_its_cell(self):
        data = wb.canonical_workbook(10, bad={(5, 13): "=SUM(1,2)"})  # openpyxl caches nothing
        office = f.make_office("X1")
        report = services.run_import(
            name="f.xlsx", data=data, office=office, year_be=2567, commit=True
        )
        assert not report.ok and not report.committed
        [error] = report.errors
        assert (error.loc.sheet, error.loc.row, error.loc.column) == ("รายการงบประมาณ", 5, "M")
        assert "สูตรคำนวณแต่ไม่มีค่าที่คำนวณไว้" in error.message
        assert Project.objects.count() == 0

    def test_rows_beyond_the_cap_reject_the_file_while_streaming(self):
        book = Workbook(write_only=True)
        ws = book.create_sheet("รายการงบประมาณ")
        for _ in range(20_000):
            ws.append([None])
        ws.append(["ข้อมูลแถวที่ 20,001"])
        office = f.make_office("X1")
        report = services.run_import(
            name="rows.xlsx", data=wb.to_bytes(book), office=office, year_be=2567
        )
        assert "20,000 แถว" in report.errors[0].message

    def test_columns_beyond_the_cap_reject_the_file(self):
        book = Workbook()
        book.active.cell(1, 61, "x")
        office = f.make_office("X1")
        report = services.run_import(
            name="cols.xlsx", data=wb.to_bytes(book), office=office, year_be=2567
        )
        assert "60 คอลัมน์" in report.errors[0].message

    def test_a_bogus_dimension_does_not_materialise_empty_cells(self):
        base = wb.workbook(wb.p8_budget)
        source = zipfile.ZipFile(io.BytesIO(base))
        sheet = re.sub(  # openpyxl writes "<dimension …/>" or "… />" (lxml or not)
            rb'<dimension ref="A1:F6"\s*/>',
            b'<dimension ref="A1:XFD1048576" />',
            source.read("xl/worksheets/sheet1.xml"),
        )
        assert b"XFD1048576" in sheet
        bogus = xlsx_with({"xl/worksheets/sheet1.xml": sheet}, base)
        office = f.make_office("X1")
        started = time.perf_counter()
        report = services.run_import(name="dim.xlsx", data=bogus, office=office, year_be=2563)
        assert time.perf_counter() - started < 2
        assert report.sheets == [("p8_budget", "budget")]
