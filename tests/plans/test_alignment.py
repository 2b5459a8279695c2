"""Policy alignment (สนอง) end to end: the editor offers the items of every framework the office
follows in the plan's year (with a text filter), the saved alignment shows in the overview's
matrix with the budget behind each item, in the book's source text, and the validation page
warns about the items no project serves and those served only by projects without budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import FrameworkKind, OfficeFramework, PolicyFramework, PolicyItem
from printing import book
from projects.models import Project
from tests import factories as f
from tests.projects.test_views import ex01_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(office_a):
    plan = f.make_plan(office_a, 2566)
    f.make_strategy(plan, 5, "พัฒนาประสิทธิภาพการบริหารจัดการ")
    return plan


@pytest.fixture
def items(office_a):
    quick = PolicyFramework.objects.create(
        kind=FrameworkKind.OBEC_QUICK_WIN, title_th="นโยบายระยะเร่งด่วน สพฐ. ทดสอบ", order=1
    )
    own = PolicyFramework.objects.create(
        office=office_a, kind=FrameworkKind.ESA_POLICY, title_th="จุดเน้น สพท. ทดสอบ", order=2
    )
    off = PolicyFramework.objects.create(kind=FrameworkKind.OTHER, title_th="กรอบที่ไม่ยึดถือ")
    OfficeFramework.objects.create(office=office_a, framework=off, follows=False)
    later = PolicyFramework.objects.create(
        kind=FrameworkKind.OTHER, title_th="กรอบของปีหน้า", period_start_be=2570
    )

    def item(framework, code, title, parent=None):
        return PolicyItem.objects.create(
            framework=framework, code=code, title_th=title, parent=parent, order=int(code[-1])
        )

    parent = item(quick, "ข้อ 1", "ความปลอดภัยของผู้เรียน")
    return {
        "served": item(quick, "ข้อ 1.1", "โรงเรียนปลอดภัยทดสอบ", parent),
        "free": item(quick, "ข้อ 2", "ลดภาระครูทดสอบ"),
        "none": item(quick, "ข้อ 3", "แก้ปัญหาเด็กตกหล่นทดสอบ"),
        "own": item(own, "ข้อ 1", "ระบบประกันคุณภาพทดสอบ"),
        "off": item(off, "ข้อ 1", "ข้อที่ไม่ยึดถือทดสอบ"),
        "later": item(later, "ข้อ 1", "ข้อของปีหน้าทดสอบ"),
        "parent": parent,
    }


def test_alignment_from_the_editor_to_the_matrix_the_warnings_and_the_book(
    client, plan, items, planner_a1, plan_admin_a
):
    client.force_login(planner_a1)
    url = reverse("projects:project_create", args=[plan.pk])
    editor = client.get(url).content.decode()
    for key in ("served", "free", "none", "own"):
        assert items[key].title_th in editor
    assert items["off"].title_th not in editor and items["later"].title_th not in editor
    assert 'data-filter-list="alignment-list"' in editor and "js/filter-list.js" in editor

    data = ex01_post(plan, alignments=[items["served"].pk, items["own"].pk])
    response = client.post(url, data)
    assert response.status_code == 302
    project = Project.objects.get(plan=plan)
    assert set(project.alignments.all()) == {items["served"], items["own"]}
    free = f.make_project(plan, name_th="โครงการไม่ใช้งบประมาณ")
    free.alignments.add(items["free"])

    client.force_login(plan_admin_a)
    overview = client.get(reverse("plans:plan_overview", args=[plan.pk]))
    rows = {row.item.pk: row for row in overview.context["matrix"].rows()}
    assert rows[items["served"].pk].bucket.total == Decimal("6820.00")
    assert rows[items["own"].pk].bucket.total == Decimal("6820.00")
    assert [p.pk for p in rows[items["served"].pk].projects] == [project.pk]
    assert rows[items["parent"].pk].covered  # served through its child
    assert rows[items["free"].pk].covered and not rows[items["free"].pk].funded
    assert not rows[items["none"].pk].covered
    assert items["off"].pk not in rows and items["later"].pk not in rows
    page = overview.content.decode()
    assert 'id="alignment-title"' in page and "6,820.00" in page

    validation = client.get(reverse("plans:plan_validation", args=[plan.pk]))
    uncovered = {row.item.pk for row in validation.context["uncovered"]}
    unfunded = {row.item.pk for row in validation.context["unfunded"]}
    assert items["none"].pk in uncovered and items["served"].pk not in uncovered
    assert items["parent"].pk not in uncovered
    assert unfunded == {items["free"].pk}
    text = validation.content.decode()
    assert "ยังไม่มีโครงการสนอง “ข้อ 3 แก้ปัญหาเด็กตกหล่นทดสอบ”" in text
    assert "“ข้อ 2 ลดภาระครูทดสอบ” มีเฉพาะโครงการที่ไม่ได้ใช้งบประมาณสนอง" in text

    html = "".join(c["html"] for c in book.book_source(plan)["chunks"])
    # the project document's ความสอดคล้อง row (Thai digits in print)
    assert "นโยบายระยะเร่งด่วน สพฐ. ทดสอบ: ข้อ ๑.๑ โรงเรียนปลอดภัยทดสอบ" in html
    assert "จุดเน้น สพท. ทดสอบ: ข้อ ๑ ระบบประกันคุณภาพทดสอบ" in html


def test_the_matrix_costs_the_same_queries_at_two_sizes(client, plan, items, plan_admin_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n):
        for _ in range(n):
            p = f.make_project(plan, name_th=f"โครงการ {plan.projects.count()}")
            p.alignments.add(items["served"], items["own"])
        client.force_login(plan_admin_a)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("plans:plan_validation", args=[plan.pk]))
        return len(ctx)

    assert count(2) == count(6)


def test_the_followed_items_are_those_of_the_framework_query(items, office_a, office_b):
    """plans.alignment reads the followed items in plain SQL and chooses them itself: the same
    items, frameworks and order as PolicyFramework.objects.followed_by(...).applies_to(...)."""
    from plans.alignment import followed_items

    PolicyItem.objects.filter(pk=items["none"].pk).update(is_active=False)
    closed = PolicyFramework.objects.create(title_th="กรอบที่ปิดแล้ว", is_active=False)
    PolicyItem.objects.create(framework=closed, code="ข้อ 1", title_th="ข้อของกรอบที่ปิด")
    other = PolicyFramework.objects.create(office=office_b, title_th="กรอบของเขตอื่น", order=0)
    PolicyItem.objects.create(framework=other, code="ข้อ 1", title_th="ข้อของเขตอื่น")

    def shown(found):
        return [
            (i.pk, i.framework_id, i.framework.title_th, i.framework.order, i.code, i.title_th)
            + (i.parent_id, i.order, i.is_active, i.framework.is_active)
            for i in found
        ]

    for office in (office_a, office_b):
        for year in (2566, 2570):
            expected = (
                PolicyItem.objects.filter(
                    framework__in=PolicyFramework.objects.followed_by(office).applies_to(year),
                    is_active=True,
                )
                .select_related("framework")
                .order_by("framework__order", "framework_id", "order", "pk")
            )
            assert shown(followed_items(office, year)) == shown(expected), (office, year)
    assert {i.title_th for i in followed_items(office_a, 2570)} >= {"ข้อของปีหน้าทดสอบ"}
