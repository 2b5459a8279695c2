"""From nothing to a planner's first project page, through the set-up pages only.

The system administrator creates the office and its plan administrator's account (what the
admin is still for); from then on the plan administrator uses /setup/ alone: office profile,
print settings, staff from the spreadsheet template, the plan year with its strategies, goals
and KPI targets, the group ceilings. The checklist then says ready, and a planner signs in with
the one-time password the import showed and opens the new-project page. No request goes to
/admin/. The path is timed (printed: run with -s to see it).
"""

from __future__ import annotations

import io
import re
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actionplan.models import OrgUnit, Plan, Role, User
from actionplan.services import create_office
from tests.setup.helpers import form_data, formset_data, plan_page_data

pytestmark = pytest.mark.django_db


class RecordingClient(Client):
    """A test client that remembers every path it requested."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paths: list[str] = []

    def request(self, **request):
        self.paths.append(request["PATH_INFO"])
        return super().request(**request)


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response


def test_a_brand_new_office_is_ready_without_the_admin():
    # --- the system administrator: an office and its plan administrator, nothing else ---------
    office = create_office(
        code="NEW1",
        name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต 1",
        short_name_th="สพป.ทดสอบ เขต 1",
    )
    plan_group = office.units.get(standard_code="PLAN")
    User.objects.create_user(
        username="padmin",
        password="first-login-pass-1234",
        office=office,
        org_unit=plan_group,
        role=Role.PLAN_ADMIN,
    )

    started = time.perf_counter()
    client = RecordingClient()
    ok(
        client.post(reverse("login"), {"username": "padmin", "password": "first-login-pass-1234"}),
        302,
    )
    page = ok(client.get(reverse("setup:index"))).content.decode()
    assert "ยังขาดอีก 5 ขั้นตอน" in page

    # 1. office profile
    url = reverse("setup:office_edit")
    data = form_data(ok(client.get(url)).context["form"])
    data.update(
        {
            "province_th": "ทดสอบ",
            "area_no": "1",
            "address_th": "ถนนทดสอบ อำเภอเมือง",
            "phone": "074-000000",
        }
    )
    ok(client.post(url, data), 302)

    # 2. print settings, as they come
    url = reverse("setup:print_settings_edit")
    ok(client.post(url, form_data(ok(client.get(url)).context["form"])), 302)

    # 3. staff: the template, filled with a director and a planner for every group
    template = ok(client.get(reverse("setup:staff_template"))).content
    wb = openpyxl.load_workbook(io.BytesIO(template))
    groups = [u.name_th for u in OrgUnit.objects.filter(office=office).order_by("sort_order")]
    for i, name in enumerate(groups, start=1):
        wb["บุคลากร"].append(
            [f"นางผู้อำนวยการ ที่{i}", f"ผู้อำนวยการ{name}", name, "ผู้อำนวยการกลุ่ม", "", f"dir{i}"]
        )
        wb["บุคลากร"].append(
            [f"นายเจ้าหน้าที่ ที่{i}", "นักวิเคราะห์นโยบายและแผน", name, "", "", f"staff{i}"]
        )
    out = io.BytesIO()
    wb.save(out)
    url = reverse("setup:staff_import")
    upload = SimpleUploadedFile("staff.xlsx", out.getvalue())
    preview = ok(client.post(url, {"action": "preview", "file": upload}))
    assert preview.context["preview"].ok, preview.context["preview"].errors
    done = ok(client.post(url, {"action": "confirm", "token": preview.context["token"]}))
    passwords = dict(
        re.findall(
            r"<td>([\w.@+-]+)</td><td><code class=\"password\">([^<]+)</code>",
            done.content.decode(),
        )
    )
    assert len(passwords) == 20

    # 4. groups: the import made each group's director; the page shows them
    groups_page = ok(client.get(reverse("setup:group_list")))
    assert all(form.initial["director"] for form in groups_page.context["formset"].forms[:10])

    # 5. the plan year, its strategies, each strategy's goal and KPI with targets
    ok(client.post(reverse("setup:plan_list"), {"year_be": "2569", "title_th": ""}), 302)
    plan = Plan.objects.get(office=office)
    url = reverse("setup:plan_edit", args=[plan.pk])
    context = ok(client.get(url)).context
    data = plan_page_data(context)
    data.pop("plan-logo", None)
    data.update(
        {
            "plan-horizon_start_be": "2566",
            "plan-horizon_end_be": "2570",
            "plan-vision_th": "ผู้เรียนมีคุณภาพ",
            "strategies-0-number": "1",
            "strategies-0-title_th": "ส่งเสริมการจัดการศึกษาให้ผู้เรียนมีความปลอดภัย",
            "strategies-1-number": "2",
            "strategies-1-title_th": "เพิ่มประสิทธิภาพการบริหารจัดการศึกษา",
        }
    )
    ok(client.post(url, data), 302)
    for strategy in plan.strategies.all():
        url = reverse("setup:strategy_edit", args=[plan.pk, strategy.pk])
        context = ok(client.get(url)).context
        data = {}
        for name in ("goals", "guidelines", "indicators"):
            data.update(formset_data(context[name]))
        data.update(
            {
                "goals-0-text_th": "ผู้เรียนได้รับการดูแล",
                "kpis-0-text_th": "ร้อยละของสถานศึกษาที่ดำเนินการตามแผน",
                **{f"kpis-0-target_{y}": str(80 + y - 2566) for y in range(2566, 2571)},
            }
        )
        ok(client.post(url, data), 302)

    # 6. group ceilings
    url = reverse("setup:ceilings_edit")
    form = ok(client.get(url)).context["form"]
    ok(client.post(url, {name: "500,000" for name in form.fields}), 302)

    # --- the checklist says ready ---------------------------------------------------------------
    page = ok(client.get(reverse("setup:index"))).content.decode()
    assert "<strong>พร้อมให้กลุ่มเริ่มกรอกโครงการ</strong>" in page
    setup_seconds = time.perf_counter() - started
    setup_requests = len(client.paths)

    # --- a planner signs in with the password the import showed and opens a new project -------
    planner = Client()
    ok(planner.post(reverse("login"), {"username": "staff1", "password": passwords["staff1"]}), 302)
    new_project = ok(planner.get(reverse("projects:project_create", args=[plan.pk])))
    assert "ส่งเสริมการจัดการศึกษาให้ผู้เรียนมีความปลอดภัย" in new_project.content.decode()
    total_seconds = time.perf_counter() - started

    assert not [p for p in client.paths if p.startswith("/admin/")]
    print(
        f"\nissue 16 set-up path: {setup_requests} requests by the plan administrator, "
        f"checklist ready after {setup_seconds:.2f} s; planner's new-project page "
        f"after {total_seconds:.2f} s (SQLite, Django test client)"
    )
