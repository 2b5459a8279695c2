"""Notifications that leave the app: e-mail and LINE (issue 20).

A Delivery is written for every message to send, before anything is sent, and keeps its
attempts: a refused or unreachable server is retried with a growing wait and the row says what
happened; the event is never lost. Each user chooses per kind of event (Preference); an office
or a group points LINE messages at a chat through its channel token (LineTarget)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from actionplan.models import Office, OrgUnit


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("มีโครงการเสนอมาถึงฉัน")
    RETURNED = "returned", _("โครงการถูกส่งกลับพร้อมความเห็น")
    APPROVED = "approved", _("โครงการได้รับอนุมัติ")
    AMENDMENT = "amendment", _("คำขอปรับแผน และผลการพิจารณา")
    READY = "ready", _("โครงการพร้อมเสนอ")
    REPORT_DUE = "report_due", _("ใกล้ถึงกำหนดส่งรายงานผล")
    REPORT_SUBMITTED = "report_submitted", _("มีรายงานผลส่งมาถึงฉัน")
    REPORT_RETURNED = "report_returned", _("รายงานผลถูกส่งกลับ")
    RENDER_DONE = "render_done", _("จัดทำไฟล์ PDF เสร็จแล้ว")
    OTHER = "other", _("ความเคลื่อนไหวอื่นของโครงการ")


class Channel(models.TextChoices):
    EMAIL = "email", _("อีเมล")
    LINE = "line", _("LINE")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("รอส่ง")
    RETRY = "retry", _("ส่งไม่สำเร็จ รอส่งใหม่")
    SENT = "sent", _("ส่งแล้ว")
    FAILED = "failed", _("ส่งไม่สำเร็จ")


class Preference(models.Model):
    """Whether a user wants one kind of event by e-mail and on LINE (absent: both on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    kind = models.CharField(_("เหตุการณ์"), max_length=30, choices=EventKind.choices)
    email = models.BooleanField(_("อีเมล"), default=True)
    line = models.BooleanField(_("LINE"), default=True)

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = _("การตั้งค่าการแจ้งเตือน")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notify_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class LineTarget(models.Model):
    """A LINE chat (a group, room or user id) that receives an office's or a group's events
    through the office's LINE Official Account (Messaging API channel access token)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="line_targets")
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="line_targets",
        verbose_name=_("กลุ่ม"),
        help_text=_("เว้นว่าง: ทุกกลุ่มของสำนักงาน"),
    )
    name_th = models.CharField(_("ชื่อ"), max_length=100)
    channel_token = models.CharField(_("Channel access token"), max_length=500)
    target_id = models.CharField(
        _("รหัสผู้รับ (group/user ID)"),
        max_length=64,
        help_text=_("ขึ้นต้นด้วย C (กลุ่ม), R (ห้อง) หรือ U (ผู้ใช้) ตามที่ LINE ส่งมาใน webhook"),
    )
    kinds = models.JSONField(_("เหตุการณ์ที่ส่ง"), default=list, blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("ปลายทาง LINE")
        verbose_name_plural = _("ปลายทาง LINE")
        ordering = ["office", "name_th", "pk"]

    def __str__(self) -> str:
        return self.name_th

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Delivery(models.Model):
    """One message to one address on one channel, with every attempt's outcome."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("เหตุการณ์"), max_length=30, choices=EventKind.choices)
    channel = models.CharField(_("ช่องทาง"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_target = models.ForeignKey(
        LineTarget, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    address = models.CharField(_("ปลายทาง"), max_length=254)
    subject = models.CharField(_("หัวเรื่อง"), max_length=200)
    body = models.TextField(_("ข้อความ"))
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ส่ง"), default=0)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    next_attempt_at = models.DateTimeField(_("ส่งใหม่เมื่อ"), null=True, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    sent_at = models.DateTimeField(_("ส่งสำเร็จเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การส่งการแจ้งเตือน")
        verbose_name_plural = _("การส่งการแจ้งเตือน")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"
