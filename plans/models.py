"""The whole plan's records: the director's approvals (frozen snapshots the official book prints
from) and the office's cumulative disbursement targets per quarter."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplan.models import Plan


class PlanApproval(models.Model):
    """The director's approval of a whole plan: a frozen snapshot the official book prints from."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="approvals")
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approver_name_th = models.CharField(_("ผู้อนุมัติ"), max_length=255)
    approver_position_th = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"))
    data = models.JSONField(_("ข้อมูลแผนที่อนุมัติ"))
    sha256 = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    # The book's final HTML frozen with the approval; its PDF is a PlanRender with approval set.
    print_source = models.JSONField(_("ต้นฉบับเล่มแผนสำหรับพิมพ์"), default=dict, blank=True)

    class Meta:
        verbose_name = _("การอนุมัติแผน")
        verbose_name_plural = _("การอนุมัติแผน")
        db_table = "projects_planapproval"
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planapproval_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} ฉบับอนุมัติที่ {self.number}"


class DisbursementTarget(models.Model):
    """Cumulative disbursement targets (%) per quarter that an office sets for a fiscal year."""

    office = models.ForeignKey(
        "actionplan.Office", on_delete=models.CASCADE, related_name="disbursement_targets"
    )
    fiscal_year = models.ForeignKey(
        "actionplan.FiscalYear", on_delete=models.PROTECT, related_name="+"
    )
    q1_pct = models.DecimalField(_("ไตรมาสที่ 1 (ร้อยละสะสม)"), max_digits=5, decimal_places=2)
    q2_pct = models.DecimalField(_("ไตรมาสที่ 2 (ร้อยละสะสม)"), max_digits=5, decimal_places=2)
    q3_pct = models.DecimalField(_("ไตรมาสที่ 3 (ร้อยละสะสม)"), max_digits=5, decimal_places=2)
    q4_pct = models.DecimalField(_("ไตรมาสที่ 4 (ร้อยละสะสม)"), max_digits=5, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "projects_disbursementtarget"
        verbose_name = _("เป้าหมายการเบิกจ่ายสะสมรายไตรมาส")
        verbose_name_plural = _("เป้าหมายการเบิกจ่ายสะสมรายไตรมาส")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "fiscal_year"], name="disbursement_target_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(q1_pct__gte=0)
                & Q(q2_pct__gte=models.F("q1_pct"))
                & Q(q3_pct__gte=models.F("q2_pct"))
                & Q(q4_pct__gte=models.F("q3_pct"))
                & Q(q4_pct__lte=100),
                name="disbursement_target_cumulative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.fiscal_year}"

    @property
    def percents(self) -> list[Decimal]:
        return [self.q1_pct, self.q2_pct, self.q3_pct, self.q4_pct]
