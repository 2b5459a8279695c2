"""The monitoring rounds' printed reports (moved from tests/monitoring/test_views.py): the
round report laid out in the background, one project's report laid out in the request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actionplan import thai
from actionplan.models import StandardGroup
from monitoring import services
from monitoring.models import ProjectReport, ReportStatus
from printing import tasks
from printing.models import PlanRender, RenderKind, RenderStatus
from tests import factories as f
from tests.monitoring.conftest import report_round, worked_project
from tests.printing.conftest import page_count, pdftotext

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Renders are stored under a private MEDIA_ROOT and run in the request (as in printing)."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


@pytest.fixture
def worked(plan_a, office_a):
    """As tests/monitoring/conftest.py's: an approved project of the admin group, monitored."""
    return worked_project(plan_a, unit=f.group(office_a, StandardGroup.ADMIN))


class TestPrintedReport:
    @pytest.fixture
    def reported(self, worked, planner_a1, plan_a):
        for n in (1, 2):
            report_round(worked, n, planner_a1, kpi="85", problems="วิทยากรเลื่อนการอบรม")
        return worked

    def test_pdf_is_laid_out_in_the_background_and_carries_the_label_period_and_amounts(
        self, client, reported, plan_admin_a, plan_a
    ):
        client.force_login(plan_admin_a)
        url = reverse("print:round_pdf", args=[plan_a.pk, 2])
        offer = client.get(url)  # nothing made yet: a page with the button, nothing queued
        assert offer.status_code == 200 and "จัดทำไฟล์ PDF" in offer.content.decode()
        assert not PlanRender.objects.exists()
        response = client.post(url)
        render = PlanRender.objects.get()
        assert (render.kind, render.round_number) == (RenderKind.REPORT, 2)
        assert response.status_code == 302
        assert response["Location"] == reverse("print:render_status", args=[plan_a.pk, render.pk])
        render.refresh_from_db()  # the ImmediateBackend ran the job in the request
        assert render.status == RenderStatus.DONE and render.progress == 100
        assert render.file.name.startswith("round-reports/A-2567-report-r2-")
        status = client.get(response["Location"]).content.decode()
        assert "ดาวน์โหลดรายงาน" in status and 'http-equiv="refresh"' not in status

        download = client.get(reverse("print:render_download", args=[plan_a.pk, render.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'inline; filename="report-A-2567-r2.pdf"'
        assert download["Cache-Control"] == "private, no-store"
        assert download["X-Content-Type-Options"] == "nosniff"
        data = b"".join(download.streaming_content)
        assert page_count(data) == render.pages
        text = " ".join(pdftotext(data).split())
        # The office prints Thai digits (the default), like its plan book.
        assert "รายงานผลการดำเนินงาน ไตรมาสที่ ๒ รอบ ๖ เดือน" in text
        assert "มกราคม ๒๕๖๗ - มีนาคม ๒๕๖๗" in text
        assert thai.to_thai_digits("28,000") in text  # actual to date
        assert thai.to_thai_digits("32,000") in text  # planned to date
        assert thai.to_thai_digits("52,000") in text  # budget
        assert "วิทยากรเลื่อนการอบรม" in text

        # Unchanged: the same URL serves the finished file at once, nothing is queued.
        again = client.get(url)
        assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
        assert again["Content-Disposition"] == 'inline; filename="report-A-2567-r2.pdf"'
        assert PlanRender.objects.count() == 1

    def test_a_change_of_the_reports_or_the_round_makes_a_new_version(
        self, client, reported, planner_a1, plan_admin_a, plan_a
    ):
        client.force_login(plan_admin_a)
        url = reverse("print:round_pdf", args=[plan_a.pk, 2])
        client.post(url)
        first = PlanRender.objects.get()
        report = ProjectReport.objects.get(project=reported, round__number=2)
        client.post(reverse("monitoring:report_accept", args=[reported.pk, 2]))
        report.refresh_from_db()
        assert report.status == ReportStatus.ACCEPTED
        stale = client.get(url)  # the report's printed status changed: offered, not served
        assert stale.status_code == 200 and stale["Content-Type"].startswith("text/html")
        assert PlanRender.objects.count() == 1
        assert client.post(url).status_code == 302
        assert client.get(url)["Content-Type"] == "application/pdf"  # and then it is current
        services.close_report_round(plan=plan_a, number=2, by=plan_admin_a)
        assert client.post(url).status_code == 302  # closed: the watermark goes
        renders = list(PlanRender.objects.order_by("pk"))
        assert len(renders) == 3 and len({r.version_key for r in renders}) == 3
        assert all(r.status == RenderStatus.DONE for r in renders)
        assert renders[0] == first
        second = renders[-1]
        assert client.get(url).status_code == 200
        # The plan book's page lists its own renders only.
        page = client.get(reverse("print:plan_book", args=[plan_a.pk])).content.decode()
        assert reverse("print:render_download", args=[plan_a.pk, second.pk]) not in page

    def test_a_pending_render_is_reused_and_its_page_refreshes_itself(
        self, client, reported, plan_admin_a, plan_a, settings
    ):
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        client.force_login(plan_admin_a)
        url = reverse("print:round_pdf", args=[plan_a.pk, 1])
        first = client.post(url)
        second = client.post(url)
        render = PlanRender.objects.get()
        assert first["Location"] == second["Location"]
        assert client.get(url)["Location"] == first["Location"]  # GET shows the progress
        assert render.status == RenderStatus.QUEUED
        page = client.get(first["Location"]).content.decode()
        assert 'http-equiv="refresh"' in page and "รอบที่ 1" in page
        tasks.run_render(render.pk)  # what the worker does
        render.refresh_from_db()
        assert render.status == RenderStatus.DONE and render.pages >= 2
        assert client.get(url).status_code == 200

    def test_a_round_reports_render_is_for_the_plan_pages_roles_only(
        self, client, reported, planner_a1, director_a, outsider, plan_a
    ):
        render = PlanRender.objects.create(
            plan=plan_a,
            kind=RenderKind.REPORT,
            round_number=1,
            version_key="x",
            status=RenderStatus.DONE,
        )
        status = reverse("print:render_status", args=[plan_a.pk, render.pk])
        download = reverse("print:render_download", args=[plan_a.pk, render.pk])
        client.force_login(planner_a1)
        assert client.get(status).status_code == 403
        assert client.get(download).status_code == 403
        client.force_login(outsider)
        assert client.get(status).status_code == 404
        client.force_login(director_a)
        assert client.get(status).status_code == 200
        assert client.get(download).status_code == 404  # no file stored


class TestProjectReportPdf:
    def test_the_lead_group_prints_its_projects_report_of_a_round(
        self, client, worked, planner_a1, plan_a
    ):
        report_round(worked, 1, planner_a1, kpi="85")
        report_round(worked, 2, planner_a1, kpi="85", problems="วิทยากรเลื่อนการอบรม")
        client.force_login(planner_a1)
        page = client.get(reverse("monitoring:report_edit", args=[worked.pk, 2])).content.decode()
        url = reverse("print:report_pdf", args=[worked.pk, 2])
        assert url in page
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        name = f"report-A-2567-project-{worked.pk}-r2.pdf"
        assert response["Content-Disposition"] == f'inline; filename="{name}"'
        assert response["Cache-Control"] == "private, no-store"
        text = " ".join(pdftotext(response.content).split())
        assert "รายงานผลการดำเนินงานโครงการ ไตรมาสที่ ๒ รอบ ๖ เดือน" in text
        assert worked.name_th in text and "ผลการเบิกจ่ายงบประมาณรายหมวด" in text
        # Per category, cumulative to round 2: services 9,000 + 13,500, materials 1,500,
        # compensation 4,000; the project's 28,000 against the plan's 32,000.
        for amount in ("22,500", "1,500", "4,000", "28,000", "32,000", "52,000"):
            assert thai.to_thai_digits(amount) in text, amount
        assert "วิทยากรเลื่อนการอบรม" in text and "ร้อยละของครูที่ผ่านการอบรม" in text
        assert not PlanRender.objects.exists()  # one project: laid out in the request

    def test_scoped_like_the_report_page(
        self, client, worked, planner_a2, outsider, director_a, plan_a
    ):
        url = reverse("print:report_pdf", args=[worked.pk, 1])
        for user in (planner_a2, outsider):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.force_login(director_a)
        response = client.get(url)
        assert response.status_code == 200
        assert "ยังไม่ได้รายงานผลการดำเนินงาน" in " ".join(pdftotext(response.content).split())
        assert client.get(reverse("print:report_pdf", args=[worked.pk, 5])).status_code == 404

    def test_a_draft_prints_watermarked_until_accepted_or_the_round_closes(
        self, worked, planner_a1, plan_admin_a, plan_a
    ):
        from printing import report as pdf

        report = report_round(worked, 1, planner_a1)
        assert pdf.project_report_context(worked, 1)["is_draft"] is True
        services.review_project_report(report=report, by=plan_admin_a, accept=True)
        assert pdf.project_report_context(worked, 1)["is_draft"] is False
        services.close_report_round(plan=plan_a, number=2, by=plan_admin_a)
        assert pdf.project_report_context(worked, 2)["is_draft"] is False
        assert pdf.project_report_context(worked, 3)["is_draft"] is True


def test_a_closed_round_is_dated_the_day_it_closed(worked, plan_admin_a, plan_a):
    """ข้อมูล ณ วันที่: the round's close date once closed (its figures stop there), else today."""
    from datetime import UTC, date, datetime

    from monitoring.models import ReportRound
    from printing import report as pdf

    today = date(2024, 8, 20)
    assert pdf.report_context(plan_a, 1, today=today)["as_of"] == "20 สิงหาคม 2567"
    services.close_report_round(plan=plan_a, number=1, by=plan_admin_a)
    ReportRound.objects.filter(plan=plan_a, number=1).update(
        closed_at=datetime(2024, 1, 15, 3, 0, tzinfo=UTC)
    )
    assert pdf.report_context(plan_a, 1, today=today)["as_of"] == "15 มกราคม 2567"
    assert pdf.project_report_context(worked, 1, today=today)["as_of"] == "15 มกราคม 2567"
    assert pdf.report_context(plan_a, 2, today=today)["as_of"] == "20 สิงหาคม 2567"
