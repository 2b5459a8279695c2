"""Printing pages: permission matrix, PDF responses, plan-book render and download, the
context-table editor. Background renders run synchronously (django-tasks ImmediateBackend)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from printing.models import ContextTable, PlanRender, RenderStatus
from tests import factories as f
from tests.printing.conftest import build_small_plan, page_count, pdftotext

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE


class TestProjectPdf:
    def test_anonymous_is_sent_to_login(self, client, project_a1):
        response = client.get(reverse("print:project_pdf", args=[project_a1.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_other_group_and_other_office_get_404(self, client, project_a1, planner_a2, outsider):
        for user in (planner_a2, outsider):
            client.force_login(user)
            response = client.get(reverse("print:project_pdf", args=[project_a1.pk]))
            assert response.status_code == 404

    def test_own_group_and_director_get_the_pdf(self, client, project_a1, planner_a1, director_a):
        for user in (planner_a1, director_a):
            client.force_login(user)
            response = client.get(reverse("print:project_pdf", args=[project_a1.pk]))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            assert "โครงการของกลุ่มอำนวยการ" in pdftotext(response.content)


class TestPlanBook:
    def test_anonymous_is_sent_to_login(self, client, plan_a):
        response = client.get(reverse("print:plan_book", args=[plan_a.pk]))
        assert response.status_code == 302

    def test_another_office_gets_404(self, client, plan_a, outsider):
        client.force_login(outsider)
        assert client.get(reverse("print:plan_book", args=[plan_a.pk])).status_code == 404
        response = client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        assert response.status_code == 404
        assert not PlanRender.objects.exists()

    def test_render_progress_download_and_cached_version(self, client, office_a, director_a):
        plan, _ = build_small_plan(office_a, projects_per_strategy=1)
        client.force_login(director_a)
        page = client.get(reverse("print:plan_book", args=[plan.pk]))
        assert page.status_code == 200
        assert "จัดทำไฟล์ PDF เล่มแผน" in page.content.decode()

        response = client.post(reverse("print:plan_book_render", args=[plan.pk]))
        render = PlanRender.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("print:render_status", args=[plan.pk, render.pk])
        render.refresh_from_db()
        assert render.status == RenderStatus.DONE
        assert render.progress == 100
        assert render.pages and render.pages > 5

        status = client.get(response["Location"])
        assert status.status_code == 200
        assert 'http-equiv="refresh"' not in status.content.decode()

        download = client.get(reverse("print:render_download", args=[plan.pk, render.pk]))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        data = b"".join(download.streaming_content)
        assert page_count(data) == render.pages

        # An unchanged plan: the page links the finished file and a new request reuses it.
        page = client.get(reverse("print:plan_book", args=[plan.pk]))
        assert reverse("print:render_download", args=[plan.pk, render.pk]) in page.content.decode()
        client.post(reverse("print:plan_book_render", args=[plan.pk]))
        assert PlanRender.objects.count() == 1

    def test_download_of_another_offices_render_is_404(self, client, plan_a, outsider):
        render = PlanRender.objects.create(plan=plan_a, version_key="x", status=RenderStatus.DONE)
        client.force_login(outsider)
        url = reverse("print:render_download", args=[plan_a.pk, render.pk])
        assert client.get(url).status_code == 404


class TestContextTableEditor:
    def test_planners_are_refused_and_outsiders_get_404(self, client, plan_a, planner_a1, outsider):
        client.force_login(planner_a1)
        assert client.get(reverse("print:context_tables", args=[plan_a.pk])).status_code == 403
        client.force_login(outsider)
        assert client.get(reverse("print:context_tables", args=[plan_a.pk])).status_code == 404

    def test_plan_admin_pastes_a_table_from_a_spreadsheet(self, client, plan_a, plan_admin_a):
        client.force_login(plan_admin_a)
        response = client.post(
            reverse("print:context_table_new", args=[plan_a.pk]),
            {
                "number": "1",
                "caption_th": "แสดงจำนวนนักเรียน",
                "header_text": "ระดับ\tปีการศึกษา\t\n\t๒๕๖๕\t๒๕๖๖\n",
                "rows_text": "อนุบาล\t๑๒๐\t๑๓๐\r\nรวม\t๑๒๐\t๑๓๐\r\n",
                "note_th": "ที่มา : DMC",
            },
        )
        assert response.status_code == 302
        table = ContextTable.objects.get(plan=plan_a)
        assert table.header_rows == [["ระดับ", "ปีการศึกษา", ""], ["", "๒๕๖๕", "๒๕๖๖"]]
        assert table.rows == [["อนุบาล", "๑๒๐", "๑๓๐"], ["รวม", "๑๒๐", "๑๓๐"]]
        listing = client.get(reverse("print:context_tables", args=[plan_a.pk]))
        assert 'colspan="2"' in listing.content.decode()

    def test_pasted_cells_and_captions_are_stored_without_invisible_characters(
        self, client, plan_a, plan_admin_a
    ):
        client.force_login(plan_admin_a)
        response = client.post(
            reverse("print:context_table_new", args=[plan_a.pk]),
            {
                "number": "1",
                "caption_th": "แสดง\u202eจำนวน",  # an RLO would print the rest reversed
                "header_text": "ระ\u200bดับ\tปี",
                "rows_text": "อนุบาล\u2067\t๑๒๐",
                "note_th": "",
            },
        )
        assert response.status_code == 302
        table = ContextTable.objects.get(plan=plan_a)
        assert table.caption_th == "แสดงจำนวน"
        assert table.header_rows == [["ระดับ", "ปี"]]
        assert table.rows == [["อนุบาล", "๑๒๐"]]

    def test_a_duplicate_number_is_refused(self, client, plan_a, plan_admin_a):
        ContextTable.objects.create(plan=plan_a, number=1, caption_th="เดิม")
        client.force_login(plan_admin_a)
        response = client.post(
            reverse("print:context_table_new", args=[plan_a.pk]),
            {"number": "1", "caption_th": "ใหม่", "header_text": "", "rows_text": "ก\t1"},
        )
        assert response.status_code == 200
        assert ContextTable.objects.filter(plan=plan_a).count() == 1


def test_a_user_without_office_sees_no_plan(client, plan_a, db):
    user = f.make_user(plan_a.office)
    user.office = None
    user.save()
    client.force_login(user)
    assert client.get(reverse("print:plan_book", args=[plan_a.pk])).status_code == 404


class TestPlanCalendar:
    """The plan administrator edits Part 4's calendar; everyone else is refused."""

    def url(self, plan):
        return reverse("print:plan_calendar", args=[plan.pk])

    def test_permission_matrix(self, client, plan_a, planner_a1, director_a, outsider):
        assert client.get(self.url(plan_a)).status_code == 302  # anonymous: to the login
        client.force_login(outsider)
        assert client.get(self.url(plan_a)).status_code == 404
        for user in (planner_a1, director_a):
            client.force_login(user)
            assert client.get(self.url(plan_a)).status_code == 403
            response = client.post(self.url(plan_a), self.data([("ลองแก้", [1])]))
            assert response.status_code == 403
        plan_a.refresh_from_db()
        assert plan_a.calendar_rows == []

    @staticmethod
    def data(rows, extra=()):
        data = {
            "rows-TOTAL_FORMS": str(len(rows) + len(extra)),
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "40",
        }
        for i, (title, months) in enumerate([*rows, *extra]):
            data[f"rows-{i}-title"] = title
            data[f"rows-{i}-months"] = [str(m) for m in months]
        return data

    def test_shows_the_saved_rows_with_their_months(self, client, plan_a, plan_admin_a):
        plan_a.calendar_rows = [{"title": "จัดทำแผน", "months": [1, 2]}]
        plan_a.save()
        client.force_login(plan_admin_a)
        page = client.get(self.url(plan_a)).content.decode()
        assert 'value="จัดทำแผน"' in page
        assert page.count("checked") == 2 and "ต.ค." in page and "ก.ย." in page

    def test_saves_rows_skips_blank_ones_and_deletes_ticked_ones(
        self, client, plan_a, plan_admin_a
    ):
        client.force_login(plan_admin_a)
        data = self.data(
            [("ประชุมจัดทำแผน", [1, 2]), ("ติดตามผล", [12, 6, 9]), ("ลบแถวนี้", [3])], extra=[("", [])]
        )
        data["rows-2-DELETE"] = "on"
        response = client.post(self.url(plan_a), data)
        assert response.status_code == 302
        plan_a.refresh_from_db()
        assert plan_a.calendar_rows == [
            {"title": "ประชุมจัดทำแผน", "months": [1, 2]},
            {"title": "ติดตามผล", "months": [6, 9, 12]},
        ]

    def test_months_without_a_title_are_refused_and_nothing_changes(
        self, client, plan_a, plan_admin_a
    ):
        plan_a.calendar_rows = [{"title": "เดิม", "months": [1]}]
        plan_a.save()
        client.force_login(plan_admin_a)
        response = client.post(self.url(plan_a), self.data([("ใหม่", [2]), ("", [4])]))
        assert response.status_code == 200
        assert "กรุณาระบุรายการของเดือนที่เลือก" in response.content.decode()
        plan_a.refresh_from_db()
        assert plan_a.calendar_rows == [{"title": "เดิม", "months": [1]}]

    def test_the_service_refuses_another_role(self, plan_a, planner_a1):
        from actionplan import services

        with pytest.raises(services.DomainError):
            services.set_plan_calendar(
                plan=plan_a, rows=[{"title": "x", "months": [1]}], by=planner_a1
            )
        plan_a.refresh_from_db()
        assert plan_a.calendar_rows == []
