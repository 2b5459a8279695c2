"""The worked calendar examples of domain.md EX-20 and §1.3, as the report rounds print them:
which months belong to which round, the printed ranges (INC-21: round 1 ends in ธันวาคม ๒๕๖๕,
not ๒๕๖๖ as the seed prints), cumulative months and the due dates derived from the plan."""

from __future__ import annotations

from datetime import date

import pytest

from actionplan import thai
from monitoring import rounds as monitoring
from monitoring.models import ReportRound, RoundStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

# EX-20 / §1.3: round -> (months as (CE year, month), printed quarter range, cumulative range)
FY2566_ROUNDS = {
    1: (
        [(2022, 10), (2022, 11), (2022, 12)],
        "ตุลาคม ๒๕๖๕ - ธันวาคม ๒๕๖๕",
        "ตุลาคม ๒๕๖๕ - ธันวาคม ๒๕๖๕",
    ),
    2: (
        [(2023, 1), (2023, 2), (2023, 3)],
        "มกราคม ๒๕๖๖ - มีนาคม ๒๕๖๖",
        "ตุลาคม ๒๕๖๕ - มีนาคม ๒๕๖๖",
    ),
    3: (
        [(2023, 4), (2023, 5), (2023, 6)],
        "เมษายน ๒๕๖๖ - มิถุนายน ๒๕๖๖",
        "ตุลาคม ๒๕๖๕ - มิถุนายน ๒๕๖๖",
    ),
    4: (
        [(2023, 7), (2023, 8), (2023, 9)],
        "กรกฎาคม ๒๕๖๖ - กันยายน ๒๕๖๖",
        "ตุลาคม ๒๕๖๕ - กันยายน ๒๕๖๖",
    ),
}


@pytest.fixture
def plan_2566():
    return f.make_plan(year_be=2566)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_each_round_covers_its_quarters_months_and_prints_the_generated_range(plan_2566, number):
    months, period, cumulative = FY2566_ROUNDS[number]
    r = monitoring.make_round(plan_2566, number, digits="thai")
    assert list(thai.report_round(2566, number).months) == months
    assert r.period_label == period
    assert r.cumulative_label == cumulative
    assert r.label == thai.to_thai_digits(f"ไตรมาสที่ {number} รอบ {3 * number} เดือน")
    assert (r.start.year, r.start.month) == months[0] and (r.end.year, r.end.month) == months[-1]


def test_round_1_of_2566_ends_in_december_2565_not_2566_as_the_seed_prints():
    """INC-21: the seed prints "ตุลาคม ๒๕๖๕ - ธันวาคม ๒๕๖๖"; R-D5 generates the range."""
    assert thai.report_round(2566, 1).period_label == "ตุลาคม ๒๕๖๕ - ธันวาคม ๒๕๖๕"
    assert thai.report_round(2566, 1).end == date(2022, 12, 31)


def test_round_2_of_2566_is_january_to_march_and_six_cumulative_months():
    r = thai.report_round(2566, 2)
    assert r.period_label == "มกราคม ๒๕๖๖ - มีนาคม ๒๕๖๖"
    assert r.cumulative_months == 6
    assert r.cumulative_start == date(2022, 10, 1)


def test_every_month_of_the_fiscal_year_belongs_to_exactly_one_round():
    seen = [m for n in (1, 2, 3, 4) for m in thai.report_round(2566, n).months]
    assert seen == thai.fiscal_months(2566)


@pytest.mark.parametrize(
    ("text", "year", "quarter"),
    [
        ("เมษายน 2566", 2566, 3),  # seed 000
        ("๑ ตุลาคม ๒๕๖๖", 2567, 1),
        ("๓๐ กันยายน ๒๕๖๗", 2567, 4),
        ("ธันวาคม ๒๕๖๕", 2566, 1),
    ],
)
def test_a_date_falls_in_the_round_of_its_fiscal_quarter(text, year, quarter):
    start, end = thai.parse_period(text)
    assert thai.fiscal_year_of(start) == year == thai.fiscal_year_of(end)
    r = thai.report_round(year, quarter)
    assert r.start <= start and end <= r.end


def test_fy_2566_bounds_and_labels():
    assert thai.fiscal_year_bounds(2566) == (date(2022, 10, 1), date(2023, 9, 30))
    assert [thai.quarter_label(2566, q) for q in (1, 2, 3, 4)] == [
        "ไตรมาสที่ ๑ (ต.ค.-ธ.ค. ๖๕)",
        "ไตรมาสที่ ๒ (ม.ค.-มี.ค. ๖๖)",
        "ไตรมาสที่ ๓ (เม.ย.-มิ.ย. ๖๖)",
        "ไตรมาสที่ ๔ (ก.ค.-ก.ย. ๖๖)",
    ]
    assert thai.year_total_label(2566) == "รวม (ต.ค.๖๕-ก.ย.๖๖)"
    assert thai.quarter_label(2566, 1, digits="arabic") == "ไตรมาสที่ 1/2566 (ต.ค.-ธ.ค.65)"


class TestDueDates:
    def test_reports_are_due_15_days_after_the_quarter_by_default(self, plan_2566):
        dues = [monitoring.due_date(plan_2566, n) for n in (1, 2, 3, 4)]
        assert dues == [date(2023, 1, 15), date(2023, 4, 15), date(2023, 7, 15), date(2023, 10, 15)]

    def test_the_plan_sets_the_number_of_days(self, plan_2566):
        plan_2566.report_due_days = 30
        assert monitoring.due_date(plan_2566, 1) == date(2023, 1, 30)
        assert monitoring.due_date(plan_2566, 2) == date(2023, 4, 30)

    def test_a_round_is_past_due_the_day_after_its_due_date(self, plan_2566):
        r = monitoring.make_round(plan_2566, 1)
        assert not r.is_past_due(date(2023, 1, 15))
        assert r.is_past_due(date(2023, 1, 16))


@pytest.mark.parametrize(
    ("today", "closed", "number"),
    [
        (date(2022, 11, 1), (), 1),  # inside Q1: nothing ended yet, show round 1
        (date(2023, 1, 5), (), 1),  # Q1 ended: its reports are being written
        (date(2023, 4, 1), (), 1),  # round 1 not closed yet: its work is not finished
        (date(2023, 4, 1), (1,), 2),
        (date(2023, 9, 30), (1, 2), 3),
        (date(2023, 10, 10), (1, 2, 3), 4),
        (date(2026, 12, 3), (1,), 2),  # the demo's past year: round 1 closed, round 2 in work
        (date(2023, 2, 1), (1,), 2),  # round 1 closed early: the next open round
        (date(2026, 12, 3), (1, 2, 3, 4), 4),
    ],
)
def test_the_round_shown_first_is_the_earliest_open_one_whose_quarter_ended(
    plan_2566, today, closed, number
):
    for n in closed:
        ReportRound.objects.create(plan=plan_2566, number=n, status=RoundStatus.CLOSED)
    assert monitoring.default_round(plan_2566, today) == number
