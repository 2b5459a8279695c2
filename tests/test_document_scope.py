"""Every document and export holds only what its viewer may see (the content half of the
permission matrix in tests/test_permission_matrix.py, which checks the status codes).

One plan of office A with distinctive project names per group: กลุ่มอำนวยการ (planner_a1,
group_director_a1) has a draft and an approved project, กลุ่มนโยบายและแผน (planner_a2) the same,
and one project of กลุ่มนโยบายและแผน is run jointly with กลุ่มอำนวยการ (a co-unit: both see it).
Office-wide roles (deputy_a, director_a, plan_admin_a) see all five. For each document URL and
persona the downloaded bytes (pdftotext, openpyxl, csv) name exactly the projects the persona
may see. Round reports (PDF, xlsx) are for office-wide roles only: a group role gets 403.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from actionplan.models import StandardGroup
from plans import services as plan_services
from printing import book as pdf
from printing.models import OFFICE_SCOPE, PlanRender, RenderStatus, render_scope
from projects.models import Project, ProjectStatus
from tests import factories as f
from tests.printing.conftest import pdftotext, squash
from workflow import services as workflow_services

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

A_DRAFT = "โครงการเรือใบทะเลสาบ"
A_APPROVED = "โครงการเรือใบภูเขาสูง"
B_DRAFT = "โครงการช้างเผือกทะเลสาบ"
B_APPROVED = "โครงการช้างเผือกภูเขาสูง"
JOINT = "โครงการร่วมแรงสองกลุ่ม"
ALL = {A_DRAFT, A_APPROVED, B_DRAFT, B_APPROVED, JOINT}
APPROVED = {A_APPROVED, B_APPROVED}
GROUP_A = {A_DRAFT, A_APPROVED, JOINT}
GROUP_B = {B_DRAFT, B_APPROVED, JOINT}

SEES = {
    "planner_a1": GROUP_A,
    "group_director_a1": GROUP_A,
    "planner_a2": GROUP_B,
    "deputy_a": ALL,
    "director_a": ALL,
    "plan_admin_a": ALL,
}
PERSONAS = list(SEES)
REVIEWERS = {"deputy_a", "director_a", "plan_admin_a"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PDF_CACHE_DIR = None
    settings.TASKS = IMMEDIATE


@pytest.fixture
def group_director_a1(office_a):
    from actionplan.models import Role

    return f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )


@pytest.fixture
def world(request, plan_a, office_a, group_director_a1, deputy_a, director_a):
    """The five projects; the approved ones went through submit, endorse and approve."""
    admin, planning = f.group(office_a, StandardGroup.ADMIN), f.group(office_a, StandardGroup.PLAN)
    gd_b = f.make_user(office_a, "group_director", planning, "gd_b")
    made = {}
    for name, unit, director, approve in [
        (A_DRAFT, admin, group_director_a1, False),
        (A_APPROVED, admin, group_director_a1, True),
        (B_DRAFT, planning, gd_b, False),
        (B_APPROVED, planning, gd_b, True),
        (JOINT, planning, gd_b, False),
    ]:
        project = f.make_project(plan_a, unit=unit, name_th=name)
        activity = f.make_activity(project, months=[4])
        f.make_line(activity, "ค่าวัสดุ", amount="1000", category_code="materials")
        f.set_quarters(activity, 0, 1000)
        f.make_indicator(project)
        if approve:
            workflow_services.submit_project(project=project, by=director)
            workflow_services.endorse_project(project=project, by=deputy_a)
            workflow_services.approve_project(project=project, by=director_a)
        project.refresh_from_db()
        made[name] = project
    made[JOINT].co_units.add(admin)
    return made


def names_in(text: str) -> set[str]:
    """Which of the five project names the text holds (layout whitespace ignored)."""
    flat = squash(text)
    return {name for name in ALL if squash(name) in flat}


def pdf_text(response) -> str:
    data = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    assert data.startswith(b"%PDF")
    return pdftotext(data)


def rendered_pdf(client, response) -> str:
    """Follow a queued render (run at once by the ImmediateBackend) to its downloaded PDF."""
    assert response.status_code == 302, response.status_code
    status = client.get(response["Location"])
    assert status.status_code == 200
    render = status.context["render"]
    assert render.status == RenderStatus.DONE, render.error
    download = client.get(reverse("print:render_download", args=[render.plan_id, render.pk]))
    assert download.status_code == 200
    return pdf_text(download)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
class TestEachDocumentNamesOnlyWhatItsViewerSees:
    def test_the_plan_book_pdf(self, persona, request, client, world, plan_a):
        client.force_login(request.getfixturevalue(persona))
        response = client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        assert names_in(rendered_pdf(client, response)) == SEES[persona]

    def test_the_plan_export_xlsx(self, persona, request, client, world, plan_a):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse("imports:plan_export_xlsx", args=[plan_a.pk]))
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        cells = [
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        assert names_in("\n".join(cells)) == SEES[persona]

    def test_the_plan_export_csv(self, persona, request, client, world, plan_a):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse("imports:plan_export_csv", args=[plan_a.pk]))
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert names_in("\n".join(cell for row in rows for cell in row)) == SEES[persona]

    def test_the_round_report_pdf(self, persona, request, client, world, plan_a):
        client.force_login(request.getfixturevalue(persona))
        response = client.post(reverse("print:round_pdf", args=[plan_a.pk, 1]))
        if persona not in REVIEWERS:
            assert response.status_code == 403
            assert not PlanRender.objects.exists()
            return
        assert names_in(rendered_pdf(client, response)) == APPROVED  # the monitored projects

    def test_the_round_report_xlsx(self, persona, request, client, world, plan_a):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse("monitoring:round_xlsx", args=[plan_a.pk, 1]))
        if persona not in REVIEWERS:
            assert response.status_code == 403
            return
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        text = "\n".join(
            str(v) for s in book for row in s.iter_rows(values_only=True) for v in row if v
        )
        assert names_in(text) == APPROVED

    def test_each_project_pdf_and_report_pdf(self, persona, request, client, world):
        client.force_login(request.getfixturevalue(persona))
        for name, project in world.items():
            response = client.get(reverse("print:project_pdf", args=[project.pk]))
            if name not in SEES[persona]:
                assert response.status_code == 404, name
                continue
            assert names_in(pdf_text(response)) == {name}
            if name in APPROVED:
                assert project.status == ProjectStatus.APPROVED
                report = client.get(reverse("print:report_pdf", args=[project.pk, 1]))
                assert report.status_code == 200
                assert names_in(pdf_text(report)) == {name}


@pytest.mark.django_db
class TestRendersAreKeyedByScope:
    def test_an_office_book_is_never_served_to_a_group_and_back(
        self, client, world, plan_a, deputy_a, planner_a1, planner_a2
    ):
        client.force_login(deputy_a)
        client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        office = PlanRender.objects.get()
        assert (office.scope, office.status) == (OFFICE_SCOPE, RenderStatus.DONE)

        client.force_login(planner_a1)
        page = client.get(reverse("print:plan_book", args=[plan_a.pk]))
        assert page.context["current"] is None and page.context["latest"] is None
        assert "ฉบับเฉพาะโครงการของกลุ่มอำนวยการ" in page.content.decode()
        for name in ("print:render_status", "print:render_download"):
            assert client.get(reverse(name, args=[plan_a.pk, office.pk])).status_code == 404
        response = client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        group = PlanRender.objects.exclude(pk=office.pk).get()
        assert response["Location"] == reverse("print:render_status", args=[plan_a.pk, group.pk])
        assert group.scope == render_scope(planner_a1) == f"unit:{planner_a1.org_unit_id}"

        client.force_login(planner_a2)  # another group: neither book
        for render in (office, group):
            url = reverse("print:render_download", args=[plan_a.pk, render.pk])
            assert client.get(url).status_code == 404
        client.force_login(deputy_a)  # the office's page keeps serving the whole book
        assert client.get(reverse("print:plan_book", args=[plan_a.pk])).context["current"] == office
        url = reverse("print:render_download", args=[plan_a.pk, group.pk])
        assert client.get(url).status_code == 404

    def test_a_group_role_gets_no_approvals_whole_book(
        self, client, world, plan_a, planner_a1, director_a
    ):
        Project.objects.filter(plan=plan_a).exclude(status=ProjectStatus.APPROVED).delete()
        approval = plan_services.approve_plan(plan=plan_a, by=director_a)
        client.force_login(planner_a1)
        url = reverse("print:approval_pdf", args=[plan_a.pk, approval.number])
        assert client.get(url).status_code == 403
        response = client.post(
            reverse("print:plan_book_render", args=[plan_a.pk]), {"approval": approval.number}
        )
        assert response.status_code == 403
        assert not PlanRender.objects.exists()
        page = client.get(reverse("print:plan_book", args=[plan_a.pk]))
        assert page.context["approvals"] == [] and page.context["approval"] is None
        # The approved plan's book for this group: its own approved project, nothing else.
        response = client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        assert names_in(rendered_pdf(client, response)) == {A_APPROVED}
        assert PlanRender.objects.get().approval is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_render_scope_holds_the_projects_visible_to_its_viewers(persona, request, world):
    user = request.getfixturevalue(persona)
    scoped = pdf.scope_projects(Project.objects.all(), render_scope(user))
    visible = Project.objects.visible_to(user)
    assert set(scoped.values_list("pk", flat=True)) == set(visible.values_list("pk", flat=True))
