"""One normalising matcher for the template's closed lists: a value typed as the dropdown offers
it ("ด้านผลผลิต (Output)"), shortened ("ผลผลิต"), in English ("output"), with or without the
brackets, with extra spaces or Thai digits is the same value. Used for project types, KPI levels,
types and comparators, narrative headings, people's roles, yes/no, categories and fund sources.

A spelling is reduced to keys, most exact first (choice_keys); a value answers to the keys of its
label, its code and its listed synonyms. A key two values share means neither (never a guess).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actionplan.i18n import thai_labels
from imports.cells import squash

_BRACKETS_RE = re.compile(r"^(.*?)[(\[（](.*?)[)\]）](.*)$")
_BRACKET_CHARS = str.maketrans("", "", "()[]（）")
# Leading words a label may be written with or without: "โครงการใหม่" / "ใหม่",
# "ด้านผลผลิต" / "ผลผลิต", "เชิงปริมาณ" / "ปริมาณ", "ค่าวัสดุ" / "วัสดุ".
_PREFIXES = ("โครงการ", "ด้าน", "เป้าหมาย", "เชิง", "ค่า", "งบประมาณ")


def choice_keys(text: str) -> list[str]:
    """The matching keys of a spelling, most exact first."""
    key = squash(text or "").strip(".:;,")
    if not key:
        return []
    keys = [key, key.translate(_BRACKET_CHARS)]
    brackets = _BRACKETS_RE.match(key)
    if brackets:
        keys += [brackets[1] + brackets[3], brackets[2]]
    for k in list(keys):
        for prefix in _PREFIXES:
            while k.startswith(prefix) and len(k) > len(prefix):
                k = k[len(prefix) :]
                keys.append(k)
    return [k for k in dict.fromkeys(k.strip(".:;,") for k in keys) if k]


class Choices:
    """A closed list: values with their spellings; find() reads a cell's text as one of them."""

    def __init__(self, entries: Iterable[tuple[object, Iterable[str]]]):
        self._keys: dict[str, dict[object, int]] = {}
        for value, spellings in entries:
            for spelling in spellings:
                for rank, key in enumerate(choice_keys(str(spelling))):
                    ranks = self._keys.setdefault(key, {})
                    ranks[value] = min(rank, ranks.get(value, rank))

    @classmethod
    def of(cls, enum, synonyms: dict[str, Iterable[str]] | None = None) -> Choices:
        """A TextChoices class: each value answers to its code, its Thai label and its synonyms."""
        synonyms = synonyms or {}
        return cls(
            (value, [value, label, *synonyms.get(value, ())])
            for value, label in thai_labels(enum).items()
        )

    def find(self, raw: str):
        """The value `raw` spells, or None (unknown, or as close to two values as to one)."""
        for key in choice_keys(raw):
            ranks = self._keys.get(key)
            if not ranks:
                continue
            best = min(ranks.values())
            winners = [value for value, rank in ranks.items() if rank == best]
            return winners[0] if len(winners) == 1 else None
        return None


# Spellings offices use besides the labels (issue 16); the labels come from the models.
PROJECT_TYPE_SYNONYMS = {"continuing": ["ต่อเนื่อง", "continue"], "new": ["ใหม่"]}
RESULT_LEVEL_SYNONYMS = {"output": ["ผลผลิต"], "outcome": ["ผลลัพธ์"]}
MEASURE_TYPE_SYNONYMS = {"quantitative": ["ปริมาณ"], "qualitative": ["คุณภาพ"]}
COMPARATOR_SYNONYMS = {
    "eq": ["=", "=="],
    "gte": [">=", "≥", "=>", "ไม่ต่ำกว่า", "อย่างน้อย"],
    "lte": ["<=", "≤", "=<", "ไม่มากกว่า", "สูงสุด"],
    "gt": [">"],
    "lt": ["<", "ต่ำกว่า"],
    "text": ["ข้อความ"],
}
ITEM_KIND_SYNONYMS = {
    "objective": ["วัตถุประสงค์โครงการ"],
    "target_quant": ["เชิงปริมาณ"],
    "target_qual": ["เชิงคุณภาพ"],
    "outcome": ["ผลที่คาดว่าจะได้รับ", "ผลที่คาดว่าจะได้"],
}
PERSON_ROLE_SYNONYMS = {"responsible": ["ผู้รับผิดชอบ"], "team": ["ผู้ร่วม", "ผู้ร่วมรับผิดชอบ"]}
YES_NO = Choices(
    [
        (True, ["ใช่", "yes", "y", "true", "✓", "ขอถัวจ่ายทุกรายการ", "ถัวจ่าย"]),
        (False, ["ไม่", "ไม่ใช่", "no", "n", "false", "ไม่ขอถัวจ่าย"]),
    ]
)
