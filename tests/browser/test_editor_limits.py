"""The editor's limits in Debian's Chromium: no row past a formset's maximum, no post past the
server's field limit, the Thai page and Back if one gets through anyway, and the legend of "?"."""

import pytest
from django.urls import reverse

from actionplan.models import StandardGroup
from projects.forms import LineFormSet
from projects.models import Project
from tests import factories as f
from tests.browser.test_editor import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planner(transactional_db):
    office = f.make_office("PTL2", short_name_th="สพป.พัทลุง เขต 2")
    return f.make_user(office, unit=f.group(office, StandardGroup.ADMIN), username="planner")


@pytest.fixture
def project(planner):
    plan = f.make_plan(planner.office, 2566)
    f.make_strategy(plan)
    project = f.make_project(plan, unit=planner.org_unit, name_th="โครงการเดิม")
    activity = f.make_activity(project, "ประชุมคณะทำงาน")
    f.make_line(activity, "ค่าอาหารว่าง", "10 คน x 35 บาท")
    f.make_line(activity, "ค่าวัสดุ", amount="500")
    return project


def open_editor(page, live_server, project, user):
    login(page, live_server, user)
    page.goto(live_server.url + reverse("projects:project_edit", args=[project.pk]))


def test_no_line_can_be_added_past_the_formsets_maximum(
    page, live_server, planner, project, monkeypatch
):
    monkeypatch.setattr(LineFormSet, "max_num", 3)  # 500 in production; the same code path
    open_editor(page, live_server, project, planner)
    add = page.locator("[data-add-line]").first
    note = page.locator("[data-add-line] + [data-limit-note]").first
    assert add.is_enabled() and not note.is_visible()
    add.click()
    assert page.locator("[data-line]").count() == 3
    assert add.is_disabled()
    assert note.is_visible()
    assert "ครบ 3 รายการงบประมาณแล้ว" in note.inner_text()
    add.dispatch_event("click")  # even a click that gets through adds nothing
    assert page.locator("[data-line]").count() == 3
    page.locator("[data-remove-line]").last.click()
    assert add.is_enabled() and not note.is_visible()


def test_a_page_past_the_field_limit_is_not_sent_and_keeps_the_typing(
    page, live_server, planner, project, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 40  # the page has more fields than that
    open_editor(page, live_server, project, planner)
    url = page.url
    page.get_by_label("ชื่อโครงการ").fill("ชื่อที่พิมพ์ไว้")
    page.get_by_role("button", name="บันทึกร่าง").click()
    error = page.locator("[data-fields-error]")
    assert error.is_visible()
    assert "ระบบยังไม่ได้ส่งและยังไม่ได้บันทึก" in error.inner_text()
    assert page.url == url
    assert page.get_by_label("ชื่อโครงการ").input_value() == "ชื่อที่พิมพ์ไว้"
    project.refresh_from_db()
    assert project.name_th == "โครงการเดิม" and project.version == 1


def test_a_post_the_server_refuses_for_its_size_leads_back_to_the_typing(
    page, live_server, planner, project, settings
):
    """Should a post get past the script (an older page, a changed limit), the server's Thai
    page sends the user back, and Chromium shows the form again as it was typed."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 40
    open_editor(page, live_server, project, planner)
    page.evaluate("document.getElementById('editor').removeAttribute('data-max-fields')")
    page.get_by_label("ชื่อโครงการ").fill("ชื่อที่พิมพ์ไว้")
    page.locator("[data-line]").nth(1).locator('[name$="-plain_amount"]').fill("1,250")
    page.locator("[data-add-line]").first.click()  # a row only this visit has
    page.locator("[data-line]").last.locator('[name$="-description_th"]').fill("ค่าเอกสาร")
    page.locator("[data-line]").last.locator('[name$="-plain_amount"]').fill("300")
    page.locator("[data-remove-line]").first.click()
    page.get_by_role("button", name="บันทึกร่าง").click()
    page.get_by_role("heading", name="ข้อมูลมากเกินกว่าจะบันทึกในครั้งเดียว").wait_for()
    assert "กรุณากดปุ่มย้อนกลับ (Back) ของเบราว์เซอร์" in page.content()
    page.get_by_role("button", name="ย้อนกลับไปหน้าที่กรอกไว้").click()
    page.locator("[data-draft-restored]").wait_for()
    assert page.get_by_label("ชื่อโครงการ").input_value() == "ชื่อที่พิมพ์ไว้"
    rows = page.locator("[data-line]")
    assert rows.count() == 3 and not rows.first.is_visible()  # still removed
    assert rows.nth(1).locator('[name$="-plain_amount"]').input_value() == "1,250"
    assert rows.last.locator('[name$="-description_th"]').input_value() == "ค่าเอกสาร"
    assert page.locator("[data-project-total]").inner_text() == "1,550.00"
    page.reload()  # any other load of the editor drops the draft
    assert page.get_by_label("ชื่อโครงการ").input_value() == "โครงการเดิม"
    assert not page.locator("[data-draft-restored]").is_visible()
    project.refresh_from_db()
    assert project.name_th == "โครงการเดิม" and project.version == 1
    assert Project.objects.count() == 1


def test_a_question_mark_in_the_amount_column_is_explained_under_the_table(
    page, live_server, planner, project
):
    open_editor(page, live_server, project, planner)
    legend = page.locator("[data-unknown-legend]").first
    assert not legend.is_visible()
    formula = page.locator("[data-line]").first.locator('[name$="-formula"]')
    formula.fill("10 คน x สามสิบห้า บาท")
    assert page.locator("[data-line-amount]").first.inner_text() == "?"
    assert legend.is_visible()
    assert legend.inner_text() == "? = สูตรหรือจำนวนเงินยังไม่ถูกต้อง ไม่นับรวมในยอด"
    formula.fill("10 คน x 35 บาท")
    assert not legend.is_visible()
