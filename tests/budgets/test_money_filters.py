"""Template filters money, baht, thaidigits, bedate and bahttext (template builtins)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context) -> str:
    """Render a template string with the given context."""
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "value", "text"),
    [
        ("{{ x|money }}", Decimal("6820"), "6,820.00"),
        ("{{ x|money }}", Decimal("0"), "-"),
        ("{{ x|money }}", None, "-"),
        ("{{ x|money }}", Decimal("-1234.5"), "-1,234.50"),
        ('{{ x|money:"thai" }}', Decimal("10000"), "๑๐,๐๐๐.๐๐"),
        ("{{ x|baht }}", Decimal("6820.00"), "6,820"),
        ("{{ x|baht }}", Decimal("0.00"), "-"),
        ('{{ x|baht:"thai" }}', Decimal("556000"), "๕๕๖,๐๐๐"),
        ("{{ x|thaidigits }}", "เขต 2 ปี 2566", "เขต ๒ ปี ๒๕๖๖"),
        ("{{ x|thaidigits }}", 104, "๑๐๔"),
        ("{{ x|bahttext }}", Decimal("6820"), "หกพันแปดร้อยยี่สิบบาทถ้วน"),
        ("{{ x|bahttext }}", None, ""),
    ],
)
def test_filters_print_amounts_and_digits_as_the_documents_do(source, value, text):
    assert render(source, x=value) == text


def test_money_prints_a_non_numeric_value_unchanged():
    assert render("{{ x|money }}", x="ไม่ระบุ") == "ไม่ระบุ"


def test_money_rejects_an_unknown_digit_style():
    with pytest.raises(TemplateSyntaxError):
        render('{{ x|money:"roman" }}', x=Decimal("1"))


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("{{ d|bedate }}", "๑ ตุลาคม ๒๕๖๖"),
        ('{{ d|bedate:"arabic" }}', "1 ตุลาคม 2566"),
        ('{{ d|bedate:"abbr" }}', "๑ ต.ค. ๒๕๖๖"),
        ('{{ d|bedate:"abbr,arabic" }}', "1 ต.ค. 2566"),
    ],
)
def test_bedate_prints_a_buddhist_era_date(source, text):
    assert render(source, d=date(2023, 10, 1)) == text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ('{{ t|bedate:"abbr,arabic,time" }}', "2 ธ.ค. 2569 12:19 น."),
        ('{{ t|bedate:"abbr,time" }}', "๒ ธ.ค. ๒๕๖๙ ๑๒:๑๙ น."),
        ('{{ t|bedate:"abbr,arabic" }}', "2 ธ.ค. 2569"),
        ('{{ late|bedate:"abbr,arabic,time" }}', "3 ธ.ค. 2569 00:30 น."),  # local time's day
        ('{{ d|bedate:"arabic,time" }}', "1 ตุลาคม 2566"),  # a date has no time to print
    ],
)
def test_bedate_prints_a_time_stamp_in_local_time_with_a_buddhist_era_year(source, text):
    # 05:19 UTC is 12:19 in Bangkok; 17:30 UTC is already the next day there.
    at = datetime(2026, 12, 2, 5, 19, tzinfo=UTC)
    late = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    assert render(source, t=at, late=late, d=date(2023, 10, 1)) == text


def test_bedate_prints_nothing_for_a_missing_date():
    assert render("{{ d|bedate }}", d=None) == ""


def test_bedate_rejects_an_unknown_option():
    with pytest.raises(TemplateSyntaxError):
        render('{{ d|bedate:"long" }}', d=date(2023, 10, 1))


def test_filters_need_no_load_tag_and_escape_nothing_they_add():
    assert render("{{ a|money }} / {{ b|bedate }}", a=Decimal("50000"), b=date(2024, 2, 29)) == (
        "50,000.00 / ๒๙ กุมภาพันธ์ ๒๕๖๗"
    )
