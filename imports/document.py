"""Read a Word document (.docx, python-docx) into the import pipeline's rows: the body in document
order, each paragraph one row (a "label<TAB>value" header line two cells), each table row one
row of cell texts at their grid columns (docs/decisions/word-import.md).

What a spreadsheet transcribed from the document would hold, so the same recognisers read it:
a cell spanning columns (gridSpan) or continuing a vertical merge (vMerge) is empty beside/below
its first cell, as a merged range in Excel; line breaks inside a cell are "\\n", tabs a space;
numbering typed as text and Thai digits stay as typed. Only text is read: pictures, embedded
objects, text boxes, headers and footers are ignored.

Each row carries its place for the report: the table's number and the section (the last heading
seen) with the table's own row and cell numbers, or the paragraph's number under its section.
A table whose rows are dates under another table's header is read as the duration table it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from actionplan import thai
from actionplan.thai import clean_text
from actionplan.workbooks import MAX_COLUMNS, MAX_ROWS, RejectedFile
from imports.cells import squash
from imports.reader import RawSheet
from imports.records import Loc

UNREADABLE = "เปิดไฟล์ .docx ไม่ได้ ไฟล์อาจเสียหายหรือมีเนื้อหาที่ไม่ปลอดภัย จึงไม่อ่านไฟล์นี้"
DOCUMENT_SHEET = "เอกสาร Word"

_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_SDT_CONTENT, _TC_PR, _TR_PR = qn("w:sdtContent"), qn("w:tcPr"), qn("w:trPr")
_GRID_SPAN, _V_MERGE, _GRID_BEFORE, _VAL = (
    qn("w:gridSpan"),
    qn("w:vMerge"),
    qn("w:gridBefore"),
    qn("w:val"),
)

# Header lines whose value follows a tab ("ชื่อโครงการ<TAB>โครงการพัฒนา…", seed 000).
FORM_LABELS = (
    "ชื่อโครงการ",
    "โครงการ",
    "แผนงาน",
    "สนองกลยุทธ์",
    "กลยุทธ์",
    "ลักษณะโครงการ",
    "ผู้รับผิดชอบ",
    "กลุ่ม",
    "หน่วยงาน",
    "ระยะเวลา",
    "งบประมาณ",
)
_HEADING_RE = re.compile(
    r"^(?:ส่วนที่\s*\d+|\d+\.\s*[^\d\s.]|(?:กลยุทธ์|ยุทธศาสตร์|ประเด็นกลยุทธ์)\s*ที่\s*\d+)"
)
_MONTHS = tuple(
    sorted(
        {m for m in (*thai.MONTHS_FULL, *thai.MONTHS_ABBR) if m}
        | {m.replace(".", "") for m in thai.MONTHS_ABBR if m and len(m.replace(".", "")) > 2},
        key=len,
        reverse=True,
    )
)
_DATE_RE = re.compile(
    r"\d{1,2}\s*(?:" + "|".join(re.escape(m) for m in _MONTHS) + r")\s*\.?\s*\d{2,4}"
)
_SMALL_INT_RE = re.compile(r"^\d{1,3}\.?$")


def _text(value: str) -> str:
    return clean_text(value).strip()


def _paragraph_text(p) -> str:
    return clean_text(Paragraph(p, None).text)


def _cell_text(tc) -> str:
    """A cell's paragraphs one per line (nested tables' cells too), tabs as spaces."""
    lines = []
    for child in tc.iterchildren():
        if child.tag == _P:
            lines.append(_paragraph_text(child).replace("\t", " "))
        elif child.tag == _TBL:
            for _, values in _grid_rows(child):
                lines.append(" ".join(v for v in values if v))
    return "\n".join(lines).strip("\n")


def _grid_rows(tbl) -> Iterator[tuple[int, list]]:
    """(row number, values at grid columns); a vMerge continuation or a span's tail is None."""
    for number, tr in enumerate(tbl.iterchildren(_TR), start=1):
        values: list = []
        pr = tr.find(_TR_PR)
        before = pr.find(_GRID_BEFORE) if pr is not None else None
        if before is not None:
            values.extend([None] * _int(before.get(_VAL), 0))
        for tc in tr.iterchildren(_TC):
            pr = tc.find(_TC_PR)
            span, continued = 1, False
            if pr is not None:
                grid_span = pr.find(_GRID_SPAN)
                if grid_span is not None:
                    span = max(1, _int(grid_span.get(_VAL), 1))
                v_merge = pr.find(_V_MERGE)
                continued = v_merge is not None and v_merge.get(_VAL, "continue") == "continue"
            value = None if continued else (_cell_text(tc) or None)
            values.append(value)
            values.extend([None] * (span - 1))
            if len(values) > MAX_COLUMNS:
                raise RejectedFile(f"ตารางในเอกสารมีเกิน {MAX_COLUMNS} คอลัมน์")
        while values and values[-1] is None:
            values.pop()
        yield number, values


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _body(element) -> Iterator:
    """Paragraphs and tables in document order, content controls opened."""
    for child in element.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _body(content)


def _is_heading(p, value: str) -> bool:
    style = p.find(qn("w:pPr"))
    style = style.find(qn("w:pStyle")) if style is not None else None
    name = (style.get(_VAL) or "") if style is not None else ""
    if name.lower().startswith(("heading", "title")) or name.startswith("หัวเรื่อง"):
        return True
    return len(value) <= 120 and bool(_HEADING_RE.match(thai.to_arabic_digits(value)))


def _paragraph_values(value: str) -> list:
    """One cell, or label and value when a header line puts its value after a tab."""
    if "\t" in value:
        label, _, rest = value.partition("\t")
        if squash(label).startswith(tuple(squash(w) for w in FORM_LABELS)) and rest.strip():
            return [_text(label), _text(rest.replace("\t", " "))]
    return [_text(value.replace("\t", " "))]


class _Reader:
    def __init__(self):
        self.places: dict[int, Loc] = {}
        self.paragraph_rows: set[int] = set()
        self.notes: list[tuple[Loc, str]] = []
        self.section = ""
        self.tables = 0
        self.paragraphs = 0
        self.row = 0

    def locate(self, row: int, index: int | None = None) -> Loc:
        base = self.places.get(row, Loc(DOCUMENT_SHEET, row))
        return base if base.kind == "paragraph" else base.with_column(index)

    def rows(self, body) -> Iterator[tuple[int, list]]:
        for element in _body(body):
            if element.tag == _P:
                yield from self._paragraph(element)
            else:
                yield from self._table(element)

    def _next(self) -> int:
        self.row += 1
        if self.row > MAX_ROWS:
            raise RejectedFile(f"เอกสารมีข้อความเกิน {MAX_ROWS:,} แถว (ย่อหน้าและแถวตาราง)")
        return self.row

    def _paragraph(self, p) -> Iterator[tuple[int, list]]:
        self.paragraphs += 1
        raw = _paragraph_text(p)
        value = _text(raw)
        if not value:
            return  # blank lines and page breaks: a table split over pages stays one table
        if _is_heading(p, value):
            self.section = value[:80]
        row = self._next()
        self.places[row] = Loc(self.section, self.paragraphs, "", "paragraph")
        self.paragraph_rows.add(row)
        yield row, _paragraph_values(raw.strip())

    def _table(self, tbl) -> Iterator[tuple[int, list]]:
        self.tables += 1
        name = f"ตารางที่ {self.tables}"
        if self.section:
            name = f"{name} ({self.section})"
        rows = [(n, v) for n, v in _grid_rows(tbl) if any(x for x in v)]
        rows = self._as_duration(name, rows)
        for number, values in rows:
            row = self._next()
            self.places[row] = Loc(name, number, "", "table")
            yield row, values

    def _as_duration(self, name: str, rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
        """A table whose rows carry two date columns is a duration table (ที่ | โครงการ | เริ่มต้น
        | สิ้นสุด), whatever its header says: the header is replaced (with a warning), or one
        is supplied when the table continues one from the page before without its header."""
        if not rows:
            return rows
        header_words = " ".join(v for v in rows[0][1] if v)
        if "เริ่ม" in header_words and "สิ้นสุด" in header_words:
            return rows
        data = [(n, v) for n, v in rows if _date_columns(v)]
        if len(data) < max(1, (len(rows) - 1) // 2):
            return rows
        dates = _date_columns(data[0][1])
        if len(dates) < 2:
            return rows
        start, end = dates[0], dates[1]
        width = max(len(v) for _, v in rows)
        others = [i for i in range(width) if i not in (start, end)]
        if not others:
            return rows
        name_col = max(others, key=lambda i: sum(len(_at(v, i)) for _, v in data))
        no_col = None
        for i in others:
            numbers = sum(
                bool(_SMALL_INT_RE.match(thai.to_arabic_digits(_at(v, i)))) for _, v in data
            )
            if i != name_col and numbers >= len(data) / 2:
                no_col = i
                break
        header = [None] * width
        header[name_col], header[start], header[end] = "โครงการ", "เริ่มต้น", "สิ้นสุด"
        if no_col is not None:
            header[no_col] = "ที่"
        first_is_data = bool(_date_columns(rows[0][1]))
        if first_is_data:
            rows = [(0, header), *rows]
        else:
            self.notes.append(
                (
                    Loc(name, rows[0][0], "", "table"),
                    f"หัวตาราง “{header_words[:80]}” ไม่ตรงกับข้อมูล ข้อมูลเป็นวันเริ่มต้น"
                    " และวันสิ้นสุดของโครงการ จึงอ่านเป็นตารางระยะเวลาดำเนินการ",
                )
            )
            rows = [(rows[0][0], header), *rows[1:]]
        return rows


def _at(values: list, i: int) -> str:
    return values[i] if i < len(values) and values[i] else ""


def _date_columns(values: list) -> list[int]:
    return [
        i
        for i, v in enumerate(values)
        if v and len(v) < 40 and "ไตรมาส" not in v and _DATE_RE.search(thai.to_arabic_digits(v))
    ]


def read_document(data: bytes) -> RawSheet:
    """The document as one RawSheet (rows read up front: a document is small and its tables
    are looked at whole to tell what they are)."""
    try:
        document = Document(io.BytesIO(data))
        reader = _Reader()
        rows = list(reader.rows(document.element.body))
    except RejectedFile:
        raise
    except Exception as exc:  # python-docx and lxml raise many types for a damaged file
        raise RejectedFile(UNREADABLE) from exc
    return RawSheet(
        DOCUMENT_SHEET,
        iter(rows),
        locate=reader.locate,
        paragraphs=frozenset(reader.paragraph_rows),
        notes=reader.notes,
    )
