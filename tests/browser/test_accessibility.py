"""WCAG 2.2 AA on every main page (tests/main_pages.py), checked with axe-core in Debian's
Chromium for every demo role that can see the page, at 390, 768 and 1366 px: no serious or
critical violation (issue 15).

axe-core is vendored as a test asset (tests/assets/axe-4.14.1.min.js, MPL-2.0, from npm), so the
check runs offline. One browser page, each role logged in once; a page is loaded once per role
and checked at the three widths in turn (the layout follows the viewport)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.main_pages import ANONYMOUS_PAGES, ROLES, load_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "assets" / "axe-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {390: 844, 768: 1024, 1366: 900}
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""

# The page's scroll width when it scrolls sideways, with the elements reaching past the window
# that are not inside a box that scrolls by itself.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  const past = Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !inScroller(el))
    .slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).split(" ")[0] : ""));
  return [document.documentElement.scrollWidth, ...past];
}"""


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check(page, found: dict, key: str) -> None:
    """axe at each width on the loaded page, and the page never scrolls sideways."""
    page.add_script_tag(path=str(AXE))
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        violations = page.evaluate(RUN, TAGS)
        wide = page.evaluate(WIDEST)
        if wide:
            violations.append({"id": "page-scrolls-sideways", "impact": "serious", "nodes": wide})
        if violations:
            found[f"{width}px {key}"] = violations


@pytest.fixture
def site(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return load_site()


def test_every_main_page_has_no_serious_or_critical_violation_at_any_width(
    browser, live_server, site
):
    found, seen = {}, set()
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe
    page = context.new_page()
    for name in ANONYMOUS_PAGES:
        page.goto(live_server.url + site.pages[name])
        seen.add(name)
        check(page, found, f"anonymous {name}")
    for role in ROLES:
        context.clear_cookies()
        log_in(page, live_server, role, site.passwords[role])
        for name, url in site.pages.items():
            if name in ANONYMOUS_PAGES and name != "not_found":
                continue
            response = page.goto(live_server.url + url)
            if response.status != 200 and name != "not_found":
                if response.status == 403 and "error_403" not in seen:
                    seen.add("error_403")
                    check(page, found, f"{role} 403 at {name}")
                continue
            seen.add(name)
            check(page, found, f"{role} {name}")
    context.close()
    assert set(site.pages) - seen == set()  # every page was checked for some role
    assert "error_403" in seen
    report = [f"{key}: {v['id']} {v.get('nodes', '')}" for key, vs in found.items() for v in vs]
    assert found == {}, "\n".join(report)
