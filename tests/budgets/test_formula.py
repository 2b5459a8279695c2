"""The budget-line formula grammar (budgets/formula.py; domain.md 2.12(b), EX-21; issue 14).

The corpus (formula_corpus.json) is the contract the browser preview is held to as well
(tests/browser/test_formula_js.py runs static/js/formula.js over the same file)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.formula import MESSAGES, Factor, format_formula, parse_formula, product_of

CORPUS_PATH = Path(__file__).with_name("formula_corpus.json")
CORPUS = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["cases"]


def test_the_corpus_covers_what_the_issue_names():
    assert len(CORPUS) >= 150
    codes = {case["error"] for case in CORPUS}
    assert codes >= set(MESSAGES) | {""}, set(MESSAGES) - codes
    texts = {case["text"] for case in CORPUS}
    for mistake in (
        "100 คน x 2OO บาท x 2 มื้อ",
        "100 คน / 2",
        "10 คน - 2 วัน - 100 บาท",
        "-5 คน x 10 บาท",
        "<script>alert(3)</script> 5 คน x 10 บาท",
        "1e309",
        "NaN",
        "ค่าอาหารว่างและเครื่องดื่ม=100x50X2",
    ):
        assert mistake in texts
    assert any("บาท/คน/วัน" in t for t in texts) and any("๑" in t for t in texts)


@pytest.mark.parametrize(
    "case", CORPUS, ids=[f"{i}:{c['text'][:30]}" for i, c in enumerate(CORPUS)]
)
def test_corpus_case(case):
    with translation.override("th"):
        parsed = parse_formula(case["text"])
    assert parsed.error == case["error"]
    assert (parsed.at if parsed.error else None) == case["at"]
    assert [[str(f.quantity), f.unit] for f in parsed.factors] == case["factors"]
    amount = None if parsed.product is None else f"{parsed.product:.2f}"
    assert amount == case["amount"]
    declared = None if parsed.declared is None else f"{parsed.declared:.2f}"
    assert declared == case["declared"]
    assert parsed.message == case["message"]


def test_nothing_is_saved_from_a_refused_formula():
    """Every refusal but a mismatch carries neither factors nor an amount a caller could save."""
    for case in CORPUS:
        parsed = parse_formula(case["text"])
        if parsed.error and parsed.error != "mismatch":
            assert (parsed.factors, parsed.product, parsed.ok) == ((), None, False)


def test_the_issue_mistakes_are_refused_at_their_character():
    letter = parse_formula("100 คน x 2OO บาท x 2 มื้อ")
    assert letter.error == "letter_in_number" and "2OO" in letter.message and "11" in letter.message
    assert parse_formula("100 คน / 2").error == "operator"
    assert parse_formula("-5 คน x 10 บาท").error == "negative"
    script = parse_formula("<script>alert(3)</script> 5 คน x 10 บาท")
    assert script.error == "stray_text" and script.product is None
    assert parse_formula("ค่าอาหารว่างและเครื่องดื่ม=100x50X2").product == Decimal("10000")


def test_a_mismatch_keeps_factors_for_the_importer_but_is_not_ok():
    parsed = parse_formula("18 คน x 33 บาท x 2 มื้อ = 1,080 บาท")
    assert (parsed.error, parsed.ok, parsed.product, parsed.declared) == (
        "mismatch",
        False,
        Decimal("1188"),
        Decimal("1080"),
    )
    assert "1,188.00" in parsed.message and "1,080.00" in parsed.message


@pytest.mark.parametrize("text", ["", "   ", None])
def test_nothing_is_empty_and_silent(text):
    parsed = parse_formula(text)
    assert (parsed.factors, parsed.product, parsed.error, parsed.empty) == ((), None, "", True)


def test_the_product_is_rounded_half_up_to_satang_like_the_money_columns():
    assert parse_formula("1.25 x 1.25").product == Decimal("1.56")  # 1.5625
    assert parse_formula("0.05 x 0.1").product == Decimal("0.01")  # 0.005 rounds up


def test_format_formula_joins_factors_with_x_and_drops_whole_number_decimals():
    factors = (
        Factor(Decimal("32.00"), "คน"),
        Factor(Decimal("35.00"), "บาท"),
        Factor(Decimal("1"), "มื้อ"),
    )
    assert format_formula(factors) == "32 คน x 35 บาท x 1 มื้อ"


def test_format_formula_prints_thai_digits_and_omits_missing_units():
    factors = (Factor(Decimal("60"), "คน"), Factor(Decimal("180")), Factor(Decimal("2"), "วัน"))
    assert format_formula(factors, digits="thai") == "๖๐ คน x ๑๘๐ x ๒ วัน"


def test_format_formula_keeps_two_decimals_for_fractions():
    assert format_formula((Factor(Decimal("1.5"), "วัน"), Factor(Decimal("1000"), "บาท"))) == (
        "1.50 วัน x 1,000 บาท"
    )


@pytest.mark.parametrize(
    ("quantities", "product"),
    [
        ([Decimal("32"), Decimal("35"), Decimal("1"), Decimal("1")], Decimal("1120")),
        ([Decimal("1.5"), Decimal("3")], Decimal("4.5")),
        ([], Decimal("1")),
    ],
)
def test_product_of_multiplies_all_quantities(quantities, product):
    assert product_of(quantities) == product


# --- property: a formatted formula reads back as the same factors ----------------------------

_THAI_WORD = st.text(
    alphabet=st.sampled_from("กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮะาำิีึืุูเแโใไ่้๊๋็์"),
    min_size=1,
    max_size=8,
).filter(lambda w: w[0] not in "ะาำิีึืุู่้๊๋็์")
_UNIT = st.one_of(
    st.just(""),
    _THAI_WORD,
    st.lists(_THAI_WORD, min_size=2, max_size=3).map("/".join),  # บาท/คน/วัน
)
_QUANTITY = st.integers(min_value=1, max_value=99_999_999).map(lambda c: Decimal(c) / 100)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_QUANTITY, _UNIT), min_size=1, max_size=5),
    st.sampled_from(["arabic", "thai"]),
)
def test_a_formatted_formula_parses_back_to_the_same_factors(pairs, digits):
    factors = [Factor(q, u) for q, u in pairs]
    text = format_formula(factors, digits=digits)
    parsed = parse_formula(text)
    exact = product_of(f.quantity for f in factors)
    if parsed.error:  # only a product too large (or below one satang) for the money column
        assert parsed.error in {"product_too_large", "too_small"}, (text, parsed.message)
        assert exact > Decimal("999999999999.99") or exact < Decimal("0.005")
        return
    assert [(f.quantity, f.unit) for f in parsed.factors] == [(f.quantity, f.unit) for f in factors]
    assert parsed.product == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
