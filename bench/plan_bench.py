"""Plan overview (roll-up), validation page, dashboard, inboxes, approving a project and the
plan_summary command: server time and queries, each against its floor.

Run: DEBUG=1 .venv/bin/python bench/plan_bench.py [--overview-only]
(--overview-only: the plan overview's lines alone, at 15 and 150 projects.)
Builds an office of 10 groups on a scratch SQLite file with 15, 150 and then 600 projects (10
budget lines, half of them 3-factor formulas, a quarterly plan and a KPI each: 1,500 lines and
2,250 factors at 150), a third of them submitted and a third endorsed through the workflow
services. Every figure is timed alternately with its floor (A B A B ...: a busy machine slows
both alike) and printed as min / median with the load average of the moment:
- the pages (server time through the test client: session, user and nav included) against the
  same template rendered from a context built beforehand (no view, no ORM for the data); the
  overview once as pages are usually seen (figures from the cache), once with a project
  changed before every request (the figures worked out again: the first view after a save) and
  once with that change visible (its name: its strategy's kept table rendered again); the
  overview's floor context is captured with the cache emptied (every table rendered);
- approving a project (the POST, queries and ms in the request, the render queued for the
  worker) against an authenticated POST that writes one row (marking notifications read);
- plan_summary (in-process, cache emptied before each run as in a new process) against the one
  SQL aggregate of the plan's figures, with its time per project at 150 and 600 projects.
"""

import os
import statistics
import sys
import time
from decimal import Decimal

import _common

_common.setup_django("plan-bench")

from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402

from actionplan.models import Role, StandardGroup  # noqa: E402
from budgets import services as budget_services  # noqa: E402
from budgets.models import (  # noqa: E402
    BudgetCategory,
    BudgetLine,
    FundSource,
    QuarterAllocation,
)
from plans.views import overview_context, overview_projects  # noqa: E402
from projects.models import Activity  # noqa: E402
from tests import factories as f  # noqa: E402
from workflow import services  # noqa: E402

RUNS = 15
OVERVIEW_ONLY = "--overview-only" in sys.argv[1:]
office = f.make_office("BENCH")
plan = f.make_plan(office, 2567)
strategies = [f.make_strategy(plan, n, f"กลยุทธ์ที่ {n} เพื่อการทดสอบ") for n in range(1, 7)]
units = list(office.units.all())
categories = list(BudgetCategory.objects.order_by("order")[:3])
funds = list(FundSource.objects.order_by("order")[:3])
users = {
    "planner": f.make_user(office, Role.PLANNER, units[0]),
    "group_director": f.make_user(office, Role.GROUP_DIRECTOR, units[0]),
    "deputy": f.make_user(office, Role.DEPUTY_DIRECTOR),
    "director": f.make_user(office, Role.DIRECTOR),
    "plan_admin": f.make_user(
        office, Role.PLAN_ADMIN, office.units.get(standard_code=StandardGroup.PLAN)
    ),
}
for unit in units:
    unit.budget_ceiling = Decimal("500000")
    unit.save(update_fields=["budget_ceiling"])
for unit in units[1:]:  # every group has a director who sends its projects
    f.make_user(office, Role.GROUP_DIRECTOR, unit, username=f"gd-{unit.pk}")


def add_projects(count: int) -> None:
    """count projects of 2 activities x 5 lines; then walk a third to submitted, a third on."""
    start = plan.projects.count()
    made = []
    for i in range(start, start + count):
        project = f.make_project(
            plan,
            unit=units[i % len(units)],
            strategy=strategies[i % len(strategies)],
            name_th=f"โครงการพัฒนาคุณภาพการศึกษาและการบริหารจัดการ ที่ {i + 1}",
        )
        activities = Activity.objects.bulk_create(
            Activity(project=project, order=n, title_th=f"กิจกรรมที่ {n}", months=[4, 5, 6])
            for n in (1, 2)
        )
        # Every other line is a formula, 32 คน x 35 บาท x 1 มื้อ = 1,120 like the plain ones.
        formula = [(Decimal(q), u) for q, u in (("32", "คน"), ("35", "บาท"), ("1", "มื้อ"))]
        budget_services.create_lines(
            [
                (
                    BudgetLine(
                        activity=activity,
                        order=n,
                        description_th="ค่าอาหารว่างและเครื่องดื่ม",
                        category=categories[n % 3],
                        fund_source=funds[n % 3],
                        plain_amount=None if n % 2 else Decimal("1120"),
                    ),
                    formula if n % 2 else (),
                )
                for activity in activities
                for n in range(5)
            ]
        )
        QuarterAllocation.objects.bulk_create(
            QuarterAllocation(activity=activity, quarter=2, amount=Decimal("5600"))
            for activity in activities
        )
        f.make_indicator(project)
        made.append(project)
    directors = {u.org_unit_id: u for u in office.users.filter(role=Role.GROUP_DIRECTOR)}
    for n, project in enumerate(made):
        if n % 3 == 0:
            continue
        services.submit_project(project=project, by=directors[project.lead_unit_id])
        if n % 3 == 2:
            services.endorse_project(project=project, by=users["deputy"])


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def ms(times: list[float]) -> str:
    return f"{min(times) * 1000:7.1f} / {statistics.median(times) * 1000:7.1f} ms"


def alternate(page, floor, runs: int, *, before=None):
    """Call page() and floor() in turn `runs` times (before() untimed ahead of each page());
    returns (page times, floor times, queries of the last page call, its result)."""
    page_times, floor_times, queries, result = [], [], 0, None
    for _ in range(runs):
        if before is not None:
            before()
        counter = _common.QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = page()
            page_times.append(time.perf_counter() - started)
        queries = counter.count
        started = time.perf_counter()
        floor()
        floor_times.append(time.perf_counter() - started)
    return page_times, floor_times, queries, result


def ratio(page_times, floor_times) -> str:
    return f"ratio {statistics.median(page_times) / statistics.median(floor_times):4.2f}x"


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(reverse("workflow:inbox"))  # the session's once-a-minute stamp
    return client


def page_against_template(
    user, url: str, template: str, runs: int = RUNS, before=None, *, cold: bool = False
):
    """A page against its template rendered from the context the view built (captured once;
    with cold, from a request with the cache emptied)."""
    from django.core.cache import cache
    from django.test.utils import setup_test_environment, teardown_test_environment

    client = client_for(user)
    if cold:
        cache.clear()
    setup_test_environment()  # for this request only: the test client keeps its context
    try:
        response = client.get(url)
    finally:
        teardown_test_environment()
    assert response.status_code == 200, (url, response.status_code)
    context = response.context[0].flatten()  # the page template's own (the first rendered)
    request = RequestFactory().get(url)
    request.user = user
    request.session = {}

    def page():
        answer = client.get(url)
        assert answer.status_code == 200
        return answer

    def floor():
        render_to_string(template, context, request=request)

    times, floors, queries, last = alternate(page, floor, runs, before=before)
    return times, floors, queries, len(last.content)


def overview_against_floor(user, *, after_change: bool, visible: bool = False):
    """The overview against its template floor. With after_change, one project is changed
    before each request (as a save does: version and time), so the roll-up figures are worked
    out again instead of coming from the cache; with visible too, the change shows (its name:
    its strategy's table is rendered again). The floor is captured with the cache emptied: the
    template renders every table (none from the page's kept fragments)."""
    from django.db.models import F
    from django.utils import timezone

    from projects.models import Project

    victim = plan.projects.order_by("pk").values_list("pk", flat=True)[0]
    changes = iter(range(1, 10_000))

    def change():
        fields = {"name_th": f"โครงการที่แก้ไขแล้ว ครั้งที่ {next(changes)}"} if visible else {}
        Project.objects.filter(pk=victim).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )

    url = reverse("plans:plan_overview", args=[plan.pk])
    return page_against_template(
        user, url, "plans/plan_overview.html", before=change if after_change else None, cold=True
    )


def data_only():
    """The overview's data work alone: the projects and the roll-up context, no template."""
    return _common.timed(lambda i: overview_context(plan, overview_projects(plan)), RUNS).times


def approvals(runs: int = 10):
    """Approving endorsed projects through the POST, against an authenticated POST that
    writes one row; the render job is queued (database queue), not run."""
    from projects.models import Project, ProjectStatus

    endorsed = list(
        Project.objects.filter(plan=plan, status=ProjectStatus.ENDORSED).order_by("pk")[:runs]
    )
    client = client_for(users["director"])
    floor_url = reverse("workflow:notification_read")
    queue = iter(endorsed)

    def page():
        project = next(queue)
        answer = client.post(reverse("workflow:project_approve", args=[project.pk]))
        assert answer.status_code == 302
        return project

    def floor():
        assert client.post(floor_url).status_code == 302

    times, floors, queries, last = alternate(page, floor, len(endorsed))
    last.refresh_from_db()
    assert last.status == ProjectStatus.APPROVED
    return times, floors, queries


def summary_command(runs: int = 5):
    """plan_summary in-process (the cache emptied first, as in a new process) against the one
    SQL aggregate of the plan's figures."""
    import io

    from django.core.cache import cache
    from django.core.management import call_command

    from budgets import figures

    def page():
        call_command("plan_summary", office="BENCH", year=2567, stdout=io.StringIO())

    def floor():
        figures.project_figures(plan=plan)

    times, floors, queries, _ = alternate(page, floor, runs, before=cache.clear)
    return times, floors, queries


print(f"min / median of {RUNS} requests (fewer where said), each alternated with its floor;")
print("queries per request (session, user and nav included)")
rows = {}
per_project = {}
validation_ms = {}
for size in (15, 150) if OVERVIEW_ONLY else (15, 150, 600):
    add_projects(size - plan.projects.count())
    lines = BudgetLine.objects.filter(activity__project__plan=plan).count()
    admin = users["plan_admin"]
    print(f"\n{size} projects / {lines} budget lines ({load()})")
    if size <= 150:
        page, floor, overview_q, _ = overview_against_floor(admin, after_change=False)
        print(
            f"  plan overview     {ms(page)} {overview_q:3d} queries | template only {ms(floor)}"
            f" | {ratio(page, floor)} (target <= 1.3x) {load()}"
        )
        page, floor, changed_q, _ = overview_against_floor(admin, after_change=True)
        print(
            f"    after a change  {ms(page)} {changed_q:3d} queries | template only {ms(floor)}"
            f" | {ratio(page, floor)} (figures worked out again) {load()}"
        )
        page, floor, _, _ = overview_against_floor(admin, after_change=True, visible=True)
        print(
            f"    a visible change {ms(page)}             | template only {ms(floor)}"
            f" | {ratio(page, floor)} (its strategy's table rendered again) {load()}"
        )
        print(f"    the data alone (queries + roll-up, no template) {ms(data_only())}")
        if OVERVIEW_ONLY:
            continue
        dash, dash_floor, dashboard_q, _ = page_against_template(
            users["director"],
            reverse("plans:plan_dashboard", args=[plan.pk]),
            "plans/plan_dashboard.html",
        )
        print(
            f"  dashboard         {ms(dash)} {dashboard_q:3d} queries | template only "
            f"{ms(dash_floor)} | {ratio(dash, dash_floor)}"
        )
        inboxes = {}
        for role, user in users.items():
            page, floor, q, _ = page_against_template(
                user, reverse("workflow:inbox"), "workflow/inbox.html"
            )
            inboxes[role] = q
            print(
                f"  inbox {role:14s}{ms(page)} {q:3d} queries | template only {ms(floor)}"
                f" | {ratio(page, floor)}"
            )
    runs = RUNS if size <= 150 else 9
    page, floor, validation_q, size_bytes = page_against_template(
        admin, reverse("plans:plan_validation", args=[plan.pk]), "plans/plan_validation.html", runs
    )
    validation_ms[size] = (min(page) * 1000, statistics.median(page) * 1000)
    print(
        f"  validation page   {ms(page)} {validation_q:3d} queries {size_bytes / 1024:6.0f} KB"
        f" | template only {ms(floor)} | {ratio(page, floor)} (target <= 300 ms at 150,"
        f" < 500 KB) {load()}"
    )
    if size <= 150:
        rows[size] = (overview_q, changed_q, validation_q, dashboard_q, inboxes)
    if size >= 150:
        page, floor, summary_q = summary_command()
        per_project[size] = (min(page) * 1000 / size, statistics.median(page) * 1000 / size)
        print(
            f"  plan_summary      {ms(page)} {summary_q:3d} queries | one SQL aggregate "
            f"{ms(floor)} | {ratio(page, floor)} | {per_project[size][1]:.3f} ms per project "
            f"(median) {load()}"
        )
    if size == 150:
        page, floor, approve_q = approvals()
        print(
            f"  approve a project {ms(page)} {approve_q:3d} queries in the request | POST "
            f"writing one row {ms(floor)} | {ratio(page, floor)} (target <= 150 ms, <= 15 "
            f"queries) {load()}"
        )

if OVERVIEW_ONLY:
    sys.exit()
same = rows[15] == rows[150]
print(f"\nquery counts identical at 15 and 150 projects: {'yes' if same else 'NO'}")
for what, figures_of, limit in (
    ("validation page", {k: validation_ms[k] for k in (150, 600)}, "linear: <= x4 for x4 projects"),
    ("plan_summary per project", per_project, "flat: ~x1"),
):
    (min_150, med_150), (min_600, med_600) = figures_of[150], figures_of[600]
    print(
        f"{what} 150 -> 600 projects: min {min_150:.3f} -> {min_600:.3f} (x{min_600 / min_150:.2f}),"
        f" median {med_150:.3f} -> {med_600:.3f} (x{med_600 / med_150:.2f}) ({limit})"
    )
