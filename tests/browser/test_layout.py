"""Layout in Debian's Chromium with the vendored Thai font: a select shows its longest choice in
full (the project list's filters, the report's activity status on a phone), and the editor's
formula column holds a typical formula at 1366 px while the lines table scrolls in its own box
on a phone."""

import pytest
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from tests import factories as f
from tests.browser.test_editor import login
from tests.monitoring.conftest import worked_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, LAPTOP = 390, 1366
FORMULA = "ค่าอาหารว่าง 32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"

# [longest choice's text width, room for text inside the select] in CSS pixels, measured with a
# span in the select's own font (a select never reports overflow in scrollWidth); the room is
# the content box less 20 px for the arrow.
SELECT_FIT = """(select) => {
  const cs = getComputedStyle(select);
  const span = document.createElement("span");
  span.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font:${cs.font}`;
  document.body.append(span);
  const widest = Math.max(...Array.from(select.options).map((o) => {
    span.textContent = o.text;
    return span.getBoundingClientRect().width;
  }));
  span.remove();
  const room = select.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
  return [widest, room];
}"""


@pytest.fixture
def office(transactional_db):
    office = f.make_office("PTL2", short_name_th="สพป.พัทลุง เขต 2")
    plan = f.make_plan(office, 2567)
    unit = f.group(office, StandardGroup.ADMIN)
    planner = f.make_user(office, Role.PLANNER, unit, username="planner")
    return plan, unit, planner


def show(page, live_server, user, url, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, user)
    page.goto(live_server.url + url)
    page.evaluate("document.fonts.ready")


def assert_fits(select):
    widest, room = select.evaluate(SELECT_FIT)
    assert widest > 0 and widest <= room, (widest, room)


def test_the_status_filter_shows_every_status_in_full_on_a_phone(page, live_server, office):
    plan, unit, planner = office
    f.make_project(plan, unit=unit)
    show(page, live_server, planner, reverse("projects:project_list") + "?status=endorsed", PHONE)
    status = page.get_by_label("สถานะ")
    assert status.evaluate("s => s.options[s.selectedIndex].text") == "เห็นชอบแล้ว"
    assert_fits(status)
    for label in ("ปีงบประมาณ", "กลยุทธ์"):
        assert_fits(page.get_by_label(label))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_the_activity_status_of_a_report_is_not_cut_off_on_a_phone(page, live_server, office):
    plan, unit, planner = office
    project = worked_project(plan, unit=unit)
    show(page, live_server, planner, reverse("monitoring:report_edit", args=[project.pk, 1]), PHONE)
    state = page.get_by_label("สถานะกิจกรรม 1", exact=True)
    assert_fits(state)
    box = state.evaluate("s => s.closest('.table-wrap').getBoundingClientRect().right")
    assert box <= PHONE  # the table scrolls inside its box, the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


@pytest.fixture
def draft(office):
    plan, unit, planner = office
    f.make_strategy(plan)
    project = f.make_project(plan, unit=unit)
    activity = f.make_activity(project, "ประชุมคณะทำงาน")
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
    return project, planner


def test_a_typical_formula_is_visible_in_full_at_1366_px(page, live_server, draft):
    project, planner = draft
    show(page, live_server, planner, reverse("projects:project_edit", args=[project.pk]), LAPTOP)
    formula = page.locator("[data-line]").first.locator('[name$="-formula"]')
    formula.fill(FORMULA)
    assert formula.evaluate("el => el.scrollWidth <= el.clientWidth"), formula.evaluate(
        "el => [el.scrollWidth, el.clientWidth]"
    )
    wrap = page.locator(".activity .table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # no scrolling needed
    for name in ("category", "fund_source"):
        assert_fits(page.locator("[data-line]").first.locator(f'[name$="-{name}"]'))


def test_the_lines_table_scrolls_in_its_own_box_on_a_phone(page, live_server, draft):
    project, planner = draft
    show(page, live_server, planner, reverse("projects:project_edit", args=[project.pk]), PHONE)
    wrap = page.locator(".activity .table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert wrap.evaluate("el => el.getBoundingClientRect().right") <= PHONE
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
