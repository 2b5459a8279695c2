"""Budget-line formulas such as "32 คน X 35 บาท X 1 มื้อ = 1,120 บาท" (domain.md 2.12(b), Q23)."""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from actionplan.thai import Digits, format_number, normalise, parse_number

_OPERATOR_RE = re.compile(r"\s*[xX×*]\s*(?=\d)")
_FACTOR_RE = re.compile(r"(?<![A-Za-z])(\d+(?:,\d{3})*(?:\.\d+)?)\s*([^\s\d()=,]*)")


@dataclass(frozen=True)
class Factor:
    """One multiplied quantity with its unit ("32 คน", "180 บาท/คน/วัน")."""

    quantity: Decimal
    unit: str = ""


@dataclass(frozen=True)
class ParsedFormula:
    """Factors, the "= amount" written after them, their product and any warning."""

    factors: tuple[Factor, ...]
    declared: Decimal | None
    product: Decimal | None
    ambiguous: bool
    message: str


def product_of(quantities: Iterable[Decimal]) -> Decimal:
    """Product of the quantities (1 for none)."""
    return math.prod(quantities, start=Decimal(1))


def _plain(quantity: Decimal, digits: Digits = "arabic") -> str:
    """A quantity without ".00" when it is whole, e.g. "1,120" or "0.50"."""
    decimals = 0 if quantity == quantity.to_integral_value() else 2
    return format_number(quantity, decimals, digits)


def format_formula(factors: Iterable[Factor], digits: Digits = "arabic") -> str:
    """Factors as printed: "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"."""
    return " x ".join(" ".join(filter(None, (_plain(f.quantity, digits), f.unit))) for f in factors)


def _split_declared(text: str) -> tuple[str, Decimal | None]:
    """Separate a trailing "= 1,120 บาท" amount from the factors before it."""
    head, sep, tail = text.rpartition("=")
    tail = tail.strip(" )")
    if not sep or not re.search(r"\d", tail):
        return text, None
    try:
        return head, parse_number(tail)
    except ValueError:
        return text, None


def _unit(raw: str) -> str:
    """Unit word after a number, without the repetition mark tail ("วันๆละ" → "วัน")."""
    return raw.split("ๆ")[0].rstrip(".")


def _factors(text: str) -> tuple[Factor, ...]:
    """Every number with the unit glued or spaced after it; words elsewhere are ignored."""
    spaced = _OPERATOR_RE.sub(" ", text)
    return tuple(
        Factor(Decimal(number.replace(",", "")), _unit(unit))
        for number, unit in _FACTOR_RE.findall(spaced)
    )


def _repeated_unit(factors: tuple[Factor, ...]) -> str | None:
    """A base unit ("คน" of "คน/รุ่น") given by more than one factor, if any."""
    counts = Counter(f.unit.split("/")[0] for f in factors if f.unit)
    return next((unit for unit, count in counts.items() if count > 1), None)


def _ambiguous_message(factors: tuple[Factor, ...], unit: str) -> str:
    """Thai warning that the formula gives two values for one unit."""
    values = ", ".join(_plain(f.quantity) for f in factors if f.unit.split("/")[0] == unit)
    return f"สูตรคำนวณกำกวม: มีจำนวน{unit}มากกว่าหนึ่งค่า ({values}) กรุณากรอกจำนวนเงินเอง"


def _check(text: str, declared: Decimal | None, product: Decimal | None) -> str:
    """Thai warning for a formula without numbers or whose product differs from its "=" amount."""
    if product is None and declared is None and text:
        return "ไม่พบจำนวนในสูตร กรุณากรอกจำนวนเงินเอง"
    if product is not None and declared is not None and product != declared:
        return f"ผลคูณ {_plain(product)} ไม่ตรงกับยอดที่ระบุ {_plain(declared)} บาท"
    return ""


def parse_formula(text: str) -> ParsedFormula:
    """Read a budget-line formula; description words before the numbers are ignored."""
    cleaned = normalise(text or "")
    body, declared = _split_declared(cleaned)
    factors = _factors(body)
    repeated = _repeated_unit(factors)
    if repeated:
        return ParsedFormula(factors, declared, None, True, _ambiguous_message(factors, repeated))
    product = product_of(f.quantity for f in factors) if factors else None
    return ParsedFormula(factors, declared, product, False, _check(cleaned, declared, product))
