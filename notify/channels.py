"""The two ways out: SMTP through Django's mail API, and LINE's Messaging API (push message)
through line-bot-sdk (LINE Notify closed on 31 March 2025). Each sender raises Undelivered
with a Thai reason; `permanent` means trying again cannot help (a refused address, a revoked
token), so the delivery fails at once instead of being retried."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


class Undelivered(Exception):
    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


def send_email(address: str, subject: str, body: str) -> None:
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    try:
        with get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT) as connection:
            connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _ in exc.recipients.values()}
        permanent = all(500 <= code < 600 for code in codes)
        raise Undelivered(f"เซิร์ฟเวอร์อีเมลไม่รับผู้รับ {address} ({exc.recipients})", permanent) from exc
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code != 554
        raise Undelivered(f"เซิร์ฟเวอร์อีเมลตอบ {exc.smtp_code} {exc.smtp_error!r}", permanent) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise Undelivered(f"ติดต่อเซิร์ฟเวอร์อีเมลไม่ได้: {exc}") from exc


def send_line(token: str, to: str, text: str, retry_key: str) -> None:
    """One push message; the retry key lets LINE drop a repeat of a message it already has."""
    from linebot.v3.messaging import (
        ApiClient,
        Configuration,
        MessagingApi,
        PushMessageRequest,
        TextMessage,
    )
    from linebot.v3.messaging.exceptions import ApiException

    configuration = Configuration(access_token=token, host=settings.LINE_API_HOST)
    request = PushMessageRequest(to=to, messages=[TextMessage(text=text[:5000])])
    try:
        with ApiClient(configuration) as client:
            MessagingApi(client).push_message(
                request, x_line_retry_key=retry_key, _request_timeout=settings.LINE_TIMEOUT
            )
    except ApiException as exc:
        if exc.status == 409:  # "already accepted" for this retry key: it was delivered
            return
        permanent = exc.status in (400, 401, 403, 404)
        raise Undelivered(f"LINE ตอบ {exc.status} {exc.reason}: {exc.body!r}", permanent) from exc
    except Exception as exc:  # urllib3's connection errors and timeouts
        raise Undelivered(f"ติดต่อ LINE ไม่ได้: {exc}") from exc
