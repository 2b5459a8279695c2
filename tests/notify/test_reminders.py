"""Reports due in N days reach the lead group once per round (issue 20)."""

from datetime import timedelta

import pytest

from actionplan.models import Role, StandardGroup
from monitoring import rounds
from monitoring.reminders import send_report_reminders
from notify.models import Delivery
from tests import factories as f
from tests.monitoring.conftest import approve
from tests.notify.test_delivery import mailbox, texts  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_report_due_in_three_days_is_reminded_once_and_a_sent_one_is_not(
    plan_a,
    office_a,
    mailbox,  # noqa: F811
):
    unit = f.group(office_a, StandardGroup.ADMIN)
    planner = f.make_user(office_a, Role.PLANNER, unit, "rem1")
    planner.email = "rem1@example.go.th"
    planner.save(update_fields=["email"])
    project = approve(f.make_project(plan_a, unit=unit, name_th="โครงการที่ต้องรายงาน"))
    due = rounds.make_round(plan_a, 2).due_date
    today = due - timedelta(days=3)
    assert send_report_reminders(today, days=7) == 1
    (mail,) = texts(mailbox)
    body = mail.get_payload(decode=True).decode()
    assert "โครงการที่ต้องรายงาน" in body and "ครบกำหนดส่ง" in body
    assert str(due.year) not in body  # the due date is printed in the Buddhist Era
    assert send_report_reminders(today + timedelta(days=1), days=7) == 0  # once per round
    assert Delivery.objects.count() == 1
    assert project.pk
