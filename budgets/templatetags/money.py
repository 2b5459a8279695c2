"""Template filters for money, Thai digits and BE dates (registered as a template builtin)."""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import stringfilter
from django.utils import timezone

from actionplan import thai

register = template.Library()

_BEDATE_OPTIONS = {"arabic", "abbr", "time"}


def _digits(arg: str) -> thai.Digits:
    """Numeral style named by a filter argument: "thai", or Arabic when empty or "arabic"."""
    if arg not in ("", "thai", "arabic"):
        raise template.TemplateSyntaxError(f"unknown digits {arg!r}: use 'thai' or 'arabic'")
    return "thai" if arg == "thai" else "arabic"


@register.filter(is_safe=True)
def money(value, arg: str = ""):
    """Amount with satang, "6,820.00"; zero prints "-"; `money:"thai"` uses Thai digits."""
    try:
        return thai.format_money(value, digits=_digits(arg))
    except ValueError:
        return value


@register.filter(is_safe=True)
def baht(value, arg: str = ""):
    """Whole baht, "6,820"; zero prints "-"; `baht:"thai"` uses Thai digits."""
    try:
        return thai.format_money(value, digits=_digits(arg), decimals=0)
    except ValueError:
        return value


@register.filter(is_safe=True)
@stringfilter
def thaidigits(value: str) -> str:
    """Text with every Arabic digit replaced by a Thai digit."""
    return thai.to_thai_digits(value)


@register.filter(is_safe=True)
def bedate(value, arg: str = ""):
    """BE date "๑ ตุลาคม ๒๕๖๖"; comma-separated options "arabic", "abbr" and "time" (a
    datetime's local time after the date: "2 ธ.ค. 2569 12:19 น."). The one way a page prints
    a date or a time stamp: Django's `date` filter would print the CE year."""
    if not isinstance(value, date):
        return value or ""
    options = {option.strip() for option in arg.split(",") if option.strip()}
    if options - _BEDATE_OPTIONS:
        raise template.TemplateSyntaxError(f"unknown bedate options {sorted(options)}")
    digits = "arabic" if "arabic" in options else "thai"
    style = "abbr" if "abbr" in options else "full"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        if "time" in options:
            return thai.format_thai_datetime(value, style=style, digits=digits)
    return thai.format_thai_date(value, style=style, digits=digits)


@register.filter(name="bahttext", is_safe=True)
def bahttext_filter(value):
    """Amount in Thai words, "หกพันแปดร้อยยี่สิบบาทถ้วน"; empty values print nothing."""
    if value in (None, ""):
        return ""
    try:
        return thai.bahttext(value)
    except ValueError:
        return value
