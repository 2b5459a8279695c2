"""Header rows: classify each column of a (possibly merged, multi-row) header by its words and
decide which kind of table it heads. Reference words come in through a Vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from imports.cells import squash, text
from imports.records import Loc

# --- header classification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The category and fund-source words of this installation, as squashed keys → codes."""

    categories: tuple[tuple[str, str], ...]
    funds: dict[str, str]

    @classmethod
    def build(cls, categories: Iterable, funds: Iterable) -> Vocabulary:
        cat_keys = []
        for c in categories:
            for word in {c.name_th, c.short_th, c.code}:
                if word:
                    cat_keys.append((squash(word), c.code))
        fund_keys = {squash(k): v for k, v in FUND_SYNONYMS.items()}
        for s in funds:
            for word in {s.name_th, s.short_th, s.code}:
                if word:
                    fund_keys.setdefault(squash(word), s.code)
        cat_keys.sort(key=lambda kv: -len(kv[0]))
        return cls(tuple(cat_keys), fund_keys)

    def category_code(self, key: str) -> str | None:
        for word, code in self.categories:
            if word and word in key:
                return code
        return None


# Headings that name where money comes from (สพป. in a summary table means the office's own budget).
FUND_SYNONYMS = {
    "สพป.": "esa",
    "สพม.": "esa",
    "สพท.": "esa",
    "เงินงบประมาณ": "esa",
    "สพฐ.": "obec",
    "หน่วยงานอื่น": "other_agency",
    "ภายนอก": "external",
    "เงินนอกงบประมาณ": "off_budget",
    "นอกงบประมาณ": "off_budget",
}

_NO_WORDS = {"ที่", "ข้อ", "ลำดับ", "ลำดับที่", "ลำดับความสำคัญ"}
_GROUP_WORDS = ("กลุ่มที่รับผิดชอบ", "ผู้รับผิดชอบ", "หน่วยงานที่รับผิดชอบ", "หน่วยงานรับผิดชอบ")
_QUARTER_RE = re.compile(r"ไตรมาส(?:ที่)?(\d)")
MAX_HEADER_CELL = 90


@dataclass(frozen=True)
class Column:
    index: int
    role: (
        str  # no, project, group, item, amount, total, category, fund, quarter, remark, start, end,
        # indicator, method, tool
    )
    arg: str = ""
    label: str = ""


def classify(label: str, vocab: Vocabulary) -> tuple[str, str] | None:
    key = squash(label)
    if not key or len(key) > MAX_HEADER_CELL:
        return None
    quarter = _QUARTER_RE.search(key)
    if quarter and 1 <= int(quarter[1]) <= 4:
        return "quarter", quarter[1]
    if key in _NO_WORDS or key.startswith("ลำดับ"):
        return "no", ""
    if key.startswith("หมายเหตุ"):
        return "remark", ""
    if key.startswith("ตัวชี้วัด"):
        return "indicator", ""
    if key.startswith("วิธีการประเมิน") or key.startswith("วิธีการวัด"):
        return "method", ""
    if key.startswith("เครื่องมือ"):
        return "tool", ""
    if key.startswith(("เริ่มต้น", "วันเริ่มต้น", "วันที่เริ่มต้น", "เริ่ม")):
        return "start", ""
    if key.startswith(("สิ้นสุด", "วันสิ้นสุด", "วันที่สิ้นสุด")):
        return "end", ""
    category = vocab.category_code(key)
    if category and "หมวด" not in key:
        return "category", category
    if "นอกงบประมาณ" in key:
        return "fund", vocab.funds.get(squash("นอกงบประมาณ"), "off_budget")
    if key.startswith("รวม"):
        return "total", ""
    if "โครงการ" in key:
        return "project", ""
    if any(word in key for word in _GROUP_WORDS) or key in {"กลุ่ม", "กลุ่ม/หน่วย"}:
        return "group", ""
    if "กิจกรรม" in key or "รายการ" in key:
        return "item", ""
    if key in vocab.funds:
        return "fund", vocab.funds[key]
    if "งบประมาณ" in key or key.startswith("จำนวนเงิน"):
        return "amount", ""
    return None


@dataclass
class Header:
    layout: str
    columns: list[Column]
    loc: Loc

    def by_role(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    def first(self, role: str) -> Column | None:
        found = self.by_role(role)
        return found[0] if found else None

    @property
    def signature(self) -> tuple:
        return tuple((c.index, c.role, c.arg) for c in self.columns)


def layout_of(columns: list[Column]) -> str | None:
    roles = {c.role for c in columns}
    quarters = {c.arg for c in columns if c.role == "quarter"}
    if quarters >= {"1", "2", "3", "4"} and roles & {"item", "project"}:
        return "quarterly"
    if quarters:
        return None
    if {"start", "end"} <= roles and roles & {"project", "item"}:
        return "duration"
    if "indicator" in roles and roles & {"method", "tool"}:
        return "kpi"  # read from Word forms only (SheetWalker._header)
    if "project" in roles and roles & {"amount", "fund", "total"} and not roles & {"category"}:
        return "summary"
    if "item" in roles and (roles & {"category", "amount", "total"}):
        return "budget"
    return None


def columns_for(block: list[list], vocab: Vocabulary) -> list[Column]:
    """Classify each column of a multi-row header: the lowest label that means something wins;
    an empty cell under (or beside) a merged spanning label inherits it as context."""
    width = max(len(r) for r in block)
    carried: list[list[str]] = [[] for _ in range(width)]
    for depth, row in enumerate(block):
        span = ""
        for i in range(width):
            value = text(row[i]) if i < len(row) else ""
            below = any(i < len(r) and text(r[i]) for r in block[depth + 1 :])
            if value:
                span = value
                carried[i].append(value)
            elif span and below and depth < len(block) - 1:
                carried[i].append(span)
    columns = []
    for i, labels in enumerate(carried):
        for label in reversed(labels):
            found = classify(label, vocab)
            if found:
                columns.append(Column(i, found[0], found[1], " ".join(labels)))
                break
    return columns
