"""WCAG 2.2 AA on the main pages, checked with axe-core in Debian's Chromium for every demo role
(issue 15): no serious or critical violation.

axe-core is vendored as a test asset (tests/assets/axe-4.14.1.min.js, MPL-2.0, from npm), so the
check runs offline. Pages are the demo office's, as each role opens them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from actionplan.models import User
from fixtures.demo import load_demo
from projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "assets" / "axe-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = load_demo()
    passwords = {username: password for username, _, password in result.created_users}
    return result, passwords


def pages_for(role: str, plan, project, draft) -> list[str]:
    common = [
        reverse("projects:project_list"),
        reverse("projects:project_detail", args=[project.pk]),
        reverse("workflow:inbox"),
        reverse("workflow:notification_list"),
        reverse("monitoring:report_list"),
        reverse("notify:preferences"),
    ]
    if role in {"planner", "plan_admin"} and draft is not None:
        common.append(reverse("projects:project_edit", args=[draft.pk]))
    if role in {"deputy", "director", "plan_admin"}:
        common += [
            reverse("plans:plan_overview", args=[plan.pk]),
            reverse("plans:plan_validation", args=[plan.pk]),
            reverse("monitoring:monitoring_dashboard", args=[plan.pk]),
            reverse("print:plan_book", args=[plan.pk]),
        ]
    if role == "plan_admin":
        common += [reverse("imports:importbatch_create"), reverse("setup:index")]
    return common


@pytest.mark.parametrize("role", ["planner", "group_director", "deputy", "director", "plan_admin"])
def test_main_pages_have_no_serious_or_critical_violations(browser, live_server, demo, role):
    result, passwords = demo
    plan = result.plan
    project = Project.objects.filter(plan=plan).order_by("pk").first()
    user = User.objects.get(username=role)
    drafts = Project.objects.editable_by(user).filter(plan=plan)
    draft = drafts.order_by("pk").first()
    page = browser.new_context(bypass_csp=True).new_page()  # lets the test inject axe
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("ชื่อผู้ใช้").fill(role)
    page.get_by_label("รหัสผ่าน").fill(passwords[role])
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_load_state()
    found = {}
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for url in pages_for(role, plan, project, draft):
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(RUN, TAGS)
            if violations:
                found[f"{width}px {url}"] = violations
    assert found == {}
