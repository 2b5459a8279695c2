"""The planner's pages: permission matrix, the editor saving whole projects, conflicts, copy."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import StandardGroup
from budgets.models import BudgetCategory, FundSource
from projects.models import ItemKind, Project, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def project_urls(project):
    return {
        "detail": ("get", reverse("projects:project_detail", args=[project.pk])),
        "edit": ("get", reverse("projects:project_edit", args=[project.pk])),
        "edit-post": ("post", reverse("projects:project_edit", args=[project.pk])),
        "delete": ("post", reverse("projects:project_delete", args=[project.pk])),
    }


def plan_urls(plan):
    return {
        "create": ("get", reverse("projects:project_create", args=[plan.pk])),
        "copy": ("get", reverse("projects:project_copy", args=[plan.pk])),
    }


class TestPermissionMatrix:
    def test_anonymous_is_sent_to_login_everywhere(self, client, project_a1):
        urls = {
            **project_urls(project_a1),
            **plan_urls(project_a1.plan),
            "list": ("get", reverse("projects:project_list")),
        }
        for name, (method, url) in urls.items():
            response = getattr(client, method)(url)
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("login")), name

    @pytest.mark.parametrize("persona", ["planner_a2", "outsider"])
    def test_other_group_and_other_office_get_404_and_change_nothing(
        self, client, project_a1, persona, request
    ):
        client.force_login(request.getfixturevalue(persona))
        before = (project_a1.name_th, project_a1.version)
        for name, (method, url) in project_urls(project_a1).items():
            response = getattr(client, method)(
                url, {"name_th": "ถูกแก้"} if method == "post" else None
            )
            assert response.status_code == 404, name
        project_a1.refresh_from_db()
        assert (project_a1.name_th, project_a1.version) == before
        assert Project.objects.filter(pk=project_a1.pk).exists()

    def test_outsider_gets_404_on_another_offices_plan(self, client, outsider, project_a1):
        client.force_login(outsider)
        for name, (method, url) in plan_urls(project_a1.plan).items():
            assert getattr(client, method)(url).status_code == 404, name

    def test_own_group_planner_can_view_and_edit(self, client, planner_a1, project_a1):
        client.force_login(planner_a1)
        assert (
            client.get(reverse("projects:project_detail", args=[project_a1.pk])).status_code == 200
        )
        assert client.get(reverse("projects:project_edit", args=[project_a1.pk])).status_code == 200

    def test_director_can_view_but_not_edit(self, client, director_a, project_a1):
        client.force_login(director_a)
        assert (
            client.get(reverse("projects:project_detail", args=[project_a1.pk])).status_code == 200
        )
        assert client.get(reverse("projects:project_edit", args=[project_a1.pk])).status_code == 403

    def test_submitted_project_is_read_only_for_its_planner(self, client, planner_a1, project_a1):
        Project.objects.filter(pk=project_a1.pk).update(status=ProjectStatus.SUBMITTED)
        client.force_login(planner_a1)
        assert client.get(reverse("projects:project_edit", args=[project_a1.pk])).status_code == 403
        assert (
            client.post(reverse("projects:project_delete", args=[project_a1.pk])).status_code == 403
        )
        assert Project.objects.filter(pk=project_a1.pk).exists()

    def test_list_shows_only_own_group_projects(self, client, planner_a1, planner_a2, project_a1):
        other = f.make_project(
            project_a1.plan,
            unit=f.group(project_a1.plan.office, StandardGroup.PLAN),
            name_th="โครงการของกลุ่มนโยบายและแผน",
        )
        client.force_login(planner_a1)
        page = client.get(reverse("projects:project_list")).content.decode()
        assert project_a1.name_th in page and other.name_th not in page


def editor_post(project=None, *, version=None, activities=(), people=(), indicators=(), **header):
    """POST data of the editor: activities is a list of (fields, [line fields])."""
    data = {
        "name_th": "โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา",
        "code": "",
        "programme": "",
        "strategy": "",
        "lead_unit": "",
        "project_type": "continuing",
        "start_date": "01/04/2566",
        "end_date": "30/04/2566",
        "location_th": "",
        "rationale_th": "หลักการและเหตุผล",
        "objectives": "เพื่อสร้างความร่วมมือ",
        "targets_quant": "ผู้เข้าร่วม 120 คน",
        "targets_qual": "",
        "target_groups_th": "",
        "outcomes": "",
        "allow_reallocation": "on",
        "version": version if version is not None else (project.version if project else ""),
        **header,
    }
    lines = []
    for index, (fields, activity_lines) in enumerate(activities):
        for key, value in fields.items():
            data[f"activities-{index}-{key}"] = value
        for line in activity_lines:
            lines.append({"activity_ref": index, **line})
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    for index, row in enumerate(people):
        for key, value in row.items():
            data[f"people-{index}-{key}"] = value
    for index, row in enumerate(indicators):
        for key, value in row.items():
            data[f"indicators-{index}-{key}"] = value
    for prefix, count in (
        ("activities", len(activities)),
        ("lines", len(lines)),
        ("people", len(people)),
        ("indicators", len(indicators)),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = count
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return data


def ex01_post(plan, project=None, **overrides):
    services = BudgetCategory.objects.get(code="services").pk
    materials = BudgetCategory.objects.get(code="materials").pk
    esa = FundSource.objects.get(code="esa").pk
    strategy = plan.strategies.first() or f.make_strategy(
        plan, 5, "พัฒนาประสิทธิภาพการบริหารจัดการองค์กรแห่งนวัตกรรม"
    )
    activity = {
        "title_th": "จัดกิจกรรม ส่งเสริมความร่วมมือในการพัฒนาการศึกษา",
        "steps_th": "ประชุมผู้บริหารการศึกษา\nแต่งตั้งคณะทำงาน\nจัดกิจกรรม\nสรุปผลการดำเนินงาน",
        "period_th": "เมษายน 2566",
        "months": ["7"],
        "q3": "6,820",
    }
    lines = [
        {
            "description_th": "ค่าอาหารว่างและเครื่องดื่ม",
            "formula": "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง",
            "category": services,
            "fund_source": esa,
        },
        {
            "description_th": "ค่าอาหารว่างและเครื่องดื่ม",
            "formula": "120 คน x 35 บาท x 1 มื้อ x 1 ครั้ง",
            "category": services,
            "fund_source": esa,
        },
        {
            "description_th": "ค่าวัสดุ",
            "plain_amount": "๑,๕๐๐",
            "category": materials,
            "fund_source": esa,
        },
    ]
    indicators = [
        {
            "result_level": "output",
            "measure_type": "quantitative",
            "text_th": "จำนวนผู้เข้าร่วมกิจกรรม",
            "comparator": "gte",
            "target_value": "120",
            "target_unit_th": "คน",
            "method_th": "นับจำนวน",
            "tool_th": "บัญชีลงเวลา",
        }
    ]
    data = editor_post(
        project,
        strategy=strategy.pk,
        activities=[(activity, lines)],
        indicators=indicators,
        people=[{"name_th": "นางอัจฉราภรณ์ ณ พัทลุง", "position_th": ""}],
    )
    data.update(overrides)
    return data


class TestEditor:
    def test_creates_the_ex01_project_with_computed_totals(self, client, planner_a1, office_a):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        response = client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
        assert response.status_code == 302, response.content.decode()[:2000]
        project = f.reload_project(Project.objects.get(plan=plan))
        assert project.budget_total() == Decimal("6820.00")
        assert project.quarter_totals() == [
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("6820.00"),
            Decimal("0.00"),
        ]
        assert project.lead_unit == planner_a1.org_unit
        assert project.status == ProjectStatus.DRAFT
        activity = project.activities.all()[0]
        assert activity.months == [7] and len(activity.steps) == 4
        assert [line.formula_text for line in activity.budget_lines.all()] == [
            "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง",
            "120 คน x 35 บาท x 1 มื้อ x 1 ครั้ง",
            "",
        ]

    def test_a_failed_save_keeps_the_input_and_writes_nothing(self, client, planner_a1, office_a):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        data = ex01_post(
            plan, **{"lines-0-formula": "32 คน x สามสิบห้า บาท", "end_date": "01/03/2566"}
        )
        response = client.post(reverse("projects:project_create", args=[plan.pk]), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "ยังบันทึกไม่ได้" in page
        assert "วันสิ้นสุดต้องไม่มาก่อนวันเริ่มต้น" in page
        assert "120 คน x 35 บาท x 1 มื้อ x 1 ครั้ง" in page  # what the user typed is still there
        assert 'href="#id_end_date"' in page
        assert not Project.objects.filter(plan=plan).exists()

    def test_planner_cannot_move_a_project_to_another_group(self, client, planner_a1, office_a):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        other = f.group(office_a, StandardGroup.PLAN)
        client.post(
            reverse("projects:project_create", args=[plan.pk]), ex01_post(plan, lead_unit=other.pk)
        )
        assert Project.objects.get(plan=plan).lead_unit == planner_a1.org_unit

    def test_editing_updates_rows_in_place_and_removes_deleted_ones(
        self, client, planner_a1, office_a
    ):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
        project = Project.objects.get(plan=plan)
        activity = project.activities.get()
        lines = list(activity.budget_lines.order_by("order"))
        data = ex01_post(
            plan,
            project,
            **{
                "activities-0-id": activity.pk,
                "lines-0-id": lines[0].pk,
                "lines-1-id": lines[1].pk,
                "lines-2-id": lines[2].pk,
                "lines-2-DELETE": "on",
                "activities-0-q3": "5,320",
            },
        )
        response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
        assert response.status_code == 302
        project = f.reload_project(project)
        assert project.activities.all()[0].pk == activity.pk
        assert [line.pk for line in project.all_lines()] == [lines[0].pk, lines[1].pk]
        assert project.budget_total() == Decimal("5320.00")
        assert project.version == 2

    def test_a_stale_save_is_refused_with_who_and_when_and_nothing_is_overwritten(
        self, client, planner_a1, office_a
    ):
        plan = f.make_plan(office_a, 2566)
        colleague = f.make_user(office_a, unit=planner_a1.org_unit, username="colleague")
        client.force_login(planner_a1)
        client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
        project = Project.objects.get(plan=plan)
        stale_version = project.version
        client.force_login(colleague)
        assert (
            client.post(
                reverse("projects:project_edit", args=[project.pk]),
                ex01_post(plan, project, name_th="ชื่อที่เพื่อนแก้"),
            ).status_code
            == 302
        )
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_edit", args=[project.pk]),
            ex01_post(plan, project, version=stale_version, name_th="ชื่อของฉัน"),
        )
        assert response.status_code == 409
        page = response.content.decode()
        assert colleague.display_name in page and "ถูกแก้ไขโดย" in page
        assert "ชื่อของฉัน" in page  # the user's input stays on screen
        project.refresh_from_db()
        assert project.name_th == "ชื่อที่เพื่อนแก้" and project.version == stale_version + 1

    def test_editor_queries_do_not_grow_with_rows(self, client, planner_a1, office_a):
        plan = f.make_plan(office_a, 2566)
        counts = []
        for size in (2, 8):
            project = f.make_project(plan, unit=planner_a1.org_unit)
            for _ in range(size):
                activity = f.make_activity(project)
                for _ in range(4):
                    f.make_line(activity, "ค่าอาหารว่าง", "10 คน x 35 บาท")
                f.set_quarters(activity, 1400)
                f.make_indicator(project)
            client.force_login(planner_a1)
            with CaptureQueriesContext(connection) as ctx:
                assert (
                    client.get(reverse("projects:project_edit", args=[project.pk])).status_code
                    == 200
                )
            counts.append(len(ctx))
        assert counts[0] == counts[1], counts

    def test_a_new_project_is_a_new_project_until_changed(self, client, planner_a1, office_a):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        page = client.get(reverse("projects:project_create", args=[plan.pk])).content.decode()
        new = re.search(r'<input type="radio" name="project_type" value="new"[^>]*>', page)
        continuing = re.search(
            r'<input type="radio" name="project_type" value="continuing"[^>]*>', page
        )
        assert new and " checked" in new[0]
        assert continuing and " checked" not in continuing[0]
        project = f.make_project(plan, unit=planner_a1.org_unit)  # the model's default
        page = client.get(reverse("projects:project_edit", args=[project.pk])).content.decode()
        continuing = re.search(
            r'<input type="radio" name="project_type" value="continuing"[^>]*>', page
        )
        assert " checked" in continuing[0]

    def test_pasted_numbering_is_dropped_so_the_documents_number_once(
        self, client, planner_a1, office_a
    ):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        data = ex01_post(
            plan,
            **{
                "activities-0-steps_th": "1.1 ประชุมผู้บริหาร\r\n1.2 แต่งตั้งคณะทำงาน\r\n\r\n"
                "๑.๓ จัดกิจกรรม\r\n4) สรุปผล\r\n- รายงาน\r\n• เผยแพร่\r\n2566 ปีที่เริ่ม",
                "objectives": "1. เพื่อสร้างความร่วมมือ\r\n2. เพื่อพัฒนาครู",
            },
        )
        response = client.post(reverse("projects:project_create", args=[plan.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        project = Project.objects.get(plan=plan)
        activity = project.activities.get()
        assert activity.steps_th == (
            "ประชุมผู้บริหาร\nแต่งตั้งคณะทำงาน\nจัดกิจกรรม\nสรุปผล\nรายงาน\nเผยแพร่\n2566 ปีที่เริ่ม"
        )
        objectives = project.items.filter(kind=ItemKind.OBJECTIVE).order_by("order")
        assert [i.text_th for i in objectives] == ["เพื่อสร้างความร่วมมือ", "เพื่อพัฒนาครู"]
        page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
        assert "1.1 ประชุมผู้บริหาร" in page and "1.3 จัดกิจกรรม" in page
        assert "1.1 1.1" not in page and "2.1 1." not in page
        assert "2.1 เพื่อสร้างความร่วมมือ" in page

    def test_more_rows_than_a_formset_takes_is_a_thai_error_and_nothing_is_saved(
        self, client, planner_a1, office_a
    ):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        data = ex01_post(plan)
        for n in range(21):
            data[f"people-{n}-name_th"] = f"ผู้รับผิดชอบ {n}"
        data["people-TOTAL_FORMS"] = 21
        response = client.post(reverse("projects:project_create", args=[plan.pk]), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "ผู้รับผิดชอบโครงการมีได้ไม่เกิน 20 คน" in page
        assert "Please submit" not in page
        assert "ผู้รับผิดชอบ 20" in page  # the typing is shown back
        assert not Project.objects.filter(plan=plan).exists()


class TestCopy:
    def test_copies_last_years_project_as_a_continuing_draft(self, client, planner_a1, office_a):
        old_plan = f.make_plan(office_a, 2566)
        new_plan = f.make_plan(office_a, 2567)
        strategy = f.make_strategy(new_plan, 2, "กลยุทธ์ใหม่")
        client.force_login(planner_a1)
        client.post(reverse("projects:project_create", args=[old_plan.pk]), ex01_post(old_plan))
        source = Project.objects.get(plan=old_plan)
        response = client.post(
            reverse("projects:project_copy", args=[new_plan.pk]),
            {"source": source.pk, "strategy": strategy.pk},
        )
        assert response.status_code == 302
        copy = f.reload_project(Project.objects.get(plan=new_plan))
        assert (copy.start_date, copy.end_date) == (date(2024, 4, 1), date(2024, 4, 30))
        assert (
            copy.strategy == strategy
            and copy.project_type == "continuing"
            and copy.copied_from == source
        )
        assert copy.budget_total() == Decimal("6820.00")
        assert copy.status == ProjectStatus.DRAFT


def test_project_list_costs_at_most_10_queries_whatever_the_number_of_projects(
    client, planner_a1, plan_a
):
    counts = []
    for target in (5, 20):
        while plan_a.projects.count() < target:
            activity = f.make_activity(f.make_project(plan_a, unit=planner_a1.org_unit))
            f.make_line(activity, "ค่าวัสดุ", amount="1000", category_code="materials")
        client.force_login(planner_a1)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("projects:project_list"))
        assert response.status_code == 200
        assert response.content.decode().count("1,000.00") == target
        counts.append(len(ctx))
    assert counts[0] == counts[1] and counts[1] <= 10, counts


def resubmit_data(project):
    """The editor's data for an existing project, as a browser sends it back unchanged."""
    project = f.reload_project(project)
    activities = [
        (
            {"id": a.pk, "title_th": a.title_th, "q2": str(a.quarter_total())},
            [
                {
                    "id": line.pk,
                    "description_th": line.description_th,
                    "formula": line.formula_text,
                    "plain_amount": "" if line.has_formula else str(line.plain_amount or ""),
                    "category": line.category_id,
                    "fund_source": line.fund_source_id,
                }
                for line in a.budget_lines.all()
            ],
        )
        for a in project.activities.all()
    ]
    indicators = [
        {
            "id": k.pk,
            "result_level": "output",
            "measure_type": "quantitative",
            "text_th": k.text_th,
            "comparator": "gte",
            "target_value": "80",
            "target_unit_th": "ร้อยละ",
        }
        for k in project.indicators.all()
    ]
    return editor_post(
        project,
        strategy=project.strategy_id,
        activities=activities,
        indicators=indicators,
        start_date="01/10/2566",
        end_date="30/09/2567",
    )


def test_saving_the_editor_costs_the_same_queries_at_two_sizes(client, planner_a1, plan_a):
    counts = []
    for size in (2, 6):
        project = f.make_project(plan_a, unit=planner_a1.org_unit)
        for _ in range(size):
            activity = f.make_activity(project)
            for _ in range(4):
                f.make_line(activity, "ค่าอาหารว่าง", "10 คน x 35 บาท")
            f.set_quarters(activity, 0, 1400)
            f.make_indicator(project)
        client.force_login(planner_a1)
        data = resubmit_data(project)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
        assert response.status_code == 302, response.content.decode()[:1500]
        assert f.reload_project(project).budget_total() == Decimal(1400 * size)
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
