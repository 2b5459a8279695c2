"""The set-up checklist: each step's state and what is missing, in Thai; the page; readiness."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import PolicyFramework, Role, StandardGroup
from setup import checklist
from tests import factories as f
from tests.setup.helpers import make_ready

pytestmark = pytest.mark.django_db


def steps(office) -> dict[str, checklist.Step]:
    return {step.key: step for step in checklist.build(office).steps}


class TestBrandNewOffice:
    def test_says_what_is_missing_in_every_required_step(self, office_a):
        result = checklist.build(office_a)
        by_key = {s.key: s for s in result.steps}
        assert not result.ready
        assert result.missing_count == 5
        assert by_key["office"].missing == ("ยังไม่ได้กรอกจังหวัด", "ยังไม่ได้กรอกที่อยู่สำนักงาน")
        assert by_key["groups"].missing[0].startswith("ยังไม่มีผู้อำนวยการกลุ่มใน 10 กลุ่ม: กลุ่มอำนวยการ")
        assert by_key["staff"].missing == ("ยังไม่มีบัญชีผู้จัดทำโครงการ (เจ้าหน้าที่กลุ่ม)",)
        assert by_key["plan"].missing == ("ยังไม่มีแผนปฏิบัติการประจำปี",)
        assert by_key["ceilings"].missing[0].startswith("ยังไม่ได้กำหนดวงเงินใน 10 กลุ่ม")
        assert by_key["office"].state == "ยังขาด"

    def test_optional_steps_never_block(self, office_a):
        by_key = steps(office_a)
        assert by_key["print"].required is False
        assert by_key["print"].state == "ยังไม่ได้ทำ (ไม่บังคับ)"
        assert by_key["policies"].required is False


class TestGroupsStep:
    def test_counts_the_groups_without_a_director(self, office_a):
        f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN))
        missing = steps(office_a)["groups"].missing
        assert missing[0].startswith("ยังไม่มีผู้อำนวยการกลุ่มใน 9 กลุ่ม: กลุ่มบริหารงานบุคคล")
        assert missing[0].endswith("และอีก 4 กลุ่ม")

    def test_an_inactive_director_or_group_does_not_count(self, office_a):
        audit = f.group(office_a, StandardGroup.AUDIT)
        audit.is_active = False
        audit.save()
        director = f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a))
        director.is_active = False
        director.save()
        assert "ใน 9 กลุ่ม" in steps(office_a)["groups"].missing[0]

    def test_notes_groups_without_a_deputy_and_a_lapsed_one(self, office_a, deputy_a):
        unit = f.group(office_a)
        unit.deputy = deputy_a
        unit.save()
        notes = steps(office_a)["groups"].notes
        assert notes[0].startswith("ยังไม่ได้กำหนดรองผู้อำนวยการที่กำกับดูแลใน 9 กลุ่ม")
        deputy_a.role = Role.PLANNER
        deputy_a.save()
        assert any("ไม่ได้อยู่ในบทบาทนี้แล้ว" in n for n in steps(office_a)["groups"].notes)


class TestPlanStep:
    def test_names_strategies_without_goals_or_kpis_and_missing_targets(self, office_a):
        plan = make_ready(office_a, 2569)
        f.make_strategy(plan, 2, "กลยุทธ์ที่ไม่มีอะไร")
        missing = steps(office_a)["plan"].missing
        assert missing == ("ยังไม่มีเป้าประสงค์ใน กลยุทธ์ที่ 2", "ยังไม่มีตัวชี้วัดใน กลยุทธ์ที่ 2")
        kpi = plan.strategies.get(number=1).indicators.get()
        kpi.targets.all().delete()
        assert "ตัวชี้วัด 1 ตัวยังไม่มีค่าเป้าหมายปี พ.ศ. 2569" in steps(office_a)["plan"].missing

    def test_follows_the_newest_plan_that_is_not_history(self, office_a):
        make_ready(office_a, 2569)
        f.make_plan(office_a, 2570)
        assert steps(office_a)["plan"].missing == ("ยังไม่มีกลยุทธ์",)
        f.make_plan(office_a, 2571, status="archived")
        assert "2570" in steps(office_a)["plan"].summary


class TestReady:
    def test_a_complete_office_is_ready(self, office_a):
        make_ready(office_a)
        result = checklist.build(office_a)
        assert result.ready, [s.missing for s in result.steps]
        assert result.missing_count == 0

    def test_the_same_queries_for_one_group_or_ten(self, office_a, office_b):
        make_ready(office_a)
        make_ready(office_b)
        for unit in list(office_b.units.all())[1:]:
            unit.users.all().delete()
            unit.people.all().delete()
            unit.delete()
        counts = []
        for office in (office_a, office_b):
            with CaptureQueriesContext(connection) as queries:
                checklist.build(office)
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestPoliciesStep:
    def test_links_to_the_reference_page_and_is_done_with_an_own_policy(self, office_a):
        step = steps(office_a)["policies"]
        assert step.available and step.url == reverse("reference:reference_index")
        assert step.missing == ("ยังไม่มีนโยบายหรือมาตรฐานของสำนักงาน",)
        PolicyFramework.objects.create(office=office_a, kind="esa_policy", title_th="นโยบาย สพท.")
        assert steps(office_a)["policies"].done


class TestPage:
    def test_shows_every_step_with_its_state_and_link(self, admin_a):
        page = admin_a.get(reverse("setup:index")).content.decode()
        assert "ยังขาดอีก 5 ขั้นตอนก่อนให้กลุ่มเริ่มกรอกโครงการ" in page
        assert "ยังไม่มีผู้อำนวยการกลุ่มใน 10 กลุ่ม" in page
        assert f'href="{reverse("setup:group_list")}"' in page
        assert "นโยบายและมาตรฐานของสำนักงาน" in page
        assert f'href="{reverse("reference:reference_index")}"' in page
        assert "พร้อมให้กลุ่มเริ่มกรอกโครงการ</strong>" not in page

    def test_says_ready_and_links_to_the_projects(self, admin_a, office_a):
        make_ready(office_a)
        page = admin_a.get(reverse("setup:index")).content.decode()
        assert "<strong>พร้อมให้กลุ่มเริ่มกรอกโครงการ</strong>" in page
        plan = office_a.plans.get(fiscal_year__year_be=2569)  # by identity (issue 18)
        assert f"{reverse('projects:project_list')}?plan={plan.pk}" in page
