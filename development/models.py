"""The teacher-development plan's own parts (seeds 003/004): what the staff said they need
(the survey), who is developed (target groups), how (methods per project) and the staff
statistics by position and วิทยฐานะ. Percentages are derived, never typed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from actionplan.models import Plan
from projects.models import Activity, Project


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with two decimals (ROUND_HALF_UP); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


class NeedsSurvey(models.Model):
    """When and how the development needs of a plan's staff were surveyed."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="needs_survey")
    surveyed_date = models.DateField(_("วันที่สำรวจ"), null=True, blank=True)
    method_th = models.CharField(_("วิธีการสำรวจ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("การสำรวจความต้องการในการพัฒนา")
        verbose_name_plural = _("การสำรวจความต้องการในการพัฒนา")

    def __str__(self) -> str:
        return f"การสำรวจความต้องการ {self.plan}"


class DevelopmentNeed(models.Model):
    """One topic of the needs survey: how many staff were asked and how many want it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="development_needs")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    topic_th = models.CharField(_("เรื่องที่ต้องการพัฒนา"), max_length=500)
    surveyed_count = models.PositiveIntegerField(_("จำนวนผู้ตอบแบบสำรวจ (คน)"))
    wanting_count = models.PositiveIntegerField(_("จำนวนผู้ต้องการพัฒนา (คน)"))
    projects = models.ManyToManyField(
        Project, blank=True, related_name="development_needs", verbose_name=_("โครงการที่ตอบสนอง")
    )

    class Meta:
        verbose_name = _("ความต้องการในการพัฒนา")
        verbose_name_plural = _("ความต้องการในการพัฒนา")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(wanting_count__lte=F("surveyed_count")),
                name="development_need_wanting_within_surveyed",
            )
        ]

    def __str__(self) -> str:
        return self.topic_th

    @property
    def percent(self) -> Decimal | None:
        return percent(self.wanting_count, self.surveyed_count)


class PersonnelGroup(models.TextChoices):
    EXECUTIVE = "executive", _("ผู้บริหาร")
    TEACHER = "teacher", _("ครู")
    EDUCATION_STAFF = "education_staff", _("บุคลากรทางการศึกษาอื่น (38 ค.(2))")
    EMPLOYEE = "employee", _("ลูกจ้าง")
    NEW_TEACHER = "new_teacher", _("ครูบรรจุใหม่")
    ASSISTANT = "assistant", _("ครูผู้ช่วย")
    OTHER = "other", _("อื่น ๆ")


class TargetGroup(models.Model):
    """A group of personnel the plan develops, with its head count."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="development_targets")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    group = models.CharField(_("กลุ่มเป้าหมาย"), max_length=30, choices=PersonnelGroup.choices)
    label_th = models.CharField(_("ระบุเพิ่มเติม"), max_length=255, blank=True)
    head_count = models.PositiveIntegerField(_("จำนวน (คน)"))

    class Meta:
        verbose_name = _("กลุ่มเป้าหมายการพัฒนา")
        verbose_name_plural = _("กลุ่มเป้าหมายการพัฒนา")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.label_th or self.get_group_display()


class MethodKind(models.TextChoices):
    TRAINING = "training", _("การอบรม")
    STUDY_VISIT = "study_visit", _("การศึกษาดูงาน")
    FURTHER_STUDY = "further_study", _("การศึกษาต่อ")
    PLC = "plc", _("ชุมชนแห่งการเรียนรู้ทางวิชาชีพ (PLC)")
    COACHING = "coaching", _("การสอนงาน (Coaching)")
    MENTORING = "mentoring", _("การนิเทศแบบกัลยาณมิตร")
    AAR = "aar", _("การทบทวนหลังการปฏิบัติ (AAR)")
    ONLINE = "online", _("การเรียนรู้ออนไลน์")
    OTHER = "other", _("อื่น ๆ")


class DevelopmentMethod(models.Model):
    """How a project (or one of its activities) develops staff: method, participants, hours."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="development_methods"
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("กิจกรรม"),
    )
    method = models.CharField(_("รูปแบบการพัฒนา"), max_length=30, choices=MethodKind.choices)
    participants = models.PositiveIntegerField(_("ผู้เข้ารับการพัฒนา (คน)"), default=0)
    hours = models.DecimalField(_("จำนวนชั่วโมง"), max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("รูปแบบการพัฒนา")
        verbose_name_plural = _("รูปแบบการพัฒนา")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="development_method_hours")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({self.project})"


class AcademicStanding(models.TextChoices):
    NONE = "none", _("ไม่มีวิทยฐานะ")
    PROFESSIONAL = "professional", _("ชำนาญการ")
    SENIOR = "senior", _("ชำนาญการพิเศษ")
    EXPERT = "expert", _("เชี่ยวชาญ")
    SENIOR_EXPERT = "senior_expert", _("เชี่ยวชาญพิเศษ")


class StaffStatistic(models.Model):
    """How many staff hold a position at one วิทยฐานะ (the plan's staff statistics table)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="staff_statistics")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    position_th = models.CharField(_("ตำแหน่ง"), max_length=255)
    standing = models.CharField(
        _("วิทยฐานะ"), max_length=20, choices=AcademicStanding.choices, default=AcademicStanding.NONE
    )
    count = models.PositiveIntegerField(_("จำนวน (คน)"))

    class Meta:
        verbose_name = _("สถิติบุคลากร")
        verbose_name_plural = _("สถิติบุคลากร")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.position_th} {self.get_standing_display()}"
