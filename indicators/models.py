"""Project KPIs (ตัวชี้วัดความสำเร็จ): output/outcome, target, method and tool, and how an actual
value stands against a target (`assess`); the results themselves are monitoring's models."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.money import RoundedDecimalField


class ResultLevel(models.TextChoices):
    OUTPUT = "output", _("ด้านผลผลิต (Output)")
    OUTCOME = "outcome", _("ด้านผลลัพธ์ (Outcome)")


class MeasureType(models.TextChoices):
    QUANTITATIVE = "quantitative", _("เชิงปริมาณ")
    QUALITATIVE = "qualitative", _("เชิงคุณภาพ")


class Comparator(models.TextChoices):
    EQ = "eq", _("เท่ากับ")
    GTE = "gte", _("ไม่น้อยกว่า")
    LTE = "lte", _("ไม่เกิน")
    GT = "gt", _("มากกว่า")
    LT = "lt", _("น้อยกว่า")
    TEXT = "text", _("ตามข้อความ")


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


# --- Results (issue 7) ------------------------------------------------------------------------

HUNDRED = Decimal(100)
PCT = Decimal("0.01")


@dataclass(frozen=True)
class Assessment:
    """How an actual value stands against its target: achievement (%) and met or not."""

    pct: Decimal | None
    met: bool | None


def assess(comparator: str, target, actual, judged_met: bool | None = None) -> Assessment:
    """Achievement and met-or-not from a comparator (pure; used by the pages and the reports).

    "Higher is better" comparators (ไม่น้อยกว่า, มากกว่า, and a plain "เท่ากับ" target such as
    "50 คน", which more than 50 also meets) give actual / target; "lower is better" (ไม่เกิน,
    น้อยกว่า) give target / actual. A text target is met when the reporter judged it met.
    """
    if comparator == Comparator.TEXT or target is None:
        return Assessment(None, judged_met)
    if actual is None:
        return Assessment(None, None)
    target, actual = Decimal(target), Decimal(actual)
    met = {
        Comparator.GTE: actual >= target,
        Comparator.EQ: actual >= target,
        Comparator.GT: actual > target,
        Comparator.LTE: actual <= target,
        Comparator.LT: actual < target,
    }[comparator]
    if comparator in {Comparator.LTE, Comparator.LT}:
        pct = target / actual * HUNDRED if actual else None
    else:
        pct = actual / target * HUNDRED if target else None
    return Assessment(pct.quantize(PCT, rounding=ROUND_HALF_UP) if pct is not None else None, met)
