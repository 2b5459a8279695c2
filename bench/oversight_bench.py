#!/usr/bin/env python3
"""Issue 20: the roll-up above the offices at national size.

    python bench/oversight_bench.py --database-url postgres://postgres@127.0.0.1:5433/postgres \
        [--offices 245] [--projects 150] [--lines 10] [--runs 7]

Builds a scratch database (PostgreSQL when --database-url is given: a new database on that
server, dropped at the end; else SQLite) with OFFICES approved plans of PROJECTS projects of
LINES lines each (245 x 150 x 10 = 367,500 lines), then measures, alternately (A B A B ...):

  A  the roll-up page (/oversight/, a national user, through Django's test client)
  B  its floor: the single grouped SQL aggregate over all lines the page needs (raw cursor)

and prints min and median of each, the ratio A/B (goal <= 2) and the page's query count for a
tenth of the offices and for all of them (goal: equal). Figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402


def scratch_postgres(url: str) -> tuple[str, str]:
    name = f"oversight_bench_{uuid.uuid4().hex[:8]}"
    _common.execute_on_server(url, f'CREATE DATABASE "{name}"')
    base = url.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def drop_postgres(url: str, name: str) -> None:
    _common.execute_on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(offices: int, projects: int, lines: int):
    from actionplan.models import (
        FiscalYear,
        Office,
        OrgUnit,
        Plan,
        PlanStatus,
        Role,
        Strategy,
        User,
    )
    from budgets.models import BudgetCategory, BudgetLine, FundSource
    from oversight.models import Coverage
    from projects.models import Activity, Project, ProjectStatus

    year = FiscalYear.objects.get_or_create(year_be=2567)[0]
    categories = list(BudgetCategory.objects.all()[:3])
    fund = FundSource.objects.first()
    made = Office.objects.bulk_create(
        Office(code=f"B{n:03d}", name_th=f"สำนักงานทดสอบ {n}", short_name_th=f"สพท.{n}")
        for n in range(offices)
    )
    units = OrgUnit.objects.bulk_create(
        OrgUnit(office=o, name_th="กลุ่มนโยบายและแผน", standard_code="policy") for o in made
    )
    plans = Plan.objects.bulk_create(
        Plan(office=o, fiscal_year=year, status=PlanStatus.APPROVED) for o in made
    )
    strategies = Strategy.objects.bulk_create(
        Strategy(plan=p, number=k, title_th=f"กลยุทธ์ที่ {k}") for p in plans for k in (1, 2, 3, 4, 5)
    )
    by_plan = {}
    for s in strategies:
        by_plan.setdefault(s.plan_id, []).append(s)
    started = time.perf_counter()
    for plan, unit in zip(plans, units, strict=True):
        rows = Project.objects.bulk_create(
            Project(
                plan=plan,
                name_th=f"โครงการ {plan.pk}-{i}",
                lead_unit=unit,
                strategy=by_plan[plan.pk][i % 5],
                status=ProjectStatus.APPROVED,
            )
            for i in range(projects)
        )
        acts = Activity.objects.bulk_create(
            Activity(project=p, title_th="กิจกรรม", order=1) for p in rows
        )
        BudgetLine.objects.bulk_create(
            (
                BudgetLine(
                    activity=a,
                    order=k,
                    description_th="ค่าใช้จ่าย",
                    category=categories[k % len(categories)],
                    fund_source=fund,
                    plain_amount=1000 + k,
                    amount=1000 + k,
                )
                for a in acts
                for k in range(lines)
            ),
            batch_size=5000,
        )
    seconds = time.perf_counter() - started
    user = User.objects.create(username="obec", role=Role.OVERSIGHT)
    Coverage.objects.create(user=user, name_th="ทั่วประเทศ", is_national=True)
    tenth = User.objects.create(username="region", role=Role.OVERSIGHT)
    region = Coverage.objects.create(user=tenth, name_th="ภูมิภาค")
    region.offices.set(made[: max(1, offices // 10)])
    return user, tenth, seconds


FLOOR_SQL = """
SELECT pl.office_id, s.number, l.category_id, l.fund_source_id, SUM(l.amount)
FROM budgets_budgetline l
JOIN projects_activity a ON a.id = l.activity_id
JOIN projects_project p ON p.id = a.project_id
JOIN actionplan_plan pl ON pl.id = p.plan_id
LEFT JOIN actionplan_strategy s ON s.id = p.strategy_id
WHERE p.status = 'approved'
GROUP BY 1, 2, 3, 4
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--projects", type=int, default=150)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    name = None
    if args.database_url:
        name, url = scratch_postgres(args.database_url)
        os.environ["DATABASE_URL"] = url
        sys.path.insert(0, str(_common.ROOT))
        os.environ.update(DEBUG="1", DJANGO_SETTINGS_MODULE="actionplan.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        _common.setup_django("oversight-bench")
    try:
        return run(args)
    finally:
        if name:
            from django.db import connections

            connections.close_all()
            drop_postgres(args.database_url, name)


def run(args) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    national, regional, seconds = build(args.offices, args.projects, args.lines)
    from budgets.models import BudgetLine

    count = BudgetLine.objects.count()
    print(
        f"database: {connection.vendor}; {args.offices} offices x {args.projects} projects x "
        f"{args.lines} lines = {count:,} lines (built in {seconds:.0f} s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    client = Client()
    client.force_login(national)
    url = "/oversight/?year=2567"
    assert client.get(url).status_code == 200  # warm up

    def page():
        return client.get(url).status_code

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL)
            return len(cursor.fetchall())

    a, b = [], []
    for _ in range(args.runs):
        for fn, out in ((page, a), (floor, b)):
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    queries = []
    for user in (regional, national):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries.append(len(captured))
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"A roll-up page : min {min(a):8.1f} ms  median {statistics.median(a):8.1f} ms")
    print(f"B floor (1 SQL): min {min(b):8.1f} ms  median {statistics.median(b):8.1f} ms")
    print(
        f"ratio A/B      : min {min(a) / min(b):.2f}  median "
        f"{statistics.median(a) / statistics.median(b):.2f}  (goal <= 2)"
    )
    print(
        f"queries        : {queries[0]} for {max(1, args.offices // 10)} offices, "
        f"{queries[1]} for {args.offices} (goal: equal)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
