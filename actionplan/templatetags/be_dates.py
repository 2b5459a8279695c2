"""Template filters for pages Django draws itself (the admin)."""

import re

from django import template

register = template.Library()

_CE_YEAR = re.compile(r"\d{4}")


@register.filter
def be_year_title(title):
    """The admin's date hierarchy names a year by its bare CE number ("2026"): the BE year.
    Month and day titles come through Django's date formats, already in BE."""
    text = str(title)
    return str(int(text) + 543) if _CE_YEAR.fullmatch(text) else title
