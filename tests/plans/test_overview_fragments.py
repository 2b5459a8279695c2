"""The plan overview keeps its tables rendered (plans/templatetags/fragments.py), under a digest
of everything each one prints: whatever a user changes shows on the next view, in the
viewer's language, with the viewer's own links, and an unchanged table is not rendered again.

Transactional tests: the pages run outside any transaction, as in production, so both the
figures cache and the kept fragments are used (docs/decisions/overview-fragments.md).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from actionplan.models import (
    OfficeFramework,
    OrgUnit,
    PolicyFramework,
    PolicyItem,
    Role,
    StandardGroup,
    Strategy,
)
from budgets.models import BudgetCategory, FundSource
from plans.templatetags.fragments import Fragment
from projects import services as project_services
from projects.models import Project, ProjectStatus
from tests import factories as f
from workflow import services as workflow_services

pytestmark = pytest.mark.django_db(transaction=True)

STRATEGY = "plans/_overview_strategy.html"


@pytest.fixture
def office(transactional_db):
    return f.make_office("F")


@pytest.fixture
def plan(office):
    plan = f.make_plan(office, 2566)
    f.make_strategy(plan, 1, "ยกระดับคุณภาพผู้เรียน")
    f.make_strategy(plan, 2, "พัฒนาระบบบริหารจัดการ")
    return plan


@pytest.fixture
def plan_admin(office):
    return f.make_user(office, Role.PLAN_ADMIN, f.group(office, StandardGroup.PLAN), "admin_f")


@pytest.fixture
def director(office):
    return f.make_user(office, Role.DIRECTOR, username="director_f")


@pytest.fixture
def projects(plan, office):
    """Two projects of 1,500 บาท (ค่าวัสดุ, งบ สพท.), one per strategy and group."""
    made = []
    for n, (strategy, code) in enumerate(
        zip(plan.strategies.all(), (StandardGroup.ADMIN, StandardGroup.FIN), strict=True)
    ):
        project = f.make_project(
            plan, unit=f.group(office, code), strategy=strategy, name_th=f"โครงการทดสอบที่ {n + 1}"
        )
        activity = f.make_activity(project, months=[4, 5])
        f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials", fund_code="esa")
        f.set_quarters(activity, 0, 1500)
        f.make_indicator(project)
        made.append(project)
    return made


def overview(client, user, plan, query: str = ""):
    client.force_login(user)
    response = client.get(reverse("plans:plan_overview", args=[plan.pk]) + query)
    assert response.status_code == 200
    return response


def page(client, user, plan, query: str = "") -> str:
    return overview(client, user, plan, query).content.decode()


def tables(html: str) -> str:
    """The page from its first table card on (the header's logout form has a fresh token)."""
    return html[html.index('<section class="card">') :]


def rendered(response) -> list[str]:
    """The overview's kept tables that this request rendered (the nav is rendered every time)."""
    kept = ("plans/_overview_", "plans/_alignment_matrix")
    return [t.name for t in response.templates if t.name and t.name.startswith(kept)]


def touch(project) -> None:
    """What every save of a project does besides its change: a new version and time."""
    Project.objects.filter(pk=project.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


class TestKeptTables:
    def test_a_repeat_view_renders_no_table_again_and_a_change_only_its_own(
        self, client, plan, plan_admin, projects
    ):
        first = overview(client, plan_admin, plan)
        assert rendered(first).count(STRATEGY) == 2
        again = overview(client, plan_admin, plan)
        assert rendered(again) == []
        assert tables(again.content.decode()) == tables(first.content.decode())
        Project.objects.filter(pk=projects[0].pk).update(name_th="โครงการที่เปลี่ยนชื่อ")
        changed = overview(client, plan_admin, plan)
        assert rendered(changed) == [STRATEGY]
        assert "โครงการที่เปลี่ยนชื่อ" in changed.content.decode()

    def test_a_fragment_takes_plain_values_only(self, plan):
        with pytest.raises(TypeError):
            Fragment.of(STRATEGY, {"s": plan})


class TestEveryChangeShowsOnTheNextView:
    def test_a_renamed_strategy(self, client, plan, plan_admin, projects):
        assert "ยกระดับคุณภาพผู้เรียน" in page(client, plan_admin, plan)
        Strategy.objects.filter(plan=plan, number=1).update(title_th="ยกระดับผลสัมฤทธิ์")
        shown = page(client, plan_admin, plan)
        assert "กลยุทธ์ที่ 1 ยกระดับผลสัมฤทธิ์" in shown and "ยกระดับคุณภาพผู้เรียน" not in shown

    def test_a_renamed_group_in_the_tables_and_the_totals(self, client, plan, plan_admin, projects):
        unit = projects[0].lead_unit
        assert unit.name_th in page(client, plan_admin, plan)
        OrgUnit.objects.filter(pk=unit.pk).update(name_th="กลุ่มที่ตั้งชื่อใหม่")
        shown = page(client, plan_admin, plan)
        assert shown.count("กลุ่มที่ตั้งชื่อใหม่") == 2  # its project's row and its total
        assert f">{unit.name_th}<" not in shown

    def test_a_group_ceiling(self, client, plan, plan_admin, projects):
        unit = projects[0].lead_unit
        OrgUnit.objects.filter(pk=unit.pk).update(budget_ceiling=Decimal("2000"))
        assert "เกินวงเงิน" not in page(client, plan_admin, plan)
        OrgUnit.objects.filter(pk=unit.pk).update(budget_ceiling=Decimal("1000"))
        shown = page(client, plan_admin, plan)
        assert f"{unit.name_th}: งบประมาณรวม 1,500.00 บาท เกินวงเงิน 1,000.00 บาท" in shown
        assert "เกิน -500.00" in shown and "2,000.00" not in shown

    def test_a_renamed_budget_category(self, client, plan, plan_admin, projects):
        assert ">ค่าวัสดุ<" in page(client, plan_admin, plan)
        BudgetCategory.objects.filter(code="materials").update(name_th="ค่าวัสดุสำนักงาน")
        shown = page(client, plan_admin, plan)
        assert ">ค่าวัสดุสำนักงาน<" in shown and ">ค่าวัสดุ<" not in shown

    def test_a_renamed_fund_source_in_the_totals_and_the_split_columns(
        self, client, plan, plan_admin, projects
    ):
        source = FundSource.objects.get(code="esa")
        assert f">{source.name_th}<" in page(client, plan_admin, plan)
        assert f">{source.short_th}<" in page(client, plan_admin, plan, "?split=fund")
        FundSource.objects.filter(pk=source.pk).update(name_th="งบประมาณที่ตั้งชื่อใหม่", short_th="งบใหม่")
        assert ">งบประมาณที่ตั้งชื่อใหม่<" in page(client, plan_admin, plan)
        split = page(client, plan_admin, plan, "?split=fund")
        assert split.count(">งบใหม่<") == 2 and f">{source.short_th}<" not in split

    def test_the_split_and_the_total_views_are_kept_apart(self, client, plan, plan_admin, projects):
        plain = page(client, plan_admin, plan)
        split = page(client, plan_admin, plan, "?split=fund")
        assert ">ผู้รับผิดชอบ<" in split and ">ผู้รับผิดชอบ<" not in plain
        assert tables(page(client, plan_admin, plan)) == tables(plain)

    def test_a_line_amount_changed_in_the_admin(self, client, plan, office, plan_admin, projects):
        assert "1,500.00" in page(client, plan_admin, plan)
        line = projects[0].activities.get().budget_lines.get()
        client.force_login(f.make_superuser(office, "root_f"))
        response = f.admin_line_change(client, line, "2750")
        assert response.status_code == 302, response.content.decode()[:2000]
        shown = page(client, plan_admin, plan)
        assert "มีโครงการรองรับกลยุทธ์ที่ 1 จำนวน 1 โครงการ งบประมาณ 2,750.00 บาท" in shown
        assert "โครงการทั้งหมด 2 โครงการ งบประมาณรวม 4,250.00 บาท" in shown

    def test_a_project_status(self, client, plan, office, plan_admin, projects):
        assert "ร่าง 2" in page(client, plan_admin, plan)
        by = f.make_user(office, Role.GROUP_DIRECTOR, projects[0].lead_unit, "gd_f")
        workflow_services.submit_project(project=projects[0], by=by)
        shown = page(client, plan_admin, plan)
        assert "ร่าง 1" in shown and "เสนอแล้ว 1" in shown
        assert '<span class="status status-submitted">เสนอแล้ว</span>' in shown

    def test_a_cancelled_and_a_deleted_project_leave_the_tables(
        self, client, plan, plan_admin, projects
    ):
        assert "โครงการทั้งหมด 2 โครงการ" in page(client, plan_admin, plan)
        Project.objects.filter(pk=projects[0].pk).update(status=ProjectStatus.CANCELLED)
        shown = page(client, plan_admin, plan)
        assert "โครงการทั้งหมด 1 โครงการ งบประมาณรวม 1,500.00 บาท" in shown
        assert "โครงการทดสอบที่ 1" not in shown
        project_services.delete_project(project=projects[1], by=plan_admin)
        shown = page(client, plan_admin, plan)
        assert "โครงการทั้งหมด 0 โครงการ" in shown and "โครงการทดสอบที่ 2" not in shown
        assert shown.count("ยังไม่มีโครงการรองรับ") == 2

    def test_a_project_moved_to_another_strategy(self, client, plan, plan_admin, projects):
        assert "มีโครงการรองรับกลยุทธ์ที่ 2 จำนวน 1 โครงการ" in page(client, plan_admin, plan)
        Project.objects.filter(pk=projects[1].pk).update(strategy=plan.strategies.get(number=1))
        shown = page(client, plan_admin, plan)
        assert "มีโครงการรองรับกลยุทธ์ที่ 1 จำนวน 2 โครงการ งบประมาณ 3,000.00 บาท" in shown
        assert "มีโครงการรองรับกลยุทธ์ที่ 2 จำนวน 0 โครงการ" in shown

    def test_a_policy_item_renamed_and_served(self, client, plan, plan_admin, projects):
        framework = PolicyFramework.objects.create(title_th="นโยบายทดสอบการแสดงผล", order=1)
        item = PolicyItem.objects.create(framework=framework, code="ข้อ 1", title_th="ข้อเดิม")
        shown = page(client, plan_admin, plan)
        assert "ข้อ 1 ข้อเดิม" in shown and "ยังไม่มีโครงการสนอง" in shown
        PolicyItem.objects.filter(pk=item.pk).update(title_th="ข้อที่แก้ไข")
        projects[0].alignments.add(item)
        shown = page(client, plan_admin, plan)
        assert "ข้อ 1 ข้อที่แก้ไข" in shown and "ข้อเดิม" not in shown
        assert "ยังไม่มีโครงการสนอง" not in shown

    def test_a_framework_switched_off_or_out_of_its_period(
        self, client, plan, office, plan_admin, projects
    ):
        national = PolicyFramework.objects.create(title_th="กรอบระดับชาติทดสอบ", order=1)
        own = PolicyFramework.objects.create(office=office, title_th="กรอบของเขตทดสอบ", order=2)
        for framework in (national, own):
            PolicyItem.objects.create(framework=framework, code="ข้อ 1", title_th="ข้อทดสอบ")
        shown = page(client, plan_admin, plan)
        assert "กรอบระดับชาติทดสอบ" in shown and "กรอบของเขตทดสอบ" in shown
        OfficeFramework.objects.create(office=office, framework=national, follows=False)
        PolicyFramework.objects.filter(pk=own.pk).update(period_start_be=2570)
        shown = page(client, plan_admin, plan)
        assert "กรอบระดับชาติทดสอบ" not in shown and "กรอบของเขตทดสอบ" not in shown
        OfficeFramework.objects.filter(framework=national).update(follows=True)
        assert "กรอบระดับชาติทดสอบ" in page(client, plan_admin, plan)

    def test_a_change_of_version_alone_shows_the_same_page(
        self, client, plan, plan_admin, projects
    ):
        before = page(client, plan_admin, plan)
        touch(projects[0])
        assert tables(page(client, plan_admin, plan)) == tables(before)


class TestViewers:
    def test_each_language_gets_its_own_tables(self, client, plan, plan_admin, projects):
        assert ">รวมงบประมาณ<" in page(client, plan_admin, plan)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = page(client, plan_admin, plan)
        assert ">Total budget<" in english and ">รวมงบประมาณ<" not in english
        assert ">Draft<" in english and ">Budget by group against the ceiling<" in english
        client.post(reverse("set_language"), {"language": "th", "next": "/"})
        thai = page(client, plan_admin, plan)
        assert ">รวมงบประมาณ<" in thai and ">Total budget<" not in thai

    def test_each_viewer_gets_their_own_links(self, client, plan, plan_admin, director, projects):
        upload = reverse("imports:importbatch_create") + f"?plan={plan.pk}"
        admin_page = page(client, plan_admin, plan)
        director_page = page(client, director, plan)
        assert upload in admin_page and upload not in director_page
        assert "โครงการทั้งหมด 2 โครงการ งบประมาณรวม 3,000.00 บาท" in director_page
