"""The planner sees a refused formula at its line as they type (issue 14): the message under the
formula, "?" in the amount, the line left out of the totals, and the server refusing it too."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Project
from tests import factories as f
from tests.browser.test_editor import login, setup  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mistyped_formula_is_shown_at_its_line_and_not_counted(page, live_server, setup):  # noqa: F811
    plan, planner, _ = setup
    project = f.make_project(plan, unit=planner.org_unit)
    activity = f.make_activity(project, "ประชุมคณะทำงาน")
    f.make_line(activity, "ค่าอาหารกลางวัน", "100 คน x 200 บาท x 2 มื้อ")
    f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials")
    page.set_viewport_size({"width": 1366, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, planner)
    page.goto(live_server.url + reverse("projects:project_edit", args=[project.pk]))
    assert errors == []
    row = page.locator("[data-line]").first
    formula = row.locator('[name$="-formula"]')
    assert page.locator("[data-project-total]").inner_text() == "41,500.00"

    formula.fill("100 คน x 2OO บาท x 2 มื้อ")
    message = row.locator("[data-formula-error]")
    assert message.is_visible()
    assert "ตัวอักษร “O” อยู่ในตัวเลข “2OO”" in message.inner_text()
    assert row.locator("[data-line-amount]").inner_text() == "?"
    assert formula.get_attribute("aria-invalid") == "true"
    assert message.get_attribute("id") in formula.get_attribute("aria-describedby")
    assert page.locator("[data-project-total]").inner_text() == "1,500.00"

    formula.fill("ค่าอาหารว่างและเครื่องดื่ม=100x50X2")  # the seeds' spreadsheet style
    assert not message.is_visible()
    assert row.locator("[data-line-amount]").inner_text() == "10,000.00"
    assert page.locator("[data-project-total]").inner_text() == "11,500.00"

    formula.fill("100 คน / 2")
    page.get_by_role("button", name="บันทึกร่าง").click()
    page.wait_for_load_state()
    assert "ใช้เครื่องหมาย “/” ในสูตรไม่ได้" in page.locator("#id_lines-0-formula_error").inner_text()
    saved = f.reload_project(Project.objects.get(pk=project.pk))
    assert saved.budget_total() == Decimal("41500.00")
