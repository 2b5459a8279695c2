"""plan_summary computes every total from the model (EX-01, EX-02, EX-03, EX-10, EX-11)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actionplan.models import StandardGroup
from tests import factories as f

pytestmark = pytest.mark.django_db


def summary(office, year):
    out = StringIO()
    call_command("plan_summary", office=office, year=year, json=True, stdout=out)
    return json.loads(out.getvalue())


def test_ex10_older_template_totals_53600_by_category():
    # Seed 002: lunch 100x200x2, snacks 100x50x2 (ค่าใช้สอย), speakers 3x600x2 (ค่าตอบแทน).
    office = f.make_office("PTL2X")
    plan = f.make_plan(office, 2558)
    project = f.make_project(plan, unit=f.group(office, StandardGroup.SUPERV))
    activity = f.make_activity(project, "ประชุมผู้บริหารสถานศึกษา")
    f.make_line(activity, "ค่าอาหารกลางวัน", "=100x200X2")
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "=100x50X2")
    f.make_line(activity, "ค่าตอบแทนวิทยากร", "=3 x600X2", category_code="compensation")
    data = summary("PTL2X", 2558)
    assert data["plan_total"] == "53600.00"
    assert {c["name"]: c["total"] for c in data["categories"]} == {
        "ค่าตอบแทน": "3600.00",
        "ค่าใช้สอย": "50000.00",
    }
    assert data["groups"] == [
        {"name": "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา", "projects": 1, "total": "53600.00"}
    ]


def test_the_text_report_names_the_plan_total(capsys):
    office = f.make_office("TXT")
    plan = f.make_plan(office, 2567)
    activity = f.make_activity(f.make_project(plan))
    f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials")
    out = StringIO()
    call_command("plan_summary", office="TXT", year=2567, stdout=out)
    assert "งบประมาณรวมทั้งแผน 1,500.00 บาท (1 โครงการ)" in out.getvalue()


def test_an_unknown_plan_is_a_clear_error():
    with pytest.raises(CommandError, match="ไม่พบแผน"):
        call_command("plan_summary", office="NOPE", year=2566, json=True)


def test_sql_sum_of_plain_amounts_equals_the_python_total():
    """Conventions: where SQL sums money, it must agree with Python (SQLite returns floats-ish)."""
    from django.db.models import Sum

    from budgets.models import BudgetLine
    from budgets.money import quantize

    plan = f.make_plan()
    activity = f.make_activity(f.make_project(plan))
    for amount in ("0.10", "0.20", "1234.565", "0.005"):
        f.make_line(activity, "ค่าวัสดุ", amount=amount, category_code="materials")
    sql = quantize(
        BudgetLine.objects.filter(activity__project__plan=plan).aggregate(s=Sum("plain_amount"))[
            "s"
        ]
    )
    python = f.reload_project(activity.project).budget_total()
    assert sql == python
