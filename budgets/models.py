"""Budget lines with their formula factors, categories, fund sources and the quarterly plan."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.formula import Factor, format_formula, product_of
from budgets.money import ZERO, RoundedDecimalField, quantize


class BudgetCategory(models.Model):
    """An expense category (หมวดรายจ่าย): ค่าตอบแทน, ค่าใช้สอย, ค่าวัสดุ, …"""

    code = models.SlugField(_("รหัส"), max_length=30, unique=True)
    name_th = models.CharField(_("หมวดรายจ่าย"), max_length=100, unique=True)
    short_th = models.CharField(_("ชื่อย่อ"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    keywords = models.JSONField(
        _("คำสำคัญ"),
        default=list,
        blank=True,
        help_text=_("คำในชื่อรายการที่ปกติอยู่ในหมวดนี้ ใช้เตือนเมื่อเลือกหมวดไม่ตรง"),
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("หมวดรายจ่าย")
        verbose_name_plural = _("หมวดรายจ่าย")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name_th


def category_for(description: str, categories) -> BudgetCategory | None:
    """The category whose keyword appears first in a line's description (domain.md R-B10)."""
    best, best_pos = None, None
    for category in categories:
        for keyword in category.keywords or ():
            pos = description.find(keyword)
            if pos != -1 and (best_pos is None or pos < best_pos):
                best, best_pos = category, pos
    return best


class MoneyType(models.TextChoices):
    IN_BUDGET = "in_budget", _("เงินงบประมาณ")
    OFF_BUDGET = "off_budget", _("เงินนอกงบประมาณ")


class FundSource(models.Model):
    """Where the money comes from (แหล่งงบประมาณ): สพป., สพฐ., หน่วยงานอื่น, ภายนอก."""

    code = models.SlugField(_("รหัส"), max_length=30, unique=True)
    name_th = models.CharField(_("แหล่งงบประมาณ"), max_length=150, unique=True)
    short_th = models.CharField(_("ชื่อย่อ"), max_length=50, blank=True)
    money_type = models.CharField(
        _("ประเภทเงิน"), max_length=20, choices=MoneyType.choices, default=MoneyType.IN_BUDGET
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("แหล่งงบประมาณ")
        verbose_name_plural = _("แหล่งงบประมาณ")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name_th


def line_amount(quantities, plain_amount) -> Decimal:
    """A line's amount: the product of its factors when it has a formula, else its plain amount,
    else zero; rounded half-up to satang (never typed twice)."""
    quantities = list(quantities)
    if quantities:
        return quantize(product_of(quantities))
    if plain_amount is not None:
        return quantize(plain_amount)
    return ZERO


class BudgetLine(models.Model):
    """A costed line under an activity; its amount is derived from factors or a plain amount."""

    activity = models.ForeignKey(
        "projects.Activity", on_delete=models.CASCADE, related_name="budget_lines"
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    description_th = models.CharField(_("รายการ"), max_length=500)
    category = models.ForeignKey(
        BudgetCategory, on_delete=models.PROTECT, related_name="lines", verbose_name=_("หมวด")
    )
    fund_source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, related_name="lines", verbose_name=_("แหล่งงบ")
    )
    plain_amount = RoundedDecimalField(
        _("จำนวนเงิน (ไม่มีสูตร)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("ใช้เมื่อไม่มีสูตรคำนวณ เช่น ค่าวัสดุ 1,500 บาท"),
    )
    declared_amount = RoundedDecimalField(
        _("จำนวนเงินที่ระบุในเอกสาร"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("ยอดที่พิมพ์ไว้หลังสูตร ใช้ตรวจว่าตรงกับผลคูณหรือไม่"),
    )
    formula_note_th = models.CharField(
        _("หมายเหตุสูตร"),
        max_length=500,
        blank=True,
        help_text=_("ข้อความสูตรเดิมที่ระบบแยกตัวคูณไม่ได้ (เช่น นำเข้าจากเอกสารเก่า)"),
    )
    # Derived, never typed: written only by budgets.services with the factors or plain amount
    # (verify_amounts checks it equals derived_amount()).
    amount = models.DecimalField(
        _("จำนวนเงิน"), max_digits=14, decimal_places=2, default=ZERO, editable=False
    )

    class Meta:
        verbose_name = _("รายการงบประมาณ")
        verbose_name_plural = _("รายการงบประมาณ")
        ordering = ["activity", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plain_amount__isnull=True) | Q(plain_amount__gte=0),
                name="budgetline_plain_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(declared_amount__isnull=True) | Q(declared_amount__gte=0),
                name="budgetline_declared_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description_th

    @property
    def has_formula(self) -> bool:
        return bool(self.factors.all())

    def derived_amount(self) -> Decimal:
        """What `amount` must hold: see line_amount (for budgets.services and verify_amounts)."""
        return line_amount([f.quantity for f in self.factors.all()], self.plain_amount)

    @property
    def formula_text(self) -> str:
        """ "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง" (empty for a plain amount)."""
        return format_formula([Factor(f.quantity, f.unit_th) for f in self.factors.all()])


class BudgetLineFactor(models.Model):
    """One factor of a line's formula: a quantity with its unit (32 คน, 35 บาท, 1 มื้อ)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="factors")
    order = models.PositiveSmallIntegerField(default=0)
    quantity = RoundedDecimalField(_("จำนวน"), max_digits=14, decimal_places=2)
    unit_th = models.CharField(_("หน่วย"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("ตัวคูณ")
        verbose_name_plural = _("ตัวคูณ")
        ordering = ["line", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="budgetlinefactor_quantity_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit_th}".strip()


class QuarterAllocation(models.Model):
    """Planned spending of one activity in one fiscal quarter (แผนการใช้จ่ายงบประมาณ)."""

    activity = models.ForeignKey(
        "projects.Activity", on_delete=models.CASCADE, related_name="quarters"
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาส"))
    amount = RoundedDecimalField(_("จำนวนเงิน"), max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = _("แผนการใช้จ่ายรายไตรมาส")
        verbose_name_plural = _("แผนการใช้จ่ายรายไตรมาส")
        ordering = ["activity", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "quarter"], name="quarter_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="quarter_range"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quarter_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter}: {self.amount}"
