"""Printing's models: an office's print settings, a plan's Part-1 context tables and
appendices, and the background renders of a plan's documents (PlanRender). Their tables keep
the names they had in actionplan (db_table)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplan.models import Office, Plan, User


class CancelledInBook(models.TextChoices):
    """How the plan book prints a project cancelled after approval (ProjectStatus.CANCELLED)."""

    MARKED = "marked", _("พิมพ์โดยระบุว่า ยกเลิก")
    OMITTED = "omitted", _("ไม่พิมพ์")


class StrategyTable(models.TextChoices):
    """The columns of the book's per-strategy project tables (Part 3)."""

    BUDGET = "budget", _("ที่ | โครงการ | กลุ่มที่รับผิดชอบ | งบประมาณ (บาท)")
    FUND_SOURCES = (
        "fund_sources",
        _("ลำดับความสำคัญ | โครงการ | งบประมาณแยกตามแหล่ง (สพท. สพฐ. หน่วยงานอื่น …) | ผู้รับผิดชอบ"),
    )


class OfficePrintSettings(models.Model):
    """How an office prints its plan book and project documents (parts, signature titles)."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="print_settings")
    include_context = models.BooleanField(_("พิมพ์ส่วนที่ ๑ ข้อมูลทั่วไป"), default=True)
    include_direction = models.BooleanField(_("พิมพ์ส่วนที่ ๒ ทิศทางการพัฒนา"), default=True)
    include_projects = models.BooleanField(_("พิมพ์ส่วนที่ ๓ รายละเอียดโครงการ"), default=True)
    include_project_documents = models.BooleanField(
        _("พิมพ์เอกสารโครงการทุกโครงการในส่วนที่ ๓"),
        default=True,
        help_text=_("ถ้าไม่เลือก ส่วนที่ ๓ มีเฉพาะตารางสรุปโครงการรายกลยุทธ์"),
    )
    include_management = models.BooleanField(_("พิมพ์ส่วนที่ ๔ การบริหารแผน"), default=True)
    include_appendices = models.BooleanField(_("พิมพ์ภาคผนวก"), default=True)
    proposer_title_th = models.CharField(
        _("หัวข้อผู้เสนอโครงการ"), max_length=100, default="ผู้เสนอโครงการ"
    )
    endorser_title_th = models.CharField(
        _("หัวข้อผู้เห็นชอบโครงการ"), max_length=100, default="ผู้เห็นชอบโครงการ"
    )
    approver_title_th = models.CharField(
        _("หัวข้อผู้อนุมัติโครงการ"), max_length=100, default="ผู้อนุมัติโครงการ"
    )
    print_sign_line = models.BooleanField(_("พิมพ์บรรทัด ลงชื่อ……… ในช่องลงนาม"), default=False)
    cancelled_projects_in_book = models.CharField(
        _("โครงการที่ยกเลิกในเล่มแผน"),
        max_length=10,
        choices=CancelledInBook.choices,
        default=CancelledInBook.MARKED,
        help_text=_("โครงการที่ยกเลิกไม่นับรวมในงบประมาณของแผนทั้งสองแบบ"),
    )
    strategy_table = models.CharField(
        _("คอลัมน์ของตารางโครงการรายกลยุทธ์"),
        max_length=20,
        choices=StrategyTable.choices,
        default=StrategyTable.BUDGET,
        help_text=_(
            "แบบแยกตามแหล่งพิมพ์ทุกแหล่งเงินงบประมาณ และแหล่งอื่นที่มีโครงการใช้ เรียงโครงการตามลำดับความสำคัญ"
        ),
    )

    class Meta:
        db_table = "actionplan_officeprintsettings"
        verbose_name = _("การตั้งค่าการพิมพ์ของสำนักงาน")
        verbose_name_plural = _("การตั้งค่าการพิมพ์ของสำนักงาน")

    def __str__(self) -> str:
        return f"การตั้งค่าการพิมพ์ {self.office}"


class ContextTable(models.Model):
    """A numbered Part-1 table of a plan (schools, students, staff) as entered by the plan admin."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="context_tables")
    number = models.PositiveSmallIntegerField(_("ตารางที่"))
    caption_th = models.CharField(_("ชื่อตาราง"), max_length=500)
    header_rows = models.JSONField(
        _("หัวตาราง"),
        default=list,
        blank=True,
        help_text=_("แถวหัวตาราง: รายการของแถว แต่ละแถวเป็นรายการข้อความ ช่องว่างคือช่องที่ผสาน"),
    )
    rows = models.JSONField(_("ข้อมูล"), default=list, blank=True)
    note_th = models.TextField(
        _("หมายเหตุ/ที่มา"), blank=True, help_text=_("เช่น ที่มา : ระบบ DMC ณ วันที่ ๑๐ มิถุนายน ๒๕๖๕")
    )

    class Meta:
        db_table = "actionplan_contexttable"
        verbose_name = _("ตารางข้อมูลพื้นฐาน")
        verbose_name_plural = _("ตารางข้อมูลพื้นฐาน")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="contexttable_unique_number")
        ]

    def __str__(self) -> str:
        return f"ตารางที่ {self.number} {self.caption_th}"


def appendix_path(appendix: PlanAppendix, filename: str) -> str:
    """Signed documents are stored per office and year (a new upload never overwrites one)."""
    plan = appendix.plan
    return f"plan-appendices/{plan.office.code}-{plan.fiscal_year.year_be}/{filename}"


MAX_APPENDIX_PAGES = 60
MAX_APPENDIX_BYTES = 20 * 1024 * 1024


def validate_appendix_pdf(upload) -> None:
    """A PDF the book can take its pages from: readable by pypdf, not encrypted, of a
    reasonable size (a scanned signed order is a few pages)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if upload.size > MAX_APPENDIX_BYTES:
        raise ValidationError(_("ไฟล์ใหญ่เกิน 20 MB"))
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(_("ไฟล์ PDF ถูกตั้งรหัสผ่าน กรุณาใช้ไฟล์ที่ไม่มีรหัสผ่าน"))
        pages = len(reader.pages)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(_("อ่านไฟล์ PDF ไม่ได้")) from exc
    finally:
        if position is not None:
            upload.seek(position)
    if not 1 <= pages <= MAX_APPENDIX_PAGES:
        raise ValidationError(_("ไฟล์ภาคผนวกต้องมี 1 ถึง 60 หน้า"))


class PlanAppendix(models.Model):
    """An appendix (ภาคผนวก) printed at the end of the plan book: text typed here, or the
    pages of an uploaded PDF (the signed คำสั่งแต่งตั้งคณะทำงาน, ประกาศ) placed into the book."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="appendices")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    title_th = models.CharField(_("ชื่อภาคผนวก"), max_length=255)
    body_th = models.TextField(_("ข้อความ"), blank=True)
    file = models.FileField(
        _("ไฟล์ PDF ที่ลงนามแล้ว"),
        upload_to=appendix_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_appendix_pdf],
        help_text=_("หน้าของไฟล์นี้พิมพ์แทรกในเล่มแผนตามลำดับภาคผนวก (แทนข้อความ)"),
    )

    class Meta:
        db_table = "actionplan_planappendix"
        verbose_name = _("ภาคผนวก")
        verbose_name_plural = _("ภาคผนวก")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title_th


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("รอคิว")
    RUNNING = "running", _("กำลังจัดทำ")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


class RenderKind(models.TextChoices):
    BOOK = "book", _("เล่มแผน")
    REPORT = "report", _("รายงานผลการดำเนินงาน")
    BOOK_DOCX = "book_docx", _("เล่มแผน (Word)")


OFFICE_SCOPE = "office"


def render_scope(user) -> str:
    """The PlanRender scope of what `user` may see (Project.objects.visible_to): the whole
    office for office-wide roles, else their own group's projects ("unit:0" without a group)."""
    if user.is_office_wide:
        return OFFICE_SCOPE
    return f"unit:{user.org_unit_id or 0}"


def plan_render_path(render: PlanRender, filename: str) -> str:
    """A live render is a cache (plan-books/, round-reports/); an approval's official book is
    kept (approved/)."""
    if render.kind == RenderKind.REPORT:
        return f"round-reports/{filename}"
    return f"{'approved/plans' if render.approval_id else 'plan-books'}/{filename}"


class PlanRender(models.Model):
    """One background rendering of a plan's document: its version key, progress and the PDF.

    `kind` says which document: the plan book, or the report of round `round_number`
    (รายงานผลการดำเนินงาน รอบ ๓/๖/๙/๑๒ เดือน). A book with `approval` set is that approval's
    official book, laid out from the print source frozen with the approval (never from live
    rows), so later edits cannot change it.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="renders")
    kind = models.CharField(
        _("เอกสาร"), max_length=10, choices=RenderKind.choices, default=RenderKind.BOOK
    )
    round_number = models.PositiveSmallIntegerField(_("รอบรายงานที่"), null=True, blank=True)
    approval = models.ForeignKey(
        "plans.PlanApproval",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="renders",
        verbose_name=_("ฉบับอนุมัติ"),
    )
    version_key = models.CharField(_("รุ่นของเนื้อหา"), max_length=64, db_index=True)
    # Whose view of the plan it prints: "office" (every project: office-wide roles, round
    # reports, approvals' official books) or "unit:<OrgUnit id>" (a group role's projects only).
    # Every lookup filters on it, so one viewer's book is never served to another scope.
    scope = models.CharField(_("ขอบเขตเนื้อหา"), max_length=30, default=OFFICE_SCOPE)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("ความคืบหน้า (%)"), default=0)
    message = models.CharField(_("ข้อความสถานะ"), max_length=255, blank=True)
    file = models.FileField(_("ไฟล์ PDF"), upload_to=plan_render_path, blank=True)
    pages = models.PositiveIntegerField(_("จำนวนหน้า"), null=True, blank=True)
    seconds = models.FloatField(_("เวลาที่ใช้ (วินาที)"), null=True, blank=True)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The id of its job on the task backend; blank while the job could not be queued (the
    # queue was down). A queued render whose job is blank or gone is queued again
    # (tasks.requeue_lost_renders): a job is only a message, the row is what runs once.
    task_id = models.CharField(_("รหัสงานในคิว"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written with every progress step (and while waiting for a render slot): a running render
    # whose heartbeat is older than RENDER_STALE_SECONDS has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "actionplan_planrender"
        verbose_name = _("การจัดทำไฟล์แผน")
        verbose_name_plural = _("การจัดทำไฟล์แผน")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="planrender_progress_range"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[RenderKind.BOOK, RenderKind.BOOK_DOCX])
                    & Q(round_number__isnull=True)
                )
                | (
                    Q(kind=RenderKind.REPORT)
                    & Q(round_number__gte=1)
                    & Q(round_number__lte=4)
                    & Q(approval__isnull=True)
                ),
                name="planrender_kind_round",
            ),
        ]

    def __str__(self) -> str:
        what = f" รอบที่ {self.round_number}" if self.kind == RenderKind.REPORT else ""
        return f"{self.get_kind_display()}{what} {self.plan} ({self.get_status_display()} {self.progress}%)"

    @property
    def is_finished(self) -> bool:
        return self.status in {RenderStatus.DONE, RenderStatus.FAILED}
