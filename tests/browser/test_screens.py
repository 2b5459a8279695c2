"""The editor at every screen size (390, 768 and 1366 px) in Debian's Chromium, on the demo
office's draft: the page never scrolls sideways (wide tables scroll in their own box), the
totals bar is one line on a small screen and opens its details on demand with a real button,
buttons are at least 24 x 24 px, and no keyboard focus stop is hidden under the sticky totals
bar (WCAG 2.4.11), tabbing through every stop of the editor at each width."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan.models import User
from fixtures.demo import load_demo
from projects.models import Project
from tests.browser.test_accessibility import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {390: 844, 768: 1024, 1366: 900}  # a phone, a tablet, a laptop (height in px)
SMALL = 800  # the stylesheet's small-screen breakpoint

# Where the focused element lies against the bar: null when focus left the page's fields,
# "before" on the links above the form, "bar" inside the bar, else whether it is clear of it. A field taller than the room above the
# bar is clear when its top edge is in view above the bar.
FOCUS = """() => {
  const el = document.activeElement, bar = document.querySelector("[data-totals]");
  const form = document.getElementById("editor");
  if (!el || el === document.body) return null;
  if (!form.contains(el)) {
    return form.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING ? {where: "before"} : null;
  }
  if (bar.contains(el)) return {where: "bar"};
  const r = el.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
  const clear = r.bottom <= top + 0.5 || (r.height > top && r.top >= 0 && r.top < top);
  return {where: "page", clear, name: el.name || el.id || el.textContent.trim().slice(0, 30),
          top: r.top, bottom: r.bottom, bar: top};
}"""
SMALL_BUTTONS = """() => Array.from(document.querySelectorAll("#editor button"))
  .filter((b) => b.offsetParent !== null)
  .map((b) => [b.textContent.trim(), b.getBoundingClientRect()])
  .filter(([, r]) => r.width < 24 || r.height < 24).map(([t, r]) => [t, r.width, r.height])"""


@pytest.fixture
def editor(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = load_demo()
    passwords = {username: password for username, _, password in result.created_users}
    admin = User.objects.get(username="plan_admin")
    draft = Project.objects.editable_by(admin).filter(plan=result.plan).order_by("pk").first()
    return reverse("projects:project_edit", args=[draft.pk]), passwords["plan_admin"]


def test_the_editor_works_at_every_width_with_focus_never_under_the_totals_bar(
    page, live_server, editor
):
    url, password = editor
    log_in(page, live_server, "plan_admin", password)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + url)
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        bar = page.locator("[data-totals]")
        toggle = bar.get_by_role("button", name="รายละเอียดยอดรวม")
        detail = page.locator("#" + toggle.get_attribute("aria-controls"))
        assert toggle.get_attribute("aria-expanded") == ("false" if width <= SMALL else "true")
        assert detail.is_visible() == (width > SMALL)
        if width <= SMALL:
            assert bar.bounding_box()["height"] <= 0.15 * height, width
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true" and detail.is_visible()
            assert "ไตรมาส 1" in detail.inner_text()
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "false" and not detail.is_visible()
        padding = page.evaluate(
            "parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom)"
        )
        assert padding >= bar.bounding_box()["height"]
        assert page.evaluate(SMALL_BUTTONS) == []
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("h1").click()  # start the tab order at the top of the content
        hidden, stops = [], 0
        while stops < 1000:
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS)
            if focus is None:
                break
            stops += focus["where"] != "before"
            if focus["where"] == "page" and not focus["clear"]:
                hidden.append(focus)
        assert stops > 100, stops  # went through the whole editor
        assert hidden == [], (width, hidden[:5])


def test_the_total_is_announced_once_typing_pauses(page, live_server, editor):
    url, password = editor
    log_in(page, live_server, "plan_admin", password)
    page.goto(live_server.url + url)
    status = page.locator("[data-totals] [role=status]")
    assert status.get_attribute("aria-atomic") == "true"
    assert page.locator("[data-totals]").get_attribute("aria-live") is None  # not every keystroke
    amount = page.locator('[data-line] [name$="-plain_amount"]').first
    formula = page.locator('[data-line] [name$="-formula"]').first
    formula.fill("")
    amount.press_sequentially("1234", delay=50)
    assert status.inner_text() == ""  # nothing yet while typing
    total = page.locator("[data-project-total]").inner_text()
    page.wait_for_function(
        "(t) => document.querySelector('[data-totals] [role=status]').textContent.includes(t)",
        arg=total,
        timeout=3000,
    )
    assert status.inner_text() == f"งบประมาณทั้งโครงการ {total} บาท"
