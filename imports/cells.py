"""Reading one cell: text as written, money with Thai/mixed digits and "-" for zero, Thai and
Excel dates, printed numbering ("๑.๒") and formulas inside item text (domain.md §7)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from actionplan import thai
from imports.reader import UNCOMPUTED, CellError

ZERO = Decimal(0)
MAX_AMOUNT = Decimal("999999999999.99")  # the money columns: DecimalField(max_digits=14, 2)
MAX_INTEGER = 32767  # orders and numbers: PositiveSmallIntegerField

# --- text helpers -------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]{0,200}>")
_SPACE_RE = re.compile(r"\s+")


def text(value) -> str:
    """A cell as display text: one space between words, no HTML tags; digits kept as written
    (keys and numbers are compared after thai.normalise, the stored text stays the office's)."""
    if value is None or value is UNCOMPUTED:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value)
    if "<" in raw:
        raw = _TAG_RE.sub(" ", raw)
    return " ".join(raw.split())


def long_text(value) -> str:
    """A multi-line cell (rationale, steps) as stored: its lines kept (paragraph breaks too), each
    with one space between words, CR/CRLF as LF, no blank lines at either end."""
    if value is None or value is UNCOMPUTED:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value)
    if "<" in raw:
        raw = _TAG_RE.sub(" ", raw)
    lines = [
        " ".join(line.split()) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    return "\n".join(lines).strip("\n")


def lines_of(value) -> list[str]:
    """The non-empty lines of a multi-line cell, each normalised."""
    if value is None or value is UNCOMPUTED:
        return []
    if not isinstance(value, str):
        return [text(value)]
    return [t for t in (text(line) for line in value.splitlines()) if t]


def squash(value: str) -> str:
    """A matching key: normalised, every space removed, Latin letters lower-cased."""
    return _SPACE_RE.sub("", thai.normalise(value)).lower()


def project_key(name: str) -> str:
    """Projects match by name without spacing and without the leading word "โครงการ"."""
    key = squash(name)
    return key[len("โครงการ") :] if key.startswith("โครงการ") and len(key) > 7 else key


def strip_project_word(name: str) -> str:
    name = name.strip()
    for word in ("ชื่อโครงการ", "โครงการ"):
        if name.startswith(word):
            return name[len(word) :].lstrip(" :")
    return name


_LABEL_RE = re.compile(r"^(?:(กิจกรรม)ที่\s*)?(\d+(?:\.\d+)*)\.?(?=\s|$|[^\d.])\s*")
DASH_RE = re.compile(r"^[-–•·●▶*]+\s*")


def split_label(value: str) -> tuple[str, str]:
    """ "๑.๒ ประชุม…" → ("1.2", "ประชุม…"); "กิจกรรมที่ 3 …" → ("3", "กิจกรรมที่ 3 …")."""
    match = _LABEL_RE.match(value)
    if not match:
        return "", value
    label = thai.to_arabic_digits(match[2])
    rest = value[match.end() :].strip()
    if match[1]:  # keep "กิจกรรมที่ n" in the title: it is how the activity is named
        return label, value
    return label, rest or value


def parent_label(label: str) -> str:
    return label.rsplit(".", 1)[0] if "." in label else ""


_ARROWS = set("←→↔⟵⟶ -–—")


class CellProblem(Exception):
    """A cell that cannot be read as the column needs; the message is Thai."""


def amount(value) -> Decimal | None:
    """A money cell: None when blank; "-", "--", arrows = 0; Thai/mixed digits, ".- บาท" accepted."""
    if value is None:
        return None
    if value is UNCOMPUTED:
        raise CellProblem("มีสูตรคำนวณแต่ไม่มีค่าที่คำนวณไว้ (เปิดไฟล์ใน Excel แล้วบันทึกอีกครั้ง)")
    if isinstance(value, CellError):
        raise CellProblem(f"มีค่าผิดพลาด {value}")
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise CellProblem(f"“{value}” ไม่ใช่จำนวนเงิน")
    if isinstance(value, int | float | Decimal):
        result = Decimal(str(value))
        if not result.is_finite():
            raise CellProblem("ไม่ใช่ตัวเลขที่ใช้ได้ (ค่าอนันต์หรือค่าที่คำนวณไม่ได้)")
    else:
        raw = str(value).strip()
        if not raw:
            return None
        if set(raw) <= _ARROWS:
            return ZERO
        try:
            result = thai.parse_number(raw)
        except ValueError:
            raise CellProblem(f"“{raw}” ไม่ใช่ตัวเลข") from None
    check_amount(result)
    if result < 0:
        raise CellProblem(f"จำนวนเงินติดลบ ({result})")
    return result


def check_amount(value: Decimal) -> Decimal:
    """An amount the money columns can hold, or CellProblem (a 1e308 cell must not reach SQL)."""
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise CellProblem(
            f"จำนวน {_magnitude(value)} เกินกว่าที่ระบบรับได้ (ไม่เกิน {thai.format_number(MAX_AMOUNT, 2)})"
        )
    return value


def _magnitude(value: Decimal) -> str:
    """A huge number as the user would recognise it, without printing 300 digits."""
    if not value.is_finite():
        return "อนันต์"
    if value.adjusted() < 18:
        return thai.format_number(value, 2)
    return f"{value:.3E}"


def date_value(value, fiscal_year_be: int | None = None) -> date | None:
    """A date cell: an Excel date or Thai text. Its year may be BE (2566 typed into Excel) or CE
    (2023); thai.resolve_year_be decides, and a year outside the plan's horizon is a CellProblem."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _in_era(value, fiscal_year_be)
    raw = text(value)
    if not raw:
        return None
    try:
        parsed = thai.parse_thai_date(raw, fiscal_year_be)
    except thai.YearOutOfRange as exc:
        raise CellProblem(f"“{raw}”: {exc}") from None
    if parsed:
        return parsed
    try:
        iso = date.fromisoformat(raw)
    except ValueError:
        raise CellProblem(f"“{raw}” ไม่ใช่วันที่ (เช่น 1 ตุลาคม 2566)") from None
    return _in_era(iso, fiscal_year_be)


def _in_era(value: date, fiscal_year_be: int | None) -> date:
    """The CE date meant by a date whose year was typed in either era."""
    try:
        year_be = thai.resolve_year_be(value.year, fiscal_year_be)
        return value.replace(year=thai.be_to_ce(year_be))
    except thai.YearOutOfRange as exc:
        raise CellProblem(f"วันที่ {value.day}/{value.month}/{value.year}: {exc}") from None
    except ValueError:  # 29 February of a year that has none in the other era
        raise CellProblem(f"ไม่มีวันที่ {value.day}/{value.month}/{value.year}") from None


def fiscal_month_of(month: int) -> int:
    """Calendar month (1 = January) → month of the fiscal year (1 = October)."""
    return (month - 10) % 12 + 1


def calendar_month_of(index: int) -> int:
    """Month of the fiscal year (1 = October) → calendar month."""
    return (index + 8) % 12 + 1


_MONTH_WORDS = {
    squash(spelling): fiscal_month_of(month)
    for month in range(1, 13)
    for spelling in (
        thai.MONTHS_FULL[month],
        thai.MONTHS_ABBR[month],
        thai.MONTHS_ABBR[month].replace(".", ""),
    )
}
_MONTH_SPLIT_RE = re.compile(r"[,;\n、]+|\s+(?=\S)")


def months_value(value) -> list[int]:
    """ "ต.ค., พ.ย., ม.ค." (or full month names) → fiscal months [1, 2, 4]; CellProblem otherwise."""
    raw = text(value)
    months = set()
    for word in (w for w in _MONTH_SPLIT_RE.split(raw) if w.strip()):
        month = _MONTH_WORDS.get(squash(word)) or _MONTH_WORDS.get(squash(word).rstrip("."))
        if month is None:
            raise CellProblem(f"“{word}” ไม่ใช่ชื่อเดือน (เช่น ต.ค., พ.ย., ม.ค.)")
        months.add(month)
    return sorted(months)


def months_text(months) -> str:
    """Fiscal months [1, 2, 4] → "ต.ค., พ.ย., ม.ค." (the activity sheet's column)."""
    return ", ".join(thai.MONTHS_ABBR[calendar_month_of(m)] for m in sorted(months) if 1 <= m <= 12)


# --- formulas inside item text ------------------------------------------------------------------

_OPERATOR = r"[xX×*]"
_PAREN_FORMULA_RE = re.compile(rf"\(([^()]*\d[^()]*{_OPERATOR}[^()]*\d[^()]*)\)")
_BARE_FORMULA_RE = re.compile(
    rf"(?:=\s*)?(?:จำนวน\s*)?\d[\d,.]*\s*[^\s\d()=,xX×*]*\s*{_OPERATOR}\s*\d.*$"
)
_NUMBER_RE = re.compile(r"\d+(?:[,.]\d+)*")
_PROSE_FORMULA_RE = re.compile(r"จำนวน\s*\d[\d,.]*\s*\S*\s+\d.*(?:ละ|/).*$")


def split_formula(value: str) -> tuple[str, str]:
    """Separate "ค่าอาหาร (18คน X 33 บาท X2มื้อ)" into the description and the formula text."""
    match = _PAREN_FORMULA_RE.search(value)
    if match:
        description = (value[: match.start()] + value[match.end() :]).strip(" -")
        return _SPACE_RE.sub(" ", description), match[1].strip()
    match = _BARE_FORMULA_RE.search(value) or _PROSE_FORMULA_RE.search(value)
    # Two numbers or more: a formula, even one the grammar will refuse (the planner then sees
    # why, at this cell, instead of the numbers silently staying in the description).
    if match and len(_NUMBER_RE.findall(match[0])) >= 2:
        description = value[: match.start()].strip(" -=")
        return description or value, match[0].strip(" =")
    return value, ""


# --- rows ---------------------------------------------------------------------------------------

STRATEGY_RE = re.compile(r"(กลยุทธ์|ยุทธศาสตร์|ประเด็นกลยุทธ์)\s*ที่\s*(\d+)\s*(.*)$")
DECLARED_RE = re.compile(r"จำนวน(?:ทั้งสิ้น)?\s*(\d[\d,\s]*(?:\.\d+)?)\s*(?:\.-)?\s*บาท")
GROUP_LABELS = (
    "หน่วยงานรับผิดชอบ",
    "หน่วยงานที่รับผิดชอบ",
    "กลุ่มที่รับผิดชอบ",
    "กลุ่มงานที่รับผิดชอบ",
    "กลุ่ม/หน่วยที่รับผิดชอบ",
)
GROUP_KEYS = tuple(squash(g) for g in GROUP_LABELS)
CONTINUED = "(ต่อ)"


def non_empty(values: list) -> list[tuple[int, object]]:
    return [(i, v) for i, v in enumerate(values) if v is not None and text(v)]


def first_not_none(*values):
    return next((v for v in values if v is not None), None)


def is_amount(value) -> bool:
    try:
        return amount(value) is not None
    except CellProblem:
        return False


def row_text(values: list) -> str:
    return " ".join(text(v) for _, v in non_empty(values))
