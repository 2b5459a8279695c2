"""The screen's font and icon: every page preloads the woff2 font its stylesheet uses, each woff2
file is the same font as the .ttf the PDFs use (recompressed, not changed), and /favicon.ico
answers with the vendored icon."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from fontTools.ttLib import TTFont

pytestmark = pytest.mark.django_db

FONTS = settings.BASE_DIR / "static" / "fonts" / "thsarabunpsk"
PRELOAD = re.compile(
    r'<link rel="preload" href="([^"]+\.woff2)" as="font" type="font/woff2" crossorigin>'
)


@pytest.mark.parametrize("ttf", sorted(FONTS.glob("*.ttf")), ids=lambda p: p.stem)
def test_each_woff2_is_the_same_font_as_its_ttf(ttf):
    woff2 = ttf.with_suffix(".woff2")
    assert woff2.read_bytes()[:4] == b"wOF2"
    assert woff2.stat().st_size < ttf.stat().st_size / 2
    a, b = TTFont(ttf), TTFont(woff2)
    assert a.getGlyphOrder() == b.getGlyphOrder()
    assert a.getBestCmap() == b.getBestCmap()
    assert a["hmtx"].metrics == b["hmtx"].metrics
    assert a["name"].getDebugName(4) == b["name"].getDebugName(4)


def test_the_stylesheet_uses_the_woff2_files_with_swap_and_a_fallback():
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    faces = re.findall(r'@font-face \{ font-family:"GovSarabun"; ([^}]*)\}', css)
    assert len(faces) == 4
    for face in faces:
        assert 'format("woff2")' in face and ".ttf" not in face and "font-display:swap" in face
        name = re.search(r"thsarabunpsk/([\w-]+\.woff2)", face).group(1)
        assert (FONTS / name).exists()
    assert re.search(r'font-family:"GovSarabun Fallback"; src:local\([^}]*size-adjust:', css)
    assert 'font-family:"GovSarabun","GovSarabun Fallback"' in css


def test_the_login_page_preloads_the_font_and_links_the_icon(client):
    page = client.get(reverse("login")).content.decode()
    preloaded = PRELOAD.findall(page)
    assert any(url.endswith("THSarabun-Regular.woff2") for url in preloaded)
    for url in preloaded:
        assert finders.find(url.removeprefix(settings.STATIC_URL))
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_favicon_ico_answers_with_the_vendored_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == settings.STATIC_URL + "favicon.ico"
    icon = finders.find("favicon.ico")
    with open(icon, "rb") as f:
        assert f.read(4) == b"\x00\x00\x01\x00"  # an ICO file
