"""What a Word project form says in paragraphs rather than in tables (imports/document.py reads
the document): the header lines (ลักษณะโครงการ, ผู้รับผิดชอบ, ระยะเวลา) and the budget written as
lines under "ประมาณการค่าใช้จ่าย" (seed 000):

    1.1 ประชุมผู้บริหารการศึกษา …                               an activity
    - ค่าอาหารว่างและเครื่องดื่ม 32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท   a line, its formula
    - ค่าวัสดุ = 1,500 บาท                                       a plain amount
    รวมกิจกรรม = 6,820 บาท                                       a printed total, checked

The records are those of a budget table (ActivityIn, LineIn), so planning treats them alike.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from actionplan import thai
from imports.cells import DASH_RE, ZERO, parent_label, split_formula, split_label, squash
from imports.records import ActivityIn, LineIn, Loc, Mismatch

if TYPE_CHECKING:
    from imports.parse import SheetWalker

BUDGET_START_RE = re.compile(
    r"ประมาณการค่าใช้จ่าย|^ส่วนที่\s*\d+\s*งบประมาณ\s*$|รายละเอียด(?:การใช้|การใช้จ่าย)?งบประมาณ"
)
_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(?:\.-|-)?\s*บาท"
_LINE_AMOUNT_RE = re.compile(rf"(?:=|:)?\s*{_AMOUNT}\s*$")
_TOTAL_RE = re.compile(rf"^รวม[^=:\d]*(?:=|:)?\s*{_AMOUNT}")
_DECLARED_RE = re.compile(rf"(?:รวม|จำนวน|ทั้งสิ้น)\s*(?:=|:)?\s*{_AMOUNT}")
# Numbered paragraphs that start the form's next section, not an activity of the budget.
_SECTION_WORDS = (
    "ระยะเวลา",
    "สถานที่",
    "ผลที่คาดว่า",
    "การประเมินผล",
    "ตัวชี้วัด",
    "ผู้รับผิดชอบ",
    "แผนการปฏิบัติงาน",
    "แผนการใช้จ่าย",
    "การติดตาม",
    "ความเสี่ยง",
)
_STOP_WORDS = ("ผู้เสนอ", "ผู้เห็นชอบ", "ผู้อนุมัติ", "ลงชื่อ", "ส่วนที่", "(")


def _number(raw: str) -> Decimal | None:
    try:
        return thai.parse_number(raw)
    except ValueError:
        return None


class ParagraphBudget:
    """The budget lines of one project written as paragraphs; ends at the first other text."""

    def __init__(self, walker: SheetWalker):
        self.walker = walker
        self.file = walker.file
        self.parsed = walker.parsed
        self.project = walker.project
        self.activities: list[ActivityIn] = []
        self.by_label: dict[str, ActivityIn] = {}
        self.current: ActivityIn | None = None
        self.group: ActivityIn | None = None  # an unnumbered "กิจกรรม …" heading
        self.sum = ZERO
        self.lines = 0

    def row(self, excel_row: int, value: str) -> bool:
        """True when the paragraph was part of the budget."""
        loc = self.walker.loc(excel_row, 0)
        total = _TOTAL_RE.match(value)
        if total:
            self._total(_number(total[1]), value, loc)
            return True
        dash = DASH_RE.match(value)
        if dash and len(value) > dash.end():
            return self._line(value[dash.end() :], loc)
        if value.startswith(_STOP_WORDS):
            return False
        label, rest = split_label(value)
        if label:
            if any(word in rest[:30] for word in _SECTION_WORDS):
                return False
            if "." not in label and self.lines == 0 and "ค่าใช้จ่าย" in rest:
                return True  # "1. ประมาณการค่าใช้จ่าย": the section's own title
            self._activity(label, rest, loc)
            return True
        if self.lines == 0:
            declared = _DECLARED_RE.search(value)
            if declared and "งบประมาณ" in value:
                amount = _number(declared[1])
                if amount is not None and self.project is not None:
                    self.file.set_declared(self.project, amount, loc)
                return True
        if value.startswith("กิจกรรม") and len(value) < 300:
            self.group = self._activity("", value, loc)
            return True
        return False

    def _activity(self, label: str, title: str, loc: Loc) -> ActivityIn:
        label = thai.to_arabic_digits(label)
        parent = self.by_label.get(parent_label(label)) if "." in label else None
        if parent is None and label:
            parent = self.group
        activity = ActivityIn(loc=loc, title=title.strip(), label=label, parent=parent)
        self.activities.append(activity)
        if label:
            self.by_label[label] = activity
        self.current = activity
        return activity

    def _line(self, rest: str, loc: Loc) -> bool:
        amount_match = _LINE_AMOUNT_RE.search(rest)
        if amount_match is None:
            if self.current is not None and self.current.lines:
                last = self.current.lines[-1]
                last.description = f"{last.description} {rest}".strip()
                return True
            return False
        before = rest[: amount_match.start()].rstrip(" =:")
        amount = _number(amount_match[1])
        description, formula = split_formula(before)
        description = description.strip(" -=:") or before
        if self.current is None:
            self.current = self._activity("", "ค่าใช้จ่ายโครงการ", loc)
        self.current.lines.append(
            LineIn(
                loc,
                description,
                formula,
                amount,
                formula_loc=loc if formula else None,
            )
        )
        self.sum += amount or ZERO
        self.lines += 1
        return True

    def _total(self, value: Decimal | None, text: str, loc: Loc) -> None:
        if value is None or self.project is None:
            return
        if self.lines == 0:
            self.file.set_declared(self.project, value, loc)
            return
        if value != self.sum:
            self.parsed.mismatches.append(
                Mismatch(
                    f"โครงการ “{self.project.name}”: “{text[:60]}” ไม่เท่ากับผลรวมของรายการที่อยู่เหนือ",
                    value,
                    self.sum,
                    "activity",
                    loc,
                )
            )
        if not self.project.declared_given:
            self.file.set_declared(self.project, value, loc)

    def finish(self) -> None:
        if self.project is None or not self.lines:
            return
        with_money = {id(a) for a in self.activities if a.lines}
        for a in self.activities:
            if a.parent is not None and id(a) in with_money:
                with_money.add(id(a.parent))
        keep = [a for a in self.activities if id(a) in with_money]
        self.file.add_activities(self.project, keep, quarterly=False)


# --- numbered narrative sections of the form ------------------------------------------------

# section heading word -> what its paragraphs are: "rationale" (one text) or an item kind
NARRATIVE_SECTIONS = (
    ("หลักการและเหตุผล", "rationale"),
    ("วัตถุประสงค์", "objective"),
    ("เป้าหมาย", "target_quant"),
    ("ผลที่คาดว่าจะได้รับ", "outcome"),
    ("ผลที่คาดว่าจะได้", "outcome"),
)


def section_of(value: str) -> tuple[str | None, bool]:
    """(what a heading starts, whether the paragraph is a form section heading at all):
    "1. หลักการและเหตุผล" → ("rationale", True); "5. งบประมาณที่ใช้" → (None, True). Every
    top-level number typed in front of a paragraph starts a section of the form."""
    label, rest = split_label(thai.to_arabic_digits(value))
    if value.startswith("ส่วนที่"):
        return None, True
    if not label or "." in label.strip("."):
        return None, False  # "2.1 เพื่อ…" is an item of a section, not a heading
    for word, kind in NARRATIVE_SECTIONS:
        if squash(rest).startswith(word):
            return kind, True
    return None, True


def target_kind(value: str) -> str | None:
    """A sub-heading of เป้าหมาย: "ก เชิงปริมาณ", "3.1 เจริญปริมาณ" (sic), "3.2 เชิงคุณภาพ"."""
    if len(value) > 40:
        return None
    if "ปริมาณ" in value or "ผลผลิต" in value:
        return "target_quant"
    if "คุณภาพ" in value or "ผลลัพธ์" in value:
        return "target_qual"
    return None


def item_text(value: str) -> str:
    """A narrative paragraph without the number typed in front of it ("2.1 เพื่อ…")."""
    label, rest = split_label(thai.to_arabic_digits(value.strip()))
    return (rest if label and rest else value).strip()


# --- header lines of the form ---------------------------------------------------------------

_GROUP_IN_TEXT_RE = re.compile(r"(กลุ่ม|หน่วย)")
_LEAD_END_RE = re.compile(r"\s+(?=กลุ่ม|หน่วย)|,|\n")


def group_in(value: str) -> str:
    """The lead group named in a responsible-person line ("นาง… และบุคลากรในกลุ่มอำนวยการ"):
    from the first กลุ่ม/หน่วย to the next group named after it; "" when it names only people."""
    found = _GROUP_IN_TEXT_RE.search(value)
    if found is None:
        return ""
    rest = value[found.start() :]
    end = _LEAD_END_RE.search(rest, 5)
    return (rest[: end.start()] if end else rest).strip()


FORM_FIELDS = {
    "ลักษณะโครงการ": "project_type",
    "ระยะเวลาดำเนินโครงการ": "period",
    "ระยะเวลาดำเนินการ": "period",
    "ระยะเวลาดำเนินงาน": "period",
    "ระยะเวลา": "period",
    "ผู้รับผิดชอบโครงการ": "group",
    "ผู้รับผิดชอบ": "group",
    "กลุ่ม/หน่วยที่รับผิดชอบ": "group",
    "กลุ่มที่รับผิดชอบ": "group",
    "หน่วยงานที่รับผิดชอบ": "group",
    "หน่วยงานรับผิดชอบ": "group",
    "กลุ่มงานที่รับผิดชอบ": "group",
}
_FORM_KEYS = sorted(((squash(k), v) for k, v in FORM_FIELDS.items()), key=lambda kv: -len(kv[0]))


def form_field(label: str) -> str | None:
    """The field a header label gives ("๖. ระยะเวลาดำเนินโครงการและสถานที่ดำเนินการ" → period)."""
    key = squash(split_label(thai.to_arabic_digits(label))[1] or label)
    for word, name in _FORM_KEYS:
        if key.startswith(word):
            return name
    return None


def split_form_line(value: str) -> tuple[str, str] | None:
    """A one-cell header line: "label : value" or "label value" for a known label."""
    head, sep, tail = value.partition(":")
    if sep and form_field(head) and tail.strip():
        return head.strip(), tail.strip()
    body = split_label(thai.to_arabic_digits(value))[1] or value
    for word in sorted(FORM_FIELDS, key=len, reverse=True):
        if body.startswith(word) and body[len(word) :].strip():
            return word, body[len(word) :].strip()
    return None
