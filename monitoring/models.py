"""Quarterly monitoring (issue 7): report rounds, the projects' reports of each round with
their activity states, cumulative actual spending and KPI results, and the yearly results of
strategy KPIs.

The tables keep the names they had in the apps these models came from (projects_, budgets_,
indicators_; issue 13), so an existing database migrates in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplan.models import Plan
from budgets.models import BudgetCategory
from budgets.money import RoundedDecimalField
from indicators.models import Assessment, ProjectIndicator, assess
from projects.models import Activity, Project

# --- Report rounds and project reports ------------------------------------------------------


class RoundStatus(models.TextChoices):
    OPEN = "open", _("เปิดรับรายงาน")
    CLOSED = "closed", _("ปิดรอบแล้ว")


class ReportRound(models.Model):
    """A quarterly report round of a plan (ไตรมาสที่ n รอบ 3n เดือน), created when first used.

    Its months, labels and due date are derived (thai.report_round, Plan.report_due_days); the
    row holds only what people decide: that the plan administrator closed it, who and when, a
    due date set instead of the derived one, and the latest reopening with its reason. Each of
    those decisions is also in every monitored project's history (ProjectEvent).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_rounds")
    number = models.PositiveSmallIntegerField(_("รอบที่"))
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("ปิดรอบเมื่อ"), null=True, blank=True)
    due_date_override = models.DateField(
        _("กำหนดส่ง (กำหนดเอง)"),
        null=True,
        blank=True,
        help_text=_("ว่างไว้ = ตามจำนวนวันหลังสิ้นไตรมาสที่ตั้งไว้ในแผน"),
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(_("เปิดรอบอีกครั้งเมื่อ"), null=True, blank=True)
    reopen_reason_th = models.TextField(_("เหตุผลที่เปิดรอบอีกครั้ง"), blank=True)

    class Meta:
        db_table = "projects_reportround"
        verbose_name = _("รอบรายงานผล")
        verbose_name_plural = _("รอบรายงานผล")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="reportround_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=4), name="reportround_number_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} รอบที่ {self.number}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("ร่างรายงาน")
    SUBMITTED = "submitted", _("ส่งแล้ว รอตรวจ")
    ACCEPTED = "accepted", _("รับรายงานแล้ว")


class ProjectReport(models.Model):
    """A project's report for one round: activity states, cumulative spending, KPI results,
    problems and suggestions. The lead group writes and sends it; the plan admin reviews it."""

    round = models.ForeignKey(ReportRound, on_delete=models.CASCADE, related_name="reports")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    problems_th = models.TextField(_("ปัญหา อุปสรรค"), blank=True)
    suggestions_th = models.TextField(_("ข้อเสนอแนะ"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ตรวจเมื่อ"), null=True, blank=True)
    review_comment_th = models.TextField(_("ความเห็นของผู้ตรวจ"), blank=True)

    class Meta:
        db_table = "projects_projectreport"
        verbose_name = _("รายงานผลการดำเนินงานโครงการ")
        verbose_name_plural = _("รายงานผลการดำเนินงานโครงการ")
        ordering = ["round_id", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="projectreport_unique_round")
        ]

    def __str__(self) -> str:
        return f"{self.project} รอบที่ {self.round.number}"

    @property
    def is_sent(self) -> bool:
        return self.status in {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED}


class ActivityState(models.TextChoices):
    NOT_STARTED = "not_started", _("ยังไม่ดำเนินการ")
    IN_PROGRESS = "in_progress", _("อยู่ระหว่างดำเนินการ")
    DONE = "done", _("ดำเนินการแล้วเสร็จ")
    CANCELLED = "cancelled", _("ยกเลิก")
    POSTPONED = "postponed", _("เลื่อนการดำเนินการ")


FINISHED_STATES = {ActivityState.DONE, ActivityState.CANCELLED}


class ActivityProgress(models.Model):
    """Where one activity stood at the end of a round (ดำเนินการแล้ว / ยังไม่ได้ดำเนินการ …)."""

    report = models.ForeignKey(
        ProjectReport, on_delete=models.CASCADE, related_name="activity_progress"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    state = models.CharField(
        _("สถานะกิจกรรม"),
        max_length=15,
        choices=ActivityState.choices,
        default=ActivityState.NOT_STARTED,
    )
    note_th = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)

    class Meta:
        db_table = "projects_activityprogress"
        verbose_name = _("ความก้าวหน้าของกิจกรรม")
        verbose_name_plural = _("ความก้าวหน้าของกิจกรรม")
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "activity"], name="activityprogress_unique_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_state_display()}"


# --- Actual spending -------------------------------------------------------------------------


class ActualSpending(models.Model):
    """Actual spending of one activity in one category, cumulative to the end of a report round
    (ผลการเบิกจ่ายสะสม): the 6-month figure includes the 3-month one, and never goes down.

    Never touches the plan: the approved lines and quarterly plan stay as approved. The
    activity's title is kept so the money stays reported if an amendment removes the activity.
    """

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="spending")
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    activity_title_th = models.TextField(_("กิจกรรม"))
    category = models.ForeignKey(
        BudgetCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("หมวด")
    )
    amount = RoundedDecimalField(_("ผลการเบิกจ่ายสะสม (บาท)"), max_digits=14, decimal_places=2)

    class Meta:
        db_table = "budgets_actualspending"
        verbose_name = _("ผลการเบิกจ่ายสะสม")
        verbose_name_plural = _("ผลการเบิกจ่ายสะสม")
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "activity", "category"], name="actualspending_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="actualspending_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_title_th[:60]} {self.category}: {self.amount}"


# --- KPI results -----------------------------------------------------------------------------


class IndicatorResult(models.Model):
    """A project KPI's result as reported in one round, against the KPI's target."""

    report = models.ForeignKey(
        ProjectReport, on_delete=models.CASCADE, related_name="indicator_results"
    )
    indicator = models.ForeignKey(
        ProjectIndicator, on_delete=models.CASCADE, related_name="results"
    )
    actual_value = RoundedDecimalField(
        _("ผลการดำเนินงาน"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual_text_th = models.CharField(_("ผลการดำเนินงาน (ข้อความ)"), max_length=500, blank=True)
    judged_met = models.BooleanField(
        _("บรรลุค่าเป้าหมาย"),
        null=True,
        blank=True,
        help_text=_("ใช้กับตัวชี้วัดที่ค่าเป้าหมายเป็นข้อความ"),
    )
    note_th = models.CharField(_("หมายเหตุ/หลักฐาน"), max_length=500, blank=True)

    class Meta:
        db_table = "indicators_indicatorresult"
        verbose_name = _("ผลตัวชี้วัดโครงการ")
        verbose_name_plural = _("ผลตัวชี้วัดโครงการ")
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicatorresult_unique_indicator"
            ),
            models.CheckConstraint(
                condition=Q(actual_value__isnull=True) | Q(actual_value__gte=0),
                name="indicatorresult_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.actual_value if self.actual_value is not None else self.actual_text_th}"

    @property
    def assessment(self) -> Assessment:
        """Needs the indicator loaded (select_related)."""
        i = self.indicator
        return assess(i.comparator, i.target_value, self.actual_value, self.judged_met)


class StrategyKPIResult(models.Model):
    """A strategy KPI's actual value in one year, against that year's target in the plan's
    five-year table (ผลงานที่เกิดขึ้นจริง เปรียบเทียบกับเป้าหมายที่กำหนด)."""

    indicator = models.ForeignKey(
        "actionplan.StrategyIndicator", on_delete=models.CASCADE, related_name="results"
    )
    year_be = models.PositiveSmallIntegerField(_("ปี พ.ศ."))
    actual_value = RoundedDecimalField(_("ผลการดำเนินงาน"), max_digits=9, decimal_places=2)
    note_th = models.CharField(_("หมายเหตุ/แหล่งข้อมูล"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("บันทึกเมื่อ"))

    class Meta:
        db_table = "indicators_strategykpiresult"
        verbose_name = _("ผลตัวชี้วัดกลยุทธ์รายปี")
        verbose_name_plural = _("ผลตัวชี้วัดกลยุทธ์รายปี")
        ordering = ["indicator", "year_be"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year_be"], name="strategykpiresult_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year_be}: {self.actual_value}"
