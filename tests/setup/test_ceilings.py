"""The group ceilings page: one amount per active group as people type it, with the total."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from actionplan.models import OrgUnit, StandardGroup
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "setup:ceilings_edit"


def field(unit) -> str:
    return f"unit_{unit.pk}"


class TestCeilings:
    def test_saves_amounts_as_typed_and_shows_the_total(self, admin_a, office_a):
        admin, plan, audit = (
            f.group(office_a, StandardGroup.ADMIN),
            f.group(office_a, StandardGroup.PLAN),
            f.group(office_a, StandardGroup.AUDIT),
        )
        data = {field(admin): "๑,๕๐๐,๐๐๐", field(plan): "250000.005", field(audit): "0"}
        response = admin_a.post(reverse(URL), data)
        assert response.status_code == 302
        for unit, amount in ((admin, "1500000.00"), (plan, "250000.01"), (audit, "0.00")):
            unit.refresh_from_db()
            assert unit.budget_ceiling == Decimal(amount)
        hr = f.group(office_a, StandardGroup.HR)
        hr.refresh_from_db()
        assert hr.budget_ceiling is None  # left empty: not set
        page = admin_a.get(reverse(URL)).content.decode()
        assert '<td class="num" id="ceiling-total">1,750,000.01</td>' in page
        assert 'value="1,500,000.00"' in page
        assert LogEntry.objects.filter(content_type__model="orgunit").count() == 3

    def test_the_empty_case_totals_to_nothing(self, admin_a):
        page = admin_a.get(reverse(URL)).content.decode()
        assert '<td class="num" id="ceiling-total">-</td>' in page

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("-5", "ต้องไม่ติดลบ"),
            ("หนึ่งล้าน", "กรุณากรอกจำนวนเงินเป็นตัวเลข"),
            ("9,999,999,999,999", "ต้องไม่เกิน"),
        ],
    )
    def test_refuses_what_is_not_an_amount_and_saves_nothing(
        self, admin_a, office_a, typed, message
    ):
        admin, plan = f.group(office_a, StandardGroup.ADMIN), f.group(office_a, StandardGroup.PLAN)
        response = admin_a.post(reverse(URL), {field(admin): typed, field(plan): "100"})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not OrgUnit.objects.filter(office=office_a, budget_ceiling__isnull=False).exists()

    def test_clearing_an_amount_unsets_it(self, admin_a, office_a):
        unit = f.group(office_a)
        unit.budget_ceiling = Decimal("10")
        unit.save()
        admin_a.post(reverse(URL), {field(unit): ""})
        unit.refresh_from_db()
        assert unit.budget_ceiling is None

    def test_lists_only_the_active_groups_of_the_office(self, admin_a, office_a, office_b):
        audit = f.group(office_a, StandardGroup.AUDIT)
        audit.is_active = False
        audit.save()
        form = admin_a.get(reverse(URL)).context["form"]
        assert field(audit) not in form.fields and len(form.fields) == 9
        other = f.group(office_b)
        admin_a.post(reverse(URL), {field(other): "5"})
        other.refresh_from_db()
        assert other.budget_ceiling is None
