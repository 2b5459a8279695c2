"""The office-wide plan pages: per-strategy roll-up tables with the generated sentence, totals and
ceilings, the validation page, the SVG dashboard with disbursement targets, and the inboxes;
each page costs the same number of queries at two sizes."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Role, StandardGroup
from budgets import figures
from plans.models import DisbursementTarget
from projects.models import Project, ProjectStatus
from tests import factories as f
from workflow import services

pytestmark = pytest.mark.django_db

GROUPS = [StandardGroup.ADMIN, StandardGroup.PLAN, StandardGroup.FIN]


def add_projects(plan, count: int, *, lines: int = 2) -> list[Project]:
    """Projects spread over three strategies and three groups; each line is 1,000 บาท, the
    first from the office's budget (สพท.) and the others from สพฐ.; all spent in Q2."""
    strategies = list(plan.strategies.all()) or [
        f.make_strategy(plan, n, f"กลยุทธ์ทดสอบที่ {n}") for n in (1, 2, 3)
    ]
    made = []
    start = plan.projects.count()
    for i in range(start, start + count):
        project = f.make_project(
            plan,
            unit=f.group(plan.office, GROUPS[i % 3]),
            strategy=strategies[i % len(strategies)],
            name_th=f"โครงการที่ {i + 1}",
        )
        activity = f.make_activity(project, months=[4, 5])
        for n in range(lines):
            f.make_line(
                activity,
                "ค่าวัสดุ",
                amount="1000",
                category_code="materials",
                fund_code="esa" if n == 0 else "obec",
            )
        f.set_quarters(activity, 0, 1000 * lines)
        f.make_indicator(project)
        made.append(project)
    return made


def fresh_session(client) -> None:
    """Stamp the session as just seen: force_login does not, so the first request would write
    the session (3 queries) or not depending on how long the set-up took (SessionTimeout)."""
    session = client.session
    session["_seen_at"] = int(time.time())
    session.save()


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestOverview:
    def test_per_strategy_tables_with_the_generated_sentence(self, client, plan_a, plan_admin_a):
        add_projects(plan_a, 5)
        page = get(client, plan_admin_a, reverse("plans:plan_overview", args=[plan_a.pk]))
        # 5 projects over 3 strategies: 2, 2 and 1 projects of 2,000 บาท each.
        assert "มีโครงการรองรับกลยุทธ์ที่ 1 จำนวน 2 โครงการ งบประมาณ 4,000.00 บาท ดังนี้" in page
        assert "มีโครงการรองรับกลยุทธ์ที่ 3 จำนวน 1 โครงการ งบประมาณ 2,000.00 บาท ดังนี้" in page
        for header in ("ที่", "โครงการ", "กลุ่มที่รับผิดชอบ", "งบประมาณ (บาท)", "รวมงบประมาณ"):
            assert f">{header}<" in page, header
        assert "โครงการทั้งหมด 5 โครงการ งบประมาณรวม 10,000.00 บาท" in page

    def test_split_by_fund_source_like_seed_001(self, client, plan_a, director_a):
        add_projects(plan_a, 3)
        url = reverse("plans:plan_overview", args=[plan_a.pk]) + "?split=fund"
        page = get(client, director_a, url)
        assert ">สพท.<" in page and ">สพฐ.<" in page and ">ผู้รับผิดชอบ<" in page
        assert page.count(">1,000.00<") >= 6  # every project: 1,000 per source

    def test_totals_by_group_category_fund_and_quarter_and_ceiling_warnings(
        self, client, plan_a, deputy_a
    ):
        add_projects(plan_a, 6)
        admin_group = f.group(plan_a.office, StandardGroup.ADMIN)
        admin_group.budget_ceiling = Decimal("3000")
        admin_group.save()
        page = get(client, deputy_a, reverse("plans:plan_overview", args=[plan_a.pk]))
        assert "กลุ่มอำนวยการ: งบประมาณรวม 4,000.00 บาท เกินวงเงิน 3,000.00 บาท" in page
        assert "เกิน -1,000.00" in page
        assert "งบประมาณสำนักงานเขตพื้นที่การศึกษา" in page and "งบประมาณ สพฐ." in page
        assert "ค่าวัสดุ" in page and "12,000.00" in page

    def test_costs_at_most_10_queries_the_same_at_15_and_150_projects(
        self, client, plan_a, plan_admin_a
    ):
        counts = []
        for size in (15, 150):
            add_projects(plan_a, size - plan_a.projects.count(), lines=1)
            client.force_login(plan_admin_a)
            fresh_session(client)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("plans:plan_overview", args=[plan_a.pk]))
            assert response.status_code == 200
            assert f"โครงการทั้งหมด {size} โครงการ" in response.content.decode()
            counts.append(len(ctx))
        assert counts[0] == counts[1] <= 10, counts


class TestValidation:
    def test_lists_every_finding_with_a_link_to_the_place_to_fix_it(
        self, client, plan_a, plan_admin_a
    ):
        good, bad = add_projects(plan_a, 2)
        activity = bad.activities.get()
        line = f.make_line(activity, "ค่าอาหาร", "10 คน x 35 บาท", declared="400")
        Project.objects.filter(pk=bad.pk).update(strategy=None)
        f.make_strategy(plan_a, 9, "กลยุทธ์ที่ไม่มีโครงการ")
        page = get(client, plan_admin_a, reverse("plans:plan_validation", args=[plan_a.pk]))
        edit = reverse("projects:project_edit", args=[bad.pk])
        assert "ยังไม่ได้เลือกกลยุทธ์ที่โครงการสนอง" in page and f"{edit}#id_strategy" in page
        assert f"{edit}#line-{line.pk}" in page  # formula 350 vs declared 400
        assert f"{edit}#activity-{activity.pk}" in page  # quarters no longer add up
        assert "กลยุทธ์ที่ 9 ยังไม่มีโครงการรองรับ" in page
        assert "ข้อผิดพลาด 3 รายการ" in page

    def test_groups_findings_by_project_in_pages_with_the_counts_of_every_project(
        self, client, plan_a, plan_admin_a
    ):
        from budgets.models import BudgetCategory
        from projects import checks

        made = add_projects(plan_a, 45)
        Project.objects.filter(plan=plan_a).update(start_date=None, end_date=None)  # R-D1
        Project.objects.filter(pk=made[0].pk).update(strategy=None)  # and one an error
        categories = list(BudgetCategory.objects.all())
        expected = [
            x
            for p in Project.objects.filter(plan=plan_a)
            .with_budget()
            .prefetch_related("indicators")
            for x in checks.check_project(p, categories)
        ]
        url = reverse("plans:plan_validation", args=[plan_a.pk])
        first = get(client, plan_admin_a, url)
        errors = sum(1 for x in expected if x.is_error)
        assert f"ข้อผิดพลาดในโครงการ {errors} รายการ" in first
        assert f"ข้อควรระวังในโครงการ {len(expected) - errors} รายการ" in first
        assert "ตรวจโครงการทั้งหมด 45 โครงการ" in first and "มีข้อผิดพลาด 1 โครงการ" in first
        assert first.count("<tbody data-project=") == 20
        assert "รายโครงการ (หน้า 1 จาก 3)" in first
        assert 'aria-current="page"' in first and f'href="{url}?page=2#' in first
        last = client.get(url, {"page": "3"})
        assert last.status_code == 200
        page = last.content.decode()
        assert page.count("<tbody data-project=") == 5 and "รายโครงการ (หน้า 3 จาก 3)" in page
        assert f"ข้อผิดพลาดในโครงการ {errors} รายการ" in page  # every project, on every page
        shown = set()
        for number in ("1", "2", "3"):
            found = client.get(url, {"page": number}).content.decode()
            shown |= {int(pk) for pk in re.findall(r'<tbody data-project="(\d+)"', found)}
        assert shown == {p.pk for p in made}  # each project on exactly one of the pages
        assert client.get(url, {"page": "99"}).status_code == 200  # the last page

    def test_costs_the_same_queries_at_two_sizes(self, client, plan_a, plan_admin_a):
        counts = []
        for size in (3, 30):
            add_projects(plan_a, size - plan_a.projects.count())
            client.force_login(plan_admin_a)
            fresh_session(client)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("plans:plan_validation", args=[plan_a.pk]))
            assert response.status_code == 200
            counts.append(len(ctx))
        assert counts[0] == counts[1], counts

    def test_the_editor_has_the_anchors_the_links_point_to(self, client, plan_a, planner_a1):
        (project,) = add_projects(plan_a, 1)
        client.force_login(planner_a1)
        page = client.get(reverse("projects:project_edit", args=[project.pk])).content.decode()
        activity = project.activities.get()
        line = activity.budget_lines.first()
        indicator = project.indicators.get()
        for anchor in (
            f'id="activity-{activity.pk}"',
            f'id="line-{line.pk}"',
            f'id="indicator-{indicator.pk}"',
            'id="id_strategy"',
            'id="budget"',
            'id="indicators"',
        ):
            assert anchor in page, anchor


class TestDashboard:
    def test_renders_svg_charts_without_scripts(self, client, plan_a, director_a):
        add_projects(plan_a, 4)
        page = get(client, director_a, reverse("plans:plan_dashboard", args=[plan_a.pk]))
        assert page.count("<svg") == 4 and "<script" not in page.split("<main")[1]
        assert "งบประมาณรายกลยุทธ์" in page and "กลุ่มนโยบายและแผน" in page
        assert "ยังไม่ได้กำหนดเป้าหมายการเบิกจ่าย" in page

    def test_shows_the_quarterly_plan_against_the_cumulative_targets(
        self, client, plan_a, plan_admin_a, director_a
    ):
        add_projects(plan_a, 2)  # everything is planned in Q2: 0 % then 100 %
        client.force_login(plan_admin_a)
        url = reverse("plans:plan_targets", args=[plan_a.pk])
        response = client.post(url, {"q1": "30", "q2": "๕๒", "q3": "77", "q4": "100"})
        assert response.status_code == 302
        target = DisbursementTarget.objects.get()
        assert target.percents == [Decimal("30"), Decimal("52"), Decimal("77"), Decimal("100")]
        page = get(client, director_a, reverse("plans:plan_dashboard", args=[plan_a.pk]))
        assert "<polyline" in page
        assert ">-30.0<" in page and ">+48.0<" in page  # Q1 behind, Q2 ahead

    def test_targets_must_be_cumulative_and_only_the_plan_admin_sets_them(
        self, client, plan_a, plan_admin_a, director_a
    ):
        client.force_login(plan_admin_a)
        url = reverse("plans:plan_targets", args=[plan_a.pk])
        response = client.post(url, {"q1": "50", "q2": "40", "q3": "77", "q4": "100"})
        assert response.status_code == 200 and "ไตรมาสหลังต้องไม่น้อยกว่าไตรมาสก่อน" in (
            response.content.decode()
        )
        client.force_login(director_a)
        assert client.post(url, {"q1": "1", "q2": "2", "q3": "3", "q4": "4"}).status_code == 403
        assert not DisbursementTarget.objects.exists()

    def test_costs_the_same_queries_at_two_sizes(self, client, plan_a, director_a):
        counts = []
        for size in (5, 40):
            add_projects(plan_a, size - plan_a.projects.count(), lines=1)
            client.force_login(director_a)
            with CaptureQueriesContext(connection) as ctx:
                client.get(reverse("plans:plan_dashboard", args=[plan_a.pk]))
            counts.append(len(ctx))
        assert counts[0] == counts[1], counts


class TestOtherOffices:
    def test_office_b_sees_nothing_of_office_a(self, client, plan_a, outsider, office_b):
        add_projects(plan_a, 3)
        client.force_login(outsider)
        for name in ("plan_overview", "plan_validation", "plan_dashboard", "plan_targets"):
            assert client.get(reverse(f"plans:{name}", args=[plan_a.pk])).status_code == 404
        b_admin = f.make_user(office_b, Role.PLAN_ADMIN)
        client.force_login(b_admin)
        response = client.get(reverse("plans:plan_index"))
        assert response.status_code == 200 and "ยังไม่มีแผนของสำนักงาน" in response.content.decode()


class TestInbox:
    @pytest.fixture
    def gd(self, office_a):
        return f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN))

    def walk(self, projects, gd, deputy, director, status):
        for project in projects:
            if project.lead_unit_id != gd.org_unit_id:
                continue
            services.submit_project(project=project, by=gd)
            if status in {ProjectStatus.ENDORSED, ProjectStatus.APPROVED}:
                services.endorse_project(project=project, by=deputy)

    def test_each_role_sees_what_waits_for_it_and_what_it_sent(
        self, client, plan_a, gd, deputy_a, director_a
    ):
        projects = add_projects(plan_a, 6)
        self.walk(projects[:3], gd, deputy_a, director_a, ProjectStatus.SUBMITTED)
        page = get(client, deputy_a, reverse("workflow:inbox"))
        assert "โครงการที่ 1" in page and "โครงการที่ 4" not in page  # submitted / still draft
        assert "2,000.00" in page  # each project's total
        page = get(client, gd, reverse("workflow:inbox"))
        assert "โครงการที่ 4" in page  # a draft of the group waits for its director
        assert "เสนอแล้ว" in page  # and what it sent shows where it is
        page = get(client, director_a, reverse("workflow:inbox"))
        assert "ไม่มีโครงการที่รอท่านพิจารณา" in page

    @pytest.mark.parametrize("persona", ["gd", "deputy_a", "director_a", "planner_a1"])
    def test_costs_the_same_queries_at_two_sizes(
        self, client, plan_a, gd, deputy_a, director_a, planner_a1, persona, request
    ):
        user = request.getfixturevalue(persona)
        counts = []
        for size in (6, 30):
            new = add_projects(plan_a, size - plan_a.projects.count(), lines=1)
            self.walk(new[: len(new) // 2], gd, deputy_a, director_a, ProjectStatus.ENDORSED)
            client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("workflow:inbox")).status_code == 200
            counts.append(len(ctx))
        assert counts[0] == counts[1], counts


class TestNotifications:
    def test_the_nav_shows_the_unread_count_and_reading_clears_it(
        self, client, plan_a, office_a, deputy_a
    ):
        gd = f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a, StandardGroup.ADMIN))
        for project in add_projects(plan_a, 3)[::3]:
            services.submit_project(project=project, by=gd)
        page = get(client, deputy_a, reverse("projects:project_list"))
        assert "ยังไม่อ่าน 1 รายการ" in page
        page = get(client, deputy_a, reverse("workflow:notification_list"))
        assert "เสนอโครงการ" in page and "โครงการที่ 1" in page
        client.post(reverse("workflow:notification_read"))
        page = get(client, deputy_a, reverse("projects:project_list"))
        assert "ยังไม่อ่าน" not in page


def independent_shape(plan, projects):
    """The roll-up worked out here, apart from budgets.figures: each line's amount from its
    saved factors or plain amount (exact Decimals, half-up per line), added up in Python."""
    import math
    from collections import defaultdict
    from decimal import ROUND_HALF_UP

    from budgets.models import (
        BudgetCategory,
        BudgetLine,
        BudgetLineFactor,
        FundSource,
        QuarterAllocation,
    )

    cent, zero = Decimal("0.01"), Decimal("0.00")
    quantities = defaultdict(list)
    for line_id, quantity in BudgetLineFactor.objects.values_list("line_id", "quantity"):
        quantities[line_id].append(Decimal(quantity))
    listed = {p.pk for p in projects}
    per_project = defaultdict(lambda: zero)
    by_category, by_fund = defaultdict(lambda: zero), defaultdict(lambda: zero)
    for pk, project_id, category_id, fund_id, plain in BudgetLine.objects.filter(
        activity__project__plan=plan
    ).values_list("pk", "activity__project_id", "category_id", "fund_source_id", "plain_amount"):
        if quantities[pk]:
            amount = math.prod(quantities[pk], start=Decimal(1))
        else:
            amount = Decimal(plain) if plain is not None else zero
        amount = amount.quantize(cent, rounding=ROUND_HALF_UP)
        if project_id in listed:
            per_project[project_id] += amount
            by_category[category_id] += amount
            by_fund[fund_id] += amount
    quarters = [zero] * 4
    for project_id, quarter, amount in QuarterAllocation.objects.filter(
        activity__project__plan=plan
    ).values_list("activity__project_id", "quarter", "amount"):
        if project_id in listed:
            quarters[quarter - 1] += Decimal(amount).quantize(cent, rounding=ROUND_HALF_UP)
    strategies = {s.pk: [0, zero] for s in plan.strategies.all()}
    groups = {}
    for p in projects:
        for buckets, key in ((strategies, p.strategy_id), (groups, p.lead_unit)):
            bucket = buckets.setdefault(key, [0, zero])
            bucket[0] += 1
            bucket[1] += per_project[p.pk]
    categories = BudgetCategory.objects.in_bulk(list(by_category))
    funds = FundSource.objects.in_bulk(list(by_fund))
    return (
        sum(per_project.values(), zero),
        quarters,
        [tuple(v) for v in strategies.values()],
        [
            (unit.name_th, *v)
            for unit, v in sorted(groups.items(), key=lambda kv: (kv[0].sort_order, kv[0].name_th))
        ],
        [
            (categories[pk].name_th, v)
            for pk, v in sorted(by_category.items(), key=lambda kv: categories[kv[0]].order)
        ],
        [
            (funds[pk].name_th, v)
            for pk, v in sorted(by_fund.items(), key=lambda kv: funds[kv[0]].order)
        ],
    ), dict(per_project)


def test_the_plan_figures_equal_an_independent_computation(plan_a):
    """The pages' ORM aggregates (budgets.figures) against the lines added up in the test,
    and against the model's per-project totals over the prefetched lines."""
    from projects.rollup import plan_projects

    projects = add_projects(plan_a, 4)
    activity = f.make_activity(projects[0])
    f.make_line(activity, "ค่าอาหาร", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง", category_code="services")
    f.make_line(activity, "ค่าตอบแทนวิทยากร", "6 ชั่วโมง x 600 บาท", category_code="compensation")
    f.make_line(activity, "ปัดเศษ", amount="0.005", fund_code="other_agency")
    f.make_line(activity, "ว่าง", "")  # no formula, no amount: zero
    f.set_quarters(activity, "1000.005", 0, "3720")
    f.make_project(plan_a, name_th="โครงการไม่มีงบ")
    loaded = plan_projects(plan_a)
    expected, expected_per_project = independent_shape(plan_a, loaded)
    got, per_project, _ = figures.summarize(plan_a, loaded)

    def shape(summary):
        return (
            summary.total,
            summary.quarters,
            [(b.count, b.total) for b in summary.strategies],
            [(b.label, b.count, b.total) for b in summary.groups],
            [(b.label, b.total) for b in summary.categories],
            [(b.label, b.total) for b in summary.fund_sources],
        )

    assert shape(got) == expected
    assert {p.pk: per_project[p.pk].total for p in loaded} == {
        p.pk: p.budget_total() for p in loaded
    }
    assert {p.pk: per_project[p.pk].total for p in loaded if p.pk in expected_per_project} == (
        expected_per_project
    )
    assert got.total == Decimal("12720.01")
