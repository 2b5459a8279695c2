"""Plan overview (roll-up), validation page, dashboard and inboxes: server time and queries.

Run: DEBUG=1 .venv/bin/python bench/plan_bench.py
Builds an office of 10 groups on a scratch SQLite file with 15 and then 150 projects (10 budget
lines, half of them 3-factor formulas, a quarterly plan and a KPI each: 1,500 lines and 2,250
factors at 150), a third of them submitted and a third endorsed through the workflow services.
Prints for each page the median server time of 15 requests through the test client (session,
user and nav included) and the number of queries. For the overview, also the time of rendering
the same template with the data already in memory (the floor) and the ratio to it, timed
alternately with the requests; once as pages are usually seen (the roll-up figures of unchanged
projects come from the cache) and once with a project changed before every request (the
figures worked out again from the lines: the first view after any save).
"""

import statistics
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


def measure(user, url):
    timing = _common.page_timing(user, url, RUNS)
    return timing.ms, timing.queries


def data_only():
    """The view's data work alone: the projects and the roll-up context, no template."""
    return _common.timed(lambda i: overview_context(plan, overview_projects(plan)), RUNS).ms


def overview_against_floor(user, *, after_change: bool):
    """The overview request and the template floor (the template rendered from a context built
    beforehand: no view, no ORM for the data; the nav's unread count is the one query left),
    timed alternately so that a busy machine slows both alike. With after_change, one project
    is changed before each request (as a save does: version and time), so the roll-up figures
    are worked out again instead of coming from the cache. Returns the medians (ms) and the
    queries of the last request."""
    from django.db.models import F
    from django.test import Client
    from django.utils import timezone

    from projects.models import Project

    client = Client()
    client.force_login(user)
    url = reverse("plans:plan_overview", args=[plan.pk])
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    context = overview_context(plan, overview_projects(plan))
    context["split"] = False
    client.get(url)
    render_to_string("plans/plan_overview.html", context, request=request)
    victim = plan.projects.order_by("pk").values_list("pk", flat=True)[0]
    page, floor, queries = [], [], 0
    for _ in range(RUNS):
        if after_change:
            Project.objects.filter(pk=victim).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
        counter = _common.QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(url)
            page.append(time.perf_counter() - started)
        assert response.status_code == 200
        queries = counter.count
        started = time.perf_counter()
        render_to_string("plans/plan_overview.html", context, request=request)
        floor.append(time.perf_counter() - started)
    return statistics.median(page) * 1000, statistics.median(floor) * 1000, queries


print(f"median of {RUNS} requests; queries per request (session, user and nav included)")
rows = {}
for size in (15, 150):
    add_projects(size - plan.projects.count())
    lines = BudgetLine.objects.filter(activity__project__plan=plan).count()
    admin = users["plan_admin"]
    overview_ms, floor_ms, overview_q = overview_against_floor(admin, after_change=False)
    changed_ms, changed_floor_ms, changed_q = overview_against_floor(admin, after_change=True)
    data_ms = data_only()
    validation = measure(admin, reverse("plans:plan_validation", args=[plan.pk]))
    dashboard = measure(users["director"], reverse("plans:plan_dashboard", args=[plan.pk]))
    inboxes = {role: measure(user, reverse("workflow:inbox")) for role, user in users.items()}
    rows[size] = (
        overview_q,
        changed_q,
        validation[1],
        dashboard[1],
        {r: q for r, (_, q) in inboxes.items()},
    )
    print(f"\n{size} projects / {lines} budget lines")
    print(
        f"  plan overview     {overview_ms:7.1f} ms {overview_q:3d} queries | template only "
        f"{floor_ms:6.1f} ms | ratio {overview_ms / floor_ms:4.2f}x (target <= 1.5x, <= 10 queries)"
    )
    print(
        f"    after a change  {changed_ms:7.1f} ms {changed_q:3d} queries | template only "
        f"{changed_floor_ms:6.1f} ms | ratio {changed_ms / changed_floor_ms:4.2f}x "
        "(figures worked out again)"
    )
    print(f"    the data alone (queries + roll-up, no template) {data_ms:6.1f} ms")
    print(f"  validation page   {validation[0]:7.1f} ms {validation[1]:3d} queries")
    print(f"  dashboard         {dashboard[0]:7.1f} ms {dashboard[1]:3d} queries")
    for role, (ms, q) in inboxes.items():
        print(f"  inbox {role:14s}{ms:7.1f} ms {q:3d} queries")

same = rows[15] == rows[150]
print(f"\nquery counts identical at 15 and 150 projects: {'yes' if same else 'NO'}")
