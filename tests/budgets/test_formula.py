"""Budget-line formula parsing (domain.md 2.12(b), EX-04, EX-09, EX-10, EX-21, INC-04, Q23)."""

from decimal import Decimal

import pytest

from budgets.formula import Factor, format_formula, parse_formula, product_of


@pytest.mark.parametrize(
    ("text", "factors", "product"),
    [
        (
            "32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท",
            [("32", "คน"), ("35", "บาท"), ("1", "มื้อ"), ("1", "ครั้ง")],
            "1120",
        ),
        ("=100x200X2", [("100", ""), ("200", ""), ("2", "")], "40000"),
        ("๒๒๐ คน X ๑2๐ บาท  ๒ ครั้ง", [("220", "คน"), ("120", "บาท"), ("2", "ครั้ง")], "52800"),
        ("(จำนวน ๓5 คน*๓๕ บาท*๔๐ ครั้ง)", [("35", "คน"), ("35", "บาท"), ("40", "ครั้ง")], "49000"),
        (
            "จำนวน 30 คน 2 วันๆละ 180 บาท/คน/วัน",
            [("30", "คน"), ("2", "วัน"), ("180", "บาท/คน/วัน")],
            "10800",
        ),
        ("(18คน X ๓3 บาท X๒มื้อ )", [("18", "คน"), ("33", "บาท"), ("2", "มื้อ")], "1188"),
        ("( 18คน X ๑๒๐ บาท )", [("18", "คน"), ("120", "บาท")], "2160"),
        ("(37คนX๓0บาท X๒มื้อ)", [("37", "คน"), ("30", "บาท"), ("2", "มื้อ")], "2220"),
        ("(37 คน x ๑๒๐บาท X๑มื้อ)", [("37", "คน"), ("120", "บาท"), ("1", "มื้อ")], "4440"),
        ("( ๖0 คน x 18๐ x ๒ วัน)", [("60", "คน"), ("180", ""), ("2", "วัน")], "21600"),
        ("จำนวน ๒๒๐ คน x 30บาท x 6 ครั้ง", [("220", "คน"), ("30", "บาท"), ("6", "ครั้ง")], "39600"),
        ("ค่าอาหารว่างและเครื่องดื่ม =100x50X2", [("100", ""), ("50", ""), ("2", "")], "10000"),
        ("ค่าตอบแทนวิทยากร=3 x600X2", [("3", ""), ("600", ""), ("2", "")], "3600"),
        ("120 คน × 35 บาท", [("120", "คน"), ("35", "บาท")], "4200"),
    ],
)
def test_parse_formula_reads_factors_and_multiplies_them(text, factors, product):
    parsed = parse_formula(text)
    assert parsed.factors == tuple(Factor(Decimal(q), unit) for q, unit in factors)
    assert parsed.product == Decimal(product)
    assert parsed.ambiguous is False


def test_parse_formula_keeps_the_declared_amount_after_the_equals_sign():
    parsed = parse_formula("32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท")
    assert parsed.declared == Decimal("1120")
    assert parsed.message == ""


def test_parse_formula_ignores_the_description_before_the_numbers():
    parsed = parse_formula("- ค่าอาหารว่างและเครื่องดื่ม 32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท")
    assert [f.quantity for f in parsed.factors] == [
        Decimal(32),
        Decimal(35),
        Decimal(1),
        Decimal(1),
    ]
    assert (parsed.product, parsed.declared) == (Decimal("1120"), Decimal("1120"))


def test_parse_formula_reads_a_lump_sum_as_a_declared_amount_without_factors():
    parsed = parse_formula("- ค่าวัสดุ = 1,500 บาท")
    assert parsed.factors == ()
    assert parsed.product is None
    assert parsed.declared == Decimal("1500")
    assert parsed.message == ""


def test_parse_formula_flags_two_headcounts_as_ambiguous_and_asks_for_the_amount():
    parsed = parse_formula("จำนวน 120 คน 2 รุ่นๆ ละ 105 คน/รุ่น วันละ 180 บาท/คน/วัน")
    assert parsed.ambiguous is True
    assert parsed.product is None
    assert parsed.factors == (
        Factor(Decimal("120"), "คน"),
        Factor(Decimal("2"), "รุ่น"),
        Factor(Decimal("105"), "คน/รุ่น"),
        Factor(Decimal("180"), "บาท/คน/วัน"),
    )
    assert parsed.message == ("สูตรคำนวณกำกวม: มีจำนวนคนมากกว่าหนึ่งค่า (120, 105) กรุณากรอกจำนวนเงินเอง")


def test_parse_formula_warns_when_the_product_differs_from_the_declared_amount():
    parsed = parse_formula("18 คน x 33 บาท x 2 มื้อ = 1,080 บาท")
    assert (parsed.product, parsed.declared) == (Decimal("1188"), Decimal("1080"))
    assert parsed.message == "ผลคูณ 1,188 ไม่ตรงกับยอดที่ระบุ 1,080 บาท"


def test_parse_formula_warns_when_the_text_has_no_numbers():
    parsed = parse_formula("เหมาจ่าย")
    assert (parsed.factors, parsed.product, parsed.declared) == ((), None, None)
    assert parsed.message == "ไม่พบจำนวนในสูตร กรุณากรอกจำนวนเงินเอง"


@pytest.mark.parametrize("text", ["", None])
def test_parse_formula_of_nothing_is_empty_and_silent(text):
    parsed = parse_formula(text)
    assert (parsed.factors, parsed.product, parsed.declared, parsed.message) == ((), None, None, "")


def test_format_formula_joins_factors_with_x_and_drops_whole_number_decimals():
    factors = (
        Factor(Decimal("32.00"), "คน"),
        Factor(Decimal("35.00"), "บาท"),
        Factor(Decimal("1"), "มื้อ"),
        Factor(Decimal("1"), "ครั้ง"),
    )
    assert format_formula(factors) == "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"


def test_format_formula_prints_thai_digits_and_omits_missing_units():
    factors = (Factor(Decimal("60"), "คน"), Factor(Decimal("180")), Factor(Decimal("2"), "วัน"))
    assert format_formula(factors, digits="thai") == "๖๐ คน x ๑๘๐ x ๒ วัน"


def test_format_formula_keeps_two_decimals_for_fractions():
    assert format_formula((Factor(Decimal("1.5"), "วัน"), Factor(Decimal("1000"), "บาท"))) == (
        "1.50 วัน x 1,000 บาท"
    )


def test_format_formula_round_trips_a_parsed_formula():
    parsed = parse_formula("(18คน X ๓3 บาท X๒มื้อ )")
    assert format_formula(parsed.factors) == "18 คน x 33 บาท x 2 มื้อ"


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
