"""Money helpers: the one place amounts are rounded to satang."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

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


class RoundedDecimalField(models.DecimalField):
    """A DecimalField that rounds half-up to its decimal places before it is saved.

    PostgreSQL's numeric(14,2) rounds on insert; SQLite stores whatever it is given, so
    without this "0.005" would be summed by SQL as 0.005 on SQLite and 0.01 on PostgreSQL.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        step = Decimal(1).scaleb(-self.decimal_places)
        return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)
