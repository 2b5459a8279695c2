"""The plan year: a new plan for a BE fiscal year (empty or copied from last year), its heading
and strategies in one formset, each strategy's goals, guidelines and KPI targets per year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan.models import (
    DevelopmentGuideline,
    DirectionItem,
    Plan,
    PlanStatus,
    StrategicGoal,
    StrategyIndicator,
    StrategyIndicatorTarget,
)
from monitoring.models import StrategyKPIResult
from tests import factories as f
from tests.setup.helpers import formset_data, plan_page_data

pytestmark = pytest.mark.django_db


def create(client, **data):
    return client.post(reverse("setup:plan_list"), {"title_th": "", **data})


def last_year(office):
    plan = f.make_plan(office, 2568, vision_th="วิสัยทัศน์", horizon_start_be=2566, horizon_end_be=2570)
    DirectionItem.objects.create(plan=plan, kind="mission", order=1, text_th="พันธกิจที่ ๑")
    for number in (1, 2):
        strategy = f.make_strategy(plan, number, f"กลยุทธ์ {number}")
        StrategicGoal.objects.create(strategy=strategy, text_th=f"เป้าประสงค์ {number}")
        DevelopmentGuideline.objects.create(strategy=strategy, text_th="แนวทาง")
        kpi = StrategyIndicator.objects.create(strategy=strategy, text_th=f"ตัวชี้วัด {number}")
        for year, value in ((2568, 80), (2569, 85), (2570, 90)):
            StrategyIndicatorTarget.objects.create(indicator=kpi, year_be=year, target_value=value)
    return plan


class TestCreatePlan:
    def test_creates_an_empty_draft_plan_for_a_be_year(self, admin_a, office_a):
        response = create(admin_a, year_be="๒๕๖๙")
        plan = Plan.objects.get(office=office_a)
        assert response.status_code == 302
        assert response["Location"] == reverse("setup:plan_edit", args=[plan.pk])
        assert plan.fiscal_year.year_be == 2569 and plan.status == PlanStatus.DRAFT
        assert not plan.strategies.exists()

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("2026", "กรุณากรอกปีเป็น พ.ศ. (เช่น 2569) ไม่ใช่ ค.ศ."),
            ("3000", "ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700"),
            ("ปีหน้า", "กรุณากรอกปี พ.ศ. เป็นตัวเลข เช่น 2569"),
        ],
    )
    def test_refuses_what_is_not_a_be_year(self, admin_a, office_a, typed, message):
        response = create(admin_a, year_be=typed)
        assert response.status_code == 200
        assert response.context["form"].errors["year_be"] == [message]
        assert not Plan.objects.filter(office=office_a).exists()

    def test_refuses_a_second_plan_for_the_year(self, admin_a, office_a):
        f.make_plan(office_a, 2569)
        response = create(admin_a, year_be="2569")
        assert response.context["form"].errors["year_be"] == [
            "มีแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2569 อยู่แล้ว"
        ]

    def test_another_offices_plan_of_the_year_is_no_obstacle(self, admin_a, office_a, office_b):
        f.make_plan(office_b, 2569)
        assert create(admin_a, year_be="2569").status_code == 302

    def test_suggests_the_year_after_the_newest_plan(self, admin_a, office_a):
        f.make_plan(office_a, 2568)
        form = admin_a.get(reverse("setup:plan_list")).context["form"]
        assert form.initial["year_be"] == 2569 and form.initial["copy_previous"] is True


class TestCopyFromLastYear:
    def test_copies_the_direction_and_the_strategy_tree_with_every_target(self, admin_a, office_a):
        source = last_year(office_a)
        response = create(admin_a, year_be="2569", copy_previous="on")
        plan = Plan.objects.get(office=office_a, fiscal_year__year_be=2569)
        assert response.status_code == 302
        assert (plan.vision_th, plan.horizon_start_be, plan.horizon_end_be) == (
            "วิสัยทัศน์",
            2566,
            2570,
        )
        assert list(plan.direction_items.values_list("text_th", flat=True)) == ["พันธกิจที่ ๑"]
        assert list(plan.strategies.values_list("number", "title_th")) == [
            (1, "กลยุทธ์ 1"),
            (2, "กลยุทธ์ 2"),
        ]
        copied = StrategyIndicator.objects.filter(strategy__plan=plan).order_by("text_th")
        assert [k.text_th for k in copied] == ["ตัวชี้วัด 1", "ตัวชี้วัด 2"]
        targets = StrategyIndicatorTarget.objects.filter(indicator__strategy__plan=plan)
        assert sorted(targets.values_list("year_be", "target_value"))[:3] == [
            (2568, Decimal("80.00")),
            (2568, Decimal("80.00")),
            (2569, Decimal("85.00")),
        ]
        assert StrategicGoal.objects.filter(strategy__plan=plan).count() == 2
        assert DevelopmentGuideline.objects.filter(strategy__plan=plan).count() == 2
        # last year's plan is untouched
        assert StrategyIndicator.objects.filter(strategy__plan=source).count() == 2
        assert not plan.projects.exists()

    def test_a_horizon_that_ended_is_not_carried_over(self, admin_a, office_a):
        last_year(office_a)
        create(admin_a, year_be="2571", copy_previous="on")
        plan = Plan.objects.get(office=office_a, fiscal_year__year_be=2571)
        assert plan.horizon_start_be is None and plan.horizon_years == [2571]

    def test_copying_takes_the_same_queries_for_two_strategies_or_six(self, office_a, plan_admin_a):
        from setup import services

        source = last_year(office_a)

        def count(year):
            with CaptureQueriesContext(connection) as queries:
                services.create_plan(
                    office=office_a, by=plan_admin_a, year_be=year, copy_from=source
                )
            return len(queries)

        small = count(2569)
        for number in (3, 4, 5, 6):
            strategy = f.make_strategy(source, number)
            kpi = StrategyIndicator.objects.create(strategy=strategy, text_th="k")
            StrategyIndicatorTarget.objects.create(indicator=kpi, year_be=2570, target_value=1)
        assert count(2570) == small

    def test_asking_to_copy_with_nothing_to_copy_is_an_error(self, admin_a, office_a):
        response = create(admin_a, year_be="2569", copy_previous="on")
        assert response.context["form"].errors["copy_previous"] == ["ไม่มีแผนของปีก่อนหน้าให้คัดลอก"]


class TestPlanAndStrategies:
    def test_saves_the_heading_and_adds_strategies(self, admin_a, office_a, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        plan = f.make_plan(office_a, 2569)
        url = reverse("setup:plan_edit", args=[plan.pk])
        context = admin_a.get(url).context
        data = plan_page_data(context)
        data.pop("plan-logo", None)
        data.update(
            {
                "plan-horizon_start_be": "2566",
                "plan-horizon_end_be": "2570",
                "plan-vision_th": "เป็นองค์กรชั้นนำ",
                "plan-foreword_signatory_th": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ",
                "direction-0-kind": "mission",
                "direction-0-order": "1",
                "direction-0-text_th": "ส่งเสริมการจัดการศึกษาให้มีคุณภาพ",
                "strategies-0-number": "1",
                "strategies-0-title_th": "ส่งเสริมความปลอดภัย",
                "strategies-1-number": "2",
                "strategies-1-title_th": "เพิ่มโอกาส",
                "plan-logo": SimpleUploadedFile("logo.png", _png(), content_type="image/png"),
            }
        )
        response = admin_a.post(url, data)
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.horizon_years == [2566, 2567, 2568, 2569, 2570]
        assert plan.logo.name == f"plan-logos/{office_a.code}-2569.png"
        assert list(plan.strategies.values_list("number", flat=True)) == [1, 2]
        assert plan.foreword_signatory_th == "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ"
        assert list(plan.direction_items.values_list("kind", "text_th")) == [
            ("mission", "ส่งเสริมการจัดการศึกษาให้มีคุณภาพ")
        ]

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            ("2026", "2030", "กรุณากรอกปีเป็น พ.ศ. (เช่น 2569) ไม่ใช่ ค.ศ."),
            ("2570", "2566", "ปีสิ้นสุดต้องไม่ก่อนปีเริ่มต้น"),
            ("2560", "2565", "ช่วงปีของแผนพัฒนาต้องครอบคลุมปีงบประมาณ พ.ศ. 2569"),
            ("2566", "", "กรอกทั้งปีเริ่มต้นและปีสิ้นสุด หรือเว้นว่างทั้งสองช่อง"),
        ],
    )
    def test_refuses_a_wrong_horizon(self, admin_a, office_a, start, end, message):
        plan = f.make_plan(office_a, 2569)
        url = reverse("setup:plan_edit", args=[plan.pk])
        context = admin_a.get(url).context
        data = plan_page_data(context)
        data.update({"plan-horizon_start_be": start, "plan-horizon_end_be": end})
        response = admin_a.post(url, data)
        assert response.status_code == 200
        assert message in str(response.context["form"].errors)
        plan.refresh_from_db()
        assert plan.horizon_start_be is None

    def test_two_strategies_with_one_number_are_refused(self, admin_a, office_a):
        plan = f.make_plan(office_a, 2569)
        url = reverse("setup:plan_edit", args=[plan.pk])
        data = plan_page_data(admin_a.get(url).context)
        for i in (0, 1):
            data[f"strategies-{i}-number"] = "1"
            data[f"strategies-{i}-title_th"] = f"กลยุทธ์ {i}"
        response = admin_a.post(url, data)
        assert "ข้อที่ 1 ของกลยุทธ์ซ้ำกัน" in response.content.decode()
        assert not plan.strategies.exists()

    def test_a_strategy_with_projects_cannot_be_deleted(self, admin_a, office_a):
        plan = f.make_plan(office_a, 2569)
        strategy = f.make_strategy(plan, 1)
        f.make_project(plan, strategy=strategy)
        url = reverse("setup:plan_edit", args=[plan.pk])
        context = admin_a.get(url).context
        data = plan_page_data(context)
        data["strategies-0-DELETE"] = "on"
        response = admin_a.post(url, data)
        assert response.status_code == 200
        assert "มีโครงการอยู่ในกลยุทธ์นี้" in response.content.decode()
        assert plan.strategies.filter(pk=strategy.pk).exists()

    def test_an_approved_plan_is_read_only(self, admin_a, office_a):
        plan = f.make_plan(office_a, 2569, status=PlanStatus.APPROVED)
        url = reverse("setup:plan_edit", args=[plan.pk])
        page = admin_a.get(url).content.decode()
        assert "ดูได้อย่างเดียว" in page and "บันทึกแผนและกลยุทธ์" not in page
        response = admin_a.post(url, {"plan-title_th": "ใหม่"}, follow=True)
        assert "แก้ไขกลยุทธ์และตัวชี้วัดในหน้านี้ไม่ได้" in response.content.decode()
        plan.refresh_from_db()
        assert plan.title_th == ""


class TestStrategyDetails:
    def test_saves_goals_guidelines_and_kpis_with_a_target_per_horizon_year(
        self, admin_a, office_a
    ):
        plan = f.make_plan(office_a, 2569, horizon_start_be=2568, horizon_end_be=2570)
        strategy = f.make_strategy(plan, 1)
        url = reverse("setup:strategy_edit", args=[plan.pk, strategy.pk])
        context = admin_a.get(url).context
        assert context["years"] == [2568, 2569, 2570]
        data = {}
        for name in ("goals", "guidelines", "indicators"):
            data.update(formset_data(context[name]))
        data.update(
            {
                "goals-0-text_th": "ผู้เรียนปลอดภัย",
                "guidelines-0-text_th": "พัฒนาระบบดูแลช่วยเหลือ",
                "guidelines-0-responsible_th": "สพท.",
                "kpis-0-text_th": "ร้อยละของโรงเรียนที่มีแผนความปลอดภัย",
                "kpis-0-target_2568": "๘๐",
                "kpis-0-target_2569": "85.5",
                "kpis-0-target_2570": "",
            }
        )
        response = admin_a.post(url, data)
        assert response.status_code == 302
        kpi = strategy.indicators.get()
        assert dict(kpi.targets.values_list("year_be", "target_value")) == {
            2568: Decimal("80.00"),
            2569: Decimal("85.50"),
        }
        assert strategy.goals.get().text_th == "ผู้เรียนปลอดภัย"
        assert strategy.guidelines.get().responsible_th == "สพท."

        # Editing: a target cleared is removed, one changed is replaced; the KPI keeps its id.
        context = admin_a.get(url).context
        assert context["indicators"].forms[0]["target_2569"].value() == "85.5"
        data = {}
        for name in ("goals", "guidelines", "indicators"):
            data.update(formset_data(context[name]))
        data.update({"kpis-0-target_2568": "", "kpis-0-target_2570": "90"})
        assert admin_a.post(url, data).status_code == 302
        assert dict(kpi.targets.values_list("year_be", "target_value")) == {
            2569: Decimal("85.50"),
            2570: Decimal("90.00"),
        }
        assert strategy.indicators.get().pk == kpi.pk

    def test_a_target_that_is_not_a_number_is_an_error_and_nothing_is_saved(
        self, admin_a, office_a
    ):
        plan = f.make_plan(office_a, 2569)
        strategy = f.make_strategy(plan, 1)
        url = reverse("setup:strategy_edit", args=[plan.pk, strategy.pk])
        context = admin_a.get(url).context
        data = {}
        for name in ("goals", "guidelines", "indicators"):
            data.update(formset_data(context[name]))
        data.update(
            {"goals-0-text_th": "เป้า", "kpis-0-text_th": "ตัวชี้วัด", "kpis-0-target_2569": "มาก"}
        )
        response = admin_a.post(url, data)
        assert response.status_code == 200
        assert "กรอกค่าเป้าหมายเป็นตัวเลข เช่น 80 หรือ ๘๐" in response.content.decode()
        assert not strategy.goals.exists() and not strategy.indicators.exists()

    def test_a_kpi_with_reported_results_cannot_be_deleted(self, admin_a, office_a):
        plan = f.make_plan(office_a, 2569)
        strategy = f.make_strategy(plan, 1)
        kpi = StrategyIndicator.objects.create(strategy=strategy, text_th="ร้อยละ")
        StrategyKPIResult.objects.create(
            indicator=kpi, year_be=2569, actual_value=50, recorded_at=timezone.now()
        )
        url = reverse("setup:strategy_edit", args=[plan.pk, strategy.pk])
        context = admin_a.get(url).context
        data = {}
        for name in ("goals", "guidelines", "indicators"):
            data.update(formset_data(context[name]))
        data["kpis-0-DELETE"] = "on"
        response = admin_a.post(url, data)
        assert "มีผลการดำเนินงานรายงานไว้แล้ว" in response.content.decode()
        assert StrategyIndicator.objects.filter(pk=kpi.pk).exists()

    def test_the_page_costs_the_same_queries_with_more_kpis(self, admin_a, office_a):
        plan = f.make_plan(office_a, 2569, horizon_start_be=2566, horizon_end_be=2570)
        strategy = f.make_strategy(plan, 1)
        url = reverse("setup:strategy_edit", args=[plan.pk, strategy.pk])

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                admin_a.get(url)
            return len(queries)

        def add_kpi():
            kpi = StrategyIndicator.objects.create(strategy=strategy, text_th="k")
            StrategyIndicatorTarget.objects.create(indicator=kpi, year_be=2569, target_value=1)

        add_kpi()
        before = count()
        for _ in range(5):
            add_kpi()
        assert count() == before


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


class TestPlanKinds:
    """Issue 18: the set-up page creates a plan of any kind; a kind's plan of the year is no
    obstacle to another kind's."""

    def test_creates_a_teacher_development_plan_beside_the_action_plan(self, admin_a, office_a):
        f.make_plan(office_a, 2569)
        response = create(admin_a, year_be="2569", plan_type="teacher_dev")
        assert response.status_code == 302
        assert Plan.objects.filter(office=office_a, fiscal_year__year_be=2569).count() == 2
        again = create(admin_a, year_be="2569", plan_type="teacher_dev")
        assert again.context["form"].errors["year_be"] == [
            "มีแผนพัฒนาครูและบุคลากรทางการศึกษา ประจำปีงบประมาณ พ.ศ. 2569 อยู่แล้ว"
        ]
