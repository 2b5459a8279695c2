"""Money rounding helpers (domain.md 1.6)."""

from decimal import Decimal

import pytest

from budgets.money import ZERO, money_sum, quantize


def test_zero_is_two_decimal_zero():
    assert ZERO == Decimal("0.00")
    assert str(ZERO) == "0.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "0.00"),
        (6820, "6820.00"),
        ("1120", "1120.00"),
        (Decimal("0.005"), "0.01"),
        (Decimal("0.004"), "0.00"),
        ("1.005", "1.01"),
        (Decimal("2.675"), "2.68"),
        (Decimal("-0.005"), "-0.01"),
        (1.005, "1.01"),
    ],
)
def test_quantize_rounds_half_up_to_satang(value, expected):
    result = quantize(value)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_money_sum_adds_quantized_amounts():
    assert money_sum([Decimal("1120"), 4200, "1500"]) == Decimal("6820.00")


def test_money_sum_rounds_each_amount_before_adding():
    assert money_sum([Decimal("0.005"), Decimal("0.005")]) == Decimal("0.02")


def test_money_sum_treats_none_as_zero():
    assert money_sum([None, Decimal("10")]) == Decimal("10.00")


def test_money_sum_of_nothing_is_zero():
    result = money_sum([])
    assert result == ZERO
    assert str(result) == "0.00"
