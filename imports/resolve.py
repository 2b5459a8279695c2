"""Match names written in files to the office's groups, the budget categories and fund sources,
from maps loaded once per import (never a query per row)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from actionplan.i18n import thai_labels
from actionplan.models import STANDARD_GROUP_ALIASES, StandardGroup
from imports.cells import squash
from imports.choices import Choices
from imports.headers import FUND_SYNONYMS

_MIN_CONTAINED = 6  # a known name must be this long to count when found inside longer text
_SUGGEST_RATIO = 0.6


@dataclass(frozen=True)
class GroupMatch:
    unit_id: int | None
    candidates: list[tuple[int, str]]
    suggested: int | None = None


class GroupMatcher:
    """Group names by exact spelling (name, short name, aliases, the MOE variants, remembered
    choices), then by a known name inside longer text ("สพป.… เขต ๒ กลุ่มบริหารงานบุคคล"),
    then "กลุ่มนิเทศฯ"-style abbreviations; anything else is a choice for the user."""

    def __init__(self, units, remembered: dict[str, int]):
        self.units = [u for u in units]
        self.names = {u.pk: u.name_th for u in self.units}
        self.remembered = remembered
        self.keys: dict[str, set[int]] = {}
        standard = thai_labels(StandardGroup)  # the file's words are Thai, whatever the page's
        for unit in self.units:
            spellings = {unit.name_th, unit.short_name_th, *(unit.aliases or [])}
            if unit.standard_code:
                spellings.add(standard[unit.standard_code])
                spellings.update(STANDARD_GROUP_ALIASES.get(unit.standard_code, []))
            for spelling in spellings:
                key = squash(spelling or "")
                if key:
                    self.keys.setdefault(key, set()).add(unit.pk)

    def match(self, raw: str) -> GroupMatch:
        key = squash(raw)
        if key in self.remembered and self.remembered[key] in self.names:
            return GroupMatch(self.remembered[key], [])
        exact = self.keys.get(key, set())
        if len(exact) == 1:
            return GroupMatch(next(iter(exact)), [])
        found = self._contained(key) or self._abbreviated(key)
        if found is not None:
            return GroupMatch(found, [])
        return GroupMatch(None, *self._suggest(key, exact))

    def _contained(self, key: str) -> int | None:
        best_len, best = 0, set()
        for known, ids in self.keys.items():
            if len(known) >= _MIN_CONTAINED and known in key:
                if len(known) > best_len:
                    best_len, best = len(known), set(ids)
                elif len(known) == best_len:
                    best |= ids
        return next(iter(best)) if len(best) == 1 else None

    def _abbreviated(self, key: str) -> int | None:
        if not key.endswith("ฯ") or len(key) <= _MIN_CONTAINED:
            return None
        stem = key.rstrip("ฯ")
        ids = {pk for known, pks in self.keys.items() if known.startswith(stem) for pk in pks}
        return next(iter(ids)) if len(ids) == 1 else None

    def _suggest(self, key: str, tied: set[int]) -> tuple[list[tuple[int, str]], int | None]:
        scores: dict[int, float] = {}
        for known, ids in self.keys.items():
            ratio = difflib.SequenceMatcher(None, key, known).ratio()
            for pk in ids:
                scores[pk] = max(scores.get(pk, 0.0), ratio + (1.0 if pk in tied else 0.0))
        ranked = sorted(self.units, key=lambda u: (-scores.get(u.pk, 0.0), u.sort_order, u.name_th))
        suggested = (
            ranked[0].pk if ranked and scores.get(ranked[0].pk, 0) >= _SUGGEST_RATIO else None
        )
        return [(u.pk, u.name_th) for u in ranked], suggested


class Reference:
    """Categories or fund sources by code, name and short name, then the funding synonyms (a
    synonym never takes a spelling a name claims), read through the one normalising matcher
    (imports/choices.py)."""

    def __init__(self, objects, synonyms: dict[str, str] | None = None):
        self.objects = list(objects)
        self.by_code = {o.code: o for o in self.objects}
        self.names = Choices((o, [o.code, o.name_th, o.short_th]) for o in self.objects)
        extra: dict[str, list[str]] = {}
        for word, code in (synonyms or {}).items():
            if code in self.by_code:
                extra.setdefault(code, []).append(word)
        self.synonyms = Choices((self.by_code[code], words) for code, words in extra.items())

    def find(self, raw: str):
        if raw in self.by_code:
            return self.by_code[raw]
        return self.names.find(raw) or self.synonyms.find(raw)


def categories_reference(categories) -> Reference:
    return Reference(categories)


def funds_reference(funds) -> Reference:
    return Reference(funds, FUND_SYNONYMS)
