"""Upload → preview → confirm, the template and the exports, through HTTP.

Permission matrix (the import pages): anonymous → login; planners, group directors, deputies and
directors → 403; plan administrators and system administrators → allowed; another office's
batches and plans → 404. Exports: anyone of the office, with only the projects they may see.
"""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from imports import template as wb_template
from imports.models import GroupAlias, ImportBatch, ImportStatus
from projects.models import Project
from tests import factories as f
from tests.imports import workbooks as wb
from tests.imports.test_services import snapshot, summary_with_group

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:importbatch_create")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, data: bytes, name="plan.xlsx", year=2563, mode="draft"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(UPLOAD, {"year_be": year, "mode": mode, "file": file})


@pytest.fixture
def sysadmin_a(office_a):
    return f.make_user(office_a, Role.SYSADMIN, None, "sysadmin_a")


@pytest.fixture
def admin_b(office_b):
    return f.make_user(office_b, Role.PLAN_ADMIN, None, "admin_b")


@pytest.fixture
def previewed(plan_admin_a):
    client = client_for(plan_admin_a)
    response = upload(client, wb.workbook(wb.strategy6_summary, wb.p8_budget))
    return client, ImportBatch.objects.get(), response


class TestPermissions:
    def test_anonymous_is_sent_to_login(self):
        response = Client().get(UPLOAD)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a", "deputy_a"])
    def test_other_roles_get_403(self, request, persona):
        client = client_for(request.getfixturevalue(persona))
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, wb.workbook(wb.p8_budget)).status_code == 403
        assert ImportBatch.objects.count() == 0

    @pytest.mark.parametrize("persona", ["plan_admin_a", "sysadmin_a"])
    def test_plan_and_system_administrators_may_upload(self, request, persona):
        response = client_for(request.getfixturevalue(persona)).get(UPLOAD)
        assert response.status_code == 200
        assert "ดาวน์โหลดแม่แบบ" in response.content.decode()

    def test_another_offices_batch_is_404(self, previewed, admin_b):
        _, batch, _ = previewed
        client = client_for(admin_b)
        detail = reverse("imports:importbatch_detail", args=[batch.pk])
        confirm = reverse("imports:importbatch_confirm", args=[batch.pk])
        assert client.get(detail).status_code == 404
        assert client.post(confirm).status_code == 404
        assert Project.objects.count() == 0

    def test_posts_need_the_csrf_token(self, plan_admin_a, previewed):
        _, batch, _ = previewed
        client = Client(enforce_csrf_checks=True)
        client.force_login(plan_admin_a)
        assert upload(client, wb.workbook(wb.p8_budget)).status_code == 403
        confirm = reverse("imports:importbatch_confirm", args=[batch.pk])
        assert client.post(confirm).status_code == 403
        assert Project.objects.count() == 0

    def test_confirm_refuses_get(self, previewed):
        client, batch, _ = previewed
        response = client.get(reverse("imports:importbatch_confirm", args=[batch.pk]))
        assert response.status_code == 405
        assert Project.objects.count() == 0


class TestUploadPreviewConfirm:
    def test_upload_shows_a_preview_and_writes_no_plan_data(self, previewed, media_root):
        client, batch, response = previewed
        assert response.status_code == 302
        assert response["Location"] == reverse("imports:importbatch_detail", args=[batch.pk])
        assert batch.status == ImportStatus.PREVIEWED and Project.objects.count() == 0
        assert (Path(media_root) / "imports" / "pending" / f"{batch.sha256}.xlsx").exists()
        before = snapshot()
        page = client.get(response["Location"])
        assert snapshot() == before
        text = page.content.decode()
        assert page.status_code == 200
        assert "สภากาแฟ คุยกันเช้าวันพุธ" in text
        assert "58,800.00" in text and "49,000.00" in text
        assert "ยืนยันนำเข้า" in text

    def test_confirm_writes_everything_once(self, previewed, media_root):
        client, batch, _ = previewed
        confirm = reverse("imports:importbatch_confirm", args=[batch.pk])
        response = client.post(confirm)
        assert response.status_code == 302
        batch.refresh_from_db()
        assert batch.status == ImportStatus.COMMITTED and batch.plan is not None
        assert Project.objects.count() == 11
        assert not (Path(media_root) / "imports" / "pending" / f"{batch.sha256}.xlsx").exists()
        before = snapshot()
        again = client.post(confirm, follow=True)
        assert "ยืนยันไม่ได้แล้ว" in again.content.decode()
        assert snapshot() == before

    def test_confirm_refuses_when_the_previewed_file_is_gone(self, previewed, media_root):
        client, batch, _ = previewed
        (Path(media_root) / "imports" / "pending" / f"{batch.sha256}.xlsx").unlink()
        response = client.post(reverse("imports:importbatch_confirm", args=[batch.pk]), follow=True)
        assert "ไม่พบไฟล์ที่ตรวจไว้" in response.content.decode()
        assert Project.objects.count() == 0

    def test_confirm_refuses_a_file_changed_on_disk(self, previewed, media_root):
        client, batch, _ = previewed
        (Path(media_root) / "imports" / "pending" / f"{batch.sha256}.xlsx").write_bytes(
            wb.workbook(wb.p3_budget)
        )
        response = client.post(reverse("imports:importbatch_confirm", args=[batch.pk]), follow=True)
        assert "ถูกเปลี่ยน" in response.content.decode()
        assert Project.objects.count() == 0

    def test_the_user_picks_an_unknown_group_and_it_is_remembered(self, plan_admin_a, office_a):
        client = client_for(plan_admin_a)
        upload(client, summary_with_group("งานวินัยและนิติการ"), year=2567)
        batch = ImportBatch.objects.get()
        page = client.get(reverse("imports:importbatch_detail", args=[batch.pk])).content.decode()
        assert 'name="group-0"' in page and "กลุ่มกฎหมายและคดี" in page
        legal = f.group(office_a, StandardGroup.LEGAL)
        confirm = reverse("imports:importbatch_confirm", args=[batch.pk])
        client.post(confirm, {"group-0": str(legal.pk)})
        assert Project.objects.get().lead_unit == legal
        assert GroupAlias.objects.get(office=office_a).org_unit == legal

    def test_a_missing_group_choice_rerenders_the_preview(self, plan_admin_a):
        client = client_for(plan_admin_a)
        upload(client, summary_with_group("งานวินัยและนิติการ"), year=2567)
        batch = ImportBatch.objects.get()
        response = client.post(reverse("imports:importbatch_confirm", args=[batch.pk]))
        assert response.status_code == 422
        assert "ต้องเลือกกลุ่ม" in response.content.decode()
        assert Project.objects.count() == 0

    def test_an_xls_file_is_refused_in_the_form(self, plan_admin_a):
        response = upload(client_for(plan_admin_a), b"\xd0\xcf\x11\xe0", name="แผน.xls")
        assert response.status_code == 200
        assert "บันทึกเป็น .xlsx" in response.content.decode()
        assert ImportBatch.objects.count() == 0

    def test_an_ods_file_is_refused_in_the_form_with_libreoffices_menu_path(self, plan_admin_a):
        from tests.imports.test_safety import ods_bytes

        response = upload(client_for(plan_admin_a), ods_bytes(), name="แผน.ods")
        assert response.status_code == 200
        assert "ไฟล์ &gt; บันทึกเป็น… &gt; ชนิดไฟล์ Excel 2007-365 (.xlsx)" in response.content.decode()
        assert ImportBatch.objects.count() == 0

    def test_excels_unicode_text_is_previewed_and_confirmed(
        self, plan_admin_a, office_a, media_root
    ):
        f.make_strategy(f.make_plan(office_a, 2567), 1, "พัฒนาคุณภาพการบริหารจัดการ")
        _, rows = wb.canonical_rows(4)
        text = "\r\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for row in [wb_template.LINES.headers, *rows]
        )
        client = client_for(plan_admin_a)
        upload(client, text.encode("utf-16"), name="แผน.txt", year=2567)
        batch = ImportBatch.objects.get()
        assert batch.status == ImportStatus.PREVIEWED, batch.report["errors"]
        assert (Path(media_root) / "imports" / "pending" / f"{batch.sha256}.csv").exists()
        client.post(reverse("imports:importbatch_confirm", args=[batch.pk]))
        batch.refresh_from_db()
        assert batch.status == ImportStatus.COMMITTED
        assert Project.objects.count() == 1

    def test_a_zip_bomb_is_recorded_as_rejected_and_not_kept(self, plan_admin_a, media_root):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
            bomb.writestr("[Content_Types].xml", "spreadsheetml.sheet.main+xml")
            bomb.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
        client = client_for(plan_admin_a)
        response = upload(client, out.getvalue(), name="bomb.xlsx")
        batch = ImportBatch.objects.get()
        assert batch.status == ImportStatus.REJECTED
        page = client.get(response["Location"]).content.decode()
        assert "จึงไม่เปิดอ่าน" in page and "ยืนยันนำเข้า" not in page
        assert not (Path(media_root) / "imports" / "pending").exists()


class TestTemplateAndExports:
    def test_anyone_logged_in_downloads_the_template(self, planner_a1):
        response = client_for(planner_a1).get(reverse("imports:template_download"))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="actionplan-template.xlsx"'
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert "โครงการ" in book.sheetnames
        groups = [row[1] for row in book[wb_template.INSTRUCTIONS_TITLE].values if row[1:2]]
        assert "กลุ่มที่รับผิดชอบ" in groups  # listed with the office's own groups
        lists = [c.value for c in book[wb_template.LISTS_TITLE]["B"]]
        assert planner_a1.org_unit.name_th in lists

    def test_a_planner_exports_only_their_groups_projects(self, plan_a, office_a, planner_a1):
        f.make_project(
            plan_a, unit=f.group(office_a, StandardGroup.ADMIN), name_th="ของกลุ่มอำนวยการ"
        )
        f.make_project(
            plan_a, unit=f.group(office_a, StandardGroup.PLAN), name_th="ของกลุ่มนโยบายและแผน"
        )
        client = client_for(planner_a1)
        response = client.get(reverse("imports:plan_export_xlsx", args=[plan_a.pk]))
        assert response.status_code == 200
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="plan-{office_a.code}-2567.xlsx"'
        )
        names = [
            r[1] for r in openpyxl.load_workbook(io.BytesIO(response.content))["โครงการ"].values
        ][1:]
        assert names == ["ของกลุ่มอำนวยการ"]
        csv = client.get(reverse("imports:plan_export_csv", args=[plan_a.pk]))
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")

    def test_another_offices_plan_export_is_404(self, plan_a, outsider):
        client = client_for(outsider)
        assert client.get(reverse("imports:plan_export_xlsx", args=[plan_a.pk])).status_code == 404
        assert client.get(reverse("imports:plan_export_csv", args=[plan_a.pk])).status_code == 404

    def test_anonymous_export_goes_to_login(self, plan_a):
        response = Client().get(reverse("imports:plan_export_xlsx", args=[plan_a.pk]))
        assert response.status_code == 302
