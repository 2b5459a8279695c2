"""Column widths of the printed tables from the text they hold.

A fixed-layout table never overflows the text width, but a cell can: an amount wider than its
column runs into the next one, and a heading word wider than its column is cut mid-word
(overflow-wrap). So a wide table's widths and font size are worked out here from the text
each column must hold, measured with the vendored font's own advance widths (fontTools, a
WeasyPrint dependency): amounts are one unbreakable run, headings break only between Thai
words, found by libthai, the library Pango breaks Thai lines with (docs/decisions/
print-table-widths.md). The largest font size at which every column fits wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from actionplan import thai
from printing.renderer import FONT_DIR, FONT_FILES, PdfError

PT_PER_CM = 72 / 2.54
SIZES = (14, 13, 12, 11, 10)  # table font sizes tried, largest first (pt)
SAFETY = 1.04  # shaping and kerning differ slightly from the sum of advance widths


@lru_cache(maxsize=4)
def _metrics(bold: bool) -> tuple[dict[int, int], float]:
    """{code point: advance} and units per em of the regular or bold face."""
    from fontTools.ttLib import TTFont

    name = FONT_FILES[("bold" if bold else "normal", "normal")]
    found = finders.find(f"{FONT_DIR}/{name}")
    path = Path(found) if found else Path(settings.STATIC_ROOT) / FONT_DIR / name
    font = TTFont(path, lazy=True)
    hmtx = font["hmtx"]
    advances = {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, float(font["head"].unitsPerEm)


def text_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of one line of `text` at `size_pt` (combining Thai marks advance nothing)."""
    advances, em = _metrics(bold)
    fallback = advances.get(ord("0"), em / 2)
    units = sum(advances.get(ord(ch), fallback) for ch in text)
    return units / em * size_pt / PT_PER_CM * SAFETY


@lru_cache(maxsize=1)
def _libthai():
    """libthai's word breaker, or None where the library is missing (spaces only, then)."""
    path = ctypes.util.find_library("thai") or "libthai.so.0"
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return None
    lib.th_brk_new.restype = ctypes.c_void_p
    lib.th_brk_new.argtypes = [ctypes.c_char_p]
    lib.th_brk_wc_find_breaks.restype = ctypes.c_int
    lib.th_brk_wc_find_breaks.argtypes = [
        ctypes.c_void_p,
        ctypes.c_wchar_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_size_t,
    ]
    breaker = lib.th_brk_new(None)
    return (lib, breaker) if breaker else None


_THAI = re.compile(r"[\u0e00-\u0e7f]")


def words(text: str) -> list[str]:
    """The pieces a line may break between: runs between spaces, Thai runs split into words."""
    found = []
    engine = _libthai()
    for run in text.split():
        if engine is None or not _THAI.search(run):
            found.append(run)
            continue
        lib, breaker = engine
        positions = (ctypes.c_int * (len(run) + 1))()
        count = lib.th_brk_wc_find_breaks(breaker, run, positions, len(run) + 1)
        start = 0
        for end in [*positions[:count], len(run)]:
            if end > start:
                found.append(run[start:end])
                start = end
    return found


@dataclass
class Column:
    """What a column must hold: its heading (wrapped between words, or a list of runs that
    must each stay on one line), its cells (one unbreakable line each: amounts, dates) and
    bold cells (total rows). `width` fixes it (cm); `flexible` columns share what is left."""

    header: str | list[str] = ""
    cells: list[str] = field(default_factory=list)
    bold_cells: list[str] = field(default_factory=list)
    width: float | None = None
    flexible: bool = False
    min_width: float = 0.0
    preferred: float = 0.0  # the width it gets when there is room (cm)


_THAI_DIGITS = str.maketrans(thai.ARABIC_DIGITS, thai.THAI_DIGITS)


def needed_cm(column: Column, size: float, padding_cm: float, digits: str = "arabic") -> float:
    """The narrowest width that holds every cell and heading word of the column at `size`,
    measured as printed: in Thai digits when the document localises them (their widths differ)."""
    if column.width is not None:
        return column.width

    def printed(text: str) -> str:
        text = str(text)
        return text.translate(_THAI_DIGITS) if digits == "thai" else text

    runs = column.header if isinstance(column.header, list) else words(column.header)
    widths = [text_width_cm(printed(run), size, bold=True) for run in runs]
    widths += [text_width_cm(printed(cell), size) for cell in column.cells if cell]
    widths += [text_width_cm(printed(cell), size, bold=True) for cell in column.bold_cells if cell]
    return max([column.min_width, *widths]) + padding_cm


@dataclass
class Fit:
    size: float  # pt
    widths: list[str]  # "2.35cm" per column

    @property
    def style(self) -> str:
        return f"font-size: {self.size:g}pt"


def fit_columns(
    columns: list[Column],
    total_cm: float,
    *,
    sizes: tuple[float, ...] = SIZES,
    padding_pt: float = 4.6,
    flexible_min_cm: float = 3.5,
    flexible_comfort_cm: float = 5.5,
    digits: str = "arabic",
) -> Fit:
    """The largest font size at which every column fits in `total_cm`, with the widths: each
    column gets what it needs, then as much of its preferred width as the flexible columns
    can spare while they keep flexible_comfort_cm, and the flexible ones share the rest (at
    least flexible_min_cm each). `padding_pt`: the cells' left and right padding plus rule."""
    flexible = [i for i, c in enumerate(columns) if c.flexible]
    padding = padding_pt / PT_PER_CM
    for size in sizes:
        needs = [0.0 if c.flexible else needed_cm(c, size, padding, digits) for c in columns]
        floor = max(
            [flexible_min_cm] + [needed_cm(columns[i], size, padding, digits) for i in flexible]
        )
        spare = total_cm - sum(needs) - floor * len(flexible)
        if spare < 0:
            continue
        wants = [
            max(0.0, c.preferred - w) if not c.flexible else 0.0
            for c, w in zip(columns, needs, strict=True)
        ]
        room = spare - max(0.0, flexible_comfort_cm - floor) * len(flexible)
        if sum(wants) and room > 0:
            share = min(1.0, room / sum(wants))
            needs = [w + want * share for w, want in zip(needs, wants, strict=True)]
        rest = total_cm - sum(needs)
        if flexible:
            for i in flexible:
                needs[i] = rest / len(flexible)
        else:  # no flexible column: the spare width goes to the columns not fixed
            loose = [i for i, c in enumerate(columns) if c.width is None] or range(len(columns))
            for i in loose:
                needs[i] += rest / len(loose)
        return Fit(size, [f"{w:.2f}cm" for w in needs])
    raise PdfError("ตารางกว้างเกินหน้ากระดาษ: จำนวนคอลัมน์หรือตัวเลขมากเกินกว่าจะพิมพ์ได้")
