"""Stream the rows of an .xlsx (openpyxl read-only, cached values) or a .csv, within the caps.

Rows come out as (excel_row, values) with values indexed from column A and blank rows skipped.
A formula cell whose file holds no computed value comes out as UNCOMPUTED, never as None or 0
(openpyxl's data_only mode would silently drop it: files written by scripts have no cache).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG, FORMULA_TAG, WorkSheetParser
from openpyxl.xml.functions import iterparse

from actionplan.thai import clean_text
from actionplan.workbooks import MAX_COLUMNS, MAX_ROWS, RejectedFile

UNREADABLE = "เปิดไฟล์ .xlsx ไม่ได้ ไฟล์อาจเสียหายหรือมีเนื้อหาที่ไม่ปลอดภัย จึงไม่อ่านไฟล์นี้"
EXCEL_LAST_ROW = 1_048_576  # a dimension reaching it is a placeholder, not a measurement


class _Uncomputed:
    """A formula cell without a cached value."""

    def __repr__(self) -> str:
        return "<สูตรที่ยังไม่คำนวณ>"


UNCOMPUTED = _Uncomputed()


class CellError(str):
    """An Excel error value such as #REF! or #DIV/0!."""


_SKIP_ROWS_AFTER_CAP = 5_000  # styled empty rows tolerated past the cap before giving up


@dataclass
class RawSheet:
    """A sheet's rows; a Word document is one RawSheet whose rows are its paragraphs and table
    rows in document order, numbered in sequence, with `locate` naming each row's place."""

    name: str
    rows: Iterator[tuple[int, list]]
    locate: Callable | None = None  # (row, column index) -> Loc, for a Word document
    paragraphs: frozenset[int] = frozenset()  # rows that are paragraphs, not table rows
    notes: list = field(default_factory=list)  # (Loc, Thai warning) found while reading


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, telling a formula without a cached value apart from an empty cell."""

    def parse_cell(self, element):
        try:
            cell = super().parse_cell(element)
        except (ValueError, IndexError, KeyError, TypeError, OverflowError):
            # "nan", "inf" or garbage in a number cell, a shared-string index past the table:
            # an error at that cell (reported with its sheet/row/column), not a crash.
            coordinate = element.get("r")
            row, column = (
                coordinate_to_tuple(coordinate)
                if coordinate
                else (self.row_counter, self.col_counter)
            )
            return {"row": row, "column": column, "value": CellError("#NUM!"), "data_type": "e"}
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCOMPUTED
        elif cell["data_type"] == "e":
            cell["value"] = CellError(cell["value"])
        return cell


def _capped(sheet: str, rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """Enforce the row and column caps while streaming; trailing formatted blank rows are fine."""
    for excel_row, values in rows:
        if len(values) > MAX_COLUMNS:
            raise RejectedFile(
                f"ชีต “{sheet}” แถว {excel_row} มีข้อมูลถึงคอลัมน์ {get_column_letter(len(values))}"
                f" เกิน {MAX_COLUMNS} คอลัมน์"
            )
        if excel_row > MAX_ROWS:
            if values:
                raise RejectedFile(f"ชีต “{sheet}” มีข้อมูลเกิน {MAX_ROWS:,} แถว")
            if excel_row > MAX_ROWS + _SKIP_ROWS_AFTER_CAP:
                raise RejectedFile(f"ชีต “{sheet}” มีแถวเกิน {MAX_ROWS:,} แถว")
            continue
        if values:
            yield excel_row, values


def declared_rows(ws: ReadOnlyWorksheet) -> tuple[int, str] | None:
    """The last row the sheet's <dimension ref="A1:N30001"> declares, and the ref; None when the
    sheet declares none (or only Excel's whole-sheet placeholder). Reads up to <sheetData> only."""
    with ws._get_source() as src:
        for _event, element in iterparse(src, events=("start",)):
            if element.tag == DIMENSION_TAG:
                ref = (element.get("ref") or "").upper()
                try:
                    last_row = range_boundaries(ref)[3]
                except (TypeError, ValueError):
                    return None
                if last_row is None or last_row >= EXCEL_LAST_ROW:
                    return None
                return last_row, ref
            if element.tag == DATA_TAG:
                return None
    return None


def _xlsx_rows(ws: ReadOnlyWorksheet) -> Iterator[tuple[int, list]]:
    """Refuse a sheet that declares more rows than the cap before reading any row (FI-5), then
    stream it; a hostile or broken part found while streaming refuses the file as a whole."""
    try:
        declared = declared_rows(ws)
        if declared is not None and declared[0] > MAX_ROWS:
            last_row, ref = declared
            raise RejectedFile(
                f"ชีต “{ws.title}” ระบุขนาดไว้ {last_row:,} แถว ({ref}) เกิน {MAX_ROWS:,} แถว"
                " จึงไม่อ่านไฟล์นี้ กรุณาแบ่งเป็นหลายไฟล์ หรือลบแถวว่างท้ายชีตแล้วบันทึกใหม่"
            )
        yield from _parsed_rows(ws)
    except RejectedFile:
        raise
    except Exception as exc:  # entities (defusedxml), broken XML, a damaged zip member …
        raise RejectedFile(UNREADABLE) from exc


def _parsed_rows(ws: ReadOnlyWorksheet) -> Iterator[tuple[int, list]]:
    # ReadOnlyWorksheet._cells_by_row, minus the padding to the declared dimension: a bogus
    # <dimension ref="A1:XFD1048576"> must not make us materialise empty cells (FI-5).
    wb = ws.parent
    with ws._get_source() as src:
        parser = _Parser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for excel_row, cells in parser.parse():
            values: list = []
            for cell in cells:
                value = cell["value"]
                if type(value) is str:  # not CellError: "#REF!" stays an error value
                    value = clean_text(value)
                if value is None or value == "":
                    continue
                column = cell["column"]
                if column > MAX_COLUMNS:
                    values.extend([None] * (column - len(values)))
                    break
                if column > len(values):
                    values.extend([None] * (column - 1 - len(values)))
                    values.append(value)
                else:
                    values[column - 1] = value
            yield excel_row, values


class _LazySheet(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its size: openpyxl reads a whole sheet once
    just for that when the file has no <dimension> (files written by scripts), and we stream."""

    def _get_size(self):
        return None


class _WorkbookReader(ExcelReader):
    """openpyxl's read-only loader, creating _LazySheet worksheets and skipping chart sheets."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            ws = _LazySheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


@contextmanager
def open_sheets(data: bytes, kind: str) -> Iterator[list[RawSheet]]:
    """The sheets of a checked file, each a lazy row stream; closes the workbook afterwards."""
    if kind == "csv":
        yield [RawSheet("CSV", _capped("CSV", _csv_rows(data)))]
        return
    if kind == "docx":
        from imports.document import read_document  # python-docx only when a document comes

        yield [read_document(data)]
        return
    try:
        reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read()
        wb = reader.wb
    except RejectedFile:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged or hostile file
        raise RejectedFile(UNREADABLE) from exc
    try:
        yield [
            RawSheet(ws.title, _capped(ws.title, _xlsx_rows(ws)))
            for ws in wb.worksheets
            if isinstance(ws, ReadOnlyWorksheet)
        ]
    finally:
        wb.close()


def decode_csv(data: bytes) -> str:
    """The text of a CSV as Excel and LibreOffice save it: UTF-8 with or without the BOM, UTF-16
    with its BOM (Excel's "Unicode Text"), else the Thai Windows code page (cp874/TIS-620)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RejectedFile("อ่านไฟล์ข้อความ UTF-16 ไม่ได้ ไฟล์อาจเสียหาย") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp874", errors="replace")


_DELIMITERS = (",", ";", "\t")


def csv_delimiter(text: str) -> str:
    """The delimiter of the header line: comma, or the semicolon or tab Excel writes in some
    locales and for "Unicode Text". Counted outside quotes, on the first line only: a sample
    of data rows (csv.Sniffer) guesses from the data and may turn quote handling off."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties: the earlier, comma first
    return best if counts[best] else ","


_CSV_ESCAPED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """Rows of an RFC 4180 file: fields in double quotes may hold the delimiter, line breaks and
    doubled quotes (ป้าย ""ไวนิล"" inside a quoted field), wherever they are in the file."""
    text = decode_csv(data)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=csv_delimiter(text),
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    try:
        for excel_row, row in enumerate(reader, start=1):
            values = [_csv_cell(v) for v in row]
            while values and values[-1] is None:
                values.pop()
            yield excel_row, values
    except csv.Error as exc:  # a NUL byte or a field over csv.field_size_limit()
        raise RejectedFile(f"อ่านไฟล์ CSV ไม่ได้ที่แถว {reader.line_num}: ไฟล์อาจเสียหาย") from exc


def _csv_cell(value: str):
    value = clean_text(value)
    if value.strip() == "":
        return None
    if value.startswith(_CSV_ESCAPED):
        return value[1:]  # undo the OWASP prefix our own CSV export adds to formula-like text
    return value
