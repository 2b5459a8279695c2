"""Project editor and project list: server time and query count at two sizes.

Run: DEBUG=1 .venv/bin/python bench/editor_bench.py
Prints, for the editor GET and POST with 10 activities / 40 lines / 10 KPIs and with twice
that, the median server time and the number of queries; and the project list with 150 projects.
"""

import _common

_common.setup_django("editor-bench")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests import factories as f  # noqa: E402
from tests.projects.test_views import editor_post  # noqa: E402

office = f.make_office("BENCH")
plan = f.make_plan(office, 2567)
f.make_strategy(plan)
planner = f.make_user(office)
client = Client()
client.force_login(planner)


def build(activities: int, lines_per: int, kpis: int):
    project = f.make_project(plan, unit=planner.org_unit)
    for _ in range(activities):
        activity = f.make_activity(project, "ประชุมเชิงปฏิบัติการ", months=[4, 5, 6])
        for _ in range(lines_per):
            f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
        f.set_quarters(activity, 0, 1120 * lines_per)
    for _ in range(kpis):
        f.make_indicator(project)
    return project


def post_data(project):
    """The editor's own form, as a browser would send it back unchanged."""
    project = f.reload_project(project)
    activities = []
    for activity in project.activities.all():
        lines = [
            {
                "id": line.pk,
                "description_th": line.description_th,
                "formula": line.formula_text,
                "category": line.category_id,
                "fund_source": line.fund_source_id,
            }
            for line in activity.budget_lines.all()
        ]
        activities.append(
            (
                {
                    "id": activity.pk,
                    "title_th": activity.title_th,
                    "q2": str(activity.quarter_total()),
                },
                lines,
            )
        )
    indicators = [
        {
            "id": k.pk,
            "result_level": "output",
            "measure_type": "quantitative",
            "text_th": k.text_th,
            "comparator": "gte",
            "target_value": "80",
            "target_unit_th": "ร้อยละ",
        }
        for k in project.indicators.all()
    ]
    return editor_post(
        project,
        strategy=project.strategy_id,
        activities=activities,
        indicators=indicators,
        start_date="2023-10-01",
        end_date="2024-09-30",
    )


def measure(method, url, data_fn=None, runs=5):
    timing = _common.page_timing(client, url, runs, method=method, prepare=data_fn)
    return timing.ms, timing.queries


print("editor (server time, median of 5; queries per request)")
for label, size in (
    ("10 activities / 40 lines / 10 KPIs", (10, 4, 10)),
    ("20 activities / 80 lines / 20 KPIs", (20, 4, 20)),
):
    project = build(*size)
    url = reverse("projects:project_edit", args=[project.pk])
    get_ms, get_q = measure("get", url)
    post_ms, post_q = measure("post", url, lambda p=project: post_data(p))
    print(
        f"  {label:38s} GET {get_ms:7.1f} ms {get_q:3d} queries | POST {post_ms:7.1f} ms {post_q:3d} queries"
    )

while plan.projects.count() < 150:
    project = f.make_project(plan, unit=planner.org_unit)
    activity = f.make_activity(project)
    for _ in range(10):
        f.make_line(activity, "ค่าวัสดุ", amount="1000", category_code="materials")
list_ms, list_q = measure("get", reverse("projects:project_list"))
print(
    f"project list, 150 projects / 1,500+ lines: {list_ms:.1f} ms, {list_q} queries (target <= 10)"
)
