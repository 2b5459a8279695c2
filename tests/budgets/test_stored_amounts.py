"""A line's stored amount equals the one derived from its factors or plain amount after every
write path (factories/demo/import through budgets.services, the editor, the admin, copy
forward), over seeded random lines; `verify_amounts` reports and fixes any difference.

hypothesis is not installed here, so the lines are drawn by a seeded random generator."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from budgets.models import BudgetLine
from projects import services as project_services
from projects.models import Project
from tests import factories as f
from tests.imports import workbooks as wb
from tests.projects.test_views import ex01_post

pytestmark = pytest.mark.django_db

SEED = 20261203


def quantity(rng: random.Random) -> str:
    """0 to 999.99 with 0, 1 or 2 decimals (products that round at .005 included)."""
    whole = rng.randint(0, 999)
    return rng.choice(
        [f"{whole}", f"{whole}.{rng.randint(0, 9)}", f"{whole}.{rng.randint(0, 99):02d}"]
    )


def random_formula(rng: random.Random) -> str:
    units = ["คน", "บาท", "มื้อ", "วัน", "ครั้ง"]
    rng.shuffle(units)
    return " x ".join(f"{quantity(rng)} {unit}" for unit in units[: rng.randint(1, 4)])


def assert_stored_equals_derived():
    lines = list(BudgetLine.objects.prefetch_related("factors"))
    assert lines
    assert [(ln.pk, ln.amount) for ln in lines] == [(ln.pk, ln.derived_amount()) for ln in lines]


@pytest.fixture
def office():
    return f.make_office("RND")


@pytest.fixture
def plan(office):
    return f.make_plan(office, 2567)


@pytest.fixture
def planner(office):
    return f.make_user(office, Role.PLANNER, f.group(office, StandardGroup.ADMIN), "planner_rnd")


def random_lines(plan, office, rng, count=40):
    project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN))
    activity = f.make_activity(project)
    for n in range(count):
        kind = rng.random()
        if kind < 0.5:
            f.make_line(activity, f"รายการ {n}", random_formula(rng))
        elif kind < 0.9:
            f.make_line(activity, f"รายการ {n}", amount=quantity(rng))
        else:
            f.make_line(activity, f"รายการ {n}")  # neither: zero
    return project


def test_lines_written_through_the_service_store_their_derived_amount(plan, office):
    random_lines(plan, office, random.Random(SEED))
    assert_stored_equals_derived()
    call_command("verify_amounts")  # exit 0


def test_copy_forward_keeps_stored_equal_to_derived(plan, office, planner):
    source = random_lines(plan, office, random.Random(SEED + 1))
    next_plan = f.make_plan(office, 2568)
    copy = project_services.copy_project(
        source=source, plan=next_plan, strategy=f.make_strategy(next_plan), by=planner
    )
    assert BudgetLine.objects.filter(activity__project=copy).count() == 40
    assert_stored_equals_derived()


def test_editor_saves_keep_stored_equal_to_derived(client, plan, planner):
    rng = random.Random(SEED + 2)
    client.force_login(planner)
    response = client.post(reverse("projects:project_create", args=[plan.pk]), ex01_post(plan))
    assert response.status_code == 302
    project = Project.objects.get(plan=plan)
    for _ in range(5):
        data = ex01_post(plan, project)
        data["lines-0-formula"] = random_formula(rng)
        data["lines-1-formula"] = ""
        data["lines-1-plain_amount"] = quantity(rng)
        response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        project.refresh_from_db()
        assert_stored_equals_derived()


def test_admin_edits_keep_stored_equal_to_derived(client, plan, office):
    rng = random.Random(SEED + 3)
    project = f.make_project(plan, unit=f.group(office, StandardGroup.ADMIN))
    line = f.make_line(f.make_activity(project), "ค่าวัสดุ", random_formula(rng))
    client.force_login(f.make_superuser(office, "root_rnd"))
    for _ in range(3):
        plain = quantity(rng)
        q1, q2 = quantity(rng), quantity(rng)
        factors = list(line.factors.order_by("order"))
        data = {
            "activity": line.activity_id,
            "order": line.order,
            "description_th": "ค่าวัสดุ",
            "category": line.category_id,
            "fund_source": line.fund_source_id,
            "plain_amount": plain,
            "formula_note_th": "",
            "factors-TOTAL_FORMS": len(factors) + 2,
            "factors-INITIAL_FORMS": len(factors),
        }
        for i, factor in enumerate(factors):  # the old factors are deleted
            data |= {
                f"factors-{i}-id": factor.pk,
                f"factors-{i}-line": line.pk,
                f"factors-{i}-order": factor.order,
                f"factors-{i}-quantity": factor.quantity,
                f"factors-{i}-unit_th": factor.unit_th,
                f"factors-{i}-DELETE": "on",
            }
        for i, q in enumerate((q1, q2), start=len(factors)):
            data |= {
                f"factors-{i}-line": line.pk,
                f"factors-{i}-order": i,
                f"factors-{i}-quantity": q,
                f"factors-{i}-unit_th": "หน่วย",
            }
        response = client.post(reverse("admin:budgets_budgetline_change", args=[line.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        line.refresh_from_db()
        assert line.factors.count() == 2
        assert_stored_equals_derived()
    # and the plain amount alone once the factors are gone
    BudgetLine.objects.get(pk=line.pk).factors.all().delete()
    call_command("verify_amounts", "--fix")
    assert_stored_equals_derived()


def test_an_import_stores_derived_amounts():
    from imports import services as import_services

    office = f.make_office("YST2")
    report = import_services.run_import(
        name="seed.xlsx",
        data=wb.workbook(wb.strategy6_summary),
        office=office,
        year_be=2563,
        commit=True,
    )
    assert report.ok and report.committed
    assert_stored_equals_derived()


def test_verify_amounts_reports_and_fixes_a_difference(plan, office, capsys):
    random_lines(plan, office, random.Random(SEED + 4), count=5)
    line = BudgetLine.objects.order_by("pk").first()
    BudgetLine.objects.filter(pk=line.pk).update(amount=Decimal("1.23"))  # a write around it
    with pytest.raises(CommandError) as failed:
        call_command("verify_amounts")
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert f"line {line.pk}" in out and "stored 1.23" in out and "RND" in out
    call_command("verify_amounts", "--fix")
    call_command("verify_amounts")
    assert_stored_equals_derived()
