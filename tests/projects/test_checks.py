"""The consistency rules fire on the real inconsistencies of domain.md §5.2 and stay silent on
the clean worked examples."""

from datetime import date
from decimal import Decimal

import pytest

from actionplan.models import StandardGroup, StrategyIndicator, StrategyIndicatorTarget
from budgets.models import BudgetCategory
from projects import checks
from projects.models import Project
from projects.rollup import plan_projects
from tests import factories as f

pytestmark = pytest.mark.django_db


def make_ex01(plan=None):
    """EX-01 (seed 000): one activity in April 2566, three lines, 6,820 in Q3, two KPIs."""
    plan = plan or f.make_plan(year_be=2566)
    project = f.make_project(
        plan,
        name_th="โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา",
        start_date=date(2023, 4, 1),
        end_date=date(2023, 4, 30),
    )
    activity = f.make_activity(project, "จัดกิจกรรม ส่งเสริมความร่วมมือในการพัฒนาการศึกษา", months=[7])
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท")
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "120 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 4,200 บาท")
    f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials")
    f.set_quarters(activity, 0, 0, 6820, 0)
    f.make_indicator(
        project, "จำนวนผู้เข้าร่วมกิจกรรม", target_value=Decimal("120"), target_unit_th="คน"
    )
    f.make_indicator(project, "ร้อยละของผู้เข้าร่วมกิจกรรมที่มีความเข้าใจ")
    return f.reload_project(project)


def rules(findings, severity=None):
    return sorted({x.rule for x in findings if severity is None or x.severity == severity})


class TestCleanExamples:
    def test_ex01_raises_nothing(self):
        project = make_ex01()
        assert checks.check_project(project) == []
        assert project.budget_total() == Decimal("6820.00")

    def test_ex03_with_category_columns_raises_nothing(self):
        plan = f.make_plan(year_be=2563)
        project = f.make_project(plan, name_th="การพัฒนาเพื่อเพิ่มประสิทธิภาพการบริหารจัดการศึกษา")
        activity = f.make_activity(project, "ประชุมผู้บริหารสถานศึกษา", months=[1, 2, 3])
        f.make_line(activity, "ค่าอาหารและเครื่องดื่มของผู้เข้าร่วมประชุม", "๒๒๐ คน x 30 บาท x 6 ครั้ง")
        f.make_line(activity, "ค่าอาหาร อาหารว่างและเครื่องดื่มผู้เข้าร่วมประชุม", "๒๒๐ คน X ๑2๐ บาท x ๒ ครั้ง")
        f.make_line(activity, "ค่าวัสดุโครงการ", amount="27600", category_code="materials")
        f.set_quarters(activity, 120000)
        f.make_indicator(project)
        project = f.reload_project(project)
        assert checks.check_project(project) == []
        by_cat = {c.code: v for c, v in project.totals_by_category().items()}
        assert by_cat == {"services": Decimal("92400.00"), "materials": Decimal("27600.00")}


class TestDeclaredTotal:
    def test_flags_inc01_header_58800_against_lines_49000(self):
        plan = f.make_plan(year_be=2563)
        project = f.make_project(
            plan, name_th="สภากาแฟ คุยกันเช้าวันพุธ", declared_total=Decimal("58800")
        )
        activity = f.make_activity(project, "ประชุมสภากาแฟ")
        f.make_line(
            activity,
            "ค่าอาหารว่างและเครื่องดื่ม ผู้เข้าร่วมประชุม",
            "(จำนวน ๓5 คน*๓๕ บาท*๔๐ ครั้ง)",
        )
        f.set_quarters(activity, 12250, 12250, 12250, 12250)
        found = checks.check_declared_total(f.reload_project(project))
        assert [(x.rule, x.severity) for x in found] == [("R-B7", "error")]
        assert "58,800.00" in found[0].message and "49,000.00" in found[0].message
        assert "9,800.00" in found[0].message


class TestFormulaAgainstDeclaredAmount:
    @pytest.mark.parametrize(
        ("formula", "declared", "computed"),
        [
            ("( ๖0 คน x 18๐ x ๒ วัน)", "20000", "21,600.00"),  # INC-02, 001-P10
            ("(18คน X ๓3 บาท X๒มื้อ )", "1080", "1,188.00"),  # INC-03, 001-P5
        ],
    )
    def test_flags_a_formula_that_disagrees_with_the_printed_amount(
        self, formula, declared, computed
    ):
        project = f.make_project(f.make_plan(year_be=2563))
        activity = f.make_activity(project)
        line = f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", formula, declared=declared)
        found = checks.check_lines(f.reload_project(project), BudgetCategory.objects.all())
        assert [(x.rule, x.severity, x.line_id) for x in found] == [("R-B1", "error", line.pk)]
        assert computed in found[0].message

    def test_is_silent_when_the_declared_amount_matches(self):
        project = make_ex01()
        assert checks.check_lines(project, BudgetCategory.objects.all()) == []


class TestUncostedLine:
    def test_warns_on_inc04_formula_without_amount(self):
        project = f.make_project(f.make_plan(year_be=2563))
        activity = f.make_activity(project)
        line = f.make_line(activity, "ค่าอาหารว่าง/อาหารกลางวัน", amount=None)
        line.formula_note_th = "จำนวน 30 คน 3 วันๆละ 180 บาท/คน/วัน"
        line.save()
        found = checks.check_lines(f.reload_project(project), BudgetCategory.objects.all())
        assert [(x.rule, x.severity) for x in found] == [("R-B2", "warning")]
        assert "มีสูตรแต่ยังไม่มีจำนวนเงิน" in found[0].message


class TestCategorySemantics:
    def test_warns_on_inc05_meals_under_compensation_and_hiring_under_materials(self):
        project = f.make_project(f.make_plan(year_be=2563))
        activity = f.make_activity(project)
        meals = f.make_line(
            activity, "ค่าอาหาร อาหารว่างและเครื่องดื่ม", amount="10800", category_code="compensation"
        )
        hiring = f.make_line(
            activity, "ค่าจัดจ้างทำเอกสารรายงานผลการปฏิบัติงาน", amount="10900", category_code="materials"
        )
        f.make_line(activity, "ค่าตอบแทนวิทยากร", "3 x600X2", category_code="compensation")
        found = checks.check_lines(f.reload_project(project), BudgetCategory.objects.all())
        assert sorted((x.rule, x.line_id) for x in found) == sorted(
            [("R-B10", meals.pk), ("R-B10", hiring.pk)]
        )
        assert all(x.severity == "warning" for x in found)
        assert "หมวดค่าใช้สอย" in found[0].message


class TestQuarterlyPlan:
    def test_flags_inc10_row_total_5000_with_only_2000_in_q4(self):
        plan = f.make_plan(year_be=2566)
        project = f.make_project(plan, name_th="Active Learning")
        activity = f.make_activity(project, "การสรุปรายงานผลการดำเนินงาน")
        f.make_line(activity, "ค่าใช้จ่ายในการสรุปรายงาน", amount="5000")
        f.set_quarters(activity, 0, 0, 0, 2000)
        found = checks.check_quarters(f.reload_project(project))
        assert [(x.rule, x.severity, x.activity_id) for x in found] == [
            ("R-Q1", "error", activity.pk)
        ]
        assert "2,000.00" in found[0].message and "5,000.00" in found[0].message

    def test_flags_inc11_one_wrong_cell_on_the_activity_that_holds_it(self):
        plan = f.make_plan(year_be=2566)
        project = f.make_project(plan)
        clean = f.make_activity(project, "กิจกรรมการวางแผนอัตรากำลัง")
        f.make_line(clean, "ค่าใช้จ่าย", amount="4000")
        f.set_quarters(clean, 1000, 1000, 1000, 1000)
        wrong = f.make_activity(project, "กิจกรรมส่งเสริมวิชาชีพ")
        f.make_line(wrong, "ค่าใช้จ่าย", amount="536000")
        f.set_quarters(wrong, 10000, 15000, 15000, 466000)
        found = checks.check_quarters(f.reload_project(project))
        assert [(x.rule, x.activity_id) for x in found] == [("R-Q1", wrong.pk)]

    def test_warns_about_money_planned_outside_the_project_period(self):
        project = make_ex01()
        activity = project.activities.all()[0]
        f.set_quarters(activity, 6820, 0, 0, 0)  # constructed: period is April, money in Q1
        found = checks.check_quarters(f.reload_project(project))
        assert ("R-Q5", "warning") in [(x.rule, x.severity) for x in found]
        assert ("R-D3", "warning") in [(x.rule, x.severity) for x in found]

    def test_is_silent_on_ex01(self):
        assert checks.check_quarters(make_ex01()) == []


class TestDates:
    def test_flags_a_project_starting_before_the_fiscal_year(self):
        # R-D1: four FY2567 projects of a real plan start before ๑ ตุลาคม ๒๕๖๖.
        plan = f.make_plan(year_be=2567)
        project = f.make_project(plan, start_date=date(2023, 9, 1), end_date=date(2024, 3, 31))
        found = checks.check_dates(f.reload_project(project))
        assert [(x.rule, x.severity, x.field) for x in found] == [("R-D1", "error", "start_date")]
        assert "นอกปีงบประมาณ พ.ศ. 2567" in found[0].message

    def test_warns_about_inc07_activities_outside_the_project_period(self):
        # 001-P11: project June-September 2563, activities in ต.ค.62, พ.ย.62, มี.ค.63.
        plan = f.make_plan(year_be=2563)
        project = f.make_project(plan, start_date=date(2020, 6, 1), end_date=date(2020, 9, 30))
        activity = f.make_activity(project, "แต่งตั้งคณะกรรมการ", months=[1, 2, 6, 10])
        found = checks.check_activity_months(f.reload_project(project))
        assert [(x.rule, x.severity, x.activity_id) for x in found] == [
            ("R-D2", "warning", activity.pk)
        ]
        assert "ต.ค. พ.ย. มี.ค." in found[0].message

    def test_are_silent_on_ex01(self):
        project = make_ex01()
        assert checks.check_dates(project) == [] and checks.check_activity_months(project) == []


class TestEmptyBudget:
    def test_warns_on_inc07_project_with_only_a_header_amount(self):
        plan = f.make_plan(year_be=2563)
        project = f.make_project(
            plan, name_th="พัฒนาระบบประกันคุณภาพการศึกษาภายในสถานศึกษา", declared_total=Decimal("50000")
        )
        found = checks.check_project(f.reload_project(project))
        assert ("R-B3", "warning") in [(x.rule, x.severity) for x in found]
        assert ("R-B7", "error") in [(x.rule, x.severity) for x in found]


class TestStrategyAndIndicators:
    def test_flags_a_project_without_strategy(self):
        project = f.make_project(f.make_plan())
        project.strategy = None
        project.save()
        found = checks.check_strategy(f.reload_project(project))
        assert [(x.rule, x.severity, x.field) for x in found] == [("R-S7", "error", "strategy")]

    def test_flags_a_strategy_of_another_plan(self):
        project = f.make_project(f.make_plan())
        other = f.make_strategy(f.make_plan(project.plan.office, 2567))
        project.strategy = other
        project.save()
        assert [x.rule for x in checks.check_strategy(f.reload_project(project))] == ["R-N4"]

    def test_flags_a_percentage_target_above_100(self):
        project = make_ex01()
        bad = f.make_indicator(project, "ร้อยละของครู", target_value=Decimal("120"))
        found = checks.check_indicators(f.reload_project(project))
        assert [(x.rule, x.severity, x.indicator_id) for x in found] == [("R-C3", "error", bad.pk)]


class TestPlanLevel:
    def test_warns_about_a_strategy_without_projects(self):
        project = make_ex01()
        empty = f.make_strategy(project.plan, 2, "กลยุทธ์ที่ไม่มีโครงการ")
        found = checks.check_strategy_coverage(project.plan, plan_projects(project.plan))
        assert [(x.rule, x.field) for x in found] == [("R-S8", f"strategy-{empty.pk}")]

    def test_warns_about_yearly_targets_going_down(self):
        plan = f.make_plan()
        strategy = f.make_strategy(plan)
        good = StrategyIndicator.objects.create(strategy=strategy, text_th="ร้อยละของผู้เรียน", order=1)
        bad = StrategyIndicator.objects.create(
            strategy=strategy, text_th="ร้อยละของสถานศึกษา", order=2
        )
        for year, g, b in [(2566, 80, 80), (2567, 85, 85), (2568, 90, 70)]:
            StrategyIndicatorTarget.objects.create(indicator=good, year_be=year, target_value=g)
            StrategyIndicatorTarget.objects.create(indicator=bad, year_be=year, target_value=b)
        found = checks.check_strategy_targets(plan)
        assert [(x.rule, x.field) for x in found] == [("R-C4", f"strategy-indicator-{bad.pk}")]

    def test_warns_when_a_group_exceeds_its_ceiling(self):
        project = make_ex01()
        unit = project.lead_unit
        unit.budget_ceiling = Decimal("5000")
        unit.save()
        found = checks.check_group_ceilings(plan_projects(project.plan))
        assert [(x.rule, x.field) for x in found] == [("CEILING", f"unit-{unit.pk}")]
        unit.budget_ceiling = Decimal("6820")
        unit.save()
        assert checks.check_group_ceilings(plan_projects(project.plan)) == []

    def test_group_codes_exist(self):
        assert f.group(f.make_office(), StandardGroup.SUPERV).name_th.startswith("กลุ่มนิเทศ")


class TestPlanProjectsFromRows:
    """check_project on a plan's projects as rows (the validation page's path, no model
    instance per line) finds exactly what it finds on prefetched model instances."""

    def seeded_plan(self):
        plan = f.make_plan(year_be=2566)
        make_ex01(plan)  # clean
        other_plan_strategy = f.make_strategy(f.make_plan(plan.office, 2567))
        mismatched = f.make_project(
            plan,
            declared_total=Decimal("50000"),
            start_date=date(2023, 4, 1),
            end_date=date(2023, 4, 30),
        )
        activity = f.make_activity(mismatched, "กิจกรรมหลัก", months=[1, 2])
        sub = f.make_activity(mismatched, "กิจกรรมย่อย", parent=activity, months=[12])
        f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "(18คน X ๓3 บาท X๒มื้อ )", declared="1080")
        f.make_line(activity, "ค่าจัดจ้างทำเอกสาร", amount="10900", category_code="materials")
        f.make_line(sub, "ค่าอาหาร อาหารว่าง", amount="0", category_code="compensation")
        uncosted = f.make_line(sub, "ค่าอาหารกลางวัน", amount=None)
        uncosted.formula_note_th = "จำนวน 30 คน 3 วันๆละ 180 บาท/คน/วัน"
        uncosted.save()
        f.set_quarters(activity, 100, 0, 0, 2000)
        f.make_indicator(mismatched, "ร้อยละของครู", target_value=Decimal("120"))
        dated = f.make_project(
            plan,
            start_date=date(2022, 9, 1),
            end_date=date(2022, 12, 1),
            strategy=other_plan_strategy,
        )
        f.make_activity(dated, "แต่งตั้งคณะกรรมการ", months=[1, 6, 10])
        f.make_project(plan, name_th="โครงการว่าง")  # no budget, no indicator
        Project.objects.filter(pk=mismatched.pk).update(strategy=None)
        return plan

    def test_finds_the_same_findings_as_on_model_instances(self):
        plan = self.seeded_plan()
        categories = list(BudgetCategory.objects.all())
        models = plan_projects(plan, Project.objects.prefetch_related("indicators"))
        expected = {p.pk: checks.check_project(p, categories) for p in models}
        rows = checks.plan_project_rows(plan, [p.pk for p in models], categories)
        found = {p.pk: checks.check_project(p, categories) for p in rows}
        assert found == expected
        assert sum(len(v) for v in found.values()) >= 12
        rules_found = {x.rule for v in found.values() for x in v}
        for rule in ("R-S7", "R-N4", "R-D1", "R-D2", "R-B1", "R-B2", "R-B3", "R-B7", "R-B10"):
            assert rule in rules_found, rule
        for rule in ("R-Q1", "R-Q5", "R-D3", "R-C3"):
            assert rule in rules_found, rule
        assert checks.check_group_ceilings(models) == checks.check_group_ceilings(
            [setattr(r, "lead_unit", m.lead_unit) or r for r, m in zip(rows, models, strict=True)]
        )

    def test_read_in_the_same_queries_whatever_the_size(self, django_assert_num_queries):
        plan = self.seeded_plan()
        categories = list(BudgetCategory.objects.all())
        ids = list(plan.projects.values_list("pk", flat=True))
        with django_assert_num_queries(6):
            checks.plan_project_rows(plan, ids, categories)
