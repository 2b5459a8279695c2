"""Error pages are Thai pages inside the app's frame with a way back, and the plan validation
page links each viewer only to pages they may open."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path, reverse

from actionplan import urls as app_urls
from actionplan.models import Role, StandardGroup
from projects.models import Project, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


def _suspicious(request):
    raise SuspiciousOperation("a forged request")


# The app's URLs plus two that fail, for the 500 and 400 pages (used with pytest.mark.urls).
urlpatterns = [path("test-boom/", _boom), path("test-400/", _suspicious), *app_urls.urlpatterns]
handler400 = app_urls.handler400
handler500 = app_urls.handler500

NAV = 'aria-label="เมนูหลัก"'
HOME_LINK = 'href="/"'


def test_tests_run_with_debug_off():
    assert settings.DEBUG is False  # else Django shows its technical pages, not these


class TestErrorPages:
    def test_an_out_of_scope_page_is_a_thai_404_in_the_frame(self, client, outsider, project_a1):
        client.force_login(outsider)
        response = client.get(reverse("projects:project_detail", args=[project_a1.pk]))
        assert response.status_code == 404
        page = response.content.decode()
        assert "ไม่พบหน้าที่ต้องการ" in page
        assert NAV in page and HOME_LINK in page
        assert "Not Found" not in page and "No Project matches" not in page

    def test_an_unknown_address_is_the_same_404(self, client, planner_a1):
        client.force_login(planner_a1)
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()

    def test_a_refused_page_is_a_thai_403_with_the_reason(self, client, planner_a1, plan_a):
        client.force_login(planner_a1)
        response = client.get(reverse("plans:plan_validation", args=[plan_a.pk]))
        assert response.status_code == 403
        page = response.content.decode()
        assert "ไม่มีสิทธิ์ทำรายการนี้" in page and "เฉพาะผู้ดูแลแผนและผู้บริหารสำนักงาน" in page
        assert NAV in page and HOME_LINK in page
        assert "403 Forbidden" not in page

    def test_editing_a_read_only_project_is_the_thai_403(self, client, director_a, project_a1):
        client.force_login(director_a)
        response = client.get(reverse("projects:project_edit", args=[project_a1.pk]))
        assert response.status_code == 403
        assert "ไม่มีสิทธิ์ทำรายการนี้" in response.content.decode()

    @pytest.mark.urls(__name__)
    def test_a_crash_is_a_thai_500_that_needs_no_database(self, client, planner_a1):
        client.raise_request_exception = False
        client.force_login(planner_a1)
        response = client.get("/test-boom/")
        assert response.status_code == 500
        page = response.content.decode()
        assert "ระบบขัดข้องชั่วคราว" in page and HOME_LINK in page
        assert 'class="topbar"' in page
        assert "Server Error" not in page and "a bug" not in page

    def test_a_full_disk_while_an_upload_arrives_is_a_thai_page(
        self, client, plan_admin_a, plan_a, tmpfs, settings
    ):
        """Django writes a large upload to a temporary file before any view runs (the CSRF check
        reads the form): a full disk there is the Thai storage-full page, not a bare 500."""
        from tests.imports.test_hardening import tmpfs_fill

        full = tmpfs("64k")
        tmpfs_fill(full)
        settings.FILE_UPLOAD_TEMP_DIR = str(full)
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
        client.raise_request_exception = False
        client.force_login(plan_admin_a)
        upload = SimpleUploadedFile("plan.xlsx", b"x" * 200_000)
        response = client.post(reverse("imports:importbatch_create"), {"file": upload})
        assert response.status_code == 507
        page = response.content.decode()
        assert "พื้นที่จัดเก็บข้อมูลของเครื่องแม่ข่ายเต็ม" in page and HOME_LINK in page
        assert list(full.iterdir()) == [full / "filler"]  # no temporary upload left behind

    @pytest.mark.urls(__name__)
    def test_a_bad_request_is_a_thai_400(self, client, planner_a1):
        client.force_login(planner_a1)
        response = client.get("/test-400/")
        assert response.status_code == 400
        page = response.content.decode()
        assert "คำขอไม่ถูกต้อง" in page and HOME_LINK in page
        assert "Bad Request" not in page

    def test_a_csrf_failure_is_a_thai_page(self, planner_a1):
        client = Client(enforce_csrf_checks=True)
        client.force_login(planner_a1)
        response = client.post(reverse("workflow:notification_read"))
        assert response.status_code == 403
        page = response.content.decode()
        assert "หน้าเว็บหมดอายุ" in page and NAV in page and HOME_LINK in page
        assert "CSRF verification failed" not in page


def _validation_links(page: str) -> list[str]:
    """Every link of the page's own content (the approval box and the findings table)."""
    content = page[page.index('aria-labelledby="approve-title"') :]
    return sorted(set(re.findall(r'href="([^"#]+)[^"]*"', content)))


@pytest.fixture
def plan_with_findings(plan_a, office_a, planner_a1):
    """Drafts of two groups with line, activity and field findings, a submitted project, a
    strategy nobody serves and a group over its ceiling."""
    admin_group = planner_a1.org_unit
    plan_group = f.group(office_a, StandardGroup.PLAN)
    strategy = f.make_strategy(plan_a, 1)
    f.make_strategy(plan_a, 2, "กลยุทธ์ที่ยังไม่มีโครงการ")
    draft = f.make_project(plan_a, unit=admin_group, strategy=strategy, name_th="ร่างกลุ่มอำนวยการ")
    activity = f.make_activity(draft)
    f.make_line(activity, "ค่าอาหารว่าง", "10 คน x 35 บาท = 400 บาท")
    other = f.make_project(plan_a, unit=plan_group, strategy=strategy, name_th="ร่างกลุ่มนโยบาย")
    f.make_activity(other)
    submitted = f.make_project(
        plan_a, unit=admin_group, strategy=strategy, name_th="โครงการที่เสนอแล้ว"
    )
    f.make_activity(submitted)
    Project.objects.filter(pk=submitted.pk).update(status=ProjectStatus.SUBMITTED)
    plan_group.budget_ceiling = 1
    plan_group.save(update_fields=["budget_ceiling"])
    f.make_line(other.activities.get(), "ค่าวัสดุ", amount=500)
    return plan_a


class TestValidationLinks:
    @pytest.mark.parametrize("persona", ["director_a", "deputy_a", "plan_admin_a"])
    def test_every_link_opens_for_the_viewer(self, client, request, plan_with_findings, persona):
        user = request.getfixturevalue(persona)
        client.force_login(user)
        response = client.get(reverse("plans:plan_validation", args=[plan_with_findings.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count("ไปที่จุดที่ต้องแก้") >= 5
        links = _validation_links(page)
        assert links
        answers = {link: client.get(link).status_code for link in links}
        assert set(answers.values()) == {200}, answers

    def test_readers_are_sent_to_the_document_and_editors_to_the_editor(
        self, client, plan_with_findings, director_a, plan_admin_a
    ):
        draft = Project.objects.get(name_th="ร่างกลุ่มอำนวยการ")
        url = reverse("plans:plan_validation", args=[plan_with_findings.pk])
        client.force_login(director_a)
        page = client.get(url).content.decode()
        assert reverse("projects:project_edit", args=[draft.pk]) not in page
        assert f"{reverse('projects:project_detail', args=[draft.pk])}#findings-title" in page
        assert reverse("plans:plan_overview", args=[plan_with_findings.pk]) + "#strategy-" in page
        client.force_login(plan_admin_a)
        page = client.get(url).content.decode()
        assert f"{reverse('projects:project_edit', args=[draft.pk])}#" in page

    def test_planners_get_the_thai_403(self, client, plan_with_findings, planner_a1):
        client.force_login(planner_a1)
        response = client.get(reverse("plans:plan_validation", args=[plan_with_findings.pk]))
        assert response.status_code == 403
        assert "ไม่มีสิทธิ์ทำรายการนี้" in response.content.decode()

    def test_a_system_administrator_gets_the_admin_pages(
        self, client, plan_with_findings, office_a
    ):
        root = f.make_superuser(office_a)
        assert root.role == Role.SYSADMIN
        client.force_login(root)
        page = client.get(
            reverse("plans:plan_validation", args=[plan_with_findings.pk])
        ).content.decode()
        assert "/admin/actionplan/strategy/" in page
