"""Monitoring pages: the report form (Thai digits, the cumulative rule at the field, read-only
for everybody but the lead group), sending and reviewing, the dashboard (and its query count at
two sizes), the round page, the printed report (PDF text) and the .xlsx (numbers numeric)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.models import StandardGroup
from monitoring import figures as monitoring
from monitoring import services
from monitoring.models import ActualSpending, ProjectReport, ReportStatus
from tests import factories as f
from tests.monitoring.conftest import approve, report_round, worked_project

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Renders are stored under a private MEDIA_ROOT and run in the request (as in printing)."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


def form_data(client, url) -> dict:
    """The form's current values as the browser would post them back."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    return data


def ids(project):
    activities = list(project.activities.order_by("order", "pk"))
    return activities, {c: f.category(c).pk for c in ("services", "materials", "compensation")}


class TestReportForm:
    def test_the_planner_records_a_round_typed_in_thai_digits(self, client, worked, planner_a1):
        client.force_login(planner_a1)
        url = reverse("monitoring:report_edit", args=[worked.pk, 1])
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "ไตรมาสที่ 1 รอบ 3 เดือน" in html and "ตุลาคม 2566 - ธันวาคม 2566" in html
        assert "กำหนดส่ง 15 มกราคม 2567" in html
        (meeting, training), cat = ids(worked)
        data = form_data(client, url)
        data.update(
            {
                f"spend-{meeting.pk}-{cat['services']}": "๙,๐๐๐",
                f"spend-{meeting.pk}-{cat['materials']}": "1,500.-",
                f"state-{meeting.pk}": "done",
                f"state-{training.pk}": "not_started",
                "problems_th": "ผู้เข้าร่วมไม่ครบ",
            }
        )
        response = client.post(url, data)
        assert response.status_code == 302 and response.url == url
        report = ProjectReport.objects.get(project=worked)
        assert report.status == ReportStatus.DRAFT and report.problems_th == "ผู้เข้าร่วมไม่ครบ"
        assert sorted(s.amount for s in report.spending.all()) == [
            Decimal("1500.00"),
            Decimal("9000.00"),
        ]

    def test_a_cumulative_amount_below_last_round_is_refused_at_the_field(
        self, client, worked, planner_a1
    ):
        report_round(worked, 1, planner_a1)
        client.force_login(planner_a1)
        url = reverse("monitoring:report_edit", args=[worked.pk, 2])
        data = form_data(client, url)
        (meeting, _), cat = ids(worked)
        name = f"spend-{meeting.pk}-{cat['services']}"
        assert data[name] == "9,000.00"  # carried forward from round 1 as the starting value
        data[name] = "8000"
        response = client.post(url, data)
        assert response.status_code == 400
        html = response.content.decode()
        errors = html.split(f'id="id_{name}-errors"', 1)[1].split("</ul>", 1)[0]
        assert "ต้องไม่น้อยกว่ายอดสะสมที่รายงานไว้ในรอบที่ 1 (9,000.00 บาท)" in errors
        assert not ProjectReport.objects.filter(project=worked, round__number=2).exists()

    @pytest.mark.parametrize("persona", ["plan_admin_a", "director_a", "deputy_a"])
    def test_reviewers_read_the_report_and_may_not_post_it(
        self, client, worked, planner_a1, persona, request
    ):
        report_round(worked, 1, planner_a1)
        client.force_login(request.getfixturevalue(persona))
        url = reverse("monitoring:report_edit", args=[worked.pk, 1])
        html = client.get(url).content.decode()
        assert "disabled" in html and "บันทึกรายงาน</button>" not in html
        data = form_data(client, url)
        before = list(ActualSpending.objects.values())
        assert client.post(url, data).status_code == 403
        assert list(ActualSpending.objects.values()) == before

    def test_another_groups_planner_gets_404_and_a_draft_project_has_no_report_page(
        self, client, worked, planner_a2, planner_a1, plan_a
    ):
        client.force_login(planner_a2)
        assert client.get(reverse("monitoring:report_edit", args=[worked.pk, 1])).status_code == 404
        draft = f.make_project(plan_a, unit=planner_a1.org_unit)
        client.force_login(planner_a1)
        assert client.get(reverse("monitoring:report_edit", args=[draft.pk, 1])).status_code == 404
        assert client.get(reverse("monitoring:report_edit", args=[worked.pk, 5])).status_code == 404

    def test_send_then_the_plan_admin_returns_it_and_the_group_sees_why(
        self, client, worked, planner_a1, plan_admin_a
    ):
        report = report_round(worked, 1, planner_a1, submit=False)
        client.force_login(planner_a1)
        response = client.post(
            reverse("monitoring:report_submit", args=[worked.pk, 1]), {"version": report.version}
        )
        assert response.status_code == 302
        client.force_login(plan_admin_a)
        response = client.post(
            reverse("monitoring:report_return", args=[worked.pk, 1]), {"comment": "แนบหลักฐาน"}
        )
        assert response.url == reverse("monitoring:report_edit", args=[worked.pk, 1])
        report.refresh_from_db()
        assert report.status == ReportStatus.DRAFT
        client.force_login(planner_a1)
        html = client.get(reverse("monitoring:report_edit", args=[worked.pk, 1])).content.decode()
        assert "ผู้ดูแลแผนส่งรายงานกลับให้แก้ไข" in html and "แนบหลักฐาน" in html
        history = html.split("ประวัติของรายงานนี้", 1)[1]
        for summary in ("บันทึกรายงานผล", "ส่งรายงานผลไตรมาสที่ 1", "ส่งกลับให้แก้ไข รายงานผล"):
            assert summary in history, summary

    def test_the_worklist_shows_each_round_and_what_is_late(self, client, worked, planner_a1):
        client.force_login(planner_a1)
        html = client.get(reverse("monitoring:report_list") + "?year=2567").content.decode()
        assert worked.name_th in html and "ไตรมาสที่ 4 รอบ 12 เดือน" in html
        assert "เลยกำหนด" in html  # FY 2567 is over: every round is late

    def test_amounts_show_with_thousands_separators(self, client, worked, planner_a1):
        report_round(worked, 1, planner_a1, submit=False, **{"0_services": "3600"})
        client.force_login(planner_a1)
        html = client.get(reverse("monitoring:report_edit", args=[worked.pk, 1])).content.decode()
        (meeting, _), cat = ids(worked)
        assert f'name="spend-{meeting.pk}-{cat["services"]}" value="3,600.00"' in html
        assert "3,600.00" in html and "1,500.00" in html  # the typed amounts
        assert "12,000.00" in html  # the plan to date, through |money
        assert not re.search(r"(?<![\d,.])\d{4,}\.\d\d(?!\d)", html), "an amount without separators"


class TestRoundPage:
    def test_the_plan_admin_accepts_from_the_round_page_and_closes_the_round(
        self, client, worked, planner_a1, plan_admin_a, plan_a
    ):
        report_round(worked, 1, planner_a1)
        client.force_login(plan_admin_a)
        url = reverse("monitoring:round_detail", args=[plan_a.pk, 1])
        html = client.get(url).content.decode()
        assert "ส่งรายงานแล้ว 1 จาก 1 โครงการ" in html
        response = client.post(
            reverse("monitoring:report_accept", args=[worked.pk, 1]), {"next": url}
        )
        assert response.url == url
        assert ProjectReport.objects.get().status == ReportStatus.ACCEPTED
        response = client.post(reverse("monitoring:round_close", args=[plan_a.pk, 1]))
        assert response.status_code == 302
        assert "ปิดรอบแล้ว" in client.get(url).content.decode()


class TestDashboard:
    def test_shows_spending_against_plan_and_targets_and_changes_with_a_report(
        self, client, worked, planner_a1, director_a, plan_a
    ):
        f_target = {"q1_pct": 30, "q2_pct": 55, "q3_pct": 80, "q4_pct": 100}
        from plans.models import DisbursementTarget

        DisbursementTarget.objects.create(
            office=plan_a.office, fiscal_year=plan_a.fiscal_year, **f_target
        )
        client.force_login(director_a)
        url = reverse("monitoring:monitoring_dashboard", args=[plan_a.pk]) + "?round=1"
        html = client.get(url).content.decode()
        assert "ส่งรายงานรอบนี้แล้ว 0 จาก 1 โครงการ" in html
        assert "แผนการใช้จ่ายสะสม 12,000.00 บาท" in html and "15,600.00" in html
        report_round(worked, 1, planner_a1)
        html = client.get(url).content.decode()
        assert "ผลการเบิกจ่ายสะสม <strong data-actual>10,500.00</strong> บาท" in html
        assert "ส่งรายงานรอบนี้แล้ว 1 จาก 1 โครงการ" in html
        assert 'data-alert="spending"' in html  # 12.5% below plan, margin 10%
        assert "<svg" in html

    def test_costs_the_same_queries_at_two_sizes(self, client, plan_a, office_a, director_a):
        units = [f.group(office_a, g) for g in (StandardGroup.ADMIN, StandardGroup.PLAN)]
        strategies = [f.make_strategy(plan_a, n) for n in (1, 2, 3)]
        counts = []
        for size in (3, 15):
            made = [
                worked_project(
                    plan_a, unit=units[i % 2], strategy=strategies[i % 3], name_th=f"โครงการ {i}"
                )
                for i in range(plan_a.projects.count(), size)
            ]
            f.make_reports(made)
            client.force_login(director_a)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("monitoring:monitoring_dashboard", args=[plan_a.pk]))
            assert response.status_code == 200
            assert f"ส่งรายงานรอบนี้แล้ว {size} จาก {size} โครงการ" in response.content.decode()
            counts.append(len(ctx))
        assert counts[0] == counts[1], counts


class TestPrintedReport:
    def test_xlsx_numbers_are_numeric_and_text_stays_text(
        self, client, plan_a, office_a, planner_a1, plan_admin_a
    ):
        tricky = worked_project(
            plan_a, unit=f.group(office_a, StandardGroup.ADMIN), name_th='=HYPERLINK("http://x")'
        )
        report_round(tricky, 1, planner_a1, kpi="85")
        client.force_login(plan_admin_a)
        response = client.get(reverse("monitoring:round_xlsx", args=[plan_a.pk, 1]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="report-A-2567-r1.xlsx"'
        wb = load_workbook(io.BytesIO(response.content))
        projects = wb["รายโครงการ"]
        headers = [c.value for c in projects[1]]
        row = projects[2]
        name = row[0]
        assert name.value == '=HYPERLINK("http://x")' and name.data_type == "s"
        budget = row[headers.index("งบประมาณ (บาท)")]
        actual = row[headers.index("ผลการเบิกจ่ายสะสม (บาท)")]
        assert (budget.value, budget.data_type) == (52000, "n")
        assert (actual.value, actual.data_type) == (10500, "n")
        assert row[headers.index("ร้อยละของแผน")].value == 87.5
        spending = wb["การเบิกจ่ายรายกิจกรรม"]
        amounts = [r[4].value for r in spending.iter_rows(min_row=2)]
        assert sorted(amounts) == [1500, 9000]
        kpis = wb["ตัวชี้วัด"]
        first = [c.value for c in kpis[2]]
        assert first[4] == 85 and first[6] == 106.25 and first[7] == "บรรลุ"
        summary = wb["สรุปรายกลยุทธ์"]
        assert [c.value for c in summary[summary.max_row]][0] == "รวมทั้งแผน"


class TestOtherPlanPages:
    def test_strategy_kpis_year_end_and_settings_render(
        self, client, worked, planner_a1, plan_admin_a, plan_a
    ):
        from actionplan.models import StrategyIndicator, StrategyIndicatorTarget

        kpi = StrategyIndicator.objects.create(
            strategy=worked.strategy, text_th="ร้อยละของโรงเรียนที่ผ่านการประเมิน"
        )
        StrategyIndicatorTarget.objects.create(indicator=kpi, year_be=2567, target_value=80)
        client.force_login(plan_admin_a)
        url = reverse("monitoring:strategy_results", args=[plan_a.pk])
        response = client.post(url, {f"value-{kpi.pk}": "๗๕", f"note-{kpi.pk}": "ข้อมูล DMC"})
        assert response.status_code == 302
        html = client.get(url).content.decode()
        assert "ไม่บรรลุ" in html and "93.75" in html
        report_round(worked, 4, planner_a1)
        html = client.get(reverse("monitoring:year_end", args=[plan_a.pk])).content.decode()
        assert "ไตรมาสที่ 4 รอบ 12 เดือน" in html and "51,250.00" in html
        url = reverse("monitoring:monitoring_settings", args=[plan_a.pk])
        response = client.post(url, {"due_days": "20", "margin_pct": "๕"})
        assert response.status_code == 302
        plan_a.refresh_from_db()
        assert (plan_a.report_due_days, plan_a.spending_margin_pct) == (20, Decimal("5.00"))

    def test_approved_project_links_to_its_reports(self, client, plan_a, planner_a1):
        project = approve(f.make_project(plan_a, unit=planner_a1.org_unit))
        client.force_login(planner_a1)
        html = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
        assert reverse("monitoring:report_current", args=[project.pk]) in html


class TestRoundDecisions:
    def test_the_plan_admin_sets_a_due_date_on_the_round_page(
        self, client, worked, plan_admin_a, plan_a
    ):
        client.force_login(plan_admin_a)
        url = reverse("monitoring:round_due", args=[plan_a.pk, 1])
        response = client.post(url, {"due-due_date": "31/01/2567", "due-reason": "ระบบปิด"})
        assert response.status_code == 302
        assert response["Location"] == reverse("monitoring:round_detail", args=[plan_a.pk, 1])
        page = client.get(response["Location"]).content.decode()
        assert "กำหนดส่ง 31 มกราคม 2567" in page and "data-due-set" in page
        assert "แทนกำหนดตามแผน 15 มกราคม 2567" in page
        assert 'value="31/01/2567"' in page and "js/bedate.js" in page  # the input shows BE
        assert "ระบบปิด" in page  # the round's history
        report = client.get(reverse("monitoring:report_edit", args=[worked.pk, 1])).content.decode()
        assert "กำหนดส่ง 31 มกราคม 2567" in report
        # A date before the quarter ends is refused with its reason, and nothing changes.
        response = client.post(url, {"due-due_date": "1 พ.ย. 66"}, follow=True)
        assert "ต้องอยู่ระหว่างวันสิ้นไตรมาส" in response.content.decode()
        assert monitoring.plan_rounds(plan_a)[0].due_date == date(2024, 1, 31)

    def test_the_plan_admin_reopens_a_closed_round_with_a_reason(
        self, client, worked, planner_a1, plan_admin_a, plan_a
    ):
        report_round(worked, 1, planner_a1)
        services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        client.force_login(plan_admin_a)
        url = reverse("monitoring:round_reopen", args=[plan_a.pk, 1])
        page = client.get(reverse("monitoring:round_detail", args=[plan_a.pk, 1])).content.decode()
        assert url in page
        response = client.post(url, {"reopen-reason": ""}, follow=True)
        assert "กรุณาระบุเหตุผล" in response.content.decode()
        assert monitoring.plan_rounds(plan_a)[0].is_closed
        response = client.post(url, {"reopen-reason": "กลุ่มขอแก้ยอดเบิกจ่าย"}, follow=True)
        page = response.content.decode()
        assert "เปิดรอบรายงานอีกครั้งแล้ว" in page and "data-reopened" in page
        assert "กลุ่มขอแก้ยอดเบิกจ่าย" in page
        assert not monitoring.plan_rounds(plan_a)[0].is_closed
        assert url not in page  # an open round has nothing to reopen

    def test_other_roles_are_refused_and_nothing_changes(
        self, client, worked, director_a, planner_a1, plan_admin_a, plan_a
    ):
        services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        for user, expected in ((director_a, 403), (planner_a1, 403)):
            client.force_login(user)
            due = reverse("monitoring:round_due", args=[plan_a.pk, 1])
            reopen = reverse("monitoring:round_reopen", args=[plan_a.pk, 1])
            assert client.post(due, {"due-due_date": "01/02/2567"}).status_code == expected
            assert client.post(reopen, {"reopen-reason": "ขอแก้"}).status_code == expected
        first = monitoring.plan_rounds(plan_a)[0]
        assert first.is_closed and not first.due_is_set

    def test_a_closed_round_shows_closed_on_a_report_page_without_a_report(
        self, client, worked, planner_a1, plan_admin_a, plan_a
    ):
        services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
        client.force_login(planner_a1)
        response = client.get(reverse("monitoring:report_edit", args=[worked.pk, 1]))
        assert response.context["sheet"].round.is_closed
        assert response.context["can_edit"] is False


class TestOpensWhereTheWorkIs:
    """Issue 16: the project's report button and the dashboard open the round that is open,
    not round 1 when it is closed nor round 4 of a past year."""

    def test_the_report_button_and_the_dashboard_open_the_open_round(
        self, client, plan_a, planner_a1, plan_admin_a, worked
    ):
        from monitoring.models import ReportRound, RoundStatus

        ReportRound.objects.create(plan=plan_a, number=1, status=RoundStatus.CLOSED)
        client.force_login(planner_a1)
        page = client.get(reverse("projects:project_detail", args=[worked.pk])).content.decode()
        button = reverse("monitoring:report_current", args=[worked.pk])
        assert button in page
        response = client.get(button)
        expected = 2  # FY2567 has ended: round 1 is closed, round 2 is where the work is
        assert response.url == reverse("monitoring:report_edit", args=[worked.pk, expected])
        client.force_login(plan_admin_a)
        dashboard = client.get(reverse("monitoring:monitoring_dashboard", args=[plan_a.pk]))
        assert dashboard.context["number"] == expected

    def test_another_offices_project_is_404(self, client, worked, outsider):
        client.force_login(outsider)
        url = reverse("monitoring:report_current", args=[worked.pk])
        assert client.get(url).status_code == 404
