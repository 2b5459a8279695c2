"""The editor in Debian's Chromium: entry of the seed-000 project with live totals, the stale-save
conflict with two browsers, adding/removing a budget line with the keyboard alone, and the
Buddhist-Era dates: typed in any Thai form or picked from the calendar with keyboard and mouse."""

import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from actionplan.models import StandardGroup
from projects.models import Project
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for the README go to docs/ only when asked (DOCS_SCREENSHOTS=1), so that a test
# run leaves the working tree clean.
DOCS = (
    Path(__file__).resolve().parents[2] / "docs"
    if os.environ.get("DOCS_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "actionplan-screenshots"
)


@pytest.fixture
def setup(transactional_db):
    office = f.make_office(
        "PTL2", name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 2", short_name_th="สพป.พัทลุง เขต 2"
    )
    plan = f.make_plan(office, 2566)
    f.make_strategy(plan, 5, "พัฒนาประสิทธิภาพการบริหารจัดการองค์กรแห่งนวัตกรรม")
    unit = f.group(office, StandardGroup.ADMIN)
    return (
        plan,
        f.make_user(office, unit=unit, username="planner"),
        f.make_user(office, unit=unit, username="colleague"),
    )


def login(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("ชื่อผู้ใช้").fill(user.username)
    page.get_by_label("รหัสผ่าน").fill(f.PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/projects/**")


def fill_line(row, description, formula="", amount="", category="ค่าใช้สอย"):
    row.locator('[name$="-description_th"]').fill(description)
    if formula:
        row.locator('[name$="-formula"]').fill(formula)
    if amount:
        row.locator('[name$="-plain_amount"]').fill(amount)
    row.locator('[name$="-category"]').select_option(label=category)


def test_planner_enters_the_seed_000_project_and_sees_6820_live(page, live_server, setup):
    plan, planner, _ = setup
    page.set_viewport_size({"width": 1024, "height": 900})  # tablet width
    login(page, live_server, planner)
    page.goto(live_server.url + reverse("projects:project_create", args=[plan.pk]))
    page.get_by_label("ชื่อโครงการ").fill("โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา")
    page.get_by_label("กลยุทธ์ที่สนอง").select_option(index=1)
    page.get_by_label("วันเริ่มต้น", exact=True).fill("01/04/2566")
    page.get_by_label("วันสิ้นสุด", exact=True).fill("30/04/2566")
    page.get_by_label("หลักการและเหตุผล").fill("การขับเคลื่อนแผนแม่บทภายใต้ยุทธศาสตร์ชาติ")
    page.get_by_role("button", name="+ เพิ่มกิจกรรม").click()
    card = page.locator("[data-activity]").first
    card.get_by_label("ชื่อกิจกรรม").fill("จัดกิจกรรม ส่งเสริมความร่วมมือในการพัฒนาการศึกษา")
    card.get_by_label("ขั้นตอนดำเนินการ").fill(
        "ประชุมผู้บริหารการศึกษา\nแต่งตั้งคณะทำงาน\nจัดกิจกรรม\nสรุปผลการดำเนินงาน"
    )
    card.locator("label", has_text="เม.ย.").click()
    for description, formula, amount, category in [
        ("ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง", "", "ค่าใช้สอย"),
        ("ค่าอาหารว่างและเครื่องดื่ม", "120 คน x 35 บาท x 1 มื้อ x 1 ครั้ง", "", "ค่าใช้สอย"),
        ("ค่าวัสดุ", "", "1,500", "ค่าวัสดุ"),
    ]:
        card.get_by_role("button", name="+ เพิ่มรายการงบประมาณ").click()
        fill_line(card.locator("[data-line]").last, description, formula, amount, category)
    assert card.locator("[data-activity-total]").inner_text() == "6,820.00"
    assert page.locator("[data-project-total]").inner_text() == "6,820.00"
    assert card.locator("[data-quarter-warning]").is_visible()
    card.get_by_label("ใส่ทั้งหมดในไตรมาส").select_option("3")
    assert card.get_by_label("ไตรมาสที่ 3").input_value() == "6,820.00"
    assert not card.locator("[data-quarter-warning]").is_visible()
    assert "ค่าใช้สอย 5,320.00" in page.locator("[data-category-totals]").inner_text()
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "editor.png"), full_page=True)
    page.get_by_role("button", name="บันทึกร่าง").click()
    page.wait_for_url("**/edit/")
    assert "บันทึกร่างโครงการแล้ว" in page.content()

    project = f.reload_project(Project.objects.get(plan=plan))
    assert project.budget_total() == Decimal("6820.00")
    assert project.quarter_totals()[2] == Decimal("6820.00")

    page.reload()
    card = page.locator("[data-activity]").first
    assert card.locator("[data-line]").count() == 3
    assert card.locator('[name$="-formula"]').first.input_value() == "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"
    assert page.locator("[data-project-total]").inner_text() == "6,820.00"
    page.goto(live_server.url + reverse("projects:project_detail", args=[project.pk]))
    assert "6,820.00" in page.content()
    page.screenshot(path=str(DOCS / "project-page.png"), full_page=True)


def test_the_second_stale_save_is_refused_and_keeps_the_input(browser, live_server, setup):
    plan, planner, colleague = setup
    project = f.make_project(plan, unit=planner.org_unit, name_th="โครงการเดิม")
    pages = []
    for user in (planner, colleague):
        context = browser.new_context()
        page = context.new_page()
        login(page, live_server, user)
        page.goto(live_server.url + reverse("projects:project_edit", args=[project.pk]))
        pages.append(page)
    first, second = pages
    first.get_by_label("ชื่อโครงการ").fill("ชื่อจากผู้ใช้คนแรก")
    first.get_by_role("button", name="บันทึกร่าง").click()
    first.wait_for_url("**/edit/")
    second.get_by_label("ชื่อโครงการ").fill("ชื่อจากผู้ใช้คนที่สอง")
    second.get_by_role("button", name="บันทึกร่าง").click()
    alert = second.locator("#conflict")
    alert.wait_for()
    assert planner.display_name in alert.inner_text()
    assert second.get_by_label("ชื่อโครงการ").input_value() == "ชื่อจากผู้ใช้คนที่สอง"
    project.refresh_from_db()
    assert project.name_th == "ชื่อจากผู้ใช้คนแรก"


def test_a_budget_line_is_added_and_removed_with_the_keyboard(page, live_server, setup):
    plan, planner, _ = setup
    project = f.make_project(plan, unit=planner.org_unit)
    activity = f.make_activity(project, "ประชุมคณะทำงาน")
    f.make_line(activity, "ค่าอาหารว่าง", "10 คน x 35 บาท")
    login(page, live_server, planner)
    page.goto(live_server.url + reverse("projects:project_edit", args=[project.pk]))
    page.locator("[data-add-line]").first.focus()
    page.keyboard.press("Enter")
    row = page.locator("[data-line]").last
    assert row.locator('[name$="-description_th"]').evaluate("el => el === document.activeElement")
    page.keyboard.type("ค่าวัสดุ")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("500")
    assert page.locator("[data-project-total]").inner_text() == "850.00"
    row.locator("[data-remove-line]").focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-project-total]").inner_text() == "350.00"
    assert page.locator("[data-add-line]").first.evaluate("el => el === document.activeElement")


def test_dates_are_typed_and_picked_in_the_buddhist_era(page, live_server, setup):
    plan, planner, _ = setup  # fiscal year 2566: 1 ต.ค. 2565 - 30 ก.ย. 2566
    project = f.make_project(plan, unit=planner.org_unit)
    Project.objects.filter(pk=project.pk).update(start_date=None, end_date=None)
    login(page, live_server, planner)
    page.goto(live_server.url + reverse("projects:project_edit", args=[project.pk]))
    start = page.get_by_label("วันเริ่มต้น", exact=True)
    end = page.get_by_label("วันสิ้นสุด", exact=True)
    assert start.get_attribute("type") == "text"  # never the browser's CE date picker
    start.fill("17 ต.ค. 65")

    # The keyboard: the button opens the month of the plan's year, arrows move, Enter picks.
    button = page.get_by_role("button", name="เลือกวันสิ้นสุดจากปฏิทิน")
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="ปฏิทินเลือกวันสิ้นสุด")
    assert dialog.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert dialog.locator(".bedate-title").inner_text() == "ตุลาคม 2565"
    focused = "document.activeElement.getAttribute('aria-label')"
    assert page.evaluate(focused) == "1 ตุลาคม 2565"
    page.keyboard.press("PageDown")  # a month on
    page.keyboard.press("ArrowDown")  # a week on
    page.keyboard.press("End")  # the Saturday of that week
    assert dialog.locator(".bedate-title").inner_text() == "พฤศจิกายน 2565"
    assert page.evaluate(focused) == "12 พฤศจิกายน 2565"
    page.keyboard.press("Enter")
    assert end.input_value() == "12/11/2565"
    assert not dialog.is_visible()
    assert button.evaluate("el => el === document.activeElement")  # focus is back

    # Escape closes without a change, and focus returns to the button.
    page.keyboard.press("Enter")
    assert dialog.is_visible()
    assert page.evaluate(focused) == "12 พฤศจิกายน 2565"  # opens on the date in the input
    page.keyboard.press("ArrowRight")
    # Tab stays inside the dialog: the day, its two footer buttons, then round to the header.
    for name in ("วันนี้", "ปิด", "ปีก่อนหน้า"):
        page.keyboard.press("Tab")
        assert dialog.get_by_role("button", name=name).evaluate(
            "el => el === document.activeElement"
        )
    page.keyboard.press("Escape")
    assert not dialog.is_visible() and end.input_value() == "12/11/2565"
    assert button.evaluate("el => el === document.activeElement")

    # The mouse: next month, then a day.
    button.click()
    dialog.get_by_role("button", name="เดือนถัดไป").click()
    assert dialog.locator(".bedate-title").inner_text() == "ธันวาคม 2565"
    dialog.get_by_role("gridcell", name="20 ธันวาคม 2565").click()
    assert end.input_value() == "20/12/2565"

    page.get_by_role("button", name="บันทึกร่าง").click()
    page.wait_for_url("**/edit/")
    assert "บันทึกร่างโครงการแล้ว" in page.content()
    project.refresh_from_db()
    assert (project.start_date, project.end_date) == (date(2022, 10, 17), date(2022, 12, 20))
    assert start.input_value() == "17/10/2565" and end.input_value() == "20/12/2565"
    page.goto(live_server.url + reverse("projects:project_detail", args=[project.pk]))
    assert "17 ตุลาคม 2565 – 20 ธันวาคม 2565" in page.locator("main").inner_text()


def test_a_wrong_date_is_a_thai_error_at_the_field(page, live_server, setup):
    plan, planner, _ = setup
    project = f.make_project(plan, unit=planner.org_unit)
    login(page, live_server, planner)
    page.goto(live_server.url + reverse("projects:project_edit", args=[project.pk]))
    page.get_by_label("วันเริ่มต้น", exact=True).fill("31/04/2566")
    page.get_by_role("button", name="บันทึกร่าง").click()
    error = page.locator("#id_start_date_error")
    assert "เดือนเมษายน 2566 ไม่มีวันที่ 31" in error.inner_text()
    start = page.get_by_label("วันเริ่มต้น", exact=True)
    assert start.input_value() == "31/04/2566"
    assert "id_start_date_error" in (start.get_attribute("aria-describedby") or "")
