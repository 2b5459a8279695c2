"""Who receives which event on which channel, and the one place that sends (issue 20).

`announce` is called by the apps whose events people want (workflow, monitoring, printing)
with the users concerned; it writes a Delivery per e-mail address and per LINE chat before
anything leaves, and queues the sending after the transaction commits. `attempt` sends one
delivery and records the outcome: a failure is retried after RETRY_WAITS (growing), then
given up and logged; every try is on the row."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.exceptions import InvalidTaskError

from notify import channels
from notify.models import Channel, Delivery, DeliveryStatus, EventKind, LineTarget, Preference

logger = logging.getLogger(__name__)

RETRY_WAITS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_WAITS) + 1


def absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL.rstrip("/") + url


def preferences(users) -> dict[tuple[int, str], Preference]:
    return {
        (p.user_id, p.kind): p for p in Preference.objects.filter(user__in=[u.pk for u in users])
    }


def announce(
    kind: str,
    users,
    message: str,
    *,
    office,
    url: str = "",
    org_unit=None,
    dedupe_key: str | None = None,
) -> list[Delivery]:
    """Deliveries of one event to the users who want it by e-mail and to the office's (or the
    group's) LINE chats that take this kind; queued once the transaction commits."""
    users = [u for u in users if u is not None and u.is_active]
    link = absolute(url) if url else ""
    subject = f"[แผนปฏิบัติการ] {message}"[:200]
    body = f"{message}\n\nดูรายละเอียด: {link}\n" if link else f"{message}\n"
    wanted = preferences([u for u in users if u.email]) if any(u.email for u in users) else {}
    rows = []
    for user in users:
        preference = wanted.get((user.pk, kind))
        if user.email and (preference is None or preference.email):
            rows.append(
                Delivery(
                    office=office,
                    kind=kind,
                    channel=Channel.EMAIL,
                    recipient=user,
                    address=user.email,
                    subject=subject,
                    body=body,
                )
            )
    targets = LineTarget.objects.filter(office=office, is_active=True)
    for target in targets:
        if target.org_unit_id not in (None, getattr(org_unit, "pk", org_unit)):
            continue
        if target.wants(kind):
            text = f"{message}\n{link}" if link else message
            rows.append(
                Delivery(
                    office=office,
                    kind=kind,
                    channel=Channel.LINE,
                    line_target=target,
                    address=target.target_id,
                    subject=subject,
                    body=text,
                )
            )
    if dedupe_key:
        for row in rows:
            row.dedupe_key = f"{dedupe_key}:{row.channel}:{row.address}"[:200]
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # this reminder was already sent
            continue
        created.append(row)
    if created:
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: _queue(ids))
    return created


def line_test(target: LineTarget) -> Delivery:
    """A test message for one LINE chat, recorded like any other delivery (sent by the caller)."""
    text = f"ทดสอบการแจ้งเตือนจากระบบแผนปฏิบัติการ ({target.name_th})"
    return Delivery.objects.create(
        office_id=target.office_id,
        kind=EventKind.OTHER,
        channel=Channel.LINE,
        line_target=target,
        address=target.target_id,
        subject=text,
        body=text,
    )


def _queue(ids: list[int], run_after=None) -> None:
    from notify.tasks import deliver

    try:
        (deliver.using(run_after=run_after) if run_after else deliver).enqueue(ids)
    except InvalidTaskError:  # a backend without delays: the sweep sends them when due
        logger.info("deliveries %s wait for retry_deliveries", ids)
    except Exception:  # the queue is down: the sweep picks them up
        logger.exception("deliveries %s not queued; retry_deliveries will send them", ids)


def attempt(delivery: Delivery) -> bool:
    """Send one delivery now; True when it went out. Never raises for a channel failure."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery.pk,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY],
        attempts=delivery.attempts,  # one worker wins the attempt
    ).update(attempts=delivery.attempts + 1, next_attempt_at=None)
    if not claimed:
        return False  # sent or given up meanwhile (another worker)
    delivery.attempts += 1
    try:
        if delivery.channel == Channel.EMAIL:
            channels.send_email(delivery.address, delivery.subject, delivery.body)
        else:
            target = delivery.line_target
            if target is None or not target.is_active:
                raise channels.Undelivered("ปลายทาง LINE ถูกลบหรือปิดการใช้งานแล้ว", permanent=True)
            channels.send_line(
                target.channel_token, target.target_id, delivery.body, str(delivery.retry_key)
            )
    except channels.Undelivered as exc:
        given_up = exc.permanent or delivery.attempts >= MAX_ATTEMPTS
        delivery.status = DeliveryStatus.FAILED if given_up else DeliveryStatus.RETRY
        delivery.last_error = str(exc)[:2000]
        delivery.next_attempt_at = None if given_up else now + RETRY_WAITS[delivery.attempts - 1]
        delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
        log = logger.error if given_up else logger.warning
        log(
            "delivery %s (%s to %s) attempt %s: %s",
            delivery.pk,
            delivery.channel,
            delivery.address,
            delivery.attempts,
            exc,
        )
        if not given_up:
            _queue([delivery.pk], run_after=delivery.next_attempt_at)
        return False
    delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
    delivery.save(update_fields=["status", "sent_at", "last_error"])
    return True


def send_due(now=None) -> int:
    """Send every delivery that is pending or whose retry time has come (the sweep run by
    `manage.py retry_deliveries`, and the fallback when a queue lost a job)."""
    now = now or timezone.now()
    due = Delivery.objects.select_related("line_target").filter(status=DeliveryStatus.PENDING) | (
        Delivery.objects.select_related("line_target").filter(
            status=DeliveryStatus.RETRY, next_attempt_at__lte=now
        )
    )
    return sum(attempt(d) for d in due.order_by("pk")[:500])


KIND_OF_ACTION = {
    "submit": EventKind.SUBMITTED,
    "endorse": EventKind.SUBMITTED,
    "approve": EventKind.APPROVED,
    "return": EventKind.RETURNED,
    "amend_request": EventKind.AMENDMENT,
    "amend_approve": EventKind.AMENDMENT,
    "amend_reject": EventKind.AMENDMENT,
    "cancel_request": EventKind.AMENDMENT,
    "cancel": EventKind.AMENDMENT,
    "cancel_reject": EventKind.AMENDMENT,
    "ready": EventKind.READY,
    "report_submit": EventKind.REPORT_SUBMITTED,
    "report_return": EventKind.REPORT_RETURNED,
}


def kind_of(action: str) -> str:
    return KIND_OF_ACTION.get(action, EventKind.OTHER)
