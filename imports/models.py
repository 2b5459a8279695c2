"""The audit record of every spreadsheet import and the group-name choices users made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan import thai
from actionplan.models import Office, OrgUnit, Plan, PlanType


class ImportMode(models.TextChoices):
    DRAFT = "draft", _("นำเข้าเป็นฉบับร่าง")
    HISTORICAL = "historical", _("นำเข้าเป็นแผนประวัติที่อนุมัติแล้ว")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("ตรวจแล้ว รอยืนยัน")
    COMMITTED = "committed", _("นำเข้าแล้ว")
    REJECTED = "rejected", _("ไม่ผ่านการตรวจ")


class ImportBatch(models.Model):
    """One uploaded file: who, which plan, its SHA-256, what the check found and what was written."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="import_batches")
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_batches"
    )
    year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    plan_type = models.CharField(
        _("ประเภทแผน"), max_length=20, choices=PlanType.choices, default=PlanType.ACTION_PLAN
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    file_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("ขนาด (ไบต์)"), default=0)
    kind = models.CharField(_("ชนิดไฟล์"), max_length=10, blank=True)
    mode = models.CharField(
        _("นำเข้าเป็น"), max_length=20, choices=ImportMode.choices, default=ImportMode.DRAFT
    )
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    counts = models.JSONField(_("จำนวน"), default=dict, blank=True)
    report = models.JSONField(_("รายงานผลการตรวจ"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ประวัติการนำเข้า")
        verbose_name_plural = _("ประวัติการนำเข้า")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        at = self.created_at and thai.format_thai_datetime(timezone.localtime(self.created_at))
        return f"{self.file_name} ({self.get_status_display()}, {at or ''})"


class GroupAlias(models.Model):
    """A group name as written in an office's files, remembered once a user said which group it is."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="group_aliases")
    raw_key = models.CharField(_("ข้อความในไฟล์ (ปรับรูปแบบแล้ว)"), max_length=255)
    raw_text = models.CharField(_("ข้อความในไฟล์"), max_length=255, blank=True)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="import_aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ชื่อกลุ่มที่จับคู่ไว้")
        verbose_name_plural = _("ชื่อกลุ่มที่จับคู่ไว้")
        ordering = ["office", "raw_key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "raw_key"], name="groupalias_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.raw_text or self.raw_key} → {self.org_unit}"
