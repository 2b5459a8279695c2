"""The Django admin loads the vendored Thai font, so its Thai labels never show as empty boxes
on a machine without a Thai system font (templates/admin/base_site.html)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f

CSS = Path(settings.BASE_DIR) / "static" / "css" / "admin-thai.css"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["admin:login", "admin:index", "admin:actionplan_orgunit_changelist"]
)
def test_every_admin_page_links_the_thai_font_css(client, page):
    if page != "admin:login":
        client.force_login(f.make_superuser(f.make_office()))
    html = client.get(reverse(page)).content.decode()
    assert 'href="/static/css/admin-thai.css"' in html
    assert 'href="/static/admin/css/base.css"' in html  # Django's own styles are kept


def test_the_css_declares_the_vendored_font_for_thai_code_points():
    css = CSS.read_text(encoding="utf-8")
    fonts = re.findall(r'url\("\.\./fonts/([^"]+)"\)', css)
    assert fonts and all((CSS.parent.parent / "fonts" / name).is_file() for name in fonts)
    assert css.count("unicode-range:U+0E00-0E7F") == len(fonts)
    assert '--font-family-primary: "GovSarabunThai"' in css
