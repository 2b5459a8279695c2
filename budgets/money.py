"""Money helpers: the one place amounts are rounded to satang."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

Amount = Decimal | int | str | None

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def quantize(value: Amount) -> Decimal:
    """Round half up to 0.01 baht; None is zero."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money_sum(values: Iterable[Amount]) -> Decimal:
    """Sum of quantized amounts (ZERO for none)."""
    return sum((quantize(value) for value in values), ZERO)
