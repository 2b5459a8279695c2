"""Quarterly monitoring in Debian's Chromium: a group records and sends its round-1 results and
prints its project's report, the plan administrator sees the dashboard change and prints the
round's report (laid out in the background: its progress page, then the file)."""

import re

import pytest
from django.urls import reverse

from actionplan import thai
from actionplan.models import Role, StandardGroup
from monitoring.models import ProjectReport, ReportStatus
from tests import factories as f
from tests.browser.test_editor import login
from tests.monitoring.conftest import worked_project
from tests.printing.conftest import pdftotext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

from tests.browser.test_editor import DOCS  # noqa: E402  (docs/ with DOCS_SCREENSHOTS=1)


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The render job runs inside the request that queues it (a worker in production).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    office = f.make_office(
        "PTL2", name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 2", short_name_th="สพป.พัทลุง เขต 2"
    )
    plan = f.make_plan(office, 2567)
    unit = f.group(office, StandardGroup.ADMIN)
    project = worked_project(plan, unit=unit, name_th="โครงการประชุมเชิงปฏิบัติการพัฒนาครู")
    planner = f.make_user(office, Role.PLANNER, unit, username="planner")
    admin = f.make_user(office, Role.PLAN_ADMIN, f.group(office, StandardGroup.PLAN), "admin")
    return plan, project, planner, admin


def test_a_group_reports_a_quarter_and_the_plan_admin_sees_it_and_prints(
    browser, live_server, setup
):
    plan, project, planner, admin = setup
    dashboard = live_server.url + reverse("monitoring:monitoring_dashboard", args=[plan.pk])
    admin_page = browser.new_context().new_page()
    login(admin_page, live_server, admin)
    admin_page.goto(dashboard + "?round=1")
    total = admin_page.locator("[data-monitoring-total]")
    assert "ส่งรายงานรอบนี้แล้ว 0 จาก 1 โครงการ" in total.inner_text()
    assert total.locator("[data-actual]").inner_text() == "-"  # |money prints zero as "-"

    page = browser.new_context().new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, planner)
    page.get_by_role("link", name="รายงานผล", exact=True).click()
    row = page.get_by_role("row").filter(has_text=project.name_th)
    row.get_by_role("link").nth(1).click()  # the round-1 cell (the first link is the project)
    page.wait_for_url(f"**/projects/{project.pk}/reports/1/")
    page.get_by_label("กิจกรรม 1 ค่าใช้สอย (สะสม)").fill("๙,๐๐๐")
    page.get_by_label("กิจกรรม 1 ค่าวัสดุ (สะสม)").fill("1,500")
    page.get_by_label("สถานะกิจกรรม 1", exact=True).select_option(label="ดำเนินการแล้วเสร็จ")
    page.get_by_label("สถานะกิจกรรม 2", exact=True).select_option(label="ยังไม่ดำเนินการ")
    page.get_by_label("ผล: ร้อยละของครูที่ผ่านการอบรม").fill("85")
    page.get_by_role("textbox", name="ปัญหา อุปสรรค").fill("วิทยากรเลื่อนการอบรมเป็นเดือนกุมภาพันธ์")
    page.get_by_role("button", name="บันทึกรายงาน").click()
    page.wait_for_url(f"**/projects/{project.pk}/reports/1/")
    assert "บันทึกรายงานผลแล้ว" in page.content()
    assert page.get_by_label("กิจกรรม 1 ค่าใช้สอย (สะสม)").input_value() == "9,000.00"
    page.get_by_role("button", name="ส่งรายงานถึงผู้ดูแลแผน").click()
    assert "ส่งรายงานผลถึงผู้ดูแลแผนแล้ว" in page.content()
    assert page.locator("[data-report-status]").inner_text() == "ส่งแล้ว รอตรวจ"
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "monitoring-report.png"), full_page=True)
    assert ProjectReport.objects.get(project=project).status == ReportStatus.SUBMITTED
    href = page.get_by_role("link", name="พิมพ์รายงานของโครงการ (PDF)").get_attribute("href")
    own = page.context.request.get(live_server.url + href)
    assert own.ok and own.headers["content-type"] == "application/pdf"
    own_text = " ".join(pdftotext(own.body()).split())
    assert "รายงานผลการดำเนินงานโครงการ ไตรมาสที่ ๑ รอบ ๓ เดือน" in own_text
    assert project.name_th in own_text and thai.to_thai_digits("10,500") in own_text

    admin_page.reload()
    total = admin_page.locator("[data-monitoring-total]")
    assert "ส่งรายงานรอบนี้แล้ว 1 จาก 1 โครงการ" in total.inner_text()
    assert total.locator("[data-actual]").inner_text() == "10,500.00"
    assert admin_page.locator('[data-alert="spending"]').count() == 1  # 12.5% below plan
    admin_page.set_viewport_size({"width": 1280, "height": 900})
    admin_page.screenshot(path=str(DOCS / "monitoring-dashboard.png"), full_page=True)

    admin_page.get_by_role("link", name="รายงานรายโครงการของรอบนี้").click()
    admin_page.get_by_role("button", name="รับรายงาน").click()
    assert "รับรายงานผลแล้ว" in admin_page.content()
    admin_page.get_by_role("link", name="พิมพ์รายงาน (PDF)").click()
    admin_page.get_by_role("button", name="จัดทำไฟล์ PDF").click()
    admin_page.wait_for_url("**/print/plans/*/renders/*/")
    assert admin_page.locator("[data-render-status]").inner_text() == "เสร็จแล้ว"
    download = admin_page.get_by_role("link", name=re.compile("ดาวน์โหลดรายงาน"))
    response = admin_page.context.request.get(live_server.url + download.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="report-PTL2-2567-r1.pdf"'
    text = " ".join(pdftotext(response.body()).split())
    assert "รายงานผลการดำเนินงาน ไตรมาสที่ ๑ รอบ ๓ เดือน" in text
    assert thai.to_thai_digits("10,500") in text
    assert "วิทยากรเลื่อนการอบรมเป็นเดือนกุมภาพันธ์" in text
