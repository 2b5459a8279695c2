"""Budget-line formulas such as "32 คน x 35 บาท x 1 มื้อ = 1,120 บาท": one strict grammar.

The grammar (docs/decisions/formula-grammar.md), read the same way by static/js/formula.js, which
the editor's live preview uses, and checked against one corpus (tests/budgets/formula_corpus.json):

    formula     = [description] ["="] ["("] factor {"×" factor} [")"] ["=" amount [")"]]
    factor      = number [unit]
    number      = digits {"," three digits} ["." one or two digits] [".-"]   Arabic or Thai digits
    unit        = word {" " word}        a letter (Thai or Latin), then letters, ".", "/" before a
                                         letter; at most 50 characters
    "×"         = x, X, ×, * (x and X when not part of a Latin word)
    description = any text without digits or "=" before the first number

Anything else is refused with a Thai message pointing at the character: a letter inside a number
(2OO, l00, 1e309), an operator other than multiplication (/, -, +, %, ...), a negative or zero
factor, a number in free text without "x" before it, more than two decimals, a wrong thousands
separator, an amount beyond the money column, text after the formula, an "= amount" that is not
the product. Nothing is ever guessed: the caller saves a formula only when `ok` is true.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.utils.translation import gettext_lazy

from actionplan.thai import Digits, format_number

MAX_CENTS = 99_999_999_999_999  # the money columns: 14 digits, 2 decimals
MAX_UNIT = 50  # BudgetLineFactor.unit_th
_ARABIC = "0123456789"
_THAI = "๐๑๒๓๔๕๖๗๘๙"
_LOOKALIKES = "OoIl"  # letters typed for 0 and 1
_SIGNS = "-−–—"
_BAD_OPERATORS = "/÷:+%^" + _SIGNS
_ALWAYS_TIMES = "×*✕"
# Spaces, including the no-break and zero-width ones Word and the web paste into Thai text.
_SPACE = " \t\r\n\u00a0\u2009\u202f\u3000\u200b\u200c\u200d\u2060\ufeff"

# code -> Thai message; {pos} is the 1-based character position, {fragment} the text there.
# The editor page hands the same table to the browser (formula_messages()).
MESSAGES = {
    "no_number": gettext_lazy("ไม่พบจำนวนในสูตร เขียนเป็น จำนวน หน่วย x จำนวน หน่วย เช่น 32 คน x 35 บาท"),
    "letter_in_number": gettext_lazy(
        "ตัวอักษร “{char}” อยู่ในตัวเลข “{fragment}” (ตำแหน่งที่ {pos}) พิมพ์เป็นตัวเลข เช่น 0 แทน O, 1 แทน l"
    ),
    "operator": gettext_lazy(
        "ใช้เครื่องหมาย “{char}” ในสูตรไม่ได้ (ตำแหน่งที่ {pos}) สูตรใช้ได้เฉพาะการคูณ: x, X, × หรือ *"
    ),
    "missing_operator": gettext_lazy(
        "ขาดเครื่องหมายคูณหน้าจำนวน “{fragment}” (ตำแหน่งที่ {pos}) ใส่ x ระหว่างจำนวน"
    ),
    "missing_number": gettext_lazy("ต้องมีจำนวนทั้งสองข้างของเครื่องหมายคูณ (ตำแหน่งที่ {pos})"),
    "negative": gettext_lazy("จำนวนในสูตรติดลบไม่ได้ (ตำแหน่งที่ {pos})"),
    "zero": gettext_lazy("จำนวนในสูตรต้องมากกว่า 0 (“{fragment}” ตำแหน่งที่ {pos})"),
    "decimals": gettext_lazy("ทศนิยมได้ไม่เกิน 2 ตำแหน่ง (“{fragment}” ตำแหน่งที่ {pos})"),
    "thousands": gettext_lazy(
        "เครื่องหมายจุลภาคคั่นหลักพันไม่ถูกต้อง (“{fragment}” ตำแหน่งที่ {pos}) เช่น 1,120"
    ),
    "too_large": gettext_lazy(
        "จำนวนเงินเกินกว่าที่ระบบรับได้ (ไม่เกิน 999,999,999,999.99 บาท) ที่ “{fragment}” (ตำแหน่งที่ {pos})"
    ),
    "product_too_large": gettext_lazy(
        "ผลคูณของสูตรเกินกว่าที่ระบบรับได้ (ไม่เกิน 999,999,999,999.99 บาท) กรุณาตรวจสอบตัวเลขในสูตร"
    ),
    "unit_too_long": gettext_lazy(
        "หน่วย “{fragment}” ยาวเกิน 50 ตัวอักษร (ตำแหน่งที่ {pos}) ย้ายคำอธิบายไปไว้ในช่องรายการ"
    ),
    "too_small": gettext_lazy("ผลคูณน้อยกว่า 0.01 บาท"),
    "stray_text": gettext_lazy(
        "ข้อความ “{fragment}” (ตำแหน่งที่ {pos}) ไม่ใช่ส่วนของสูตร ย้ายไปไว้ในช่องรายการ หรือใส่ x หน้าจำนวน"
    ),
    "paren": gettext_lazy("วงเล็บเปิดที่ตำแหน่งที่ {pos} ไม่มีวงเล็บปิด"),
    "declared_missing": gettext_lazy("หลังเครื่องหมาย = ต้องเป็นยอดเงิน (ตำแหน่งที่ {pos})"),
    "mismatch": gettext_lazy(
        "ผลคูณ {product} บาท ไม่ตรงกับยอดที่ระบุหลังเครื่องหมาย = ({declared} บาท) แก้สูตรหรือยอดให้ตรงกัน"
    ),
}


@dataclass(frozen=True)
class Factor:
    """One multiplied quantity with its unit ("32 คน", "180 บาท/คน/วัน")."""

    quantity: Decimal
    unit: str = ""


@dataclass(frozen=True)
class ParsedFormula:
    """What a formula says: its factors, the "= amount" written after them and their product
    (rounded half-up to satang), or the first thing in it the grammar refuses.

    `error` is "" for a formula that may be saved; "mismatch" keeps factors, product and
    declared (the importer reports the difference); any other code keeps nothing."""

    factors: tuple[Factor, ...]
    declared: Decimal | None
    product: Decimal | None
    error: str = ""
    at: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.factors) and not self.error

    @property
    def empty(self) -> bool:
        return not self.factors and not self.error


EMPTY = ParsedFormula((), None, None)


def product_of(quantities: Iterable[Decimal]) -> Decimal:
    """Exact product of the quantities (1 for none)."""
    with localcontext() as ctx:
        ctx.prec = 200
        result = Decimal(1)
        for quantity in quantities:
            result *= quantity
        return result


def _plain(quantity: Decimal, digits: Digits = "arabic") -> str:
    """A quantity without ".00" when it is whole, e.g. "1,120" or "0.50"."""
    decimals = 0 if quantity == quantity.to_integral_value() else 2
    return format_number(quantity, decimals, digits)


def format_formula(factors: Iterable[Factor], digits: Digits = "arabic") -> str:
    """Factors as printed: "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"."""
    return " x ".join(" ".join(filter(None, (_plain(f.quantity, digits), f.unit))) for f in factors)


def formula_messages() -> dict[str, str]:
    """The message table in the active language, for the browser's preview."""
    return {code: str(text) for code, text in MESSAGES.items()}


def _baht(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"


class _Refused(Exception):
    def __init__(self, code: str, at: int, end: int | None = None, **values):
        super().__init__(code)
        self.code, self.at, self.end, self.values = code, at, end, values


def _digit(c: str) -> bool:
    return c != "" and (c in _ARABIC or c in _THAI)


def _digit_value(c: str) -> int:
    return _ARABIC.index(c) if c in _ARABIC else _THAI.index(c)


def _latin(c: str) -> bool:
    return ("A" <= c <= "Z") or ("a" <= c <= "z")


def _thai_letter(c: str) -> bool:
    return ("\u0e01" <= c <= "\u0e4f") or c in "\u0e5a\u0e5b"


def _unit_char(c: str) -> bool:
    return c != "" and (_thai_letter(c) or _latin(c) or c == ".")


class _Scanner:
    """The grammar above as a hand-written scanner; formula.js is a line-by-line copy."""

    def __init__(self, text: str):
        self.s = text
        self.n = len(text)

    def char(self, i: int) -> str:
        return self.s[i] if 0 <= i < self.n else ""

    def skip_space(self, i: int) -> int:
        while i < self.n and self.s[i] in _SPACE:
            i += 1
        return i

    def back_space(self, i: int) -> int:
        while i >= 0 and self.s[i] in _SPACE:
            i -= 1
        return i

    def is_times(self, i: int) -> bool:
        c = self.char(i)
        if c and c in _ALWAYS_TIMES:
            return True
        return c in ("x", "X") and not _latin(self.char(i - 1)) and not _latin(self.char(i + 1))

    def fragment(self, start: int) -> int:
        """End of the word at start (for the message's quote)."""
        end = start
        while end < self.n and self.s[end] not in _SPACE and end - start < 30:
            end += 1
        return max(end, start + 1)

    def check_lookalikes(self) -> None:
        s = self.s
        for k, c in enumerate(s):
            if not _latin(c) or c in "xX":
                continue
            before, after = _digit(self.char(k - 1)), _digit(self.char(k + 1))
            exponent = (
                c in "eE" and before and self.char(k + 1) in ("+", "-") and _digit(self.char(k + 2))
            )
            if (c in _LOOKALIKES and (before or after)) or (before and after) or exponent:
                start = k
                while start > 0 and (
                    _digit(s[start - 1]) or _latin(s[start - 1]) or s[start - 1] in ",."
                ):
                    start -= 1
                end = k
                while end < self.n and (_digit(s[end]) or _latin(s[end]) or s[end] in ",.+-"):
                    end += 1
                raise _Refused("letter_in_number", k, end, char=c, start=start)

    def number(self, i: int) -> tuple[int, int]:
        """(value in satang, end) of the number at i."""
        start, s = i, self.s
        whole = 0
        while _digit(self.char(i)):
            whole = whole * 10 + _digit_value(s[i])
            i += 1
        first_group = i - start
        grouped = False
        while self.char(i) == "," and _digit(self.char(i + 1)):
            comma, i = i, i + 1
            group_start = i
            while _digit(self.char(i)):
                whole = whole * 10 + _digit_value(s[i])
                i += 1
            if i - group_start != 3 or (not grouped and first_group > 3):
                raise _Refused("thousands", comma, None, start=start)
            grouped = True
        cents = whole * 100
        if self.char(i) == "." and _digit(self.char(i + 1)):
            i += 1
            decimal_start = i
            while _digit(self.char(i)):
                i += 1
            if i - decimal_start > 2:
                raise _Refused("decimals", decimal_start + 2, None, start=start)
            decimals = "".join(str(_digit_value(c)) for c in s[decimal_start:i]).ljust(2, "0")
            cents += int(decimals)
            if self.char(i) in (".", ",") and _digit(self.char(i + 1)):
                raise _Refused("thousands", i, None, start=start)
        if s[i : i + 2] == ".-":
            i += 2
        if cents > MAX_CENTS:
            raise _Refused("too_large", start)
        return cents, i

    def unit(self, i: int) -> tuple[str, int]:
        """(unit words joined by one space, end) after a number."""
        words = []
        k = unit_start = self.skip_space(i)
        while _unit_char(self.char(k)) and self.char(k) != "." and not self.is_times(k):
            word_start = k
            while (_unit_char(self.char(k)) and not self.is_times(k)) or (
                self.char(k) == "/" and _unit_char(self.char(k + 1)) and not self.is_times(k + 1)
            ):
                k += 1
            word = self.s[word_start:k]
            if all(c in _LOOKALIKES for c in word):
                raise _Refused("letter_in_number", word_start, k, char=word[0], start=word_start)
            words.append(word)
            i = k
            k = self.skip_space(k)
        unit = " ".join(words)
        if len(unit) > MAX_UNIT:
            raise _Refused("unit_too_long", unit_start, i)
        return unit, i

    def declared(self, i: int, paren: int | None) -> tuple[int, bool]:
        """(satang, closed the paren) of the "= amount" after the "=" at i - 1."""
        k = self.skip_space(i)
        if self.char(k) in _SIGNS and self.char(k) and _digit(self.char(self.skip_space(k + 1))):
            raise _Refused("negative", k)
        if not _digit(self.char(k)):
            raise _Refused("declared_missing", k if k < self.n else i - 1)
        cents, k = self.number(k)
        k = self.skip_space(k)
        if self.s.startswith("บาท", k):
            k = self.skip_space(k + 3)
        closed = False
        if paren is not None and self.char(k) == ")":
            closed, k = True, self.skip_space(k + 1)
        if k < self.n:
            raise _Refused("stray_text", k)
        return cents, closed

    def parse(self) -> ParsedFormula:
        s, n = self.s, self.n
        self.check_lookalikes()
        i = 0
        while i < n and not _digit(s[i]) and s[i] != "=":
            i += 1
        if i == n:
            raise _Refused("no_number", 0)
        if s[i] == "=":  # spreadsheet style: "ค่าอาหารกลางวัน =100x200X2"
            i = self.skip_space(i + 1)
            if self.char(i) == "(":
                i = self.skip_space(i + 1)
            if self.char(i) in _SIGNS and self.char(i):
                raise _Refused("negative", i)
            if not _digit(self.char(i)):
                raise _Refused("no_number" if i >= n else "declared_missing", min(i, n - 1))
        before = self.back_space(i - 1)
        if before >= 0 and s[before] in _SIGNS:
            raise _Refused("negative", before)
        if before >= 0 and self.is_times(before):
            raise _Refused("missing_number", before)
        opened = s.rfind("(", 0, i)  # "(จำนวน 35 คน x 35 บาท)": the paren the formula closes
        paren = opened if opened >= 0 and ")" not in s[opened:i] else None
        chain = i
        factors: list[Factor] = []
        product, scale, declared, closed = 1, 1, None, False
        while True:
            start = i
            cents, i = self.number(i)
            if cents == 0:
                raise _Refused("zero", start)
            product *= cents
            if factors:
                scale *= 100
            unit, i = self.unit(i)
            factors.append(Factor(Decimal(cents) / 100, unit))
            k = self.skip_space(i)
            c = self.char(k)
            if k >= n:
                break
            if self.is_times(k):
                i = self.skip_space(k + 1)
                if self.char(i) and self.char(i) in _SIGNS:
                    raise _Refused("negative", i)
                if not _digit(self.char(i)):
                    raise _Refused("missing_number", i if i < n else k)
                continue
            if c == ")" and paren is not None and not closed:
                closed = True
                k = self.skip_space(k + 1)
                if k >= n:
                    break
                c = self.char(k)
            if c == "=":
                declared, closed_now = self.declared(k + 1, None if closed else paren)
                closed = closed or closed_now
                break
            if _digit(c):
                raise _Refused("missing_operator", k)
            if c in _BAD_OPERATORS:
                raise _Refused("operator", k, char=c)
            raise _Refused("stray_text", k)
        if paren is not None and not closed:
            raise _Refused("paren", paren)
        quotient, remainder = divmod(product, scale)
        cents = quotient + (1 if 2 * remainder >= scale else 0)
        if cents > MAX_CENTS:  # the product only: "0.01 x 1,582.59 x ..." is read in any order
            raise _Refused("product_too_large", chain)
        if cents == 0:
            raise _Refused("too_small", 0)
        total = Decimal(cents) / 100
        parsed = ParsedFormula(
            tuple(factors), None if declared is None else Decimal(declared) / 100, total
        )
        if declared is not None and declared != cents:
            values = {"product": _baht(cents), "declared": _baht(declared)}
            return ParsedFormula(
                parsed.factors, parsed.declared, total, "mismatch", 0, _message("mismatch", values)
            )
        return parsed


def _message(code: str, values: dict) -> str:
    return str(MESSAGES[code]).format(**values)


def parse_formula(text: str) -> ParsedFormula:
    """Read a budget-line formula with the strict grammar; see the module's docstring."""
    text = text or ""
    if not text.strip(_SPACE):
        return EMPTY
    scanner = _Scanner(text)
    try:
        return scanner.parse()
    except _Refused as refused:
        start = refused.values.pop("start", refused.at)
        end = refused.end if refused.end is not None else scanner.fragment(start)
        values = {
            "pos": refused.at + 1,
            "fragment": text[start:end],
            "char": refused.values.get("char", scanner.char(refused.at)),
        }
        return ParsedFormula(
            (), None, None, refused.code, refused.at, _message(refused.code, values)
        )
