"""The roll-up above the offices (issue 20): approved plans only, of the covered offices only,
totals equal to the offices' own figures, queries constant in offices, an xlsx export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.models import PlanStatus, Role
from budgets.figures import summarize
from oversight.models import Coverage
from projects.models import Project, ProjectStatus
from projects.rollup import plan_projects
from tests import factories as f

pytestmark = pytest.mark.django_db


def approved_office(code, amounts, year=2567):
    office = f.make_office(code, short_name_th=f"สพป.{code}")
    plan = f.make_plan(office, year)
    strategy = f.make_strategy(plan, 1, "กลยุทธ์ที่หนึ่ง")
    for n, amount in enumerate(amounts, start=1):
        project = f.make_project(plan, name_th=f"โครงการ {code} {n}", strategy=strategy)
        activity = f.make_activity(project)
        f.make_line(activity, "ค่าใช้สอย", amount=str(amount))
        f.make_line(activity, "ค่าวัสดุ", amount="100", category_code="materials")
        Project.objects.filter(pk=project.pk).update(status=ProjectStatus.APPROVED)
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    return office, plan


def above(name):
    user = f.make_user(None, Role.OVERSIGHT, None, name)
    user.office = None  # above the offices: no office of its own
    user.save(update_fields=["office"])
    return user


def oversight_user(name, offices=(), national=False):
    user = above(name)
    coverage = Coverage.objects.create(user=user, name_th=f"พื้นที่ {name}", is_national=national)
    coverage.offices.set(offices)
    return user


def test_a_regional_user_sees_only_its_offices_with_their_own_totals(client):
    a, plan_a = approved_office("R1A", [1000, 2500])
    b, _ = approved_office("R1B", [400])
    other, _ = approved_office("R2X", [99999])
    draft_office = f.make_office("R1D")
    f.make_plan(draft_office, 2567)  # a plan still being written: never counted
    user = oversight_user("region1", [a, b, draft_office])
    client.force_login(user)
    response = client.get(reverse("oversight:index"), {"year": "2567"})
    assert response.status_code == 200
    data = response.context["data"]
    assert [row.office.code for row in data.offices] == ["R1A", "R1B"]
    own = summarize(plan_a, plan_projects(plan_a))[0].total
    assert data.offices[0].total == own == Decimal("3700.00")
    assert data.total == Decimal("4200.00") and data.projects == 3
    assert [o.code for o in data.uncovered] == ["R1D"]
    page = response.content.decode()
    assert "สพป.R1A" in page and "R2X" not in page and "99,999" not in page


def test_queries_do_not_grow_with_offices(client):
    offices = [approved_office(f"Q{n}", [100])[0] for n in range(2)]
    small = oversight_user("small", offices)
    many = [approved_office(f"M{n}", [100, 200])[0] for n in range(8)]
    large = oversight_user("large", offices + many)
    counts = []
    for user in (small, large):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("oversight:index"), {"year": "2567"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 16


def test_the_export_opens_with_the_same_figures(client):
    a, _ = approved_office("X1", [1234.5])
    client.force_login(oversight_user("exp", [a]))
    response = client.get(reverse("oversight:export"), {"year": "2567"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["สำนักงาน", "กลยุทธ์", "นโยบาย"]
    rows = list(book["สำนักงาน"].values)
    assert rows[1][:4] == ("X1", a.name_th, 1, 1334.5)


def test_office_users_and_users_without_coverage_are_refused(client, planner_a1, director_a):
    for user in (planner_a1, director_a, above("nocover")):
        client.force_login(user)
        assert client.get(reverse("oversight:index")).status_code == 403


def test_a_national_user_lands_on_the_rollup(client):
    approved_office("N1", [10])
    client.force_login(oversight_user("obec", national=True))
    assert client.get(reverse("home")).url == reverse("oversight:index")


def test_the_budget_behind_each_policy_item_counts_serving_offices(client):
    from actionplan.models import FrameworkKind, PolicyFramework, PolicyItem

    framework = PolicyFramework.objects.create(
        kind=FrameworkKind.OBEC_POLICY, title_th="นโยบาย สพฐ."
    )
    item = PolicyItem.objects.create(framework=framework, code="1", title_th="ความปลอดภัย")
    a, plan_a = approved_office("P1", [1000, 500])
    b, plan_b = approved_office("P2", [300])
    for plan in (plan_a, plan_b):
        plan.projects.order_by("pk").first().alignments.add(item)
    client.force_login(oversight_user("pol", [a, b]))
    data = client.get(reverse("oversight:index"), {"year": "2567"}).context["data"]
    assert [(p.pk, total, n) for p, total, n in data.policies] == [
        (item.pk, Decimal("1500.00"), 2)  # 1000 + 100 materials, and 300 + 100
    ]
