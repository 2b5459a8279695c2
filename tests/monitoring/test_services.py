"""Monitoring services: the lead group records and sends its report, the plan administrator
accepts, returns and closes rounds; every guard refuses without changing anything, and no
report ever changes the approved plan's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from actionplan.models import Role, StandardGroup, StrategyIndicator, StrategyIndicatorTarget
from actionplan.services import DomainError
from monitoring import figures as monitoring
from monitoring import services
from monitoring.models import (
    ActivityProgress,
    ActualSpending,
    IndicatorResult,
    ProjectReport,
    ReportRound,
    ReportStatus,
    RoundStatus,
    StrategyKPIResult,
)
from printing import book as pdf
from projects import audit
from projects.models import (
    Activity,
    EventAction,
    Project,
    ProjectEvent,
    ProjectStatus,
)
from tests import factories as f
from tests.monitoring.conftest import entry, report_round, worked_project
from workflow.models import Notification

pytestmark = pytest.mark.django_db


def state() -> tuple:
    """Every monitoring row, to prove a refused call changed nothing."""
    return (
        list(ReportRound.objects.values()),
        list(ProjectReport.objects.values()),
        list(ActualSpending.objects.values()),
        list(ActivityProgress.objects.values()),
        list(IndicatorResult.objects.values()),
        ProjectEvent.objects.count(),
    )


class TestSaveProjectReport:
    def test_the_lead_groups_planner_records_a_draft_with_its_rows_and_an_audit_record(
        self, worked, planner_a1
    ):
        report = services.save_project_report(
            project=worked, number=1, entry=entry(worked, 1, kpi="85"), by=planner_a1
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT and report.round.number == 1
        assert report.round.status == RoundStatus.OPEN
        amounts = sorted(s.amount for s in report.spending.all())
        assert amounts == [Decimal("1500.00"), Decimal("9000.00")]  # zero cells are not stored
        assert {p.state for p in report.activity_progress.all()} == {"done", "in_progress"}
        results = {r.indicator.text_th: r for r in report.indicator_results.all()}
        assert results["ร้อยละของครูที่ผ่านการอบรม"].actual_value == Decimal("85.00")
        assert results["มีรายงานสรุปผลการประชุม"].judged_met is True
        event = ProjectEvent.objects.get(project_ref=worked.pk, action=EventAction.REPORT_SAVE)
        assert "ไตรมาสที่ 1 รอบ 3 เดือน" in event.summary_th and "10,500.00" in event.summary_th
        assert event.changes == {"report": report.pk, "round": 1}

    def test_saving_again_replaces_the_rows_and_bumps_the_version(self, worked, planner_a1):
        first = services.save_project_report(
            project=worked, number=1, entry=entry(worked, 1), by=planner_a1
        )
        services.save_project_report(
            project=worked,
            number=1,
            entry=entry(worked, 1, **{"0_services": "9500"}),
            by=planner_a1,
            expected_version=first.version,
        )
        first.refresh_from_db()
        assert first.version == 2
        assert sum(s.amount for s in first.spending.all()) == Decimal("11000.00")
        assert ActualSpending.objects.count() == 2

    def test_reports_never_change_the_approved_plans_figures(self, worked, planner_a1, plan_a):
        before = audit.load_document(worked.pk)
        plan_key = pdf.plan_version_key(plan_a)
        project_row = Project.objects.filter(pk=worked.pk).values().get()
        for n in (1, 2, 3, 4):
            report_round(worked, n, planner_a1)
        after = audit.load_document(worked.pk)
        assert after == before  # texts, lines, quarterly plan, totals, version, status
        assert Project.objects.filter(pk=worked.pk).values().get() == project_row
        plan_a.refresh_from_db()
        assert pdf.plan_version_key(plan_a) == plan_key

    @pytest.mark.parametrize("persona", ["planner_a2", "plan_admin_a", "director_a", "deputy_a"])
    def test_only_the_lead_group_may_report(self, worked, persona, request):
        user = request.getfixturevalue(persona)
        before = state()
        with pytest.raises(services.NotAllowed):
            services.save_project_report(project=worked, number=1, entry=entry(worked, 1), by=user)
        assert state() == before

    def test_the_group_director_may_report_too(self, worked, group_director_a1):
        report = services.save_project_report(
            project=worked, number=2, entry=entry(worked, 2), by=group_director_a1
        )
        assert report.round.number == 2

    def test_a_project_that_is_not_approved_cannot_be_reported(self, worked, planner_a1):
        Project.objects.filter(pk=worked.pk).update(status=ProjectStatus.DRAFT)
        before = state()
        with pytest.raises(DomainError, match="เฉพาะโครงการที่ได้รับอนุมัติแล้ว"):
            services.save_project_report(
                project=worked, number=1, entry=entry(worked, 1), by=planner_a1
            )
        assert state() == before

    def test_a_cumulative_amount_may_not_go_down_from_the_round_before(self, worked, planner_a1):
        report_round(worked, 1, planner_a1)
        before = state()
        with pytest.raises(DomainError) as exc:
            services.save_project_report(
                project=worked,
                number=2,
                entry=entry(worked, 2, **{"0_services": "8000"}),
                by=planner_a1,
            )
        assert "ต้องไม่น้อยกว่ายอดสะสมที่รายงานไว้ในรอบที่ 1 (9,000.00 บาท)" in str(exc.value)
        assert state() == before

    def test_an_earlier_round_may_not_exceed_a_later_round_already_reported(
        self, worked, planner_a1
    ):
        report_round(worked, 1, planner_a1)
        report_round(worked, 3, planner_a1)  # round 2 is late; round 3 came first
        with pytest.raises(DomainError, match="ต้องไม่มากกว่ายอดสะสมที่รายงานไว้แล้วในรอบที่ 3"):
            services.save_project_report(
                project=worked,
                number=2,
                entry=entry(worked, 2, **{"1_services": "31000"}),
                by=planner_a1,
            )
        report = services.save_project_report(
            project=worked, number=2, entry=entry(worked, 2), by=planner_a1
        )
        assert report.round.number == 2

    def test_a_stale_page_is_refused(self, worked, planner_a1, group_director_a1):
        report = services.save_project_report(
            project=worked, number=1, entry=entry(worked, 1), by=planner_a1
        )
        services.save_project_report(
            project=worked,
            number=1,
            entry=entry(worked, 1),
            by=group_director_a1,
            expected_version=report.version,
        )
        before = state()
        with pytest.raises(DomainError, match="ถูกบันทึกโดยผู้อื่น"):
            services.save_project_report(
                project=worked,
                number=1,
                entry=entry(worked, 1, **{"0_services": "9999"}),
                by=planner_a1,
                expected_version=report.version,
            )
        assert state() == before

    def test_a_sent_report_cannot_be_edited(self, worked, planner_a1):
        report_round(worked, 1, planner_a1)
        before = state()
        with pytest.raises(DomainError, match="ส่งแล้ว รอตรวจ"):
            services.save_project_report(
                project=worked, number=1, entry=entry(worked, 1), by=planner_a1
            )
        assert state() == before

    def test_rows_of_another_project_are_refused(self, worked, planner_a1, plan_a):
        other = worked_project(plan_a, unit=worked.lead_unit, name_th="โครงการอื่น")
        foreign = entry(other, 1)
        before = state()
        with pytest.raises(DomainError, match="ไม่ใช่ของโครงการนี้"):
            services.save_project_report(project=worked, number=1, entry=foreign, by=planner_a1)
        assert state() == before

    def test_money_reported_for_an_activity_later_removed_stays_reported(self, worked, planner_a1):
        report = report_round(worked, 2, planner_a1)
        Activity.objects.filter(project=worked, title_th="อบรมครู").delete()
        kept = ActualSpending.objects.filter(report=report, activity__isnull=True)
        assert sum(s.amount for s in kept) == Decimal("17500.00")
        assert {s.activity_title_th for s in kept} == {"อบรมครู"}


class TestSubmitAndReview:
    def test_the_group_sends_and_the_plan_admin_is_notified(self, worked, planner_a1, plan_admin_a):
        report = report_round(worked, 1, planner_a1, submit=False)
        sent = services.submit_project_report(report=report, by=planner_a1)
        assert sent.status == ReportStatus.SUBMITTED and sent.submitted_by == planner_a1
        note = Notification.objects.get(recipient=plan_admin_a)
        assert "ส่งรายงานผลการดำเนินงาน" in note.message_th
        assert note.url == f"/projects/{worked.pk}/reports/1/"

    def test_sending_twice_is_refused(self, worked, planner_a1):
        report = report_round(worked, 1, planner_a1)
        before = state()
        with pytest.raises(DomainError, match="ถูกส่งไปแล้ว"):
            services.submit_project_report(report=report, by=planner_a1)
        assert state() == before

    def test_another_group_cannot_send(self, worked, planner_a1, planner_a2):
        report = report_round(worked, 1, planner_a1, submit=False)
        before = state()
        with pytest.raises(services.NotAllowed):
            services.submit_project_report(report=report, by=planner_a2)
        assert state() == before

    def test_the_plan_admin_accepts(self, worked, planner_a1, plan_admin_a):
        report = report_round(worked, 1, planner_a1)
        accepted = services.review_project_report(report=report, by=plan_admin_a, accept=True)
        assert accepted.status == ReportStatus.ACCEPTED and accepted.reviewed_by == plan_admin_a
        assert ProjectEvent.objects.filter(action=EventAction.REPORT_ACCEPT).count() == 1
        assert Notification.objects.filter(recipient=planner_a1).exists()

    def test_returning_needs_a_comment_and_reopens_the_draft(
        self, worked, planner_a1, plan_admin_a
    ):
        report = report_round(worked, 1, planner_a1)
        before = state()
        with pytest.raises(DomainError, match="กรุณาระบุ"):
            services.review_project_report(report=report, by=plan_admin_a, accept=False)
        assert state() == before
        returned = services.review_project_report(
            report=report, by=plan_admin_a, accept=False, comment="ยอดค่าวัสดุไม่ตรงกับทะเบียนคุม"
        )
        assert returned.status == ReportStatus.DRAFT
        assert returned.review_comment_th == "ยอดค่าวัสดุไม่ตรงกับทะเบียนคุม"
        services.save_project_report(
            project=worked,
            number=1,
            entry=entry(worked, 1, **{"0_materials": "1600"}),
            by=planner_a1,
        )

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a", "deputy_a"])
    def test_only_the_plan_admin_reviews(self, worked, planner_a1, persona, request):
        report = report_round(worked, 1, planner_a1)
        before = state()
        with pytest.raises(services.NotAllowed):
            services.review_project_report(
                report=report, by=request.getfixturevalue(persona), accept=True
            )
        assert state() == before

    def test_a_draft_cannot_be_accepted(self, worked, planner_a1, plan_admin_a):
        report = report_round(worked, 1, planner_a1, submit=False)
        with pytest.raises(DomainError, match="รับรายงานไม่ได้"):
            services.review_project_report(report=report, by=plan_admin_a, accept=True)


class TestCloseRound:
    def test_closing_freezes_the_rounds_reports_and_records_it_in_each_projects_history(
        self, worked, planner_a1, plan_admin_a, plan_a
    ):
        draft = report_round(worked, 1, planner_a1, submit=False)
        closed = services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        assert closed.status == RoundStatus.CLOSED and closed.closed_by == plan_admin_a
        event = ProjectEvent.objects.get(project_ref=worked.pk, action=EventAction.ROUND_CLOSE)
        assert "ส่งรายงานแล้ว 0 จาก 1 โครงการ" in event.summary_th
        before = state()
        with pytest.raises(DomainError, match="ปิดรอบแล้ว"):
            services.save_project_report(
                project=worked, number=1, entry=entry(worked, 1), by=planner_a1
            )
        with pytest.raises(DomainError, match="ปิดรอบแล้ว"):
            services.submit_project_report(report=draft, by=planner_a1)
        with pytest.raises(DomainError, match="ปิดรอบไปแล้ว"):
            services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        assert state() == before
        report_round(worked, 2, planner_a1)  # the next round is still open

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a", "deputy_a"])
    def test_only_the_plan_admin_closes(self, plan_a, persona, request):
        before = state()
        with pytest.raises(services.NotAllowed):
            services.close_report_round(plan=plan_a, number=1, by=request.getfixturevalue(persona))
        assert state() == before

    def test_round_numbers_outside_1_to_4_are_refused(self, plan_a, plan_admin_a):
        with pytest.raises(DomainError):
            services.close_report_round(plan=plan_a, number=5, by=plan_admin_a)


class TestReopenRound:
    def test_reopening_needs_a_reason_and_lets_the_group_correct_its_report(
        self, worked, planner_a1, plan_admin_a, plan_a
    ):
        report_round(worked, 1, planner_a1)
        services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        before = state()
        with pytest.raises(DomainError, match="เหตุผล"):
            services.reopen_report_round(plan=plan_a, number=1, reason="  ", by=plan_admin_a)
        assert state() == before

        reopened = services.reopen_report_round(
            plan=plan_a, number=1, reason="กลุ่มแจ้งยอดเบิกจ่ายผิด", by=plan_admin_a
        )
        assert reopened.status == RoundStatus.OPEN
        assert (reopened.reopened_by, reopened.reopen_reason_th) == (
            plan_admin_a,
            "กลุ่มแจ้งยอดเบิกจ่ายผิด",
        )
        assert reopened.closed_by is None and reopened.closed_at is None
        event = ProjectEvent.objects.get(project_ref=worked.pk, action=EventAction.ROUND_REOPEN)
        assert event.comment_th == "กลุ่มแจ้งยอดเบิกจ่ายผิด"
        assert event.changes == {"round": 1} and event.actor == plan_admin_a
        # The sent report can be returned and corrected, then the round closed again.
        report = ProjectReport.objects.get(project=worked, round__number=1)
        services.review_project_report(
            report=report, by=plan_admin_a, accept=False, comment="แก้ยอดค่าวัสดุ"
        )
        report_round(worked, 1, planner_a1, **{"0_materials": "1400"})
        services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        actions = list(
            ProjectEvent.objects.filter(
                project_ref=worked.pk, action__startswith="round_"
            ).values_list("action", flat=True)
        )
        assert sorted(actions) == ["round_close", "round_close", "round_reopen"]

    def test_an_open_round_is_not_reopened(self, worked, plan_admin_a, plan_a):
        before = state()
        with pytest.raises(DomainError, match="ยังเปิดรับรายงาน"):
            services.reopen_report_round(plan=plan_a, number=2, reason="ทดสอบ", by=plan_admin_a)
        assert state() == before

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a", "deputy_a"])
    def test_only_the_plan_admin_reopens(self, worked, plan_a, plan_admin_a, persona, request):
        services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        before = state()
        with pytest.raises(services.NotAllowed):
            services.reopen_report_round(
                plan=plan_a, number=1, reason="ขอแก้", by=request.getfixturevalue(persona)
            )
        assert state() == before


class TestRoundDueDate:
    def test_the_plan_admin_sets_a_due_date_and_late_reports_follow_it(
        self, worked, plan_admin_a, plan_a
    ):
        today = date(2024, 1, 20)  # after the derived due date of round 1 (15 Jan 2567)
        assert monitoring.plan_rounds(plan_a)[0].due_date == date(2024, 1, 15)
        assert [a.kind for a in monitoring.alerts(plan_a, today)].count("overdue") == 1

        services.set_round_due_date(
            plan=plan_a,
            number=1,
            due_date=date(2024, 1, 31),
            reason="ระบบเบิกจ่ายปิดปรับปรุง",
            by=plan_admin_a,
        )
        first = monitoring.plan_rounds(plan_a)[0]
        assert (first.due_date, first.derived_due_date, first.due_is_set) == (
            date(2024, 1, 31),
            date(2024, 1, 15),
            True,
        )
        assert not first.is_past_due(today)
        assert [a.kind for a in monitoring.alerts(plan_a, today)].count("overdue") == 0
        event = ProjectEvent.objects.get(project_ref=worked.pk, action=EventAction.ROUND_DUE)
        assert event.comment_th == "ระบบเบิกจ่ายปิดปรับปรุง"
        assert "31 มกราคม 2567" in event.summary_th and "เดิม 15 มกราคม 2567" in event.summary_th
        assert event.changes == {"round": 1, "before": "2024-01-15", "after": "2024-01-31"}

        # Empty puts the plan's rule back.
        services.set_round_due_date(plan=plan_a, number=1, due_date=None, by=plan_admin_a)
        first = monitoring.plan_rounds(plan_a)[0]
        assert (first.due_date, first.due_is_set) == (date(2024, 1, 15), False)

    def test_a_due_date_before_the_quarter_ends_or_unchanged_is_refused(
        self, worked, plan_admin_a, plan_a
    ):
        before = state()
        with pytest.raises(DomainError, match="ต้องอยู่ระหว่างวันสิ้นไตรมาส"):
            services.set_round_due_date(
                plan=plan_a, number=1, due_date=date(2023, 12, 30), by=plan_admin_a
            )
        with pytest.raises(DomainError, match="อยู่แล้ว"):
            services.set_round_due_date(plan=plan_a, number=1, due_date=None, by=plan_admin_a)
        assert state() == before

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a", "deputy_a"])
    def test_only_the_plan_admin_sets_it(self, worked, plan_a, persona, request):
        before = state()
        with pytest.raises(services.NotAllowed):
            services.set_round_due_date(
                plan=plan_a,
                number=1,
                due_date=date(2024, 2, 1),
                by=request.getfixturevalue(persona),
            )
        assert state() == before


class TestSettingsAndStrategyResults:
    def test_the_plan_admin_sets_due_days_and_margin(self, plan_a, plan_admin_a, director_a):
        with pytest.raises(services.NotAllowed):
            services.set_monitoring_settings(
                plan=plan_a, due_days=30, margin_pct=Decimal("5"), by=director_a
            )
        services.set_monitoring_settings(
            plan=plan_a, due_days=30, margin_pct=Decimal("5"), by=plan_admin_a
        )
        plan_a.refresh_from_db()
        assert (plan_a.report_due_days, plan_a.spending_margin_pct) == (30, Decimal("5.00"))
        with pytest.raises(DomainError):
            services.set_monitoring_settings(
                plan=plan_a, due_days=120, margin_pct=Decimal("5"), by=plan_admin_a
            )

    def test_strategy_results_are_recorded_per_year_and_cleared_when_empty(
        self, plan_a, plan_admin_a, planner_a1
    ):
        strategy = f.make_strategy(plan_a, 1)
        kpi = StrategyIndicator.objects.create(strategy=strategy, text_th="ร้อยละของโรงเรียน")
        StrategyIndicatorTarget.objects.create(indicator=kpi, year_be=2567, target_value=80)
        with pytest.raises(services.NotAllowed):
            services.record_strategy_results(
                plan=plan_a, values={kpi.pk: (Decimal("82"), "")}, by=planner_a1
            )
        services.record_strategy_results(
            plan=plan_a, values={kpi.pk: (Decimal("82"), "DMC")}, by=plan_admin_a
        )
        result = StrategyKPIResult.objects.get()
        assert (result.year_be, result.actual_value, result.note_th) == (2567, 82, "DMC")
        services.record_strategy_results(plan=plan_a, values={kpi.pk: (None, "")}, by=plan_admin_a)
        assert not StrategyKPIResult.objects.exists()

    def test_strategy_kpis_of_another_plan_are_refused(self, plan_a, plan_admin_a, office_b):
        other = f.make_strategy(f.make_plan(office_b, 2567), 1)
        kpi = StrategyIndicator.objects.create(strategy=other, text_th="อื่น")
        with pytest.raises(DomainError):
            services.record_strategy_results(
                plan=plan_a, values={kpi.pk: (Decimal("1"), "")}, by=plan_admin_a
            )


def test_personas_used_here_have_the_expected_roles(planner_a1, plan_admin_a):
    assert planner_a1.role == Role.PLANNER and plan_admin_a.role == Role.PLAN_ADMIN
    assert planner_a1.org_unit.standard_code == StandardGroup.ADMIN


class TestWhenAStepHappened:
    """Issue 16: every service the demo loader calls takes `at` (default now), so a report can
    be dated inside its fiscal year instead of today."""

    def test_save_send_accept_and_close_are_stamped_with_at_and_so_is_their_history(
        self, worked, planner_a1, plan_admin_a, plan_a
    ):
        from datetime import datetime, timedelta

        from django.utils import timezone

        day = timezone.make_aware(datetime(2023, 1, 3, 10, 0))
        report = services.save_project_report(
            project=worked, number=1, entry=entry(worked, 1), by=planner_a1, at=day
        )
        sent = services.submit_project_report(
            report=report, by=planner_a1, at=day + timedelta(days=2)
        )
        accepted = services.review_project_report(
            report=sent, by=plan_admin_a, accept=True, at=day + timedelta(days=5)
        )
        closed = services.close_report_round(
            plan=plan_a, number=1, by=plan_admin_a, at=day + timedelta(days=17)
        )

        assert accepted.updated_at == day
        assert accepted.submitted_at == day + timedelta(days=2)
        assert accepted.reviewed_at == day + timedelta(days=5)
        assert closed.closed_at == day + timedelta(days=17)
        stamps = dict(
            ProjectEvent.objects.filter(project_ref=worked.pk)
            .filter(action__startswith="report_")
            .values_list("action", "at")
        )
        assert stamps == {
            EventAction.REPORT_SAVE: day,
            EventAction.REPORT_SUBMIT: day + timedelta(days=2),
            EventAction.REPORT_ACCEPT: day + timedelta(days=5),
        }
        close = ProjectEvent.objects.get(project_ref=worked.pk, action=EventAction.ROUND_CLOSE)
        assert close.at == day + timedelta(days=17)

    def test_without_at_the_services_stamp_now(self, worked, planner_a1):
        from django.utils import timezone

        before = timezone.now()
        report = report_round(worked, 1, planner_a1)
        assert before <= report.submitted_at <= timezone.now()
