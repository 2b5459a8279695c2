"""Thai calendar, numeral, money and period helpers (domain.md §1, EX-20, EX-21, §6.1, §7)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from actionplan.thai import (
    MONTHS_ABBR,
    MONTHS_FULL,
    THAI_DIGITS,
    Target,
    YearOutOfRange,
    bahttext,
    be_to_ce,
    ce_to_be,
    fiscal_month_index,
    fiscal_months,
    fiscal_year_bounds,
    fiscal_year_of,
    format_money,
    format_month_year,
    format_number,
    format_short_date,
    format_thai_date,
    format_thai_datetime,
    parse_number,
    parse_period,
    parse_target,
    parse_thai_date,
    quarter_bounds,
    quarter_label,
    quarter_of,
    quarter_of_month_index,
    read_date_parts,
    report_round,
    strip_list_marker,
    to_arabic_digits,
    to_thai_digits,
    year_total_label,
)
from budgets.money import quantize

# --- numerals and eras ----------------------------------------------------------------------


def test_thai_digits_are_the_ten_thai_numerals_in_order():
    assert THAI_DIGITS == "๐๑๒๓๔๕๖๗๘๙"


@pytest.mark.parametrize(
    ("arabic", "thai"),
    [("2566", "๒๕๖๖"), ("6,820 บาท", "๖,๘๒๐ บาท"), ("0123456789", "๐๑๒๓๔๕๖๗๘๙"), ("CME", "CME")],
)
def test_to_thai_digits_replaces_only_digits(arabic, thai):
    assert to_thai_digits(arabic) == thai


@pytest.mark.parametrize(
    ("text", "arabic"), [("๒๕๖2", "2562"), ("20,0๐๐", "20,000"), ("๔.3", "4.3")]
)
def test_to_arabic_digits_reads_mixed_digits(text, arabic):
    assert to_arabic_digits(text) == arabic


def test_buddhist_era_is_common_era_plus_543():
    assert ce_to_be(2023) == 2566
    assert be_to_ce(2567) == 2024


# --- fiscal year and quarters (EX-20) -------------------------------------------------------


def test_fiscal_year_2566_runs_from_1_october_2022_to_30_september_2023():
    assert fiscal_year_bounds(2566) == (date(2022, 10, 1), date(2023, 9, 30))


@pytest.mark.parametrize(
    ("q", "label"),
    [
        (1, "ไตรมาสที่ ๑ (ต.ค.-ธ.ค. ๖๕)"),
        (2, "ไตรมาสที่ ๒ (ม.ค.-มี.ค. ๖๖)"),
        (3, "ไตรมาสที่ ๓ (เม.ย.-มิ.ย. ๖๖)"),
        (4, "ไตรมาสที่ ๔ (ก.ค.-ก.ย. ๖๖)"),
    ],
)
def test_quarter_label_prints_the_003_header_in_thai_digits(q, label):
    assert quarter_label(2566, q) == label


@pytest.mark.parametrize(
    ("q", "label"),
    [
        (1, "ไตรมาสที่ 1/2566 (ต.ค.-ธ.ค.65)"),
        (2, "ไตรมาสที่ 2/2566 (ม.ค.-มี.ค.66)"),
        (3, "ไตรมาสที่ 3/2566 (เม.ย.-มิ.ย.66)"),
        (4, "ไตรมาสที่ 4/2566 (ก.ค.-ก.ย.66)"),
    ],
)
def test_quarter_label_prints_the_000_header_in_arabic_digits(q, label):
    assert quarter_label(2566, q, digits="arabic") == label


def test_year_total_label_spans_october_to_september():
    assert year_total_label(2566) == "รวม (ต.ค.๖๕-ก.ย.๖๖)"
    assert year_total_label(2566, digits="arabic") == "รวม (ต.ค.65-ก.ย.66)"


def test_quarter_label_rejects_a_fifth_quarter():
    with pytest.raises(ValueError):
        quarter_label(2566, 5)


def test_quarter_label_rejects_an_unknown_digit_style():
    with pytest.raises(ValueError):
        quarter_label(2566, 1, digits="roman")


@pytest.mark.parametrize(
    ("text", "fiscal_year", "quarter"),
    [
        ("เมษายน 2566", 2566, 3),
        ("๑ ตุลาคม ๒๕๖๖", 2567, 1),
        ("๓๐ กันยายน ๒๕๖๗", 2567, 4),
        ("ธันวาคม ๒๕๖๕", 2566, 1),
    ],
)
def test_printed_dates_fall_in_the_ex20_fiscal_year_and_quarter(text, fiscal_year, quarter):
    start, end = parse_period(text)
    assert (fiscal_year_of(start), quarter_of(start)) == (fiscal_year, quarter)
    assert (fiscal_year_of(end), quarter_of(end)) == (fiscal_year, quarter)


@pytest.mark.parametrize(
    ("day", "fiscal_year", "quarter"),
    [
        (date(2022, 9, 30), 2565, 4),
        (date(2022, 10, 1), 2566, 1),
        (date(2022, 12, 31), 2566, 1),
        (date(2023, 1, 1), 2566, 2),
        (date(2023, 3, 31), 2566, 2),
        (date(2023, 4, 1), 2566, 3),
        (date(2023, 6, 30), 2566, 3),
        (date(2023, 7, 1), 2566, 4),
        (date(2023, 9, 30), 2566, 4),
    ],
)
def test_fiscal_year_and_quarter_change_on_the_first_of_the_quarter(day, fiscal_year, quarter):
    assert fiscal_year_of(day) == fiscal_year
    assert quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("q", "bounds"),
    [
        (1, (date(2022, 10, 1), date(2022, 12, 31))),
        (2, (date(2023, 1, 1), date(2023, 3, 31))),
        (3, (date(2023, 4, 1), date(2023, 6, 30))),
        (4, (date(2023, 7, 1), date(2023, 9, 30))),
    ],
)
def test_quarter_bounds_of_fiscal_2566_are_calendar_dates(q, bounds):
    assert quarter_bounds(2566, q) == bounds


def test_fiscal_months_list_october_to_september_with_ce_years():
    assert fiscal_months(2566) == [
        (2022, 10), (2022, 11), (2022, 12),
        (2023, 1), (2023, 2), (2023, 3), (2023, 4), (2023, 5), (2023, 6),
        (2023, 7), (2023, 8), (2023, 9),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("day", "index"),
    [
        (date(2022, 10, 15), 1),
        (date(2022, 12, 1), 3),
        (date(2023, 1, 31), 4),
        (date(2023, 9, 1), 12),
    ],
)
def test_fiscal_month_index_counts_from_october(day, index):
    assert fiscal_month_index(day) == index


@pytest.mark.parametrize(
    ("index", "quarter"), [(1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (12, 4)]
)
def test_quarter_of_month_index_groups_three_months(index, quarter):
    assert quarter_of_month_index(index) == quarter


@pytest.mark.parametrize("index", [0, 13])
def test_quarter_of_month_index_rejects_indexes_outside_the_year(index):
    with pytest.raises(ValueError):
        quarter_of_month_index(index)


# --- report rounds (EX-20, INC-21) ----------------------------------------------------------


def test_report_round_2_covers_january_to_march_and_six_cumulative_months():
    round_2 = report_round(2566, 2)
    assert round_2.number == 2
    assert round_2.months == ((2023, 1), (2023, 2), (2023, 3))
    assert round_2.cumulative_months == 6
    assert (round_2.start, round_2.end) == (date(2023, 1, 1), date(2023, 3, 31))
    assert round_2.cumulative_start == date(2022, 10, 1)
    assert round_2.label == "ไตรมาสที่ ๒ รอบ ๖ เดือน"
    assert round_2.period_label == "มกราคม ๒๕๖๖ - มีนาคม ๒๕๖๖"


def test_report_round_1_ends_in_december_of_the_previous_be_year():
    round_1 = report_round(2566, 1)
    assert round_1.period_label == "ตุลาคม ๒๕๖๕ - ธันวาคม ๒๕๖๕"
    assert round_1.cumulative_months == 3


def test_report_round_4_is_the_twelve_month_round():
    round_4 = report_round(2566, 4)
    assert round_4.label == "ไตรมาสที่ ๔ รอบ ๑๒ เดือน"
    assert (round_4.cumulative_start, round_4.end) == (date(2022, 10, 1), date(2023, 9, 30))


def test_report_round_prints_arabic_digits_when_asked():
    round_3 = report_round(2566, 3, digits="arabic")
    assert round_3.label == "ไตรมาสที่ 3 รอบ 9 เดือน"
    assert round_3.period_label == "เมษายน 2566 - มิถุนายน 2566"


# --- month names and date formatting ---------------------------------------------------------


def test_month_names_are_indexed_by_calendar_month():
    assert (MONTHS_FULL[1], MONTHS_FULL[2], MONTHS_FULL[10], MONTHS_FULL[12]) == (
        "มกราคม",
        "กุมภาพันธ์",
        "ตุลาคม",
        "ธันวาคม",
    )
    assert " ".join(MONTHS_ABBR[m] for m in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)) == (
        "ต.ค. พ.ย. ธ.ค. ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย."
    )


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "๑ ตุลาคม ๒๕๖๖"),
        ({"digits": "arabic"}, "1 ตุลาคม 2566"),
        ({"style": "abbr", "digits": "arabic"}, "1 ต.ค. 2566"),
        ({"style": "abbr"}, "๑ ต.ค. ๒๕๖๖"),
    ],
)
def test_format_thai_date_prints_day_month_and_be_year(kwargs, text):
    assert format_thai_date(date(2023, 10, 1), **kwargs) == text


def test_format_month_year_prints_the_be_year():
    assert format_month_year(2023, 4) == "เมษายน ๒๕๖๖"
    assert format_month_year(2023, 4, style="abbr", digits="arabic") == "เม.ย. 2566"


# --- parse_number (EX-21, Q1-Q5) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20,0๐๐", Decimal("20000")),
        ("5๐,๐๐๐", Decimal("50000")),
        ("๑,08๐", Decimal("1080")),
        ("๑๐,๐๐๐.-", Decimal("10000")),
        ("50,000.-บาท", Decimal("50000")),
        ("๑๕๐,๐๐๐ .- บาท", Decimal("150000")),
        ("-", Decimal("0")),
        ("--", Decimal("0")),
        ("", Decimal("0")),
        ("-    บาท", Decimal("0")),
        ("0", Decimal("0")),
        ("๒๕๖ ๖", Decimal("2566")),
        ("๖๗.๗ ๔", Decimal("67.74")),
        ("+ ๑.๒๑", Decimal("1.21")),
        ("- ๕.๓๗", Decimal("-5.37")),
        ("– ๕.๓๗", Decimal("-5.37")),
        ("−2", Decimal("-2")),
        ("     40,000", Decimal("40000")),
        ("๔๒.๙๘", Decimal("42.98")),
    ],
)
def test_parse_number_reads_printed_table_cells(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Decimal("0")),
        (6820, Decimal("6820")),
        (1.1, Decimal("1.1")),
        (Decimal("2.50"), Decimal("2.50")),
    ],
)
def test_parse_number_accepts_numbers_and_none(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize("raw", ["ห้าหมื่นบาทถ้วน", "1,2", "1.2.3", "+", "ร้อยละ ๘๐"])
def test_parse_number_rejects_text_with_a_thai_message(raw):
    with pytest.raises(ValueError, match="ไม่ใช่ตัวเลข"):
        parse_number(raw)


# --- parse_target (EX-21) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ร้อยละ ๑๐๐", Target(Decimal("100"), "ร้อยละ", "eq")),
        ("- ไม่น้อยกว่า ร้อยละ ๘๐", Target(Decimal("80"), "ร้อยละ", "gte")),
        ("- ๑๐๒ โรงเรียน", Target(Decimal("102"), "โรงเรียน", "eq")),
        ("ไม่ต่ำกว่าร้อยละ 75", Target(Decimal("75"), "ร้อยละ", "gte")),
        ("ไม่เกิน ๕ ครั้ง", Target(Decimal("5"), "ครั้ง", "lte")),
        ("ไม่มากกว่า ร้อยละ 10", Target(Decimal("10"), "ร้อยละ", "lte")),
        ("มากกว่า 3.50 คะแนน", Target(Decimal("3.50"), "คะแนน", "gt")),
        ("น้อยกว่า ร้อยละ ๕", Target(Decimal("5"), "ร้อยละ", "lt")),
        ("ร้อยละ ๘๐ ขึ้นไป", Target(Decimal("80"), "ร้อยละ", "gte")),
        ("1,945 คน", Target(Decimal("1945"), "คน", "eq")),
    ],
)
def test_parse_target_reads_value_unit_and_comparator(raw, expected):
    assert parse_target(raw) == expected


@pytest.mark.parametrize("raw", ["ครูมีความรู้ความเข้าใจ", "ร้อยละ 80 ของ 102 โรงเรียน", ""])
def test_parse_target_keeps_unreadable_targets_as_text(raw):
    assert parse_target(raw) == Target(None, "", "text")


# --- parse_thai_date (§1.4, R-D4, Q22) -------------------------------------------------------

ABBREVIATION_STYLES = [
    "ต.ค. พ.ย. ธ.ค. ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย.",
    "ต.ค พ.ย ธ.ค ม.ค ก.พ มี.ค เม.ย พ.ค มิ.ย ก.ค ส.ค ก.ย",
    "ตค พย ธค มค กพ มีค เมย พค มิย กค สค กย",
    "ตค. พย. ธค. มค. กพ. มีค. เมย. พค. มิย. กค. สค. กย.",
]
FISCAL_ORDER = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)


@pytest.mark.parametrize(
    ("abbr", "month"),
    [
        (abbr, month)
        for style in ABBREVIATION_STYLES
        for abbr, month in zip(style.split(), FISCAL_ORDER, strict=True)
    ],
)
def test_parse_thai_date_accepts_all_four_abbreviation_spellings(abbr, month):
    assert parse_thai_date(f"๑ {abbr} ๒๕๖๖") == date(2023, month, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("๑ ตุลาคม ๒๕๖๖", date(2023, 10, 1)),
        ("30 ก.ย. 2567", date(2024, 9, 30)),
        ("1 ต.ค.62", date(2019, 10, 1)),
        ("17  ตุลาคม  2557", date(2014, 10, 17)),
        ("๑ ตุลาคม พ.ศ. ๒๕๖๖", date(2023, 10, 1)),
        ("๒๙ กุมภาพันธ์ ๒๕๖๗", date(2024, 2, 29)),
    ],
)
def test_parse_thai_date_reads_printed_dates(raw, expected):
    assert parse_thai_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["๓๐ กุมภาพันธ์ ๒๕๖๗", "๒๙ กุมภาพันธ์ ๒๕๖๖", "๓๒ มกราคม ๒๕๖๖", "เมษายน 2566", "2566", "วันนี้"]
)
def test_parse_thai_date_returns_none_for_missing_or_impossible_days(raw):
    assert parse_thai_date(raw) is None


# --- parse_period (Q22) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("เมษายน 2566", (date(2023, 4, 1), date(2023, 4, 30))),
        ("กุมภาพันธ์ ๒๕๖๗", (date(2024, 2, 1), date(2024, 2, 29))),
        ("๑ ตุลาคม ๒๕๖๖", (date(2023, 10, 1), date(2023, 10, 1))),
        ("๑ ตุลาคม ๒๕๖2 ถึง ๓๐ กันยายน ๒๕๖3", (date(2019, 10, 1), date(2020, 9, 30))),
        ("ตุลาคม – พฤศจิกายน 2562", (date(2019, 10, 1), date(2019, 11, 30))),
        ("ส.ค. – ก.ย. ๒๕๖3", (date(2020, 8, 1), date(2020, 9, 30))),
        ("1 - 30 ต.ค.62", (date(2019, 10, 1), date(2019, 10, 30))),
        ("1 พ.ย. -30 ก.ย.63", (date(2019, 11, 1), date(2020, 9, 30))),
        ("ธันวาคม ๒๕๖๕ – กันยายน ๒๕๖๖", (date(2022, 12, 1), date(2023, 9, 30))),
        ("ตุลาคม ๒๕๖๒-กันยายน ๒๕๖๓", (date(2019, 10, 1), date(2020, 9, 30))),
        ("มิถุนายน ถึง กันยายน ๒๕๖3", (date(2020, 6, 1), date(2020, 9, 30))),
        ("มีนาคม 63", (date(2020, 3, 1), date(2020, 3, 31))),
        ("ระหว่างเดือน มกราคม ๒๕๖๖ - มีนาคม ๒๕๖๖", (date(2023, 1, 1), date(2023, 3, 31))),
    ],
)
def test_parse_period_reads_printed_periods(raw, expected):
    assert parse_period(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("พ.ย.", (date(2019, 11, 1), date(2019, 11, 30))),
        ("มีนาคม", (date(2020, 3, 1), date(2020, 3, 31))),
        ("ส.ค. – ก.ย.", (date(2020, 8, 1), date(2020, 9, 30))),
        ("ไตรมาส ๓ - ๔", (date(2020, 4, 1), date(2020, 9, 30))),
        ("ไตรมาสที่ 1", (date(2019, 10, 1), date(2019, 12, 31))),
    ],
)
def test_parse_period_takes_a_missing_year_from_the_fiscal_year(raw, expected):
    assert parse_period(raw, fiscal_year_be=2563) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ทุกครั้งที่มีการประชุมผู้บริหารสถานศึกษา",
        "เมษายน – สิงหาคม 2563 / พฤศจิกายน 2562 –  มีนาคม 2563",
        "พ.ย.",
        "ไตรมาส ๓ - ๔",
        "๓๐ กุมภาพันธ์ ๒๕๖๖",
        "",
    ],
)
def test_parse_period_returns_none_when_it_cannot_tell_the_dates(raw):
    assert parse_period(raw) is None


# --- printing numbers and money (§6.1) --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((Decimal("1234567"),), "1,234,567"),
        ((Decimal("1234.5"), 2), "1,234.50"),
        ((Decimal("143255"), 0, "thai"), "๑๔๓,๒๕๕"),
        ((Decimal("42.975"), 2, "thai"), "๔๒.๙๘"),
        ((Decimal("0.5"),), "1"),
        ((Decimal("-2.5"),), "-3"),
        ((0,), "0"),
    ],
)
def test_format_number_groups_thousands_and_rounds_half_up(args, text):
    assert format_number(*args) == text


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (Decimal("1234"), {}, "1,234.00"),
        (Decimal("6820"), {"digits": "thai"}, "๖,๘๒๐.๐๐"),
        (Decimal("6820"), {"decimals": 0}, "6,820"),
        (Decimal("-1234"), {}, "-1,234.00"),
        (Decimal("0"), {}, "-"),
        (None, {}, "-"),
        (Decimal("0.004"), {}, "-"),
        (Decimal("-0.004"), {}, "-"),
        (Decimal("0"), {"zero": "0"}, "0"),
        (Decimal("1234.005"), {}, "1,234.01"),
    ],
)
def test_format_money_prints_two_decimals_and_a_dash_for_zero(value, kwargs, text):
    assert format_money(value, **kwargs) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [("0.005", "0.01"), ("1.005", "1.01"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("0.0049", "-")],
)
def test_quantized_amounts_round_half_up_before_printing(raw, text):
    assert format_money(quantize(raw)) == text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("6820"), "หกพันแปดร้อยยี่สิบบาทถ้วน"),
        (Decimal("50000"), "ห้าหมื่นบาทถ้วน"),
        (Decimal("1228200"), "หนึ่งล้านสองแสนสองหมื่นแปดพันสองร้อยบาทถ้วน"),
        (Decimal("21"), "ยี่สิบเอ็ดบาทถ้วน"),
        (Decimal("101"), "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (Decimal("1000001"), "หนึ่งล้านเอ็ดบาทถ้วน"),
        (Decimal("0.50"), "ห้าสิบสตางค์"),
        (Decimal("1"), "หนึ่งบาทถ้วน"),
        (Decimal("11"), "สิบเอ็ดบาทถ้วน"),
        (Decimal("10000000"), "สิบล้านบาทถ้วน"),
        (Decimal("125.25"), "หนึ่งร้อยยี่สิบห้าบาทยี่สิบห้าสตางค์"),
        (Decimal("0"), "ศูนย์บาทถ้วน"),
        (Decimal("-21"), "ลบยี่สิบเอ็ดบาทถ้วน"),
        ("5๐,๐๐๐", "ห้าหมื่นบาทถ้วน"),
    ],
)
def test_bahttext_spells_the_amount_in_thai_words(amount, words):
    assert bahttext(amount) == words


# --- typed years: BE or CE near the plan's fiscal year (resolve_year_be) ------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 ตุลาคม 2022", date(2022, 10, 1)),  # a CE year, not 1479
        ("1 ตุลาคม 2565", date(2022, 10, 1)),
        ("๓๐ กันยายน ๒๐๒๓", date(2023, 9, 30)),
        ("1 ต.ค.65", date(2022, 10, 1)),
    ],
)
def test_parse_thai_date_reads_a_ce_year_near_the_plan_year_as_ce(raw, expected):
    assert parse_thai_date(raw, fiscal_year_be=2566) == expected


def test_parse_thai_date_without_a_plan_year_reads_a_ce_year_as_ce():
    assert parse_thai_date("1 ตุลาคม 2022") == date(2022, 10, 1)


@pytest.mark.parametrize("raw", ["1 ตุลาคม 2500", "1 ตุลาคม 2035", "1 ต.ค.99", "1 ตุลาคม 1479"])
def test_parse_thai_date_refuses_a_year_outside_the_plan_horizon(raw):
    with pytest.raises(YearOutOfRange, match="นอกช่วงของแผนปีงบประมาณ 2566"):
        parse_thai_date(raw, fiscal_year_be=2566)


def test_parse_thai_date_refuses_a_year_of_neither_era():
    with pytest.raises(YearOutOfRange, match="ไม่ใช่ปี พ.ศ."):
        parse_thai_date("1 ตุลาคม 1479")


def test_parse_period_reads_ce_years_and_refuses_years_outside_the_horizon():
    assert parse_period("ตุลาคม 2022 - กันยายน 2023", fiscal_year_be=2566) == (
        date(2022, 10, 1),
        date(2023, 9, 30),
    )
    with pytest.raises(YearOutOfRange):
        parse_period("ตุลาคม 2540 - กันยายน 2541", fiscal_year_be=2566)


# --- typed dates of a date field (read_date_parts, format_short_date; issue 14) -----------------


@pytest.mark.parametrize(("digits", "text"), [("arabic", "17/10/2565"), ("thai", "๑๗/๑๐/๒๕๖๕")])
def test_format_short_date_prints_day_month_and_be_year(digits, text):
    assert format_short_date(date(2022, 10, 17), digits=digits) == text


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "2 ธ.ค. 2569 09:05 น."),
        ({"style": "full", "digits": "thai"}, "๒ ธันวาคม ๒๕๖๙ ๐๙:๐๕ น."),
    ],
)
def test_format_thai_datetime_prints_a_be_date_and_the_time(kwargs, text):
    assert format_thai_datetime(datetime(2026, 12, 2, 9, 5), **kwargs) == text


@pytest.mark.parametrize(
    "raw",
    [
        "17/10/2565",
        "17/10/65",
        "17.10.2565",
        "17-10-2565",
        " 17 / 10 / 2565 ",
        "๑๗/๑๐/๒๕๖๕",
        "17 ต.ค. 65",
        "17 ต.ค.65",
        "17 ตุลาคม 2565",
        "๑๗ ตุลาคม ๒๕๖๕",
        "17 ต.ค. พ.ศ. 2565",
        "17/10/2022",  # a CE year near the plan's is read as CE
        "2022-10-17",  # what a browser's own date picker sends
    ],
)
def test_read_date_parts_reads_what_people_type(raw):
    assert read_date_parts(raw, fiscal_year_be=2566) == (2565, 10, 17)


def test_read_date_parts_leaves_the_calendar_check_to_the_caller():
    assert read_date_parts("31/02/2566") == (2566, 2, 31)
    assert read_date_parts("17/13/65") == (2565, 13, 17)


def test_read_date_parts_reads_a_two_digit_year_as_be_without_a_plan_year():
    assert read_date_parts("1/4/66") == (2566, 4, 1)


@pytest.mark.parametrize("raw", ["", "17/10", "17/10-2565", "เมษายน 2566", "วันนี้", "17102565"])
def test_read_date_parts_returns_none_for_what_is_no_date(raw):
    assert read_date_parts(raw) is None


@pytest.mark.parametrize("raw", ["17/10/2500", "17/10/99", "2035-10-17"])
def test_read_date_parts_refuses_a_year_outside_the_plan_horizon(raw):
    with pytest.raises(YearOutOfRange, match="นอกช่วงของแผนปีงบประมาณ 2566"):
        read_date_parts(raw, fiscal_year_be=2566)


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("1.1 ประชุมคณะทำงาน", "ประชุมคณะทำงาน"),
        ("1. ประชุม", "ประชุม"),
        ("1.ประชุม", "ประชุม"),
        ("1.2.3. ประชุม", "ประชุม"),
        ("๑.๒ ประชุม", "ประชุม"),
        ("1) ประชุม", "ประชุม"),
        ("(2) ประชุม", "ประชุม"),
        ("- ประชุม", "ประชุม"),
        ("• ประชุม", "ประชุม"),
        ("- 1. ประชุม", "ประชุม"),
        ("  3.  สรุปผล ", "สรุปผล"),
        ("1.", ""),
        # Kept: a year, an amount, a count, "ขั้นตอนที่", a Thai abbreviation.
        ("2566 ทบทวนแผน", "2566 ทบทวนแผน"),
        ("1500 บาท", "1500 บาท"),
        ("30 คน เข้าร่วม", "30 คน เข้าร่วม"),
        ("ขั้นตอนที่ 1 ประชุม", "ขั้นตอนที่ 1 ประชุม"),
        ("ก.พ. 2567 ประชุม", "ก.พ. 2567 ประชุม"),
    ],
)
def test_strip_list_marker_drops_typed_numbering_and_bullets(line, text):
    assert strip_list_marker(line) == text
