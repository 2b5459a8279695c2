"""Documents as editable Word files (.docx, python-docx; issue 19): the project document and the
plan book with the same content and numbers as their PDFs, for offices that finish, adjust and
sign them in Word.

Built from the same data the PDFs print: a project from its document (projects.audit.document —
for an approved project, its approved snapshot), the book from the plan's figures
(budgets.figures.summarize) and each listed project's document. Real Word tables, TH SarabunPSK
16 pt (complex-script size and font set too: Word shapes Thai with the cs attributes), the
official margins of print.css (top 2.5, right 2, bottom 2, left 3 cm), headings as Word
headings so that Word builds its own contents, Thai or Arabic digits as the office chooses.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from actionplan import thai

FONT = "TH SarabunPSK"
SIZE = Pt(16)
_WHOLE_RE = re.compile(r"(?<=\d)\.00(?!\d)")
MONTHS = [
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
]


class Writer:
    """A Word document in the office's style: one font, sizes and margins everywhere."""

    def __init__(
        self, digits: str = "thai", *, title: str = "", subject: str = "", author: str = ""
    ):
        self.digits = digits
        self.doc = Document()
        properties = self.doc.core_properties
        properties.title, properties.subject, properties.author = title, subject, author
        properties.language = "th-TH"
        for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
            self._style(
                self.doc.styles[style_name], bold=style_name.startswith(("Heading", "Title"))
            )
        self.doc.styles["Heading 1"].font.size = Pt(20)
        self.doc.styles["Title"].font.size = Pt(24)
        self.doc.styles["Heading 2"].font.size = Pt(18)
        self.doc.styles["Heading 3"].font.size = SIZE
        section = self.doc.sections[0]
        self._margins(section)

    def _style(self, style, *, bold: bool) -> None:
        style.font.name = FONT
        style.font.size = SIZE
        style.font.bold = bold or None
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        for tag in ("w:szCs",):
            element = rpr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                rpr.append(element)
            element.set(qn("w:val"), str(int(style.font.size.pt * 2)))
        if bold:
            if rpr.find(qn("w:bCs")) is None:
                rpr.append(OxmlElement("w:bCs"))
        language = rpr.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            rpr.append(language)
        language.set(qn("w:bidi"), "th-TH")
        language.set(qn("w:val"), "th-TH")
        if style.font.color is not None and style.type == 1:
            style.font.color.rgb = None

    @staticmethod
    def _margins(section, landscape: bool = False) -> None:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        else:
            section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.right_margin = Cm(2.5), Cm(2.0)
        section.bottom_margin, section.left_margin = Cm(2.0), Cm(3.0)

    def text(self, value) -> str:
        """As the PDF prints it: whole baht without ".00", in the office's digits."""
        value = _WHOLE_RE.sub("", "" if value is None else str(value))
        return thai.to_thai_digits(value) if self.digits == "thai" else value

    def heading(self, value: str, level: int = 1):
        return self.doc.add_heading(self.text(value), level=level)

    def paragraph(
        self, value: str = "", *, bold: bool = False, center: bool = False, indent: bool = False
    ):
        paragraph = self.doc.add_paragraph()
        if value:
            run = paragraph.add_run(self.text(value))
            run.bold = bold or None
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1.25)
        return paragraph

    def table(
        self, header: list[str], rows: list[list], *, numeric: set[int] = frozenset(), widths=None
    ):
        """A bordered Word table, its header row repeated on every page."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for cell, value in zip(head.cells, header, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(self.text(value))
            run.bold = True
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for values in rows:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                lines = self.text(value).split("\n")
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
                if index in numeric:
                    for p in cell.paragraphs:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._widths(table, widths or self._natural_widths(header, rows))
        self.doc.add_paragraph()
        return table

    TEXT_WIDTH_CM = 16.0  # A4 portrait less the 3 cm and 2 cm side margins

    def _natural_widths(self, header: list[str], rows: list[list]) -> list[float]:
        """Column widths in proportion to their longest word-wrapped content, numbers kept whole."""
        weights = []
        for index, title in enumerate(header):
            values = [str(title)] + [str(r[index]) for r in rows if index < len(r)]
            longest = max((len(v) for v in values), default=1)
            weights.append(min(max(longest, 4), 40))
        total = sum(weights)
        return [self.TEXT_WIDTH_CM * w / total for w in weights]

    def _widths(self, table, widths: list[float]) -> None:
        """Fixed column widths Word and LibreOffice both honour (grid, columns and cells)."""
        scale = self.TEXT_WIDTH_CM / sum(widths)
        widths = [w * scale for w in widths]
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
            col.set(qn("w:w"), str(int(Cm(width).twips)))
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)

    def signatures(self, blocks: list[dict]) -> None:
        """The signature chain side by side, without borders, with room to sign."""
        blocks = [b for b in blocks if b.get("title")]
        if not blocks:
            return
        table = self.doc.add_table(rows=1, cols=len(blocks))
        for cell, block in zip(table.rows[0].cells, blocks, strict=True):
            cell.text = ""
            lines = [
                "",
                "ลงชื่อ ........................................",
                f"({block.get('name') or '........................................'})",
                block.get("position", ""),
                block.get("title", ""),
            ]
            for n, line in enumerate(lines):
                paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                paragraph.add_run(self.text(line))
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._widths(table, [1.0] * len(blocks))
        self.doc.add_paragraph()

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _header_rows(document: dict) -> list[list[str]]:
    skip = {"name_th", "rationale_th"}
    return [
        [row["label"], row["value"]]
        for row in document.get("header", [])
        if row["key"] not in skip and row["value"]
    ]


def write_project(w: Writer, document: dict, *, heading_level: int = 1) -> None:
    """One project document: header, numbered narrative, activities, budget, KPIs, signatures."""
    w.heading(document["name_th"], heading_level)
    w.table(["หัวข้อ", "รายละเอียด"], _header_rows(document), widths=[4.5, 11.5])
    rationale = next(
        (r["value"] for r in document.get("header", []) if r["key"] == "rationale_th"), ""
    )
    number = 0
    if rationale:
        number += 1
        w.heading(f"{number}. หลักการและเหตุผล", heading_level + 1)
        for line in rationale.splitlines():
            if line.strip():
                w.paragraph(line.strip(), indent=True)
    for item in document.get("items", []):
        if not item["texts"]:
            continue
        number += 1
        w.heading(f"{number}. {item['label']}", heading_level + 1)
        for n, value in enumerate(item["texts"], start=1):
            w.paragraph(f"{number}.{n} {value}")
    activities = document.get("activities", [])
    if activities:
        number += 1
        w.heading(f"{number}. วิธีดำเนินการและระยะเวลา", heading_level + 1)
        w.table(
            ["ที่", "กิจกรรม", "ระยะเวลา", "สถานที่", "กลุ่มเป้าหมาย", "ผู้รับผิดชอบ"],
            [
                [
                    a["number"],
                    "\n".join([a["title"], *a.get("steps", [])]) if a.get("steps") else a["title"],
                    a.get("period")
                    or ", ".join(MONTHS[m - 1] for m in a.get("months", []) if 1 <= m <= 12),
                    a.get("location", ""),
                    a.get("target_group", ""),
                    a.get("responsible", ""),
                ]
                for a in activities
            ],
            widths=[1.0, 6.0, 2.5, 2.5, 2.5, 2.5],
        )
        number += 1
        w.heading(f"{number}. งบประมาณ", heading_level + 1)
        rows = []
        for a in activities:
            rows.append([a["number"], a["title"], "", a["total"], "", ""])
            for line in a["lines"]:
                rows.append(
                    [
                        "",
                        f"- {line['description']}",
                        line["formula"],
                        line["amount"],
                        line["category"],
                        line["fund"],
                    ]
                )
        totals = document.get("totals", {})
        rows.append(["", "รวมทั้งสิ้น", "", totals.get("total", ""), "", ""])
        w.table(
            ["ที่", "กิจกรรม/รายการ", "สูตรคำนวณ", "จำนวนเงิน (บาท)", "หมวด", "แหล่งงบ"],
            rows,
            numeric={3},
        )
        w.paragraph(f"({totals.get('words', '')})", center=True)
        if totals.get("categories"):
            w.table(
                ["หมวดรายจ่าย", "จำนวนเงิน (บาท)"],
                [list(c) for c in totals["categories"]],
                numeric={1},
            )
        quarters = totals.get("quarters", [])
        if quarters:
            w.paragraph("แผนการใช้จ่ายงบประมาณรายไตรมาส", bold=True)
            w.table(
                ["ไตรมาสที่ 1", "ไตรมาสที่ 2", "ไตรมาสที่ 3", "ไตรมาสที่ 4", "รวม"],
                [[*quarters, totals.get("quarter_total", "")]],
                numeric={0, 1, 2, 3, 4},
            )
    indicators = document.get("indicators", [])
    if indicators:
        number += 1
        w.heading(f"{number}. ตัวชี้วัดความสำเร็จ", heading_level + 1)
        w.table(
            ["ตัวชี้วัดความสำเร็จ", "ค่าเป้าหมาย", "วิธีการประเมิน", "เครื่องมือที่ใช้"],
            [
                [f"{k['level']}: {k['text']}", k["target"], k["method"], k["tool"]]
                for k in indicators
            ],
            widths=[6.5, 3.0, 3.5, 3.0],
        )
    w.signatures(document.get("signatures", []))


def project_docx(document: dict, *, digits: str = "thai", office: str = "") -> bytes:
    w = Writer(
        digits,
        title=document["name_th"],
        subject=f"โครงการตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {document.get('fiscal_year', '')}",
        author=office or document.get("office", ""),
    )
    write_project(w, document)
    return w.save()


def book_docx(
    data: dict, *, digits: str = "thai", progress: Callable[[int], None] | None = None
) -> bytes:
    """The plan book from its data as plans.services.plan_snapshot builds it (an approval's
    frozen data, or the live plan's): cover, part 3's tables per strategy with their printed
    sentence and total, then every project in full."""
    plan = data["plan"]
    w = Writer(digits, title=plan["title"], subject=plan["title"], author=plan["office"])
    w.paragraph(plan["title"], bold=True, center=True)
    w.paragraph(plan["office"], bold=True, center=True)
    w.paragraph(f"ปีงบประมาณ พ.ศ. {plan['fiscal_year']}", center=True)
    w.page_break()
    if plan.get("vision"):
        w.heading("วิสัยทัศน์", 1)
        w.paragraph(plan["vision"], indent=True)
    w.heading("ส่วนที่ 3 โครงการตามแผนปฏิบัติการ", 1)
    for strategy in data["strategies"]:
        w.heading(strategy["title"], 2)
        if strategy.get("sentence"):
            w.paragraph(strategy["sentence"], indent=True)
        w.table(
            ["ที่", "โครงการ", "กลุ่มที่รับผิดชอบ", "งบประมาณ (บาท)"],
            [[r["number"], r["name"], r["unit"], r["total"]] for r in strategy["rows"]]
            + [["", "รวม", "", strategy["total"]]],
            numeric={3},
            widths=[1.0, 8.5, 4.0, 2.5],
        )
    total = thai.format_money(Decimal(data["totals"]["plan_total"]), zero="0.00")
    w.paragraph(f"รวมงบประมาณทั้งแผน {total} บาท", bold=True)
    documents = data.get("projects", [])
    for n, document in enumerate(documents, start=1):
        w.page_break()
        write_project(w, document, heading_level=2)
        if progress:
            progress(int(n * 100 / max(len(documents), 1)))
    return w.save()
