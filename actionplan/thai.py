"""Thai calendar, numerals, money and period helpers (pure Python, no Django)."""

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Digits = Literal["thai", "arabic"]
MonthStyle = Literal["full", "abbr"]
NumberLike = Decimal | int | float | str | None

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
BE_OFFSET = 543

MONTHS_FULL = (
    "",
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_ABBR = (
    "",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)
_DASHES = str.maketrans(dict.fromkeys("–—−‒‑", "-"))


def to_thai_digits(text: str) -> str:
    """Replace Arabic digits 0-9 with Thai digits ๐-๙."""
    return str(text).translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits ๐-๙ with Arabic digits 0-9."""
    return str(text).translate(_TO_ARABIC)


def _with_digits(text: str, digits: Digits) -> str:
    """Render text in the requested numeral style."""
    if digits not in ("thai", "arabic"):
        raise ValueError(f"digits must be 'thai' or 'arabic', not {digits!r}")
    return to_thai_digits(text) if digits == "thai" else text


def normalise(text: str) -> str:
    """Arabic digits, ASCII dashes and single spaces, trimmed."""
    return " ".join(to_arabic_digits(text).translate(_DASHES).split())


# --- text input -------------------------------------------------------------------------

# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) and
# zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM). Thai text needs none of them:
# libthai finds word breaks itself, and an RLO (U+202E) would print the rest of a line reversed.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
        "\u200b\u200c\u200d\u2060\ufeff\u00ad",
    ),
    None,
)


def clean_text(text: str | None) -> str:
    """Typed or imported text as stored: NFC, without bidi controls or zero-width characters,
    each line ended by LF alone (browsers send a textarea's lines ended by CRLF)."""
    if not text:
        return "" if text is None else text
    text = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Numbering or a bullet typed before a list line: "1.", "1.1", "1.1.", "๑.", "1)", "(1)", "-", "•".
# Numbers of one to three digits only, so that a line starting with a year ("2566 ...") or an
# amount ("1500 บาท") keeps it.
_D = "[0-9๐-๙]"
_LIST_MARKER_RE = re.compile(
    rf"\s*(?:[-–—•·●○◦▪■*]+\s*"
    rf"|\(?{_D}{{1,3}}(?:\.{_D}{{1,3}})*[.)](?!{_D})\s*"
    rf"|{_D}{{1,3}}(?:\.{_D}{{1,3}})+(?![0-9๐-๙.])\s*)"
)


def strip_list_marker(line: str) -> str:
    """A line of a list the documents number themselves (steps, objectives), without the
    numbering or bullet typed or pasted before it: "1.1 ประชุม" -> "ประชุม"."""
    while match := _LIST_MARKER_RE.match(line):
        line = line[match.end() :]
    return line.strip()


# --- calendar -----------------------------------------------------------------------------

# How far from the plan's fiscal year a typed year may be, in either era, and still be read.
YEAR_TOLERANCE = 5


class YearOutOfRange(ValueError):
    """A typed year that is neither a BE nor a CE year near the plan's fiscal year."""


def resolve_year_be(year: int, fiscal_year_be: int | None = None) -> int:
    """The BE year meant by a typed four-digit year: BE near the plan's year, or CE (+543).

    Without a plan year, years above 2400 are BE and years 1900-2200 are CE. A year that fits
    neither era is refused with a Thai message (the caller puts it at its cell or field).
    """
    if fiscal_year_be is None:
        if year > 2400:
            return year
        if 1900 <= year <= 2200:
            return year + BE_OFFSET
        raise YearOutOfRange("ปีที่กรอกไม่ใช่ปี พ.ศ. (เช่น 2567)")
    if abs(year - fiscal_year_be) <= YEAR_TOLERANCE:
        return year
    if abs(year + BE_OFFSET - fiscal_year_be) <= YEAR_TOLERANCE:
        return year + BE_OFFSET
    # The message never repeats the typed year: it may be a CE year, which no page shows.
    raise YearOutOfRange(
        f"ปีที่กรอกอยู่นอกช่วงของแผนปีงบประมาณ {fiscal_year_be} "
        f"(รับปี พ.ศ. {fiscal_year_be - YEAR_TOLERANCE}-{fiscal_year_be + YEAR_TOLERANCE})"
    )


def be_to_ce(year: int) -> int:
    """Buddhist Era year to Common Era year."""
    return year - BE_OFFSET


def ce_to_be(year: int) -> int:
    """Common Era year to Buddhist Era year."""
    return year + BE_OFFSET


def fiscal_year_of(d: date) -> int:
    """BE fiscal year of a date (October-December belong to the next year)."""
    return ce_to_be(d.year + 1 if d.month >= 10 else d.year)


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year."""
    return date(be_to_ce(year_be) - 1, 10, 1), date(be_to_ce(year_be), 9, 30)


def fiscal_month_index(d: date) -> int:
    """Position of a date's month in the fiscal year (October = 1 ... September = 12)."""
    return (d.month - 10) % 12 + 1


def quarter_of_month_index(i: int) -> int:
    """Fiscal quarter (1..4) of a fiscal month index (1..12)."""
    if not 1 <= i <= 12:
        raise ValueError(f"fiscal month index must be 1..12, not {i}")
    return (i - 1) // 3 + 1


def quarter_of(d: date) -> int:
    """Fiscal quarter of a date: Q1 Oct-Dec, Q2 Jan-Mar, Q3 Apr-Jun, Q4 Jul-Sep."""
    return quarter_of_month_index(fiscal_month_index(d))


def fiscal_months(year_be: int) -> list[tuple[int, int]]:
    """The twelve (CE year, month) pairs of a fiscal year, October first."""
    first_ce = be_to_ce(year_be) - 1
    months = [(i + 9) % 12 + 1 for i in range(12)]
    return [(first_ce if month >= 10 else first_ce + 1, month) for month in months]


def _check_quarter(q: int) -> None:
    """Reject quarter numbers outside 1..4."""
    if not 1 <= q <= 4:
        raise ValueError(f"quarter must be 1..4, not {q}")


def _quarter_months(year_be: int, q: int) -> list[tuple[int, int]]:
    """The three (CE year, month) pairs of a fiscal quarter."""
    _check_quarter(q)
    return fiscal_months(year_be)[3 * (q - 1) : 3 * q]


def _last_day(year_ce: int, month: int) -> date:
    """Last day of a CE month."""
    return date(year_ce, month, calendar.monthrange(year_ce, month)[1])


def quarter_bounds(year_be: int, q: int) -> tuple[date, date]:
    """First and last day of fiscal quarter q of a BE fiscal year."""
    months = _quarter_months(year_be, q)
    return date(*months[0], 1), _last_day(*months[-1])


# --- labels and dates ---------------------------------------------------------------------


def _month_name(month: int, style: MonthStyle) -> str:
    """Printed name of a month (1..12) in full or dotted abbreviated form."""
    if style not in ("full", "abbr"):
        raise ValueError(f"style must be 'full' or 'abbr', not {style!r}")
    return (MONTHS_FULL if style == "full" else MONTHS_ABBR)[month]


def _short_year(year_ce: int) -> str:
    """Two-digit BE year as printed in quarter labels ("65")."""
    return f"{ce_to_be(year_ce) % 100:02d}"


def quarter_label(year_be: int, q: int, digits: Digits = "thai") -> str:
    """Quarter column header, e.g. "ไตรมาสที่ ๑ (ต.ค.-ธ.ค. ๖๕)" or "ไตรมาสที่ 1/2566 (ต.ค.-ธ.ค.65)"."""
    (_, first_month), _, (last_year, last_month) = _quarter_months(year_be, q)
    span = f"{MONTHS_ABBR[first_month]}-{MONTHS_ABBR[last_month]}"
    if digits == "arabic":
        return f"ไตรมาสที่ {q}/{year_be} ({span}{_short_year(last_year)})"
    return _with_digits(f"ไตรมาสที่ {q} ({span} {_short_year(last_year)})", digits)


def year_total_label(year_be: int, digits: Digits = "thai") -> str:
    """Year total column header, e.g. "รวม (ต.ค.๖๕-ก.ย.๖๖)"."""
    first_ce = be_to_ce(year_be) - 1
    text = f"รวม ({MONTHS_ABBR[10]}{_short_year(first_ce)}-{MONTHS_ABBR[9]}{_short_year(first_ce + 1)})"
    return _with_digits(text, digits)


def format_thai_date(d: date, style: MonthStyle = "full", digits: Digits = "thai") -> str:
    """Day, month name and BE year, e.g. "๑ ตุลาคม ๒๕๖๖" or "1 ต.ค. 2566"."""
    return _with_digits(f"{d.day} {_month_name(d.month, style)} {ce_to_be(d.year)}", digits)


def format_thai_datetime(
    at: datetime, style: MonthStyle = "abbr", digits: Digits = "arabic"
) -> str:
    """A time stamp (already in local time) as pages print it: "2 ธ.ค. 2569 12:19 น."."""
    return _with_digits(f"{format_thai_date(at, style, 'arabic')} {at:%H:%M} น.", digits)


def format_short_date(d: date, digits: Digits = "arabic") -> str:
    """Day/month/BE year with two-digit day and month, as a date field shows it: "17/10/2565"."""
    return _with_digits(f"{d.day:02d}/{d.month:02d}/{ce_to_be(d.year)}", digits)


def format_month_year(
    year_ce: int, month: int, style: MonthStyle = "full", digits: Digits = "thai"
) -> str:
    """Month name and BE year, e.g. "เมษายน ๒๕๖๖"."""
    return _with_digits(f"{_month_name(month, style)} {ce_to_be(year_ce)}", digits)


@dataclass(frozen=True)
class ReportRound:
    """A cumulative progress-report round (รอบรายงาน) of a fiscal year."""

    number: int
    months: tuple[tuple[int, int], ...]
    cumulative_months: int
    start: date
    end: date
    cumulative_start: date
    label: str
    period_label: str


def report_round(year_be: int, n: int, digits: Digits = "thai") -> ReportRound:
    """Report round n (1..4): the quarter's months, dates and printed labels."""
    months = tuple(_quarter_months(year_be, n))
    start, end = quarter_bounds(year_be, n)
    first, last = months[0], months[-1]
    return ReportRound(
        number=n,
        months=months,
        cumulative_months=3 * n,
        start=start,
        end=end,
        cumulative_start=fiscal_year_bounds(year_be)[0],
        label=_with_digits(f"ไตรมาสที่ {n} รอบ {3 * n} เดือน", digits),
        period_label=(
            f"{format_month_year(*first, digits=digits)} - {format_month_year(*last, digits=digits)}"
        ),
    )


# --- numbers ------------------------------------------------------------------------------

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_SIGNED_RE = re.compile(r"([+-]?)\s*([\d.,\s]+)")
_AMOUNT_SUFFIX_RE = re.compile(r"\s*(?:\.-)?\s*(?:บาท)?$")


def parse_number(text: NumberLike) -> Decimal:
    """Read a table cell as a Decimal: Thai/mixed digits, split digits, ".- บาท", "-" = 0."""
    if text is None:
        return Decimal(0)
    if isinstance(text, int | float | Decimal):
        return Decimal(str(text))
    cleaned = _AMOUNT_SUFFIX_RE.sub("", normalise(text))
    if re.fullmatch(r"-*", cleaned):
        return Decimal(0)
    match = _SIGNED_RE.fullmatch(cleaned)
    number = re.sub(r"\s+", "", match[2]) if match else ""
    if not _NUMBER_RE.fullmatch(number):
        raise ValueError(f"ไม่ใช่ตัวเลข: {text!r}")
    return Decimal(match[1] + number.replace(",", ""))


@dataclass(frozen=True)
class Target:
    """A KPI target: value, unit and comparator (eq/gte/lte/gt/lt, or "text")."""

    value: Decimal | None
    unit: str
    comparator: str


_COMPARATORS = (
    ("ไม่น้อยกว่า", "gte"),
    ("ไม่ต่ำกว่า", "gte"),
    ("ไม่เกิน", "lte"),
    ("ไม่มากกว่า", "lte"),
    ("มากกว่า", "gt"),
    ("น้อยกว่า", "lt"),
    ("ขึ้นไป", "gte"),
)


def parse_target(text: str) -> Target:
    """Read a KPI target such as "- ไม่น้อยกว่า ร้อยละ ๘๐" (a leading "-" is a bullet)."""
    rest = re.sub(r"^[-•●▶·]\s*", "", normalise(text or ""))
    comparator = "eq"
    for phrase, code in _COMPARATORS:
        if phrase in rest:
            rest, comparator = rest.replace(phrase, " ", 1), code
            break
    numbers = _NUMBER_RE.findall(rest)
    if len(numbers) != 1:
        return Target(None, "", "text")
    unit = " ".join(rest.replace(numbers[0], " ", 1).split())
    return Target(Decimal(numbers[0].replace(",", "")), unit, comparator)


def _round(value: Decimal, decimals: int) -> Decimal:
    """Round half up to a number of decimals, without a negative zero."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def format_number(value: NumberLike, decimals: int = 0, digits: Digits = "arabic") -> str:
    """Number with thousands separators, e.g. "1,234" or "๑,๒๓๔.๕๐"."""
    return _with_digits(f"{_round(parse_number(value), decimals):,.{decimals}f}", digits)


def format_money(
    value: NumberLike, digits: Digits = "arabic", decimals: int = 2, zero: str = "-"
) -> str:
    """Amount for a table cell: "1,234.00"; zero prints as `zero` ("-")."""
    amount = _round(parse_number(value), decimals)
    return zero if amount == 0 else format_number(amount, decimals, digits)


_DIGIT_WORDS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACE_WORDS = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _digit_word(digit: int, place: int, has_higher: bool) -> str:
    """Word for one digit at a place, with the สิบ/ยี่สิบ/เอ็ด exceptions."""
    if place == 1 and digit in (1, 2):
        return "" if digit == 1 else "ยี่"
    if place == 0 and digit == 1 and has_higher:
        return "เอ็ด"
    return _DIGIT_WORDS[digit]


def _group_words(n: int, after_million: bool) -> str:
    """Spell 0 <= n < 1,000,000 in Thai."""
    words = []
    for place in range(5, -1, -1):
        digit = n // 10**place % 10
        if digit:
            has_higher = after_million or n >= 10
            words.append(_digit_word(digit, place, has_higher) + _PLACE_WORDS[place])
    return "".join(words)


def _integer_words(n: int) -> str:
    """Spell a positive integer in Thai, grouping by ล้าน."""
    millions, rest = divmod(n, 1_000_000)
    head = _integer_words(millions) + "ล้าน" if millions else ""
    return head + _group_words(rest, after_million=bool(millions))


def bahttext(amount: NumberLike) -> str:
    """Amount in Thai words, e.g. "หกพันแปดร้อยยี่สิบบาทถ้วน"."""
    value = _round(parse_number(amount), 2)
    baht, satang = divmod(int(abs(value) * 100), 100)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    words = _integer_words(baht) + "บาท" if baht else ""
    words += _integer_words(satang) + "สตางค์" if satang else "ถ้วน"
    return ("ลบ" if value < 0 else "") + words


# --- dates and periods --------------------------------------------------------------------


def _month_spellings() -> dict[str, int]:
    """Every accepted month spelling: full names and the four abbreviation styles."""
    spellings = {name: month for month, name in enumerate(MONTHS_FULL) if name}
    for month, abbr in enumerate(MONTHS_ABBR[1:], start=1):
        undotted = abbr.replace(".", "")
        for spelling in (abbr, abbr[:-1], undotted, undotted + "."):
            spellings[spelling] = month
    return spellings


_MONTHS = _month_spellings()
_MONTH_ALT = "|".join(re.escape(s) for s in sorted(_MONTHS, key=len, reverse=True))
_PART_RE = re.compile(
    rf"(?:(?P<day>\d{{1,2}})(?!\d))?\s*(?P<month>{_MONTH_ALT})?\s*"
    rf"(?:พ\.?\s*ศ\.?)?\s*(?P<year>\d{{4}}|\d{{2}})?"
)
_FILLER_RE = re.compile(r"ระหว่าง|ตั้งแต่|วันที่|เดือน")
_RANGE_SEP_RE = re.compile(r"\s*(?:ถึง|-)\s*")
_QUARTER_RE = re.compile(r"ไตรมาส(?:ที่)?\s*(\d)(?:\s*-\s*(?:ไตรมาส(?:ที่)?)?\s*(\d))?")


@dataclass(frozen=True)
class _Part:
    """One side of a period: any of day, month and BE year may be missing."""

    day: int | None
    month: int | None
    year_be: int | None


def _typed_year_be(year: str, fiscal_year_be: int | None) -> int:
    """The BE year of a typed year: "62" is 2562; a four-digit year may be BE or CE
    (resolve_year_be); with a plan year, any year outside its horizon raises YearOutOfRange."""
    if len(year) == 2:
        year_be = int(year) + 2500
        return year_be if fiscal_year_be is None else resolve_year_be(year_be, fiscal_year_be)
    return resolve_year_be(int(year), fiscal_year_be)


def _parse_part(text: str, fiscal_year_be: int | None = None) -> _Part | None:
    """Read "๑ ต.ค. 62", "เมษายน 2566", "ส.ค." or a bare day "1"."""
    match = _PART_RE.fullmatch(text.strip())
    if not match or not (match["month"] or (match["day"] and not match["year"])):
        return None
    year = match["year"]
    return _Part(
        day=int(match["day"]) if match["day"] else None,
        month=_MONTHS[match["month"]] if match["month"] else None,
        year_be=_typed_year_be(year, fiscal_year_be) if year else None,
    )


def _safe_date(year_be: int, month: int, day: int) -> date | None:
    """The CE date for a BE day, or None when the day does not exist."""
    try:
        return date(be_to_ce(year_be), month, day)
    except ValueError:
        return None


_NUMERIC_DATE_RE = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def read_date_parts(text: str, fiscal_year_be: int | None = None) -> tuple[int, int, int] | None:
    """(BE year, month, day) of a typed date, the day not yet checked against the calendar.

    Reads "17/10/2565", "17.10.65", "17-10-2565", "17 ต.ค. 65", "17 ตุลาคม 2565", Thai digits
    ("๑๗/๑๐/๒๕๖๕") and "2022-10-17" (what a browser's own date picker or an older page sends).
    A two-digit year is BE ("65" is 2565); a four-digit one is BE or CE as resolve_year_be
    decides, so a year far from the plan's raises YearOutOfRange. None when it is no date.
    """
    cleaned = normalise(text or "")
    if match := _ISO_DATE_RE.fullmatch(cleaned):
        year, month, day = match[1], int(match[2]), int(match[3])
    elif match := _NUMERIC_DATE_RE.fullmatch(cleaned):
        day, month, year = int(match[1]), int(match[3]), match[4]
    else:
        part = _parse_part(cleaned, fiscal_year_be)
        if not part or None in (part.day, part.month, part.year_be):
            return None
        return part.year_be, part.month, part.day
    return _typed_year_be(year, fiscal_year_be), month, day


def parse_thai_date(text: str, fiscal_year_be: int | None = None) -> date | None:
    """Read a Thai date such as "๑ ตุลาคม ๒๕๖๖", "30 ก.ย. 2567" or "1 ต.ค.62" (None if it is not one).

    A four-digit year is BE or CE as resolve_year_be decides ("1 ตุลาคม 2022" is 2565); a year
    that fits neither era, or lies outside the plan's horizon, raises YearOutOfRange.
    """
    part = _parse_part(normalise(text or ""), fiscal_year_be)
    if not part or None in (part.day, part.month, part.year_be):
        return None
    return _safe_date(part.year_be, part.month, part.day)


def _year_in_fiscal(month: int, fiscal_year_be: int | None) -> int | None:
    """BE calendar year of a month inside a fiscal year (Oct-Dec: the year before)."""
    if fiscal_year_be is None:
        return None
    return fiscal_year_be - 1 if month >= 10 else fiscal_year_be


def _single_period(part: _Part, fiscal_year_be: int | None) -> tuple[date, date] | None:
    """A whole month, or one day, as a (start, end) pair."""
    if part.month is None:
        return None
    year_be = part.year_be or _year_in_fiscal(part.month, fiscal_year_be)
    if year_be is None:
        return None
    if part.day:
        day = _safe_date(year_be, part.month, part.day)
        return (day, day) if day else None
    return date(be_to_ce(year_be), part.month, 1), _last_day(be_to_ce(year_be), part.month)


def _range_period(
    left: _Part, right: _Part, fiscal_year_be: int | None
) -> tuple[date, date] | None:
    """A range whose left side borrows missing month and year from the right side."""
    if right.month is None:
        return None
    right_year = right.year_be or _year_in_fiscal(right.month, fiscal_year_be)
    if right_year is None:
        return None
    month = left.month or right.month
    day = left.day or 1
    same_year = (month, day) <= (right.month, right.day or 31)
    start = _safe_date(left.year_be or (right_year if same_year else right_year - 1), month, day)
    if right.day:
        end = _safe_date(right_year, right.month, right.day)
    else:
        end = _last_day(be_to_ce(right_year), right.month)
    return (start, end) if start and end else None


def _quarter_period(match: re.Match[str], fiscal_year_be: int | None) -> tuple[date, date] | None:
    """Quarter text such as "ไตรมาส ๓ - ๔" as the dates of those quarters of the fiscal year."""
    first, last = int(match[1]), int(match[2] or match[1])
    if fiscal_year_be is None or not 1 <= first <= last <= 4:
        return None
    return quarter_bounds(fiscal_year_be, first)[0], quarter_bounds(fiscal_year_be, last)[1]


def parse_period(text: str, fiscal_year_be: int | None = None) -> tuple[date, date] | None:
    """Read a printed period (date, month, range or quarters) as (start, end), or None.

    Typed years are read as parse_thai_date reads them (YearOutOfRange for an impossible one).
    """
    cleaned = normalise(_FILLER_RE.sub(" ", text or ""))
    quarter = _QUARTER_RE.fullmatch(cleaned)
    if quarter:
        return _quarter_period(quarter, fiscal_year_be)
    parts = [_parse_part(piece, fiscal_year_be) for piece in _RANGE_SEP_RE.split(cleaned)]
    if None in parts or len(parts) > 2:
        return None
    if len(parts) == 1:
        return _single_period(parts[0], fiscal_year_be)
    return _range_period(parts[0], parts[1], fiscal_year_be)
