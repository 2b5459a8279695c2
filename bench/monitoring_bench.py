"""Quarterly monitoring: dashboard, round page, worklist, report form, .xlsx and PDF of a round.

Run: DEBUG=1 .venv/bin/python bench/monitoring_bench.py
Builds an office of 10 groups on a scratch SQLite file with 15 and then 150 approved projects
(2 activities x 5 budget lines over 3 categories, a quarterly plan and a KPI each) and four sent
rounds of results for every project (cumulative spending per activity and category, activity
states, KPI results: at 150 projects 600 reports, 3,600 spending cells). Prints the median
server time of 15 requests through the test client (session, user and nav included) and the
number of queries of each page, then the round-4 PDF through the background job: the request
that works out its version and queues it, the job laid out cold, the same request once the file
is finished (served at once), and the job again after the round is closed (chunks cached).
"""

import io
import statistics
from decimal import Decimal

import _common

_common.setup_django("monitoring-bench")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from actionplan.models import Role, StandardGroup  # noqa: E402
from budgets import services as budget_services  # noqa: E402
from budgets.models import BudgetCategory, BudgetLine, QuarterAllocation  # noqa: E402
from monitoring import services  # noqa: E402
from monitoring.models import ActualSpending  # noqa: E402
from plans.models import DisbursementTarget  # noqa: E402
from printing import tasks  # noqa: E402
from projects.models import Activity, Project, ProjectStatus  # noqa: E402
from tests import factories as f  # noqa: E402

RUNS = 15
office = f.make_office("BENCH")
plan = f.make_plan(office, 2567)
strategies = [f.make_strategy(plan, n, f"กลยุทธ์ที่ {n} เพื่อการทดสอบ") for n in range(1, 7)]
units = list(office.units.all())
categories = list(BudgetCategory.objects.order_by("order")[:3])
fund = f.fund()
users = {
    "director": f.make_user(office, Role.DIRECTOR),
    "plan_admin": f.make_user(
        office, Role.PLAN_ADMIN, office.units.get(standard_code=StandardGroup.PLAN)
    ),
    "planner": f.make_user(office, Role.PLANNER, units[0]),
}
DisbursementTarget.objects.create(
    office=office, fiscal_year=plan.fiscal_year, q1_pct=30, q2_pct=55, q3_pct=80, q4_pct=100
)


def add_projects(count: int) -> list[Project]:
    """count approved projects of 2 activities x 5 lines (11,200 บาท), half spent in Q1-Q2."""
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
            Activity(project=project, order=n, title_th=f"กิจกรรมที่ {n}", months=[n * 3, n * 3 + 1])
            for n in (1, 2)
        )
        budget_services.create_lines(
            [
                (
                    BudgetLine(
                        activity=activity,
                        order=n,
                        description_th="ค่าอาหารว่างและเครื่องดื่ม",
                        category=categories[n % 3],
                        fund_source=fund,
                        plain_amount=Decimal("1120"),
                    ),
                    (),
                )
                for activity in activities
                for n in range(5)
            ]
        )
        QuarterAllocation.objects.bulk_create(
            QuarterAllocation(activity=activity, quarter=q, amount=Decimal("2800"))
            for activity in activities
            for q in (1, 2)
        )
        f.make_indicator(project)
        made.append(project)
    Project.objects.filter(pk__in=[p.pk for p in made]).update(status=ProjectStatus.APPROVED)
    return made


def measure(user, url):
    timing = _common.page_timing(user, url, RUNS)
    return timing.ms, timing.queries


FLOOR = _common.install_stack_floor()
clients = {}


def client_of(user):
    if user.pk not in clients:
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    return clients[user.pk]


print(
    f"{RUNS} rounds: each page once per round in turn with the floor (an empty page on base.html"
    " for the same user: session, user and nav); min / median ms, ratio to the floor of the same"
    " round, queries per request"
)
counts = {}
for size in (15, 150):
    made = add_projects(size - plan.projects.count())
    f.make_reports(made, by=users["planner"])
    first = plan.projects.order_by("pk").first()
    pages = {
        "dashboard (round 4)": (
            users["director"],
            reverse("monitoring:monitoring_dashboard", args=[plan.pk]) + "?round=4",
        ),
        "round page": (users["plan_admin"], reverse("monitoring:round_detail", args=[plan.pk, 4])),
        "year-end page": (users["plan_admin"], reverse("monitoring:year_end", args=[plan.pk])),
        "group worklist": (users["planner"], reverse("monitoring:report_list") + "?year=2567"),
        "report form": (users["planner"], reverse("monitoring:report_edit", args=[first.pk, 4])),
        ".xlsx of a round": (
            users["plan_admin"],
            reverse("monitoring:round_xlsx", args=[plan.pk, 4]),
        ),
    }
    cells = ActualSpending.objects.filter(report__project__plan=plan).count()
    print(f"\n{size} projects, 4 rounds: {size * 4} reports, {cells} spending cells")
    counts[size] = {}
    print(
        f"  {'page':20s} {'min ms':>8} {'median':>8} {'x floor':>8} {'queries':>8}   ({_common.load_average()})"
    )
    for name, (user, url) in pages.items():
        series = _common.alternate_pages(client_of(user), {"floor": FLOOR, name: url}, RUNS)
        floor, page = series["floor"], series[name]
        counts[size][name] = page.queries
        ratio = statistics.median(page.ratios(floor))
        print(
            f"  {name:20s} {page.min * 1000:8.1f} {page.median * 1000:8.1f} {ratio:8.2f}"
            f" {page.queries:8d}   floor {floor.median * 1000:.1f} ms, {floor.queries} queries"
        )

same = counts[15] == counts[150]
print(f"\nquery counts identical at 15 and 150 projects: {'yes' if same else 'NO'}")

# The round-4 PDF goes through the background job, as the web serves it: the request works out
# the report's version key and queues a render (tasks.request_report_render); the worker lays it
# out (tasks.run_render, called here as db_worker would); then the same URL serves the file.
print("\nround-4 PDF, 150 projects, through the background job:")
admin_user = users["plan_admin"]


def job(label: str) -> None:
    queued = _common.timed(lambda _: tasks.request_report_render(plan=plan, number=4), 1)
    render = queued.result
    ran = _common.timed(lambda _: tasks.run_render(render.pk), 1)
    render.refresh_from_db()
    with render.file.open("rb") as handle:
        pages = len(PdfReader(io.BytesIO(handle.read())).pages)
    print(
        f"  {label:40s} request {queued.ms:7.1f} ms {queued.queries:3d} queries,"
        f" job {ran.seconds:5.2f} s ({render.message}), {pages} pages"
    )


job("cold (nothing cached)")
again = _common.timed(lambda _: tasks.request_report_render(plan=plan, number=4), 3)
print(
    f"  {'unchanged: finished render found':40s} request {again.ms:7.1f} ms {again.queries:3d} queries"
)
ms, q = measure(admin_user, reverse("print:round_pdf", args=[plan.pk, 4]))
print(f"  {'GET round_pdf, served from the render':40s} page    {ms:7.1f} ms {q:3d} queries")
services.close_report_round(plan=plan, number=4, by=admin_user)
job("after closing the round (chunks kept)")
