"""The permission matrix, generated from the URLconf: every URL that takes an object id x every
persona, with the expected status. `test_every_object_url_is_in_the_matrix` fails when a new
URL with an id appears that is neither in MATRIX nor in EXEMPT, so the matrix maintains itself.

Personas (tests/conftest.py plus the group director below):
  anonymous          -> 302 to the login page everywhere
  planner_a1         planner of the project's group (กลุ่มอำนวยการ, office A)
  planner_a2         planner of another group of office A
  outsider           a user of office B: every object of office A is 404
  group_director_a1  director of the project's group (ผู้เสนอโครงการ)
  deputy_a           deputy director (ผู้เห็นชอบโครงการ)
  director_a         director (ผู้อนุมัติโครงการ)
  plan_admin_a       plan administrator of กลุ่มนโยบายและแผน

Cells: 200 page, 302 success redirect (for POSTs the action took effect), 403 role refused,
404 out of scope. A persona missing from a row is not checked (rows of URLs owned by other
parts of the app check the universal cells: anonymous and the other office).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplan.models import FrameworkKind, PolicyFramework, PolicyItem, Role, StandardGroup
from monitoring import services as monitoring_services
from monitoring.models import ProjectReport
from plans import services as plan_services
from printing.models import ContextTable, PlanRender
from projects.models import (
    Project,
    ProjectEvent,
    ProjectStatus,
)
from tests import factories as f
from workflow import services as workflow_services
from workflow.models import AmendmentRequest

PERSONAS = [
    "anonymous",
    "planner_a1",
    "planner_a2",
    "outsider",
    "group_director_a1",
    "deputy_a",
    "director_a",
    "plan_admin_a",
]


@dataclass
class Row:
    """One URL of the matrix: how to build its arguments, the method, and the cells."""

    method: str
    args: str  # name of a World method returning the reverse() args
    cells: dict[str, int]
    data: dict | str = field(default_factory=dict)  # a str names a World method (built after args)


def cells(
    planner=None,
    other_group=404,
    outsider=404,
    group_director=None,
    deputy=None,
    director=None,
    plan_admin=None,
) -> dict[str, int]:
    row = {
        "anonymous": 302,
        "planner_a1": planner,
        "planner_a2": other_group,
        "outsider": outsider,
        "group_director_a1": group_director,
        "deputy_a": deputy,
        "director_a": director,
        "plan_admin_a": plan_admin,
    }
    return {k: v for k, v in row.items() if v is not None}


VIEW = cells(200, 404, 404, 200, 200, 200, 200)
PLAN_PAGE = cells(403, 403, 404, 403, 200, 200, 200)
REFERENCE_NATIONAL = cells(403, 403, 403, 403, 403, 403, 200)
REFERENCE_OWN = cells(403, 403, 404, 403, 403, 403, 200)
REFERENCE_OWN_POST = cells(403, 403, 404, 403, 403, 403, 302)
SETUP_PAGE = cells(403, 403, 404, 403, 403, 200, 200)

MATRIX: dict[str, Row] = {
    # projects (issue 3 and 4)
    "projects:project_create": Row("get", "plan", cells(200, 200, 404, 200, 403, 403, 200)),
    "projects:project_copy": Row("get", "plan", cells(200, 200, 404, 200, 403, 403, 200)),
    "projects:project_detail": Row("get", "draft", VIEW),
    "projects:project_edit": Row("get", "draft", cells(200, 404, 404, 200, 403, 403, 200)),
    "projects:project_delete": Row("post", "draft", cells(302, 404, 404, 302, 403, 403, 302)),
    "projects:project_history": Row("get", "draft", VIEW),
    # issue 18: the plan admin lists a project in another plan of the office and year as well
    "projects:project_include": Row(
        "post", "draft_and_teacher_plan", cells(403, 404, 404, 403, 403, 403, 302), "teacher_post"
    ),
    "workflow:project_submit": Row("post", "draft", cells(403, 404, 404, 302, 403, 403, 403)),
    "workflow:project_endorse": Row("post", "submitted", cells(403, 404, 404, 403, 302, 403, 403)),
    "workflow:project_approve": Row("post", "endorsed", cells(403, 404, 404, 403, 403, 302, 403)),
    "workflow:project_return": Row(
        "post",
        "submitted",
        cells(403, 404, 404, 302, 302, 302, 403),
        {"comment": "ขอให้แก้ไข"},
    ),
    # พร้อมเสนอ (issue 14): the lead group's planners and the plan admin mark a draft ready
    "workflow:project_ready": Row("post", "draft", cells(302, 404, 404, 403, 403, 403, 302)),
    "workflow:project_version": Row("get", "approved_version", VIEW),
    "workflow:amendment_request": Row("get", "approved", cells(200, 404, 404, 200, 403, 403, 200)),
    "workflow:amendment_decide": Row(
        "post",
        "amendment",
        cells(403, 404, 404, 403, 403, 302, 403),
        {"decision": "approve"},
    ),
    # plan pages (issue 4)
    "plans:plan_overview": Row("get", "plan", PLAN_PAGE),
    "plans:plan_validation": Row("get", "plan", PLAN_PAGE),
    "plans:plan_dashboard": Row("get", "plan", PLAN_PAGE),
    "plans:plan_targets": Row("get", "plan", cells(403, 403, 404, 403, 403, 403, 200)),
    "plans:plan_approve": Row("post", "approved_plan", cells(403, 403, 404, 403, 403, 302, 403)),
    "plans:plan_approval": Row("get", "plan_approval", PLAN_PAGE),
    # printing (issue 5). Group roles get their own group's book (tests/test_document_scope.py
    # checks what each PDF names); an approval's whole book is for office-wide roles only (it
    # is not laid out yet here, so they are sent to the plan-book page); an office-wide render
    # is out of a group role's scope (404).
    "print:project_pdf": Row("get", "draft", VIEW),
    # Word files (issue 19): a project for whoever sees it; the whole book for office-wide roles
    "print:project_docx": Row("get", "draft", VIEW),
    "print:plan_book_docx": Row("post", "plan", cells(403, 403, 404, 403, 302, 302, 302)),
    # e-mail and LINE (issue 20): the office's chats are the plan admin's and the director's
    "notify:line_target_edit": Row("get", "line_target", cells(403, 403, 404, 403, 403, 200, 200)),
    "notify:line_target_test": Row("post", "line_target", cells(403, 403, 404, 403, 403)),
    "print:project_version_pdf": Row("get", "approved_version", VIEW),
    "print:approval_pdf": Row(
        "get", "plan_approval_book", cells(403, 403, 404, 403, 302, 302, 302)
    ),
    "print:plan_book": Row("get", "plan", cells(200, 200, 404, 200, 200, 200, 200)),
    "print:plan_book_render": Row("post", "plan", cells(302, 302, 404, 302, 302, 302, 302)),
    "print:render_status": Row("get", "plan_render", cells(404, 404, 404, 404, 200, 200, 200)),
    "print:render_download": Row("get", "plan_render", cells(other_group=None)),
    "print:context_tables": Row("get", "plan", cells(other_group=None)),
    "print:context_table_new": Row("get", "plan", cells(other_group=None)),
    "print:context_table_edit": Row("get", "context_table", cells(other_group=None)),
    "print:plan_calendar": Row("get", "plan", cells(403, 403, 404, 403, 403, 403, 200)),
    # quarterly monitoring (issue 7): the lead group reports, the plan admin reviews and closes
    "monitoring:report_edit": Row("get", "report_round", VIEW),
    # the project's report button (issue 16): the round where the work is
    "monitoring:report_current": Row("get", "approved", cells(302, 404, 404, 302, 302, 302, 302)),
    "print:report_pdf": Row("get", "report_round", VIEW),
    "monitoring:report_submit": Row(
        "post", "report_draft", cells(302, 404, 404, 302, 403, 403, 403)
    ),
    "monitoring:report_accept": Row(
        "post", "report_sent", cells(403, 404, 404, 403, 403, 403, 302)
    ),
    "monitoring:report_return": Row(
        "post",
        "report_sent",
        cells(403, 404, 404, 403, 403, 403, 302),
        {"comment": "ขอให้แก้ไขยอดเบิกจ่าย"},
    ),
    "monitoring:monitoring_dashboard": Row("get", "plan", PLAN_PAGE),
    "monitoring:monitoring_settings": Row("get", "plan", cells(403, 403, 404, 403, 403, 403, 200)),
    "monitoring:strategy_results": Row("get", "plan", PLAN_PAGE),
    "monitoring:year_end": Row("get", "plan", PLAN_PAGE),
    "monitoring:round_detail": Row("get", "plan_round", PLAN_PAGE),
    "monitoring:round_close": Row("post", "plan_round", cells(403, 403, 404, 403, 403, 403, 302)),
    # laid out in the background: GET offers the button (nothing queued), POST queues it
    "print:round_pdf": Row("get", "plan_round", cells(403, 403, 404, 403, 200, 200, 200)),
    "monitoring:round_reopen": Row(
        "post",
        "closed_round",
        cells(403, 403, 404, 403, 403, 403, 302),
        {"reopen-reason": "กลุ่มขอแก้ยอดเบิกจ่าย"},
    ),
    "monitoring:round_due": Row(
        "post",
        "plan_round",
        cells(403, 403, 404, 403, 403, 403, 302),
        {"due-due_date": "15/02/2567", "due-reason": "ระบบปิดปรับปรุง"},
    ),
    "monitoring:round_xlsx": Row("get", "plan_round", PLAN_PAGE),
    # exports: every role downloads, each the projects it may see (test_document_scope.py)
    "imports:plan_export_xlsx": Row("get", "plan", cells(200, 200, 404, 200, 200, 200, 200)),
    "imports:plan_export_csv": Row("get", "plan", cells(200, 200, 404, 200, 200, 200, 200)),
    # reference data (issue 16): the plan administrator's pages. National frameworks are every
    # office's (other roles 403, also of office B); an office's own rows are 404 to office B.
    "reference:framework_detail": Row("get", "national_framework", REFERENCE_NATIONAL),
    "reference:framework_edit": Row("get", "own_framework", REFERENCE_OWN),
    "reference:framework_delete": Row("get", "own_framework", REFERENCE_OWN),
    "reference:item_create": Row("get", "own_framework", REFERENCE_OWN),
    "reference:item_edit": Row("get", "own_item", REFERENCE_OWN),
    "reference:item_delete": Row("post", "own_item", REFERENCE_OWN_POST),
    "reference:item_move": Row("post", "own_item", REFERENCE_OWN_POST, {"direction": "down"}),
    # office set-up (issue 16): the plan administrator and the director; a planner's own account
    # is not theirs to edit here either
    "setup:plan_edit": Row("get", "plan", SETUP_PAGE),
    # the teacher-development plan's own parts (issue 18): the plan administrator's pages
    "development:development_parts": Row(
        "get", "teacher_plan", cells(403, 403, 404, 403, 403, 403, 200)
    ),
    "development:project_methods": Row(
        "get", "teacher_project", cells(403, 403, 404, 403, 403, 403, 200)
    ),
    "setup:strategy_edit": Row("get", "plan_strategy", SETUP_PAGE),
    "setup:staff_edit": Row("get", "account", SETUP_PAGE),
    "setup:staff_reset_password": Row("post", "account", SETUP_PAGE),
}

# URLs with an object id deliberately left out, each with the reason.
EXEMPT = {
    # public by design, no login (issue 20): tests/transparency checks what they publish
    "transparency:office": "public transparency page",
    "transparency:plan": "public transparency page",
    "transparency:plan_json": "public open data",
    "transparency:plan_csv": "public open data",
    "transparency:plan_book": "public approved book",
    "imports:importbatch_detail": "imports app in progress (issue 6): its owner adds the rows",
    "imports:importbatch_confirm": "imports app in progress (issue 6): its owner adds the rows",
}


def object_url_names() -> list[str]:
    """Every named URL pattern that takes an id (<int:…>/<uuid:…>), admin excluded."""
    names = []

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                converters = getattr(p.pattern, "converters", {})
                if p.name and converters:
                    names.append(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_object_url_is_in_the_matrix():
    names = object_url_names()
    missing = [n for n in names if n not in MATRIX and n not in EXEMPT]
    assert not missing, f"add these URLs to MATRIX (or EXEMPT with a reason): {missing}"
    stale = [n for n in [*MATRIX, *EXEMPT] if n not in names]
    assert not stale, f"these matrix rows name URLs that no longer exist: {stale}"


@pytest.fixture
def group_director_a1(office_a):
    return f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )


class World:
    """Objects of office A in the states the rows need, built on demand."""

    def __init__(self, request, plan_a):
        self.request = request
        self.plan_a = plan_a
        self.gd = request.getfixturevalue("group_director_a1")
        self.deputy = request.getfixturevalue("deputy_a")
        self.director = request.getfixturevalue("director_a")
        self.project = None

    def _project(self, status=ProjectStatus.DRAFT, plan=None):
        project = f.make_project(
            plan or self.plan_a, unit=f.group(self.plan_a.office, StandardGroup.ADMIN)
        )
        activity = f.make_activity(project, months=[4])
        f.make_line(activity, "ค่าวัสดุ", amount="1000", category_code="materials")
        f.set_quarters(activity, 0, 1000)
        f.make_indicator(project)
        if status != ProjectStatus.DRAFT:
            workflow_services.submit_project(project=project, by=self.gd)
        if status in {ProjectStatus.ENDORSED, ProjectStatus.APPROVED}:
            workflow_services.endorse_project(project=project, by=self.deputy)
        if status == ProjectStatus.APPROVED:
            workflow_services.approve_project(project=project, by=self.director)
        project.refresh_from_db()
        self.project = project
        return project

    def plan(self):
        return [self.plan_a.pk]

    def draft(self):
        return [self._project().pk]

    def submitted(self):
        return [self._project(ProjectStatus.SUBMITTED).pk]

    def endorsed(self):
        return [self._project(ProjectStatus.ENDORSED).pk]

    def approved(self):
        return [self._project(ProjectStatus.APPROVED).pk]

    def approved_version(self):
        return [self._project(ProjectStatus.APPROVED).pk, 1]

    def amendment(self):
        project = self._project(ProjectStatus.APPROVED)
        planner = self.request.getfixturevalue("planner_a1")
        return [workflow_services.request_amendment(project=project, by=planner, reason="ปรับ").pk]

    def approved_plan(self):
        self._project(ProjectStatus.APPROVED)
        return [self.plan_a.pk]

    def plan_approval(self):
        self._project(ProjectStatus.APPROVED)
        return [plan_services.approve_plan(plan=self.plan_a, by=self.director).pk]

    def plan_approval_book(self):
        self._project(ProjectStatus.APPROVED)
        return [
            self.plan_a.pk,
            plan_services.approve_plan(plan=self.plan_a, by=self.director).number,
        ]

    def plan_render(self):
        render = PlanRender.objects.create(plan=self.plan_a, version_key="matrix")
        return [self.plan_a.pk, render.pk]

    def _report(self, *, submit: bool):
        project = self._project(ProjectStatus.APPROVED)
        activity = project.activities.get()
        materials = f.category("materials")
        entry = monitoring_services.ReportEntry(
            problems="",
            suggestions="",
            states={activity.pk: ("in_progress", "")},
            spending={(activity.pk, materials.pk): Decimal("500")},
            results={},
        )
        report = monitoring_services.save_project_report(
            project=project, number=1, entry=entry, by=self.gd
        )
        if submit:
            monitoring_services.submit_project_report(report=report, by=self.gd)
        return [project.pk, 1]

    def report_round(self):
        return [self._project(ProjectStatus.APPROVED).pk, 1]

    def report_draft(self):
        return self._report(submit=False)

    def report_sent(self):
        return self._report(submit=True)

    def plan_round(self):
        self._project(ProjectStatus.APPROVED)
        return [self.plan_a.pk, 1]

    def closed_round(self):
        self._project(ProjectStatus.APPROVED)
        admin = self.request.getfixturevalue("plan_admin_a")
        monitoring_services.close_report_round(plan=self.plan_a, number=1, by=admin)
        return [self.plan_a.pk, 1]

    def national_framework(self):
        framework = PolicyFramework.objects.create(
            kind=FrameworkKind.OBEC_POLICY, title_th="นโยบาย สพฐ.", key="matrix"
        )
        PolicyItem.objects.create(framework=framework, code="๑", title_th="ด้านความปลอดภัย")
        return [framework.pk]

    def _own_framework(self):
        framework = PolicyFramework.objects.create(
            office=self.plan_a.office, kind=FrameworkKind.ESA_POLICY, title_th="นโยบาย สพป."
        )
        first = PolicyItem.objects.create(framework=framework, code="๑", title_th="ข้อหนึ่ง", order=1)
        PolicyItem.objects.create(framework=framework, code="๒", title_th="ข้อสอง", order=2)
        return framework, first

    def own_framework(self):
        return [self._own_framework()[0].pk]

    def own_item(self):
        return [self._own_framework()[1].pk]

    def plan_strategy(self):
        return [self.plan_a.pk, f.make_strategy(self.plan_a, 9).pk]

    def account(self):
        return [self.request.getfixturevalue("planner_a1").pk]

    def line_target(self):
        from notify.models import LineTarget

        target = LineTarget.objects.create(
            office=self.plan_a.office, name_th="กลุ่มไลน์", channel_token="t", target_id="C" + "0" * 32
        )
        return [target.pk]

    def teacher_plan(self):
        from actionplan.models import PlanType

        self.teacher = f.make_plan(
            self.plan_a.office, self.plan_a.fiscal_year.year_be, plan_type=PlanType.TEACHER_DEV
        )
        return [self.teacher.pk]

    def teacher_project(self):
        [teacher] = self.teacher_plan()
        return [teacher, self._project(plan=self.teacher).pk]

    def draft_and_teacher_plan(self):
        self.teacher_plan()
        return self.draft()

    def teacher_post(self):
        return {"plan": self.teacher.pk}

    def context_table(self):
        table = ContextTable.objects.create(plan=self.plan_a, number=1, caption_th="ตารางทดสอบ")
        return [self.plan_a.pk, table.pk]


def fingerprint(project) -> str:
    """A hash of what a refused request must not change."""
    if project is None:
        return ""
    row = Project.objects.filter(pk=project.pk).values().first()
    events = ProjectEvent.objects.filter(project_ref=project.pk).count()
    amendments = list(AmendmentRequest.objects.filter(project_id=project.pk).values("status"))
    reports = list(ProjectReport.objects.filter(project_id=project.pk).values("status", "version"))
    return hashlib.sha256(repr((row, events, amendments, reports)).encode()).hexdigest()


CASES = [
    (name, persona) for name, row in MATRIX.items() for persona in PERSONAS if persona in row.cells
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_matrix_cell(name, persona, request, client, plan_a, planner_a1):
    row = MATRIX[name]
    world = World(request, plan_a)
    url = reverse(name, args=getattr(world, row.args)())
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    before = fingerprint(world.project)
    data = getattr(world, row.data)() if isinstance(row.data, str) else row.data
    response = getattr(client, row.method)(url, data) if row.method == "post" else client.get(url)
    expected = row.cells[persona]
    assert response.status_code == expected, (name, persona, response.status_code)
    if persona == "anonymous":
        assert response.url.startswith(reverse("login"))
    if row.method == "post" and expected != 302:
        assert fingerprint(world.project) == before, "a refused POST changed the project"


@pytest.mark.django_db
class TestMassAssignment:
    def test_a_planner_posting_status_plan_group_and_ids_changes_none_of_them(
        self, client, planner_a1, plan_a, office_b
    ):
        from tests.projects.test_views import ex01_post

        project = f.make_project(plan_a, unit=planner_a1.org_unit)
        other_plan = f.make_plan(office_b, 2567)
        client.force_login(planner_a1)
        data = ex01_post(plan_a, project)
        data.update(
            status="approved",
            plan=other_plan.pk,
            office=office_b.pk,
            lead_unit=f.group(plan_a.office, StandardGroup.PLAN).pk,
            approved_by=planner_a1.pk,
            updated_by=1,
        )
        response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.status == ProjectStatus.DRAFT
        assert project.plan_id == plan_a.pk
        assert project.lead_unit == planner_a1.org_unit
        assert project.updated_by == planner_a1

    def test_another_offices_strategy_is_refused_and_nothing_is_saved(
        self, client, planner_a1, plan_a, office_b
    ):
        from tests.projects.test_views import ex01_post

        project = f.make_project(plan_a, unit=planner_a1.org_unit, name_th="ก่อน")
        foreign = f.make_strategy(f.make_plan(office_b, 2567), 9, "กลยุทธ์ของสำนักงานอื่น")
        client.force_login(planner_a1)
        data = ex01_post(plan_a, project, strategy=foreign.pk, name_th="หลัง")
        response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
        assert response.status_code == 400
        project.refresh_from_db()
        assert (project.name_th, project.strategy.plan_id) == ("ก่อน", plan_a.pk)

    def test_a_planner_cannot_approve_by_posting_to_the_transition(
        self, client, planner_a1, plan_a
    ):
        project = f.make_project(plan_a, unit=planner_a1.org_unit)
        client.force_login(planner_a1)
        for name in ("submit", "endorse", "approve"):
            url = reverse(f"workflow:project_{name}", args=[project.pk])
            assert client.post(url, {"status": "approved"}).status_code == 403
        project.refresh_from_db()
        assert project.status == ProjectStatus.DRAFT and project.version == 1
