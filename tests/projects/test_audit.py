"""Audit history: every change is recorded with who, when and before/after, in the same
transaction; the history page is in Thai; nobody edits or deletes history."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from budgets.models import BudgetLine
from projects import audit, services
from projects.models import EventAction, Project, ProjectEvent, ProjectStatus
from tests import factories as f
from tests.projects.test_views import ex01_post
from workflow import services as workflow_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(office_a):
    return f.make_plan(office_a, 2566)


@pytest.fixture
def created(client, planner_a1, plan):
    client.force_login(planner_a1)
    response = client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
    assert response.status_code == 302
    return Project.objects.get(plan=plan)


def edit_post(plan, project, **overrides):
    """The editor posted back with every existing row (and its id), plus overrides."""
    activity = project.activities.get()
    data = ex01_post(plan, project, **{"activities-0-id": activity.pk})
    lines = list(activity.budget_lines.order_by("order").prefetch_related("factors"))
    for key in [k for k in data if k.startswith("lines-") and k[6].isdigit()]:
        del data[key]
    for i, line in enumerate(lines):
        data.update(
            {
                f"lines-{i}-id": line.pk,
                f"lines-{i}-activity_ref": 0,
                f"lines-{i}-description_th": line.description_th,
                f"lines-{i}-category": line.category_id,
                f"lines-{i}-fund_source": line.fund_source_id,
            }
        )
        if line.has_formula:
            data[f"lines-{i}-formula"] = line.formula_text
        else:
            data[f"lines-{i}-plain_amount"] = str(line.plain_amount)
    data["lines-TOTAL_FORMS"] = len(lines)
    for i, indicator in enumerate(project.indicators.order_by("order")):
        data[f"indicators-{i}-id"] = indicator.pk
    data["activities-0-q3"] = str(activity.budget_total())
    data.update(overrides)
    return data


class TestEditorSaves:
    def test_creating_records_who_and_the_total(self, created, planner_a1):
        event = ProjectEvent.objects.get(project_ref=created.pk)
        assert event.action == EventAction.CREATE and event.actor == planner_a1
        assert event.actor_name_th == planner_a1.display_name
        assert event.summary_th == f"สร้างโครงการ “{created.name_th}” งบประมาณ 6,820.00 บาท"
        assert event.ip_address == "127.0.0.1" and event.version == 1

    def test_an_edit_records_fields_and_rows_before_and_after(
        self, client, created, plan, planner_a1
    ):
        lines = list(BudgetLine.objects.filter(activity__project=created).order_by("order"))
        data = edit_post(
            plan,
            created,
            **{
                "name_th": "โครงการที่เปลี่ยนชื่อ",
                "lines-2-DELETE": "on",
                "lines-1-formula": "100 คน x 35 บาท x 1 มื้อ x 1 ครั้ง",
                "activities-0-q3": "4,620",
            },
        )
        response = client.post(reverse("projects:project_edit", args=[created.pk]), data)
        assert response.status_code == 302
        event = ProjectEvent.objects.filter(project_ref=created.pk).first()
        assert event.action == EventAction.UPDATE and event.version == 2
        fields = {c["label"]: (c["before"], c["after"]) for c in event.changes["fields"]}
        assert fields["ชื่อโครงการ"] == (
            "โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา",
            "โครงการที่เปลี่ยนชื่อ",
        )
        rows = {(r["section"], r["op"], r["name"]) for r in event.changes["rows"]}
        assert ("รายการงบประมาณ", "removed", "ค่าวัสดุ") in rows
        assert ("รายการงบประมาณ", "changed", "ค่าอาหารว่างและเครื่องดื่ม") in rows
        changed = next(r for r in event.changes["rows"] if r["op"] == "changed" and "คน" in str(r))
        amounts = {c["label"]: (c["before"], c["after"]) for c in changed["fields"]}
        assert amounts["จำนวนเงิน (บาท)"] == ("4,200.00", "3,500.00")
        assert event.changes["total"] == {"before": "6,820.00", "after": "4,620.00"}
        assert "แก้ไข ชื่อโครงการ" in event.summary_th
        assert "รายการงบประมาณ: แก้ไข 1 ลบ 1" in event.summary_th
        assert "งบประมาณรวม 6,820.00 → 4,620.00 บาท" in event.summary_th
        assert lines[2].pk not in set(BudgetLine.objects.values_list("pk", flat=True))

    def test_a_refused_save_writes_no_record(self, client, created, plan, planner_a1):
        stale = created.version
        Project.objects.filter(pk=created.pk).update(version=stale + 1)
        response = client.post(
            reverse("projects:project_edit", args=[created.pk]),
            edit_post(plan, created, version=stale, name_th="ไม่ควรบันทึก"),
        )
        assert response.status_code == 409
        assert ProjectEvent.objects.filter(project_ref=created.pk).count() == 1

    def test_a_record_lives_and_dies_with_its_transaction(self, created, planner_a1):
        before = ProjectEvent.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record(created, by=planner_a1, action=EventAction.BULK, summary_th="x")
            raise RuntimeError
        assert ProjectEvent.objects.count() == before

    def test_saving_costs_the_same_queries_with_more_rows(self, client, planner_a1, plan):
        client.force_login(planner_a1)
        counts = []
        for extra in (0, 5):
            data = ex01_post(plan)
            for i in range(extra):
                data.update(
                    {
                        f"lines-{3 + i}-activity_ref": 0,
                        f"lines-{3 + i}-description_th": f"ค่าวัสดุ {i}",
                        f"lines-{3 + i}-plain_amount": "100",
                        f"lines-{3 + i}-category": data["lines-2-category"],
                        f"lines-{3 + i}-fund_source": data["lines-2-fund_source"],
                    }
                )
            data["lines-TOTAL_FORMS"] = 3 + extra
            # The quarter plan matches the lines, so the edit below changes the name only at
            # both sizes (a save writes only what changed).
            data["activities-0-q3"] = str(6820 + 100 * extra)
            response = client.post(reverse("projects:project_create", args=[plan.pk]), data)
            assert response.status_code == 302
            project = Project.objects.order_by("-pk").first()
            data = edit_post(plan, project, name_th=f"แก้ {extra}")
            with CaptureQueriesContext(connection) as ctx:
                client.post(reverse("projects:project_edit", args=[project.pk]), data)
            counts.append(len(ctx))
        assert counts[0] == counts[1], counts


class TestOtherWrites:
    def test_copy_and_delete_are_recorded_and_the_record_outlives_the_project(
        self, client, created, planner_a1, office_a
    ):
        new_plan = f.make_plan(office_a, 2567)
        strategy = f.make_strategy(new_plan)
        client.post(
            reverse("projects:project_copy", args=[new_plan.pk]),
            {"source": created.pk, "strategy": strategy.pk},
        )
        copy = Project.objects.get(plan=new_plan)
        event = ProjectEvent.objects.get(project_ref=copy.pk)
        assert event.action == EventAction.COPY and "คัดลอกจากโครงการ" in event.summary_th
        response = client.post(reverse("projects:project_delete", args=[copy.pk]))
        assert response.status_code == 302 and not Project.objects.filter(pk=copy.pk).exists()
        deleted = ProjectEvent.objects.filter(project_ref=copy.pk).first()
        assert deleted.action == EventAction.DELETE and deleted.project is None
        assert "งบประมาณ 6,820.00 บาท" in deleted.summary_th
        assert {r["op"] for r in deleted.changes["rows"]} == {"removed"}

    def test_a_project_that_was_approved_once_cannot_be_deleted(
        self, created, planner_a1, office_a
    ):
        gd = f.make_user(office_a, Role.GROUP_DIRECTOR, planner_a1.org_unit)
        workflow_services.submit_project(project=created, by=gd)
        workflow_services.endorse_project(
            project=created, by=f.make_user(office_a, Role.DEPUTY_DIRECTOR)
        )
        workflow_services.approve_project(project=created, by=f.make_user(office_a, Role.DIRECTOR))
        amendment = workflow_services.request_amendment(
            project=created, by=planner_a1, reason="ปรับ"
        )
        workflow_services.decide_amendment(
            amendment=amendment,
            by=amendment.project.plan.office.users.get(role="director"),
            approve=True,
        )
        created.refresh_from_db()
        with pytest.raises(services.DomainError, match="เคยได้รับอนุมัติแล้ว"):
            services.delete_project(project=created, by=planner_a1)
        assert Project.objects.filter(pk=created.pk).exists()

    def test_bulk_writers_record_one_row_per_project_in_one_query(self, plan, planner_a1):
        projects = [f.make_project(plan, unit=planner_a1.org_unit) for _ in range(5)]
        with CaptureQueriesContext(connection) as ctx:
            audit.record_bulk(
                projects,
                by=planner_a1,
                action=EventAction.IMPORT,
                summary_th="นำเข้าจากไฟล์ plan.xlsx (5 โครงการ)",
                details={"file_sha256": "ab" * 32, "rows": 50},
            )
        assert len(ctx) == 1
        events = ProjectEvent.objects.filter(action=EventAction.IMPORT)
        assert events.count() == 5 and events.first().changes["rows"] == 50


class TestHistoryPage:
    def test_shows_every_change_in_thai(self, client, created, plan, planner_a1, office_a):
        client.post(
            reverse("projects:project_edit", args=[created.pk]),
            edit_post(plan, created, name_th="ชื่อใหม่ของโครงการ"),
        )
        gd = f.make_user(office_a, Role.GROUP_DIRECTOR, planner_a1.org_unit)
        workflow_services.submit_project(project=created, by=gd)
        workflow_services.return_project(
            project=created, by=f.make_user(office_a, Role.DIRECTOR), comment="เพิ่มตัวชี้วัด"
        )
        page = client.get(reverse("projects:project_history", args=[created.pk])).content.decode()
        for text in (
            "สร้างโครงการ",
            "แก้ไขโครงการ",
            "ชื่อใหม่ของโครงการ",
            "เสนอโครงการ (ร่าง → เสนอแล้ว)",
            "ส่งกลับแก้ไข",
            "เพิ่มตัวชี้วัด",
            gd.display_name,
        ):
            assert text in page, text

    def test_is_404_for_another_group_and_another_office(
        self, client, created, planner_a2, outsider
    ):
        for user in (planner_a2, outsider):
            client.force_login(user)
            url = reverse("projects:project_history", args=[created.pk])
            assert client.get(url).status_code == 404


class TestTamperResistance:
    def test_the_admin_offers_no_add_change_or_delete(self, client, created, office_a):
        admin_user = f.make_superuser(office_a)
        client.force_login(admin_user)
        event = ProjectEvent.objects.get(project_ref=created.pk)
        model_admin = site._registry[ProjectEvent]
        request = type("R", (), {"user": admin_user})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, event)
        assert not model_admin.has_delete_permission(request, event)
        change = reverse("admin:projects_projectevent_change", args=[event.pk])
        assert client.get(change).status_code == 200  # viewable
        client.post(change, {"summary_th": "แก้ประวัติ"})
        delete = reverse("admin:projects_projectevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        event.refresh_from_db()
        assert event.summary_th.startswith("สร้างโครงการ")

    def test_admin_edits_of_a_draft_are_recorded_and_approved_projects_are_read_only(
        self, client, created, office_a, planner_a1
    ):
        admin_user = f.make_superuser(office_a)
        client.force_login(admin_user)
        line = BudgetLine.objects.filter(activity__project=created).order_by("order").last()
        url = reverse("admin:budgets_budgetline_change", args=[line.pk])
        response = client.post(
            url,
            {
                "activity": line.activity_id,
                "order": line.order,
                "description_th": "ค่าวัสดุสำนักงาน",
                "category": line.category_id,
                "fund_source": line.fund_source_id,
                "plain_amount": "2000",
                "formula_note_th": "",
                "factors-TOTAL_FORMS": 0,
                "factors-INITIAL_FORMS": 0,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        event = ProjectEvent.objects.filter(project_ref=created.pk).first()
        assert event.action == EventAction.ADMIN and event.actor == admin_user
        assert "ผ่านหน้าผู้ดูแลระบบ" in event.summary_th and "7,320.00" in event.summary_th
        assert Project.objects.get(pk=created.pk).version == created.version + 1

        Project.objects.filter(pk=created.pk).update(status=ProjectStatus.APPROVED)
        before = ProjectEvent.objects.count()
        response = client.post(url, {"description_th": "แก้หลังอนุมัติ"})
        assert response.status_code == 403
        line.refresh_from_db()
        assert line.description_th == "ค่าวัสดุสำนักงาน"
        assert ProjectEvent.objects.count() == before

    def test_signatures_cannot_be_edited_in_the_admin(self):
        project_admin = site._registry[Project]
        signature_inline = next(
            i for i in project_admin.inlines if i.__name__ == "ReadOnlySignatureInline"
        )
        assert not signature_inline.has_add_permission(signature_inline, None)


def test_group_director_fixture_exists_for_views(office_a):
    # Guards the StandardGroup codes the personas rely on.
    assert f.group(office_a, StandardGroup.ADMIN).name_th == "กลุ่มอำนวยการ"
