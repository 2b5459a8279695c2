"""E-mail and LINE deliveries end to end against real local servers (issue 20): what arrives,
per-user choices, a server that refuses or is down (retried, logged, never losing the event)."""

from __future__ import annotations

import email
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Role, StandardGroup
from notify import services
from notify.models import Channel, Delivery, DeliveryStatus, EventKind, LineTarget, Preference
from projects.models import ProjectEvent
from tests import factories as f
from tests.notify.servers import LineApi, Mailbox, free_port
from workflow import services as workflow_services

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "test-channel-token"
GROUP_ID = "C" + "0123456789abcdef" * 2


@pytest.fixture
def mailbox(settings):
    box = Mailbox().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", box.port, 5
    settings.SITE_URL = "https://plan.example.go.th"
    yield box
    box.stop()


@pytest.fixture
def line_api(settings):
    api = LineApi(TOKEN).start()
    settings.LINE_API_HOST, settings.LINE_TIMEOUT = api.url, 5
    yield api
    api.stop()


@pytest.fixture
def people(office_a):
    unit = f.group(office_a, StandardGroup.ADMIN)
    planner = f.make_user(office_a, Role.PLANNER, unit, "np1")
    deputy = f.make_user(office_a, Role.DEPUTY_DIRECTOR, None, "ndep")
    planner.email, deputy.email = "planner@example.go.th", "deputy@example.go.th"
    planner.save(update_fields=["email"])
    deputy.save(update_fields=["email"])
    return planner, deputy, unit


def texts(box):
    return [email.message_from_bytes(raw) for _, _, raw in box.messages]


def test_a_submitted_project_reaches_the_deputy_by_email_and_the_group_chat_on_line(
    plan_a, people, mailbox, line_api
):
    planner, deputy, unit = people
    LineTarget.objects.create(
        office=plan_a.office,
        org_unit=unit,
        name_th="กลุ่มอำนวยการ",
        channel_token=TOKEN,
        target_id=GROUP_ID,
    )
    project = f.make_project(plan_a, unit=unit, name_th="โครงการทดสอบการแจ้งเตือน")
    event = ProjectEvent.objects.create(
        project=project,
        project_ref=project.pk,
        actor=planner,
        action="submit",
        at=timezone.now(),
        office=plan_a.office,
    )
    workflow_services.notify_event(event, project=project, extra_ids=[deputy.pk])
    (mail,) = [m for m in texts(mailbox) if m["To"] == "deputy@example.go.th"]
    body = mail.get_payload(decode=True).decode()
    assert "โครงการทดสอบการแจ้งเตือน" in body
    assert (
        f"https://plan.example.go.th{reverse('projects:project_detail', args=[project.pk])}" in body
    )
    (push,) = line_api.requests
    assert push["authorization"] == f"Bearer {TOKEN}" and push["retry_key"]
    assert push["body"]["to"] == GROUP_ID
    assert "โครงการทดสอบการแจ้งเตือน" in push["body"]["messages"][0]["text"]
    assert set(Delivery.objects.values_list("channel", "status")) == {
        (Channel.EMAIL, DeliveryStatus.SENT),
        (Channel.LINE, DeliveryStatus.SENT),
    }


def test_a_user_who_turned_an_event_off_gets_no_email(plan_a, people, mailbox):
    planner, deputy, _ = people
    Preference.objects.create(user=deputy, kind=EventKind.SUBMITTED, email=False, line=True)
    services.announce(EventKind.SUBMITTED, [deputy, planner], "มีโครงการเสนอ", office=plan_a.office)
    assert [m["To"] for m in texts(mailbox)] == ["planner@example.go.th"]


def test_a_refusing_server_is_retried_until_it_accepts_and_every_try_is_logged(
    plan_a, people, mailbox, caplog
):
    planner, _, _ = people
    mailbox.refuse = "451 4.3.0 Mail server temporarily rejected message"
    services.announce(EventKind.APPROVED, [planner], "อนุมัติโครงการแล้ว", office=plan_a.office)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRY, 1)
    assert "451" in delivery.last_error and delivery.next_attempt_at > timezone.now()
    assert any("attempt 1" in r.getMessage() for r in caplog.records)
    assert services.send_due() == 0  # not due yet
    mailbox.refuse = None
    assert services.send_due(now=timezone.now() + timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(mailbox.messages) == 1


def test_a_server_that_is_down_is_retried_then_given_up_without_losing_the_event(
    plan_a, people, settings
):
    planner, _, _ = people
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    services.announce(EventKind.RETURNED, [planner], "ส่งกลับแก้ไข", office=plan_a.office)
    now = timezone.now()
    for _ in range(services.MAX_ATTEMPTS):
        now += timedelta(hours=2)
        services.send_due(now=now)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, services.MAX_ATTEMPTS)
    assert "ติดต่อเซิร์ฟเวอร์อีเมลไม่ได้" in delivery.last_error
    assert delivery.body.startswith("ส่งกลับแก้ไข")  # the event is still there to read


def test_line_failures_retry_and_a_bad_token_fails_at_once(plan_a, line_api):
    target = LineTarget.objects.create(
        office=plan_a.office, name_th="สำนักงาน", channel_token=TOKEN, target_id=GROUP_ID
    )
    line_api.status = 500
    services.announce(EventKind.APPROVED, [], "อนุมัติแผนแล้ว", office=plan_a.office)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRY and "500" in delivery.last_error
    line_api.status = None
    services.send_due(now=timezone.now() + timedelta(minutes=5))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    keys = {r["retry_key"] for r in line_api.requests}
    assert keys == {str(delivery.retry_key)}  # LINE drops a repeat of the same message

    target.channel_token = "revoked"
    target.save()
    services.announce(EventKind.APPROVED, [], "อนุมัติอีกครั้ง", office=plan_a.office)
    failed = Delivery.objects.latest("pk")
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 1)
    assert "401" in failed.last_error


def test_the_plan_admin_sends_a_line_test_and_reads_the_log(
    client, plan_a, plan_admin_a, line_api, outsider
):
    target = LineTarget.objects.create(
        office=plan_a.office, name_th="ห้องผู้บริหาร", channel_token=TOKEN, target_id=GROUP_ID
    )
    client.force_login(plan_admin_a)
    response = client.post(reverse("notify:line_target_test", args=[target.pk]), follow=True)
    assert "ส่งข้อความทดสอบไปยัง LINE แล้ว" in response.content.decode()
    page = client.get(reverse("notify:line_targets")).content.decode()
    assert "ห้องผู้บริหาร" in page and "ส่งแล้ว" in page
    client.force_login(outsider)
    assert client.get(reverse("notify:line_target_edit", args=[target.pk])).status_code in (
        403,
        404,
    )


def test_preferences_page_saves_each_choice(client, people):
    planner, _, _ = people
    client.force_login(planner)
    data = {f"{k}-email": "on" for k in EventKind.values if k != EventKind.RENDER_DONE}
    assert client.post(reverse("notify:preferences"), data).status_code == 302
    assert Preference.objects.get(user=planner, kind=EventKind.RENDER_DONE).email is False
    assert Preference.objects.get(user=planner, kind=EventKind.APPROVED).line is False
