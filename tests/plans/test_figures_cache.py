"""The roll-up figures (budgets.figures, database aggregates of the stored line amounts, no
cache: docs/decisions/money-path.md) are never stale: every way a project's amounts change
shows on the next page, reference-data names are read fresh, and nothing computed inside a
transaction that may roll back is kept.

Transactional tests: the pages run outside any transaction, as in production (the ordinary
`db` tests run every request inside a rolled-back transaction).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from budgets import figures, services
from budgets.models import BudgetCategory, BudgetLine
from plans.views import overview_projects
from projects.models import Project
from tests import factories as f
from tests.projects.test_views import ex01_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def office(transactional_db):
    return f.make_office("C")


@pytest.fixture
def plan(office):
    return f.make_plan(office, 2566)


@pytest.fixture
def planner(office):
    return f.make_user(office, Role.PLANNER, f.group(office, StandardGroup.ADMIN), "planner_c")


@pytest.fixture
def plan_admin(office):
    return f.make_user(office, Role.PLAN_ADMIN, f.group(office, StandardGroup.PLAN), "admin_c")


def overview(client, user, plan) -> str:
    client.force_login(user)
    response = client.get(reverse("plans:plan_overview", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def total(plan) -> Decimal:
    summary, _, _ = figures.summarize(plan, overview_projects(plan))
    return summary.total


def test_an_editor_save_shows_on_the_next_overview(client, plan, planner, plan_admin):
    client.force_login(planner)
    response = client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
    assert response.status_code == 302
    project = Project.objects.get(plan=plan)
    assert "6,820.00" in overview(client, plan_admin, plan)
    assert "6,820.00" in overview(client, plan_admin, plan)  # served from the cache

    data = ex01_post(plan, project)
    data["lines-0-formula"] = "40 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"  # 1,120 -> 1,400
    data["activities-0-q3"] = "7,100"  # the quarterly plan follows
    client.force_login(planner)
    response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = overview(client, plan_admin, plan)
    assert "7,100.00" in page and "6,820.00" not in page


def test_an_admin_edit_of_a_line_shows_on_the_next_overview(client, plan, office, plan_admin):
    project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN))
    activity = f.make_activity(project)
    line = f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials")
    assert total(plan) == Decimal("1500.00")
    assert total(plan) == Decimal("1500.00")  # cached

    client.force_login(f.make_superuser(office, "root_c"))
    response = f.admin_line_change(client, line, "2000")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert total(plan) == Decimal("2000.00")


def test_reference_names_are_read_fresh(client, plan, office, plan_admin):
    project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN))
    f.make_line(f.make_activity(project), "ค่าวัสดุ", amount="1500", category_code="materials")
    summary, _, _ = figures.summarize(plan, overview_projects(plan))
    assert [b.label for b in summary.categories] == ["ค่าวัสดุ"]
    BudgetCategory.objects.filter(code="materials").update(name_th="ค่าวัสดุและครุภัณฑ์")
    summary, _, _ = figures.summarize(plan, overview_projects(plan))  # figures from the cache
    assert [b.label for b in summary.categories] == ["ค่าวัสดุและครุภัณฑ์"]


def test_nothing_is_kept_from_inside_a_transaction(plan, office):
    """An import preview works inside a transaction it rolls back: what it saw must neither
    come from nor go into the cache (its project versions may be reused by a later save)."""
    project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN))
    activity = f.make_activity(project)
    f.make_line(activity, "ค่าวัสดุ", amount="1500")
    assert total(plan) == Decimal("1500.00")  # cached outside
    with transaction.atomic():
        f.make_line(activity, "ค่าอาหาร", amount="700")  # same project version
        assert total(plan) == Decimal("2200.00")  # not the cached 1,500
        transaction.set_rollback(True)
    assert BudgetLine.objects.count() == 1
    assert total(plan) == Decimal("1500.00")


def test_after_a_change_the_figures_are_one_aggregate_query(plan, office):
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    lines = []
    for n in range(4):
        project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN), name_th=f"ก{n}")
        lines.append(f.make_line(f.make_activity(project), "ค่าวัสดุ", amount="1000"))
    assert total(plan) == Decimal("4000.00")
    changed = lines[2]
    services.set_line(changed, plain_amount=Decimal("2500"))
    Project.objects.filter(pk=changed.activity.project_id).update(version=F("version") + 1)
    with CaptureQueriesContext(connection) as queries:
        assert total(plan) == Decimal("5500.00")
    read = [q["sql"] for q in queries.captured_queries if "budgetline" in q["sql"].lower()]
    assert len(read) == 1 and "SUM" in read[0].upper() and "factor" not in read[0].lower(), read


def test_an_admin_delete_of_a_line_shows_on_the_next_overview(client, plan, office):
    project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN))
    activity = f.make_activity(project)
    f.make_line(activity, "ค่าวัสดุ", amount="1500")
    extra = f.make_line(activity, "ค่าอาหาร", amount="700")
    assert total(plan) == Decimal("2200.00")  # cached
    client.force_login(f.make_superuser(office, "root_d"))
    response = client.post(
        reverse("admin:budgets_budgetline_delete", args=[extra.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not BudgetLine.objects.filter(pk=extra.pk).exists()
    assert total(plan) == Decimal("1500.00")


def test_an_unchanged_plan_is_read_from_the_cache_and_a_change_reads_only_its_project(plan, office):
    """The cache bench/plan_bench.py keeps (docs/decisions/money-path.md): a repeat view reads
    no budget line; after one project changed only its lines are aggregated again."""
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    lines = []
    for n in range(4):
        project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN), name_th=f"ข{n}")
        lines.append(f.make_line(f.make_activity(project), "ค่าวัสดุ", amount="1000"))
    assert total(plan) == Decimal("4000.00")
    with CaptureQueriesContext(connection) as queries:
        assert total(plan) == Decimal("4000.00")
    assert not [q for q in queries.captured_queries if "budgetline" in q["sql"].lower()]
    changed = lines[1]
    services.set_line(changed, plain_amount=Decimal("1250"))
    Project.objects.filter(pk=changed.activity.project_id).update(version=F("version") + 1)
    with CaptureQueriesContext(connection) as queries:
        assert total(plan) == Decimal("4250.00")
    read = [q["sql"] for q in queries.captured_queries if "budgetline" in q["sql"].lower()]
    assert len(read) == 1 and f"IN ({changed.activity.project_id})" in read[0], read
