"""Monitoring fixtures: approved projects with a known plan, and a helper that records the four
worked rounds of spending through the services (the figures of test_figures.py).

The "worked project" (FY 2567, 52,000 บาท):
  activity 1 "ประชุมคณะทำงาน" (ต.ค.-พ.ย.): ค่าใช้สอย 10,000 + ค่าวัสดุ 2,000, all planned in Q1
  activity 2 "อบรมครู" (ก.พ.-พ.ค.): ค่าตอบแทน 8,000 + ค่าใช้สอย 32,000, planned 20,000 in Q2 and Q3
  planned cumulative: 12,000 / 32,000 / 52,000 / 52,000
  reported cumulative: 10,500 / 28,000 / 50,000 / 51,250 (per quarter 10,500 / 17,500 / 22,000 / 1,250)
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from actionplan.models import Role, StandardGroup
from monitoring import services
from projects.models import Project, ProjectStatus
from tests import factories as f

# (activity index, category code) -> cumulative amount reported at rounds 1..4
WORKED_SPENDING = {
    (0, "services"): ["9000", "9000", "10000", "10000"],
    (0, "materials"): ["1500", "1500", "1500", "1500"],
    (1, "compensation"): ["0", "4000", "8000", "8000"],
    (1, "services"): ["0", "13500", "30500", "31750"],
}
WORKED_TOTALS = [Decimal("10500"), Decimal("28000"), Decimal("50000"), Decimal("51250")]
WORKED_PLANNED = [Decimal("12000"), Decimal("32000"), Decimal("52000"), Decimal("52000")]


def approve(project: Project) -> Project:
    """Mark a project approved (the workflow is tested elsewhere; monitoring starts here)."""
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.APPROVED)
    project.refresh_from_db()
    return project


def worked_project(plan, unit=None, strategy=None, name_th="โครงการติดตามผลทดสอบ") -> Project:
    project = f.make_project(plan, unit=unit, strategy=strategy, name_th=name_th)
    meeting = f.make_activity(project, "ประชุมคณะทำงาน", months=[1, 2])
    f.make_line(meeting, "ค่าอาหารว่าง", amount="10000", category_code="services")
    f.make_line(meeting, "ค่าวัสดุ", amount="2000", category_code="materials")
    f.set_quarters(meeting, 12000)
    training = f.make_activity(project, "อบรมครู", months=[5, 6, 7, 8])
    f.make_line(training, "ค่าตอบแทนวิทยากร", amount="8000", category_code="compensation")
    f.make_line(training, "ค่าอาหาร", amount="32000", category_code="services")
    f.set_quarters(training, 0, 20000, 20000)
    f.make_indicator(project, "ร้อยละของครูที่ผ่านการอบรม", target_value=Decimal("80"))
    f.make_indicator(
        project,
        "มีรายงานสรุปผลการประชุม",
        comparator="text",
        target_value=None,
        target_unit_th="",
        target_text_th="รายงาน 1 เล่ม",
    )
    return approve(project)


def entry(project: Project, number: int, *, kpi=None, states=None, problems="", **overrides):
    """The report of round `number` with the worked spending (overrides by (index, code))."""
    activities = list(project.activities.order_by("order", "pk"))
    indicators = list(project.indicators.order_by("order", "pk"))
    spending = {}
    for (index, code), amounts in WORKED_SPENDING.items():
        value = overrides.get(f"{index}_{code}", amounts[number - 1])
        spending[(activities[index].pk, f.category(code).pk)] = Decimal(value)
    default_states = ["done", "in_progress" if number < 3 else "done"]
    return services.ReportEntry(
        problems=problems,
        suggestions="",
        states={a.pk: ((states or default_states)[i], "") for i, a in enumerate(activities)},
        spending=spending,
        results={
            indicators[0].pk: (Decimal(kpi) if kpi is not None else None, "", None, ""),
            indicators[1].pk: (None, "ส่งรายงานแล้ว", True, ""),
        },
    )


def report_round(project, number: int, by, *, submit=True, **kwargs):
    """Record (and by default send) the worked report of one round through the services."""
    report = services.save_project_report(
        project=project, number=number, entry=entry(project, number, **kwargs), by=by
    )
    if submit:
        report = services.submit_project_report(report=report, by=by)
    return report


@pytest.fixture
def group_director_a1(office_a):
    return f.make_user(
        office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN), "gd_a1"
    )


@pytest.fixture
def worked(plan_a, office_a):
    return worked_project(plan_a, unit=f.group(office_a, StandardGroup.ADMIN))
