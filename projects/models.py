"""Projects (โครงการ): header, narrative, activities, people and signatures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actionplan.models import OrgUnit, Person, Plan, PolicyItem, Programme, Role, Strategy
from budgets.money import ZERO, RoundedDecimalField, quantize


class ProjectType(models.TextChoices):
    CONTINUING = "continuing", _("โครงการต่อเนื่อง")
    NEW = "new", _("โครงการใหม่")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("ร่าง")
    SUBMITTED = "submitted", _("เสนอแล้ว")
    ENDORSED = "endorsed", _("เห็นชอบแล้ว")
    APPROVED = "approved", _("อนุมัติแล้ว")
    # An approved project the director cancelled through an amendment (ขอยกเลิกโครงการ): kept
    # with its history and approved versions, out of every plan total (Project.objects.counted).
    CANCELLED = "cancelled", _("ยกเลิก")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """Projects a user may see: their office only; group roles see their own group's."""
        if not user.is_authenticated or not user.office_id:
            return self.none()
        qs = self.filter(plan__office_id=user.office_id)
        if user.is_office_wide:
            return qs
        if not user.org_unit_id:
            return self.none()
        return qs.filter(Q(lead_unit_id=user.org_unit_id) | Q(co_units=user.org_unit_id)).distinct()

    def counted(self) -> ProjectQuerySet:
        """Projects that count in their plan's totals, checks and book: all but the cancelled."""
        return self.exclude(status=ProjectStatus.CANCELLED)

    def ready(self) -> ProjectQuerySet:
        """Drafts marked ready for review (พร้อมเสนอ) and not changed since (see Project.is_ready)."""
        return self.filter(
            status=ProjectStatus.DRAFT, ready_at__isnull=False, ready_version=F("version")
        )

    def in_plan(self, plan) -> ProjectQuerySet:
        """The projects a plan lists: its own and those included from another plan of the
        office (PlanInclusion), each once (a subquery, never a join that could repeat rows)."""
        included = PlanInclusion.objects.filter(plan=plan).values("project_id")
        return self.filter(Q(plan=plan) | Q(pk__in=included))

    def editable_by(self, user) -> ProjectQuerySet:
        """Projects a user may edit: drafts of their own group (plan admins: any draft)."""
        qs = self.visible_to(user).filter(status=ProjectStatus.DRAFT)
        if user.role in {Role.PLAN_ADMIN, Role.SYSADMIN}:
            return qs
        if user.role in {Role.PLANNER, Role.GROUP_DIRECTOR}:
            return qs.filter(lead_unit_id=user.org_unit_id)
        return qs.none()

    def with_budget(self, *, quarters: bool = True) -> ProjectQuerySet:
        """Prefetch everything the totals need, in a fixed number of queries."""
        from budgets.models import BudgetLine

        lines = BudgetLine.objects.select_related("category", "fund_source").prefetch_related(
            "factors"
        )
        children = [Prefetch("budget_lines", queryset=lines)]
        if quarters:
            children.append("quarters")
        return self.prefetch_related(
            Prefetch("activities", queryset=Activity.objects.prefetch_related(*children))
        )


class Project(models.Model):
    """A project of a plan, led by one group, serving one strategy."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("รหัสโครงการ"), max_length=30, blank=True)
    name_th = models.CharField(_("ชื่อโครงการ"), max_length=500)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("แผนงาน")
    )
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("กลยุทธ์"),
    )
    alignments = models.ManyToManyField(
        PolicyItem, blank=True, related_name="projects", verbose_name=_("ความสอดคล้อง (สนอง)")
    )
    lead_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("กลุ่มที่รับผิดชอบ"),
    )
    co_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="co_projects", verbose_name=_("กลุ่มที่ร่วมรับผิดชอบ")
    )
    project_type = models.CharField(
        _("ลักษณะโครงการ"),
        max_length=20,
        choices=ProjectType.choices,
        default=ProjectType.CONTINUING,
    )
    start_date = models.DateField(_("วันเริ่มต้น"), null=True, blank=True)
    end_date = models.DateField(_("วันสิ้นสุด"), null=True, blank=True)
    location_th = models.TextField(_("สถานที่ดำเนินการ"), blank=True)
    rationale_th = models.TextField(_("หลักการและเหตุผล"), blank=True)
    target_groups_th = models.TextField(_("กลุ่มเป้าหมาย/ผู้ที่ได้รับประโยชน์"), blank=True)
    allow_reallocation = models.BooleanField(_("ขอถัวจ่ายทุกรายการ"), default=True)
    priority = models.PositiveSmallIntegerField(
        _("ลำดับความสำคัญในกลยุทธ์"),
        null=True,
        blank=True,
        help_text=_("๑ คือสำคัญที่สุด เล่มแผนเรียงโครงการในกลยุทธ์ตามลำดับนี้ ถ้าไม่ระบุเรียงต่อท้าย"),
    )
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    declared_total = RoundedDecimalField(
        _("งบประมาณที่ระบุในเอกสารเดิม"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("เฉพาะข้อมูลนำเข้า: ใช้ตรวจว่ายอดที่พิมพ์ไว้ตรงกับยอดที่คำนวณหรือไม่"),
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Ready for review (พร้อมเสนอ): the planner's mark holds for the version it was given to;
    # every write bumps the version (editor, import, admin, workflow), so any later change
    # clears it without each writer knowing (docs/decisions/ready-for-review.md).
    ready_at = models.DateTimeField(_("แจ้งพร้อมเสนอเมื่อ"), null=True, blank=True, editable=False)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("ผู้แจ้งพร้อมเสนอ"),
    )
    ready_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("โครงการ")
        verbose_name_plural = _("โครงการ")
        ordering = ["plan", "strategy__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(declared_total__isnull=True) | Q(declared_total__gte=0),
                name="project_declared_total_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_editable(self) -> bool:
        return self.status == ProjectStatus.DRAFT

    @property
    def is_ready(self) -> bool:
        """A draft marked พร้อมเสนอ whose mark is still for its current version."""
        return (
            self.status == ProjectStatus.DRAFT
            and self.ready_at is not None
            and self.ready_version == self.version
        )

    @property
    def is_cancelled(self) -> bool:
        return self.status == ProjectStatus.CANCELLED

    # --- Derived totals: methods over prefetched rows (use Project.objects.with_budget()) ---

    def all_lines(self):
        return [line for activity in self.activities.all() for line in activity.budget_lines.all()]

    def budget_total(self) -> Decimal:
        return quantize(sum((line.amount for line in self.all_lines()), ZERO))

    def totals_by_category(self) -> dict:
        """{BudgetCategory: total}, in category order, only categories that occur."""
        totals: dict = defaultdict(lambda: ZERO)
        for line in self.all_lines():
            totals[line.category] += line.amount
        return {cat: quantize(v) for cat, v in sorted(totals.items(), key=lambda kv: kv[0].order)}

    def totals_by_fund_source(self) -> dict:
        totals: dict = defaultdict(lambda: ZERO)
        for line in self.all_lines():
            totals[line.fund_source] += line.amount
        return {src: quantize(v) for src, v in sorted(totals.items(), key=lambda kv: kv[0].order)}

    def quarter_totals(self) -> list[Decimal]:
        """Planned spending of Q1..Q4 (sum of every activity's quarterly plan)."""
        totals = [ZERO, ZERO, ZERO, ZERO]
        for activity in self.activities.all():
            for i, amount in enumerate(activity.quarter_amounts()):
                totals[i] += amount
        return [quantize(t) for t in totals]

    def quarter_plan_total(self) -> Decimal:
        return quantize(sum(self.quarter_totals(), ZERO))


class ProjectPersonRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("ผู้รับผิดชอบโครงการ")
    TEAM = "team", _("ผู้ร่วมดำเนินการ")


class ProjectPerson(models.Model):
    """A responsible person of a project with the position text printed for this project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)
    role = models.CharField(
        max_length=20, choices=ProjectPersonRole.choices, default=ProjectPersonRole.RESPONSIBLE
    )
    order = models.PositiveSmallIntegerField(default=0)
    name_th = models.CharField(_("ชื่อ-สกุล"), max_length=255)
    position_th = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ผู้รับผิดชอบโครงการ")
        verbose_name_plural = _("ผู้รับผิดชอบโครงการ")
        ordering = ["project", "order", "pk"]

    def __str__(self) -> str:
        return self.name_th


class ItemKind(models.TextChoices):
    OBJECTIVE = "objective", _("วัตถุประสงค์")
    TARGET_QUANTITATIVE = "target_quant", _("เป้าหมายเชิงปริมาณ")
    TARGET_QUALITATIVE = "target_qual", _("เป้าหมายเชิงคุณภาพ")
    EXPECTED_OUTCOME = "outcome", _("ผลที่คาดว่าจะได้รับ")


class ProjectItem(models.Model):
    """A numbered narrative item: objective, target or expected outcome (numbers are generated)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    text_th = models.TextField(_("ข้อความ"))

    class Meta:
        verbose_name = _("รายการ (วัตถุประสงค์/เป้าหมาย/ผลที่คาดว่าจะได้รับ)")
        verbose_name_plural = _("รายการ (วัตถุประสงค์/เป้าหมาย/ผลที่คาดว่าจะได้รับ)")
        ordering = ["project", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text_th[:80]


class PlanInclusion(models.Model):
    """A project of one plan also listed in another plan of the same office and year (an
    action-plan project that develops staff in the teacher-development book): printed and
    totalled there under `strategy`, counted once in each plan, owned by its own plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="inclusions")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inclusions")
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("กลยุทธ์ในแผนนี้"),
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("โครงการที่รวมไว้ในแผนอื่น")
        verbose_name_plural = _("โครงการที่รวมไว้ในแผนอื่น")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "project"], name="plan_inclusion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project} ใน {self.plan}"


class Activity(models.Model):
    """An activity of a project: the row shared by the activity, budget, quarterly and Gantt tables."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("อยู่ภายใต้กิจกรรม"),
        help_text=_("กิจกรรมหลักที่มีกิจกรรมย่อยเป็นหัวข้อ ไม่มีงบประมาณของตนเอง"),
    )
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    title_th = models.TextField(_("กิจกรรม"))
    steps_th = models.TextField(_("ขั้นตอน/กิจกรรมย่อย"), blank=True, help_text=_("บรรทัดละหนึ่งขั้นตอน"))
    period_th = models.CharField(_("ระยะเวลาดำเนินการ"), max_length=255, blank=True)
    location_th = models.CharField(_("สถานที่"), max_length=255, blank=True)
    responsible_th = models.CharField(_("ผู้รับผิดชอบ"), max_length=255, blank=True)
    target_group_th = models.CharField(_("กลุ่มเป้าหมาย"), max_length=255, blank=True)
    months = models.JSONField(
        _("เดือนที่ดำเนินการ"),
        default=list,
        blank=True,
        help_text=_("ลำดับเดือนในปีงบประมาณ 1 = ต.ค. … 12 = ก.ย."),
    )

    class Meta:
        verbose_name = _("กิจกรรม")
        verbose_name_plural = _("กิจกรรม")
        ordering = ["project", "order", "pk"]

    def __str__(self) -> str:
        return self.title_th[:80]

    @property
    def steps(self) -> list[str]:
        return [s.strip() for s in self.steps_th.splitlines() if s.strip()]

    def budget_total(self) -> Decimal:
        return quantize(sum((line.amount for line in self.budget_lines.all()), ZERO))

    def quarter_amounts(self) -> list[Decimal]:
        """The planned amount of each quarter, from prefetched `quarters`, or from the
        `quarter_<n>_amount` columns the editor loads them as (one query for the page)."""
        if "quarters" not in getattr(self, "_prefetched_objects_cache", {}) and hasattr(
            self, "quarter_1_amount"
        ):
            return [quantize(getattr(self, f"quarter_{q}_amount") or ZERO) for q in (1, 2, 3, 4)]
        amounts = [ZERO, ZERO, ZERO, ZERO]
        for q in self.quarters.all():
            amounts[q.quarter - 1] = quantize(q.amount)
        return amounts

    def quarter_total(self) -> Decimal:
        return quantize(sum(self.quarter_amounts(), ZERO))

    def quarters_with_months(self) -> set[int]:
        return {(m - 1) // 3 + 1 for m in self.months}


class SignatureRole(models.TextChoices):
    PROPOSER = "proposer", _("ผู้เสนอโครงการ")
    ENDORSER = "endorser", _("ผู้เห็นชอบโครงการ")
    APPROVER = "approver", _("ผู้อนุมัติโครงการ")


class ProjectSignature(models.Model):
    """A signature block: the person and a snapshot of name and position as they signed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(max_length=20, choices=SignatureRole.choices)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)
    name_th = models.CharField(_("ชื่อ-สกุล"), max_length=255)
    position_th = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ผู้ลงนาม")
        verbose_name_plural = _("ผู้ลงนาม")
        ordering = ["project", "role"]
        constraints = [
            models.UniqueConstraint(fields=["project", "role"], name="signature_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name_th}"


# --- Audit (issue 4); notifications, amendments and snapshots: workflow.models -------------


class EventAction(models.TextChoices):
    # "event": the history reads "Project submitted", not the button's "Submit".
    CREATE = "create", pgettext_lazy("event", "สร้างโครงการ")
    UPDATE = "update", pgettext_lazy("event", "แก้ไขโครงการ")
    COPY = "copy", pgettext_lazy("event", "คัดลอกจากปีก่อน")
    DELETE = "delete", pgettext_lazy("event", "ลบโครงการ")
    SUBMIT = "submit", pgettext_lazy("event", "เสนอโครงการ")
    ENDORSE = "endorse", pgettext_lazy("event", "เห็นชอบโครงการ")
    APPROVE = "approve", pgettext_lazy("event", "อนุมัติโครงการ")
    RETURN = "return", pgettext_lazy("event", "ส่งกลับแก้ไข")
    AMEND_REQUEST = "amend_request", pgettext_lazy("event", "ขอปรับแผน")
    AMEND_APPROVE = "amend_approve", pgettext_lazy("event", "อนุมัติให้ปรับแผน")
    AMEND_REJECT = "amend_reject", pgettext_lazy("event", "ไม่อนุมัติให้ปรับแผน")
    READY = "ready", pgettext_lazy("event", "แจ้งพร้อมเสนอ")
    CANCEL_REQUEST = "cancel_request", pgettext_lazy("event", "ขอยกเลิกโครงการ")
    CANCEL = "cancel", pgettext_lazy("event", "อนุมัติให้ยกเลิกโครงการ")
    CANCEL_REJECT = "cancel_reject", pgettext_lazy("event", "ไม่อนุมัติให้ยกเลิกโครงการ")
    IMPORT = "import", pgettext_lazy("event", "นำเข้าจากไฟล์")
    BULK = "bulk", pgettext_lazy("event", "แก้ไขหลายโครงการพร้อมกัน")
    ADMIN = "admin", pgettext_lazy("event", "แก้ไขผ่านหน้าผู้ดูแลระบบ")
    REPORT_SAVE = "report_save", pgettext_lazy("event", "บันทึกรายงานผลการดำเนินงาน")
    REPORT_SUBMIT = "report_submit", pgettext_lazy("event", "ส่งรายงานผลการดำเนินงาน")
    REPORT_ACCEPT = "report_accept", pgettext_lazy("event", "รับรายงานผลการดำเนินงาน")
    REPORT_RETURN = "report_return", pgettext_lazy("event", "ส่งรายงานผลกลับให้แก้ไข")
    ROUND_CLOSE = "round_close", pgettext_lazy("event", "ปิดรอบรายงานผล")
    ROUND_REOPEN = "round_reopen", pgettext_lazy("event", "เปิดรอบรายงานผลอีกครั้ง")
    ROUND_DUE = "round_due", pgettext_lazy("event", "กำหนดวันส่งรายงานผล")


TRANSITION_ACTIONS = {
    EventAction.SUBMIT,
    EventAction.ENDORSE,
    EventAction.APPROVE,
    EventAction.RETURN,
    EventAction.AMEND_APPROVE,
    EventAction.CANCEL,
}


class ProjectEvent(models.Model):
    """One audit record: who changed a project, when, how (action) and the values before/after.

    Written only by services in the same transaction as the change; never edited or deleted
    (the admin is read-only). `project_ref` keeps the id when the project itself is deleted.
    """

    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    project_ref = models.PositiveBigIntegerField(_("รหัสอ้างอิงโครงการ"), db_index=True)
    project_name_th = models.CharField(_("ชื่อโครงการ"), max_length=500)
    office = models.ForeignKey(
        "actionplan.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("สำนักงาน")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ดำเนินการ"),
    )
    actor_name_th = models.CharField(_("ชื่อผู้ดำเนินการ"), max_length=255, blank=True)
    at = models.DateTimeField(_("เวลา"), db_index=True)
    action = models.CharField(_("การดำเนินการ"), max_length=20, choices=EventAction.choices)
    from_status = models.CharField(_("สถานะเดิม"), max_length=20, blank=True)
    to_status = models.CharField(_("สถานะใหม่"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("รุ่นของข้อมูลหลังการเปลี่ยนแปลง"), null=True, blank=True)
    summary_th = models.TextField(_("สรุป"))
    comment_th = models.TextField(_("ความเห็น/เหตุผล"), blank=True)
    changes = models.JSONField(_("รายละเอียดการเปลี่ยนแปลง"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("ประวัติการเปลี่ยนแปลงโครงการ")
        verbose_name_plural = _("ประวัติการเปลี่ยนแปลงโครงการ")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["project_ref", "-at"], name="event_project_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.project_name_th}"

    @property
    def from_status_label(self) -> str:
        return ProjectStatus(self.from_status).label if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return ProjectStatus(self.to_status).label if self.to_status else ""
