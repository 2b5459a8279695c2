"""Project KPIs (ตัวชี้วัดความสำเร็จ): output/outcome, target, method and tool."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.money import RoundedDecimalField


class ResultLevel(models.TextChoices):
    OUTPUT = "output", "ด้านผลผลิต (Output)"
    OUTCOME = "outcome", "ด้านผลลัพธ์ (Outcome)"


class MeasureType(models.TextChoices):
    QUANTITATIVE = "quantitative", "เชิงปริมาณ"
    QUALITATIVE = "qualitative", "เชิงคุณภาพ"


class Comparator(models.TextChoices):
    EQ = "eq", "เท่ากับ"
    GTE = "gte", "ไม่น้อยกว่า"
    LTE = "lte", "ไม่เกิน"
    GT = "gt", "มากกว่า"
    LT = "lt", "น้อยกว่า"
    TEXT = "text", "ตามข้อความ"


class ProjectIndicator(models.Model):
    """A success indicator of a project with its target, evaluation method and tool."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    result_level = models.CharField(
        _("ระดับผล"), max_length=10, choices=ResultLevel.choices, default=ResultLevel.OUTPUT
    )
    measure_type = models.CharField(
        _("ประเภท"), max_length=15, choices=MeasureType.choices, default=MeasureType.QUANTITATIVE
    )
    text_th = models.TextField(_("ตัวชี้วัดความสำเร็จ"))
    comparator = models.CharField(
        _("เงื่อนไข"), max_length=5, choices=Comparator.choices, default=Comparator.GTE
    )
    target_value = RoundedDecimalField(
        _("ค่าเป้าหมาย"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit_th = models.CharField(_("หน่วย"), max_length=50, blank=True)
    target_text_th = models.CharField(
        _("ค่าเป้าหมาย (ข้อความ)"),
        max_length=255,
        blank=True,
        help_text=_("ใช้เมื่อเป้าหมายเป็นข้อความ เช่น ชื่อเอกสารที่ต้องจัดทำ"),
    )
    method_th = models.CharField(_("วิธีการประเมิน"), max_length=255, blank=True)
    tool_th = models.CharField(_("เครื่องมือที่ใช้"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ตัวชี้วัดโครงการ")
        verbose_name_plural = _("ตัวชี้วัดโครงการ")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="indicator_target_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.text_th[:80]

    @property
    def is_percentage(self) -> bool:
        return self.target_unit_th.strip() in {"ร้อยละ", "%", "เปอร์เซ็นต์"}

    @property
    def target_display(self) -> str:
        """ "ไม่น้อยกว่า ร้อยละ 80" as the documents print it."""
        if self.comparator == Comparator.TEXT or self.target_value is None:
            return self.target_text_th
        value = f"{self.target_value.normalize():f}"
        prefix = "" if self.comparator == Comparator.EQ else f"{self.get_comparator_display()} "
        if self.is_percentage:
            return f"{prefix}ร้อยละ {value}"
        return f"{prefix}{value} {self.target_unit_th}".strip()
