"""Project editor and project list: server time and queries, each figure against its floor
measured alternately in the same run (A B A B ...).

Run: DEBUG=1 .venv/bin/python bench/editor_bench.py [--runs 7] [--sizes 10,40,160]

For projects of 10, 40 and 160 budget lines (4 lines per activity, 10 KPIs):

  GET    the editor page, through Django's test client (session, user, middleware, nav)
  floor  the same request stack serving the editor's own HTML, captured once, from a page
         that extends base.html (a URL registered only here): what the stack costs for a page
         of that size without building the editor
  POST   the editor's form sent back as the browser sends it (parsed from the page):
         unchanged, and with one line's description changed; against the floor of a POST
         through the same stack that answers a redirect without reading the form

and prints min / median of each with its ratio to the floor, the queries, the cost per extra
line of the GET ((t160 - t10) / 150) and the load average with every figure (timings are
inflated when the machine is shared). Then the project list with 150 projects.
"""

import argparse
import os
import statistics
import time

import _common

_common.setup_django("editor-bench")

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse, HttpResponseRedirect  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path, reverse  # noqa: E402

from actionplan import urls as root_urls  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.projects.test_editor_size import browser_post, post_as_browser  # noqa: E402

office = f.make_office("BENCH")
plan = f.make_plan(office, 2567)
f.make_strategy(plan)
planner = f.make_user(office)
client = Client()
client.force_login(planner)

# --- the floors: the same stack, nothing built ----------------------------------------------

CAPTURED: dict[str, str] = {}
FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}@@EDITOR@@{% endblock %}'
)


@login_required
def floor_page(request, key):
    """The editor's captured <main> content in base.html: session, user, nav, middleware."""
    page = FLOOR_TEMPLATE.render({}, request).replace("@@EDITOR@@", CAPTURED[key])
    return HttpResponse(page)


@login_required
def floor_post(request, key):
    """A POST through the same stack (CSRF, session, user) answered with a redirect."""
    return HttpResponseRedirect(f"/bench-floor/{key}/")


root_urls.urlpatterns += [
    path("bench-floor/<str:key>/", floor_page),
    path("bench-floor-post/<str:key>/", floor_post),
]
clear_url_caches()


def build(lines: int, kpis: int = 10, lines_per: int = 4):
    """A draft of `lines` budget lines, 4 to an activity (the last may have fewer)."""
    project = f.make_project(plan, unit=planner.org_unit)
    left = lines
    while left > 0:
        n = min(lines_per, left)
        activity = f.make_activity(project, "ประชุมเชิงปฏิบัติการ", months=[4, 5, 6])
        for _ in range(n):
            f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
        f.set_quarters(activity, 0, 1120 * n)
        left -= n
    for _ in range(kpis):
        f.make_indicator(project)
    return project


def main_content(html: str) -> str:
    start = html.index('<main id="main" tabindex="-1">') + len('<main id="main" tabindex="-1">')
    return html[start : html.rindex("</main>")]


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def once(fn):
    """(seconds, queries) of one call."""
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started, counter.count


def alternate(a, b, runs: int):
    """A B A B ...: (times of a, times of b, queries of a's last run, of b's)."""
    ta, tb, qa, qb = [], [], 0, 0
    a()
    b()  # warm up both
    for _ in range(runs):
        t, qa = once(a)
        ta.append(t)
        t, qb = once(b)
        tb.append(t)
    return ta, tb, qa, qb


def ms(times):
    return f"min {min(times) * 1000:6.1f} med {statistics.median(times) * 1000:6.1f} ms"


def load():
    return f"load {os.getloadavg()[0]:.2f}"


def ok(response, *codes):
    assert response.status_code in codes, response.status_code
    return response


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="10,40,160", help="budget lines (4 per activity)")
    parser.add_argument("--list-projects", type=int, default=150)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    get_medians = {}
    print(f"editor, {args.runs} runs each, alternately with its floor (A B A B ...)")
    for lines in sizes:
        project = build(lines)
        url = reverse("projects:project_edit", args=[project.pk])
        html = ok(client.get(url), 200).content.decode()
        key = str(project.pk)
        CAPTURED[key] = main_content(html)
        floor_url = f"/bench-floor/{key}/"
        assert len(ok(client.get(floor_url), 200).content) > 0.9 * len(html)
        ta, tb, qa, qb = alternate(
            lambda u=url: ok(client.get(u), 200),
            lambda u=floor_url: ok(client.get(u), 200),
            args.runs,
        )
        get_medians[lines] = (min(ta), statistics.median(ta))
        print(
            f"  GET  {lines:3d} lines: {ms(ta)} {qa:2d} queries | floor {ms(tb)} {qb:2d} queries"
            f" | x{statistics.median(ta) / statistics.median(tb):.1f} | {load()}"
        )
        pairs = browser_post(html)
        for label, change in (
            ("unchanged", None),
            ("one line changed", "lines-1-description_th"),
        ):
            state = {"n": 0}

            def send(u=url, change=change, state=state, pairs=pairs):
                state["n"] += 1
                data = [(k, f"ค่าอาหารว่าง รอบ {state['n']}" if k == change else v) for k, v in pairs]
                return ok(post_as_browser(client, u, data), 302)

            # the version moves on with every save: send the page's form back with the new one
            def fresh(pairs=pairs, project=project):
                from projects.models import Project

                version = str(Project.objects.get(pk=project.pk).version)
                pairs[:] = [(k, version if k == "version" else v) for k, v in pairs]

            def floor(key=key, pairs=pairs):
                return ok(
                    post_as_browser(client, f"/bench-floor-post/{key}/", pairs),
                    302,
                )

            # the version read in fresh() is not the editor's work: time the POST alone
            ta, tb, qa, qb = [], [], 0, 0
            fresh()
            send()
            floor()
            for _ in range(args.runs):
                fresh()
                t, qa = once(send)
                ta.append(t)
                t, qb = once(floor)
                tb.append(t)
            print(
                f"  POST {lines:3d} lines {label:17s}: {ms(ta)} {qa:2d} queries | floor {ms(tb)} "
                f"{qb:2d} queries | x{statistics.median(ta) / statistics.median(tb):.1f} | {load()}"
            )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        per_min = (get_medians[large][0] - get_medians[small][0]) / (large - small) * 1000
        per_med = (get_medians[large][1] - get_medians[small][1]) / (large - small) * 1000
        print(
            f"  GET cost per extra line ({small} -> {large}): {per_min:.2f} ms (min), "
            f"{per_med:.2f} ms (median) | {load()}"
        )

    while plan.projects.count() < args.list_projects:
        project = f.make_project(plan, unit=planner.org_unit)
        activity = f.make_activity(project)
        for _ in range(10):
            f.make_line(activity, "ค่าวัสดุ", amount="1000", category_code="materials")
    timing = _common.page_timing(client, reverse("projects:project_list"), 5)
    print(
        f"project list, {args.list_projects} projects / {args.list_projects * 10}+ lines: "
        f"{timing.ms:.1f} ms, {timing.queries} queries (target <= 10) | {load()}"
    )


if __name__ == "__main__":
    main()
