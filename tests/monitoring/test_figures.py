"""Cumulative figures across the four rounds, against the quarterly plan and the disbursement
targets, per project, strategy, group and plan; KPI assessment by comparator; the computed
alerts; the year-end summary and what copying a project forward takes from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from actionplan.models import StandardGroup
from indicators.models import Assessment, Comparator, assess
from monitoring import figures as monitoring
from monitoring import services
from plans.models import DisbursementTarget
from projects import services as project_services
from projects.models import ProjectStatus, ProjectType
from tests import factories as f
from tests.monitoring.conftest import (
    WORKED_PLANNED,
    WORKED_TOTALS,
    approve,
    entry,
    report_round,
    worked_project,
)

pytestmark = pytest.mark.django_db


def set_targets(plan, *percents):
    DisbursementTarget.objects.create(
        office=plan.office,
        fiscal_year=plan.fiscal_year,
        **{f"q{i}_pct": Decimal(p) for i, p in enumerate(percents, start=1)},
    )


class TestCumulativeFigures:
    def test_the_worked_project_across_all_four_rounds(self, worked, planner_a1, plan_a):
        set_targets(plan_a, 30, 55, 80, 100)
        for n in (1, 2, 3, 4):
            report_round(worked, n, planner_a1)
        progress = monitoring.load_progress(plan_a)
        expected = {
            # round: (planned, actual, target, % of budget, % of plan)
            1: ("12000", "10500", "15600", "20.19", "87.50"),
            2: ("32000", "28000", "28600", "53.85", "87.50"),
            3: ("52000", "50000", "41600", "96.15", "96.15"),
            4: ("52000", "51250", "52000", "98.56", "98.56"),
        }
        for n, (planned, actual, target, of_budget, of_plan) in expected.items():
            total = progress.at(n)["total"]
            assert total.budget == Decimal("52000.00")
            assert total.planned == Decimal(planned) == WORKED_PLANNED[n - 1]
            assert total.actual == Decimal(actual) == WORKED_TOTALS[n - 1]
            assert total.target == Decimal(target)
            assert total.pct_of_budget == Decimal(of_budget)
            assert total.pct_of_plan == Decimal(of_plan)
            assert (total.sent, total.count) == (1, 1)
        per_quarter = [
            progress.at(n)["total"].actual - (progress.at(n - 1)["total"].actual if n > 1 else 0)
            for n in (1, 2, 3, 4)
        ]
        assert per_quarter == [
            Decimal("10500"),
            Decimal("17500"),
            Decimal("22000"),
            Decimal("1250"),
        ]

    def test_a_round_without_a_sent_report_carries_the_last_sent_figures_forward(
        self, worked, planner_a1, plan_a
    ):
        report_round(worked, 1, planner_a1)
        report_round(worked, 2, planner_a1, submit=False)  # a draft does not count
        progress = monitoring.load_progress(plan_a)
        assert [progress.at(n)["total"].actual for n in (1, 2, 3, 4)] == [Decimal("10500")] * 4
        assert [progress.at(n)["total"].sent for n in (1, 2, 3, 4)] == [1, 0, 0, 0]

    def test_nothing_reported_is_zero_and_percentages_are_not_divided_by_zero(self, plan_a):
        empty = approve(f.make_project(plan_a, name_th="โครงการไม่มีงบประมาณ"))
        progress = monitoring.load_progress(plan_a)
        total = progress.at(2)["total"]
        assert (total.budget, total.planned, total.actual) == (0, 0, 0)
        assert total.pct_of_budget is None and total.pct_of_plan is None
        assert total.target is None  # no targets set for the year
        assert progress.projects[0].project == empty

    def test_strategy_and_group_roll_ups_add_up_to_the_plan(self, plan_a, office_a, planner_a1):
        s1, s2 = f.make_strategy(plan_a, 1), f.make_strategy(plan_a, 2)
        admin, policy = (
            f.group(office_a, StandardGroup.ADMIN),
            f.group(office_a, StandardGroup.PLAN),
        )
        a = worked_project(plan_a, unit=admin, strategy=s1, name_th="ก")
        b = worked_project(plan_a, unit=admin, strategy=s2, name_th="ข")
        c = worked_project(plan_a, unit=policy, strategy=s2, name_th="ค")
        planner_a2 = f.make_user(office_a, unit=policy)
        report_round(a, 1, planner_a1)
        report_round(b, 1, planner_a1, **{"0_services": "5000"})
        report_round(c, 1, planner_a2)
        f.make_project(plan_a, unit=admin, strategy=s1, name_th="ร่าง")  # drafts are not monitored
        now = monitoring.load_progress(plan_a).at(1)
        assert [(s.label, s.count, s.actual) for s in now["strategies"]] == [
            ("กลยุทธ์ที่ 1", 1, Decimal("10500")),
            ("กลยุทธ์ที่ 2", 2, Decimal("17000")),
        ]
        assert [(g.label, g.count, g.actual) for g in now["groups"]] == [
            ("กลุ่มอำนวยการ", 2, Decimal("17000")),
            ("กลุ่มนโยบายและแผน", 1, Decimal("10500")),
        ]
        assert now["total"].actual == Decimal("27500") and now["total"].count == 3
        assert now["total"].planned == Decimal("36000")

    def test_kpis_and_activities_as_known_at_a_round(self, worked, planner_a1, plan_a):
        report_round(worked, 1, planner_a1, kpi="70")
        report_round(worked, 3, planner_a1, kpi="85")
        progress = monitoring.load_progress(plan_a)
        r1, r3 = progress.at(1)["total"], progress.at(3)["total"]
        assert (r1.kpis_met, r1.kpis_reported, r1.kpis) == (1, 2, 2)  # 70 < 80; text KPI met
        assert (r3.kpis_met, r3.kpis) == (2, 2)
        assert (r1.activities_done, r3.activities_done, r3.activities) == (1, 2, 2)
        assert progress.at(2)["total"].kpis_met == 1  # round 2 not reported: round 1 carried


class TestAssess:
    @pytest.mark.parametrize(
        ("comparator", "target", "actual", "pct", "met"),
        [
            (Comparator.GTE, "80", "85", "106.25", True),
            (Comparator.GTE, "80", "80", "100.00", True),
            (Comparator.GTE, "80", "79.99", "99.99", False),
            (Comparator.GT, "80", "80", "100.00", False),
            (Comparator.EQ, "50", "60", "120.00", True),  # "50 คน": more also meets it
            (Comparator.EQ, "50", "45", "90.00", False),
            (Comparator.LTE, "5", "4", "125.00", True),
            (Comparator.LTE, "5", "10", "50.00", False),
            (Comparator.LT, "5", "5", "100.00", False),
            (Comparator.LTE, "5", "0", None, True),
            (Comparator.GTE, "0", "3", None, True),
            (Comparator.GTE, "3", "1", "33.33", False),
        ],
    )
    def test_achievement_and_met_follow_the_comparator(self, comparator, target, actual, pct, met):
        result = assess(comparator, Decimal(target), Decimal(actual))
        assert result == Assessment(Decimal(pct) if pct else None, met)

    def test_a_text_target_is_met_when_judged_met(self):
        assert assess(Comparator.TEXT, None, None, True) == Assessment(None, True)
        assert assess(Comparator.GTE, None, Decimal(5), False) == Assessment(None, False)

    def test_no_result_is_neither_met_nor_missed(self):
        assert assess(Comparator.GTE, Decimal(80), None) == Assessment(None, None)


class TestAlerts:
    def kinds(self, plan, today):
        return sorted((a.kind, a.round) for a in monitoring.alerts(plan, today))

    def test_overdue_reports_appear_the_day_after_the_due_date(self, worked, planner_a1, plan_a):
        # FY 2567: round 1 ends 31 Dec 2023, due 15 Jan 2024.
        assert ("overdue", 1) not in self.kinds(plan_a, date(2024, 1, 15))
        assert ("overdue", 1) in self.kinds(plan_a, date(2024, 1, 16))
        report_round(worked, 1, planner_a1, submit=False)
        assert ("overdue", 1) in self.kinds(plan_a, date(2024, 1, 16))  # a draft is not sent
        services.submit_project_report(report=worked.reports.get(), by=planner_a1)
        assert ("overdue", 1) not in self.kinds(plan_a, date(2024, 1, 16))

    def test_spending_below_plan_by_more_than_the_margin(self, worked, planner_a1, plan_a):
        # round 1: plan 12,000; 10,500 is 12.5% below, outside the default 10% margin.
        report_round(worked, 1, planner_a1)
        alerts = monitoring.alerts(plan_a, date(2024, 1, 10))
        spending = [a for a in alerts if a.kind == "spending"]
        assert len(spending) == 1 and spending[0].round == 1
        assert "10,500.00" in spending[0].message and "12,000.00" in spending[0].message
        plan_a.spending_margin_pct = Decimal("15")
        assert ("spending", 1) not in self.kinds(plan_a, date(2024, 1, 10))

    def test_kpi_below_target_in_the_latest_sent_report(self, worked, planner_a1, plan_a):
        report_round(worked, 1, planner_a1, kpi="70")
        kpi = [a for a in monitoring.alerts(plan_a, date(2024, 1, 10)) if a.kind == "kpi"]
        assert len(kpi) == 1
        assert "ร้อยละของครูที่ผ่านการอบรม" in kpi[0].message and "ไม่น้อยกว่า ร้อยละ 80" in kpi[0].message
        report_round(worked, 2, planner_a1, kpi="81")
        assert ("kpi", 2) not in self.kinds(plan_a, date(2024, 4, 10))

    def test_an_activity_past_its_months_and_not_done(self, worked, planner_a1, plan_a):
        # อบรมครู runs ก.พ.-พ.ค. 2567 (fiscal months 5-8): it ends 31 May 2024.
        report_round(worked, 2, planner_a1)  # in progress
        assert not [a for a in monitoring.alerts(plan_a, date(2024, 5, 31)) if a.kind == "activity"]
        found = [a for a in monitoring.alerts(plan_a, date(2024, 6, 1)) if a.kind == "activity"]
        assert len(found) == 1
        assert "อบรมครู" in found[0].message and "พฤษภาคม 2567" in found[0].message
        assert "อยู่ระหว่างดำเนินการ" in found[0].message
        report_round(worked, 3, planner_a1)  # done
        assert not [a for a in monitoring.alerts(plan_a, date(2024, 6, 1)) if a.kind == "activity"]

    def test_an_activity_postponed_is_still_flagged_and_a_cancelled_one_is_not(
        self, worked, planner_a1, plan_a
    ):
        report_round(worked, 3, planner_a1, states=["done", "postponed"])
        assert ("activity", None) in self.kinds(plan_a, date(2024, 7, 1))
        services.review_project_report(
            report=worked.reports.get(),
            by=f.make_user(plan_a.office, "plan_admin"),
            accept=False,
            comment="แก้",
        )
        services.save_project_report(
            project=worked,
            number=3,
            entry=entry(worked, 3, states=["done", "cancelled"]),
            by=planner_a1,
        )
        services.submit_project_report(report=worked.reports.get(), by=planner_a1)
        assert ("activity", None) not in self.kinds(plan_a, date(2024, 7, 1))


class TestYearEnd:
    def test_the_summary_uses_the_latest_sent_report(self, worked, planner_a1):
        for n in (1, 2, 3, 4):
            report_round(worked, n, planner_a1, kpi="85", problems="วิทยากรไม่ว่างตามกำหนด")
        summary = monitoring.year_end_summary(worked)
        assert summary.round_label == "ไตรมาสที่ 4 รอบ 12 เดือน"
        assert (summary.budget, summary.spent, summary.spent_pct) == (
            Decimal("52000.00"),
            Decimal("51250.00"),
            Decimal("98.56"),
        )
        assert (summary.activities_done, summary.activities_total) == (2, 2)
        assert (summary.kpis_met, summary.kpis_total) == (2, 2)
        text = monitoring.year_end_text(summary)
        assert text.startswith("ผลการดำเนินงานปีที่ผ่านมา (ปีงบประมาณ พ.ศ. 2567")
        assert "ใช้จ่ายงบประมาณ 51,250.00 บาท จาก 52,000.00 บาท (ร้อยละ 98.56)" in text
        assert "ร้อยละของครูที่ผ่านการอบรม: ผล 85 (ค่าเป้าหมาย ไม่น้อยกว่า ร้อยละ 80) บรรลุค่าเป้าหมาย" in text
        assert "ปัญหา อุปสรรค: วิทยากรไม่ว่างตามกำหนด" in text

    def test_a_project_that_never_reported_has_no_summary(self, worked):
        assert monitoring.year_end_summary(worked) is None

    def test_copying_forward_puts_last_years_results_after_the_rationale(
        self, worked, planner_a1, office_a
    ):
        worked.rationale_th = "หลักการเดิม"
        worked.save(update_fields=["rationale_th"])
        for n in (1, 2):
            report_round(worked, n, planner_a1)
        next_plan = f.make_plan(office_a, 2568)
        copy = project_services.copy_project(
            source=worked, plan=next_plan, strategy=f.make_strategy(next_plan), by=planner_a1
        )
        assert copy.project_type == ProjectType.CONTINUING and copy.status == ProjectStatus.DRAFT
        first, rest = copy.rationale_th.split("\n\n", 1)
        assert first == "หลักการเดิม"
        assert rest.startswith(
            "ผลการดำเนินงานปีที่ผ่านมา (ปีงบประมาณ พ.ศ. 2567 ข้อมูลไตรมาสที่ 2 รอบ 6 เดือน)"
        )
        assert "ใช้จ่ายงบประมาณ 28,000.00 บาท จาก 52,000.00 บาท" in rest
        worked.refresh_from_db()
        assert worked.rationale_th == "หลักการเดิม"  # the source is not touched

    def test_copying_a_project_without_reports_keeps_the_rationale_as_it_was(
        self, worked, planner_a1, office_a
    ):
        worked.rationale_th = "หลักการเดิม"
        worked.save(update_fields=["rationale_th"])
        next_plan = f.make_plan(office_a, 2568)
        copy = project_services.copy_project(
            source=worked, plan=next_plan, strategy=f.make_strategy(next_plan), by=planner_a1
        )
        assert copy.rationale_th == "หลักการเดิม"
