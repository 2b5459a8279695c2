"""The Django admin in Debian's Chromium loads the vendored Thai font for its Thai labels (so a
machine without a Thai system font shows text, not empty boxes): the font face is loaded and
the site header's Thai text is laid out in it."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = os.environ.get("ADMIN_FONT_SCREENSHOT")  # a path, to look at the page
LOADED_THAI_FACES = """() => document.fonts.ready.then(() =>
  [...document.fonts].filter(f => f.family.includes("GovSarabunThai") && f.status === "loaded").length)"""


def test_the_admin_login_page_lays_out_thai_in_the_vendored_font(browser, live_server):
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/admin/login/")
    assert "ระบบแผนปฏิบัติการ" in page.locator("#site-name").inner_text()
    assert page.evaluate(LOADED_THAI_FACES) >= 1
    family = page.locator("#site-name a").evaluate("e => getComputedStyle(e).fontFamily")
    assert family.split(",")[0].strip('"') == "GovSarabunThai"
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
