"""CSV read the way Excel and LibreOffice write it (RFC 4180): the delimiter from the header line
only, doubled quotes always, UTF-8 with or without the BOM, UTF-16 ("Unicode Text") and cp874."""

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from budgets.models import BudgetLine
from imports import reader, services, template
from tests import factories as f

pytestmark = pytest.mark.django_db

PROJECT = "โครงการประชาสัมพันธ์ผลงานของสำนักงาน"
SIGN = 'ป้าย "ไวนิล", ขนาด 1x3 ม.'
FOOD = "ค่าอาหาร, อาหารว่างและเครื่องดื่ม"


def line(order: int, description: str, amount="1500.50", activity=1) -> list:
    row = dict.fromkeys(template.LINES.headers, "")
    row.update(
        {
            "กลุ่มที่รับผิดชอบ": "กลุ่มอำนวยการ",
            "กลยุทธ์ที่": "1",
            "ชื่อโครงการ": PROJECT,
            "ลำดับกิจกรรม": str(activity),
            "กิจกรรม": "ประชาสัมพันธ์",
            "ลำดับรายการ": str(order),
            "รายการ": description,
            "หมวดรายจ่าย": "ค่าวัสดุ",
            "แหล่งงบประมาณ": "งบประมาณสำนักงานเขตพื้นที่การศึกษา",
            "จำนวนเงิน": amount,
        }
    )
    return list(row.values())


def plain_rows(n: int) -> list[list]:
    """Rows without a quote or a delimiter inside a field: more than 4 KB of them."""
    return [line(i, f"ค่าวัสดุสำนักงานรายการที่ {i}") for i in range(1, n + 1)]


def as_csv(rows: list[list], delimiter=",", encoding="utf-8-sig", lineterminator="\r\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(template.LINES.headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def office():
    office = f.make_office("CSV")
    f.make_strategy(f.make_plan(office, 2567), 1, "พัฒนาคุณภาพการบริหารจัดการ")
    return office


def run(office, data: bytes, name="lines.csv", **kwargs):
    return services.run_import(name=name, data=data, office=office, year_be=2567, **kwargs)


def descriptions() -> list[str]:
    return list(BudgetLine.objects.order_by("order").values_list("description_th", flat=True))


class TestQuotes:
    def test_a_quote_and_a_comma_after_the_first_4_kb_come_back_intact(self, office):
        rows = plain_rows(60)
        rows += [line(61, SIGN), line(62, FOOD, amount="2,500")]
        data = as_csv(rows)
        assert b'"' not in data[:4096] and len(data) > 8192
        report = run(office, data, commit=True)
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert report.error_count == report.warning_count == 0
        assert descriptions()[-2:] == [SIGN, FOOD]
        amounts = BudgetLine.objects.order_by("order").values_list("amount", flat=True)
        assert [str(a) for a in amounts][-3:] == ["1500.50", "1500.50", "2500.00"]

    def test_a_line_break_inside_a_quoted_field_stays_in_its_row(self, office):
        rows = plain_rows(3) + [line(4, "ค่าจ้างถ่ายเอกสาร\nพร้อมเข้าเล่ม"), line(5, "ค่าวัสดุ")]
        report = run(office, as_csv(rows), commit=True)
        assert report.ok, [e.message for e in report.errors]
        assert descriptions()[3:] == ["ค่าจ้างถ่ายเอกสาร พร้อมเข้าเล่ม", "ค่าวัสดุ"]

    def test_an_error_after_a_multi_line_field_names_the_row_excel_shows(self, office):
        rows = [line(1, "ค่าจ้าง\nเข้าเล่ม"), line(2, "ค่าวัสดุ", amount="สองพัน")]
        report = run(office, as_csv(rows))
        assert [(e.loc.row, e.loc.column) for e in report.errors] == [(3, "M")]


class TestDialects:
    @pytest.mark.parametrize(
        "delimiter, encoding, name",
        [
            (",", "utf-8", "lines.csv"),  # no BOM (LibreOffice, scripts)
            (",", "utf-8-sig", "lines.csv"),  # Excel's "CSV UTF-8"
            (";", "utf-8-sig", "lines.csv"),  # Excel where the list separator is ";"
            ("\t", "utf-16", "lines.txt"),  # Excel's "Unicode Text": UTF-16 LE with BOM, tabs
            (",", "cp874", "lines.csv"),  # Excel's "CSV" on Thai Windows (TIS-620)
        ],
    )
    def test_excel_and_libreoffice_variants_read_the_same(self, office, delimiter, encoding, name):
        rows = [*plain_rows(2), line(3, SIGN), line(4, FOOD)]
        report = run(office, as_csv(rows, delimiter, encoding), name=name, commit=True)
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert descriptions() == [*(f"ค่าวัสดุสำนักงานรายการที่ {i}" for i in (1, 2)), SIGN, FOOD]

    def test_the_delimiter_comes_from_the_header_line_only(self):
        header = ";".join(template.LINES.headers)
        data = header + "\r\n" + ";".join(["a,b,c,d,e,f,g,h,i,j,k,l,m,n,o"] * 2)
        assert reader.csv_delimiter(data) == ";"
        assert reader.csv_delimiter('"a,b";c;d\n1,2,3,4,5') == ";"
        assert reader.csv_delimiter("ชื่อโครงการ\n") == ","


# What LibreOffice Calc 7.4 writes for "Text CSV" (UTF-8, comma, quote "): every text cell in
# quotes, quotes inside doubled, LF between rows, no BOM; recorded from
# `soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1'`.
def _libreoffice_bytes(rows: list[list]) -> bytes:
    out = []
    for row in [template.LINES.headers, *rows]:
        cells = []
        for value in row:
            if value in ("", None):
                cells.append("")
            elif isinstance(value, int | float):
                cells.append(str(value))
            else:
                cells.append('"' + str(value).replace('"', '""') + '"')
        out.append(",".join(cells))
    return ("\n".join(out) + "\n").encode()


def _lines_workbook(path, rows) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = template.LINES.title
    ws.append(template.LINES.headers)
    for row in rows:
        ws.append([float(v) if k in (4, 6, 12) and v else (v or None) for k, v in enumerate(row)])
    book.save(path)


class TestLibreOffice:
    ROWS = [*plain_rows(40), line(41, SIGN), line(42, FOOD)]

    def test_a_csv_in_libreoffices_shape_reads_back_intact(self, office):
        typed = [
            [float(v) if k in (4, 6, 12) and v else v for k, v in enumerate(row)]
            for row in self.ROWS
        ]
        report = run(office, _libreoffice_bytes(typed), commit=True)
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert descriptions()[-2:] == [SIGN, FOOD]

    @pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
    def test_a_csv_libreoffice_itself_wrote_reads_back_intact(self, office, tmp_path):
        source = tmp_path / "lines.xlsx"
        _lines_workbook(source, self.ROWS)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        data = (tmp_path / "lines.csv").read_bytes()
        assert '""ไวนิล""'.encode() in data  # LibreOffice doubled the quotes, as RFC 4180 says
        report = run(office, data, commit=True)
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert descriptions()[-2:] == [SIGN, FOOD]
        assert BudgetLine.objects.count() == len(self.ROWS)
