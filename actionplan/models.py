"""Plan-level domain: offices, their groups and staff, fiscal years, plans, strategies, policies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from actionplan import thai


class Level(models.TextChoices):
    PRIMARY = "primary", _("สพป.")
    SECONDARY = "secondary", _("สพม.")


class DigitStyle(models.TextChoices):
    THAI = "thai", _("เลขไทย (๑๒๓)")
    ARABIC = "arabic", _("เลขอารบิก (123)")


class Office(models.Model):
    """An Educational Service Area office (สพป./สพม.); every other object is scoped to one."""

    code = models.SlugField(_("รหัสสำนักงาน"), max_length=20, unique=True)
    name_th = models.CharField(_("ชื่อสำนักงาน"), max_length=255)
    short_name_th = models.CharField(_("ชื่อย่อ"), max_length=100)
    level = models.CharField(_("ระดับ"), max_length=10, choices=Level.choices, default=Level.PRIMARY)
    province_th = models.CharField(_("จังหวัด"), max_length=100, blank=True)
    area_no = models.PositiveSmallIntegerField(_("เขต"), null=True, blank=True)
    parent_agency_th = models.CharField(
        _("หน่วยงานต้นสังกัด"), max_length=255, default="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"
    )
    ministry_th = models.CharField(_("กระทรวง"), max_length=255, default="กระทรวงศึกษาธิการ")
    address_th = models.TextField(_("ที่อยู่"), blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=100, blank=True)
    website = models.CharField(_("เว็บไซต์"), max_length=200, blank=True)
    duties_th = models.TextField(
        _("อำนาจหน้าที่ของสำนักงาน"),
        blank=True,
        help_text=_("บรรทัดละหนึ่งข้อ พิมพ์ในส่วนที่ ๑ ของเล่มแผน"),
    )
    digit_style = models.CharField(
        _("ตัวเลขในเอกสารพิมพ์"), max_length=10, choices=DigitStyle.choices, default=DigitStyle.THAI
    )
    aliases = models.JSONField(_("ชื่อเรียกอื่น"), default=list, blank=True)

    class Meta:
        verbose_name = _("สำนักงานเขตพื้นที่การศึกษา")
        verbose_name_plural = _("สำนักงานเขตพื้นที่การศึกษา")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name_th


class StandardGroup(models.TextChoices):
    """The ten units of the MOE 2560 announcement (ประกาศ ศธ. การแบ่งส่วนราชการ พ.ศ. ๒๕๖๐ ข้อ ๖)."""

    ADMIN = "ADMIN", _("กลุ่มอำนวยการ")
    HR = "HR", _("กลุ่มบริหารงานบุคคล")
    PLAN = "PLAN", _("กลุ่มนโยบายและแผน")
    PROMO = "PROMO", _("กลุ่มส่งเสริมการจัดการศึกษา")
    SUPERV = "SUPERV", _("กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")
    FIN = "FIN", _("กลุ่มบริหารงานการเงินและสินทรัพย์")
    TDEV = "TDEV", _("กลุ่มพัฒนาครูและบุคลากรทางการศึกษา")
    LEGAL = "LEGAL", _("กลุ่มกฎหมายและคดี")
    ICT = "ICT", _("กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร")
    AUDIT = "AUDIT", _("หน่วยตรวจสอบภายใน")


# Spellings seen in real documents (domain.md §3.1) so imports can match them.
STANDARD_GROUP_ALIASES: dict[str, list[str]] = {
    "ADMIN": ["กลุ่มอำนาจการ"],
    "PLAN": ["กลุ่มนโยบาย และแผน"],
    "PROMO": ["กลุ่มส่งเสริม การจัดการศึกษา"],
    "SUPERV": [
        "กลุ่มนิเทศติดตามและประเมินผลการจัดการศึกษา",
        "กลุ่มนิเทศติดตามประเมินผลการจัดการศึกษา",
        "กลุ่มนิเทศติดตาม และประเมินผลการจัดการศึกษา",
        "กลุ่มนิเทศ ติดตาม และประเมินผลการจัดการศึกษา",
        "กลุ่มนิเทศ ติดตามและประเมินผล การจัดการศึกษา",
        "กลุ่มนิเทศฯ",
    ],
    "FIN": ["กลุ่มงานบริหารการเงินและสินทรัพย์", "กลุ่มบริหารงานการเงิน และสินทรัพย์"],
    "TDEV": ["กลุ่มพัฒนาครูและบุคลากร ทางการศึกษา"],
    "ICT": [
        "กลุ่มส่งเสริมการจัดการศึกษาทางไกลเทคโนโลยีสารสนเทศและการสื่อสาร",
        "กลุ่มส่งเสริมการศึกษาทางไกลเทคโนโลยีสารสนเทศและการสื่อสาร",
    ],
}


class OrgUnit(models.Model):
    """A group (กลุ่ม) or unit (หน่วย) of an office; the ten standard ones are created with it."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="units")
    standard_code = models.CharField(
        _("กลุ่มมาตรฐาน"), max_length=10, choices=StandardGroup.choices, blank=True
    )
    name_th = models.CharField(_("ชื่อกลุ่ม"), max_length=255)
    short_name_th = models.CharField(_("ชื่อย่อ"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    budget_ceiling = models.DecimalField(
        _("วงเงินงบประมาณ"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    aliases = models.JSONField(_("ชื่อเรียกอื่น"), default=list, blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    duties_th = models.TextField(
        _("หน้าที่ของกลุ่ม"),
        blank=True,
        help_text=_("บรรทัดละหนึ่งข้อ พิมพ์ใต้โครงสร้างสำนักงานในส่วนที่ ๑ ของเล่มแผน"),
    )
    deputy = models.ForeignKey(
        "actionplan.User",
        verbose_name=_("รองผู้อำนวยการที่กำกับดูแล"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_units",
        limit_choices_to={"role": "deputy_director", "is_active": True},
        help_text=_("ผู้เห็นชอบโครงการของกลุ่มนี้ ถ้าไม่ระบุ รองผู้อำนวยการทุกคนของสำนักงานเห็นชอบได้"),
    )

    class Meta:
        verbose_name = _("กลุ่ม/หน่วย")
        verbose_name_plural = _("กลุ่ม/หน่วย")
        ordering = ["office", "sort_order", "name_th"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name_th"], name="orgunit_unique_name"),
            models.UniqueConstraint(
                fields=["office", "standard_code"],
                condition=~Q(standard_code=""),
                name="orgunit_unique_standard_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    @property
    def endorser(self) -> User | None:
        """The assigned deputy while the assignment still holds (an active deputy director of
        this office); None when there is none or it lapsed (deactivated, moved, other role):
        then any deputy of the office endorses, so the group's projects are never stuck."""
        deputy = self.deputy if self.deputy_id else None
        if (
            deputy is not None
            and deputy.is_active
            and deputy.role == Role.DEPUTY_DIRECTOR
            and deputy.office_id == self.office_id
        ):
            return deputy
        return None

    def clean(self) -> None:
        super().clean()
        deputy = self.deputy
        if deputy is not None and (
            deputy.office_id != self.office_id or deputy.role != Role.DEPUTY_DIRECTOR
        ):
            raise ValidationError({"deputy": _("ต้องเป็นผู้ใช้ในบทบาทรองผู้อำนวยการของสำนักงานเดียวกัน")})


class OfficeRole(models.TextChoices):
    DIRECTOR = "director", _("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")
    DEPUTY = "deputy", _("รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")
    GROUP_DIRECTOR = "group_director", _("ผู้อำนวยการกลุ่ม/หน่วย")
    STAFF = "staff", _("บุคลากร")


class Person(models.Model):
    """A member of an office's staff as printed on documents (name, prefix, position)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="people")
    prefix_th = models.CharField(_("คำนำหน้า"), max_length=50, blank=True)
    first_name_th = models.CharField(_("ชื่อ"), max_length=100)
    last_name_th = models.CharField(_("นามสกุล"), max_length=100, blank=True)
    position_th = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    office_role = models.CharField(
        _("บทบาทในสำนักงาน"), max_length=20, choices=OfficeRole.choices, default=OfficeRole.STAFF
    )
    is_active = models.BooleanField(_("ปฏิบัติงานอยู่"), default=True)

    class Meta:
        verbose_name = _("บุคลากร")
        verbose_name_plural = _("บุคลากร")
        ordering = ["office", "first_name_th", "last_name_th"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Name as printed: prefix glued to the first name ("นางอัจฉราภรณ์ ณ พัทลุง")."""
        return f"{self.prefix_th}{self.first_name_th} {self.last_name_th}".strip()


class Role(models.TextChoices):
    PLANNER = "planner", _("ผู้จัดทำโครงการ (เจ้าหน้าที่กลุ่ม)")
    GROUP_DIRECTOR = "group_director", _("ผู้อำนวยการกลุ่ม")
    DEPUTY_DIRECTOR = "deputy_director", _("รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")
    DIRECTOR = "director", _("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")
    PLAN_ADMIN = "plan_admin", _("ผู้ดูแลแผน (กลุ่มนโยบายและแผน)")
    SYSADMIN = "sysadmin", _("ผู้ดูแลระบบ")
    # Above the offices (issue 20): sees the approved plans of the offices its coverage lists
    # (oversight app), never an office's drafts, and has no office of its own.
    OVERSIGHT = "oversight", _("ผู้ติดตามแผนระดับภูมิภาค/ส่วนกลาง")


OFFICE_WIDE_ROLES = {Role.DEPUTY_DIRECTOR, Role.DIRECTOR, Role.PLAN_ADMIN, Role.SYSADMIN}


class User(AbstractUser):
    """A login. Belongs to one office and one group; its role decides what it may see and do."""

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices, default=Role.PLANNER)
    person = models.OneToOneField(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="user"
    )

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")

    @property
    def is_office_wide(self) -> bool:
        """Directors, deputies and plan administrators see every group of their office."""
        return self.role in OFFICE_WIDE_ROLES

    @cached_property
    def unread_notification_count(self) -> int:
        """The nav's badge. The login backend counts it with the user's own row (the count
        workflow registers in actionplan.backends.USER_ANNOTATIONS); else one COUNT here."""
        return self.notifications.filter(read_at__isnull=True).count()

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person_id else (self.get_full_name() or self.username)


class FiscalYear(models.Model):
    """A Thai fiscal year named in the Buddhist Era; its dates and quarters are derived."""

    year_be = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    is_open = models.BooleanField(_("เปิดรับโครงการ"), default=True)

    class Meta:
        verbose_name = _("ปีงบประมาณ")
        verbose_name_plural = _("ปีงบประมาณ")
        ordering = ["-year_be"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_be__gte=2500) & Q(year_be__lte=2700), name="fiscalyear_be_range"
            )
        ]

    def __str__(self) -> str:
        return f"ปีงบประมาณ พ.ศ. {self.year_be}"

    @property
    def start_date(self) -> date:
        return thai.fiscal_year_bounds(self.year_be)[0]

    @property
    def end_date(self) -> date:
        return thai.fiscal_year_bounds(self.year_be)[1]

    def quarter_labels(self, digits: str = "thai") -> list[str]:
        return [thai.quarter_label(self.year_be, q, digits=digits) for q in (1, 2, 3, 4)]

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class PlanType(models.TextChoices):
    """The kinds of plan an office writes; titles, part headings and default texts of each are
    in actionplan.plan_kinds."""

    ACTION_PLAN = "action_plan", _("แผนปฏิบัติการประจำปี")
    TEACHER_DEV = "teacher_dev", _("แผนพัฒนาครูและบุคลากรทางการศึกษา")
    EDUCATION_DEV = "education_dev", _("แผนพัฒนาการศึกษา 5 ปี")
    SMALL_SCHOOLS = "small_schools", _("แผนบริหารจัดการโรงเรียนขนาดเล็ก")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("กำลังจัดทำ")
    APPROVED = "approved", _("อนุมัติแล้ว")
    ARCHIVED = "archived", _("ประวัติ (นำเข้าจากแผนเดิม)")


def plan_logo_path(plan: Plan, filename: str) -> str:
    """Cover logos are stored per office and year; the extension is kept (png/jpg only)."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"plan-logos/{plan.office.code}-{plan.fiscal_year.year_be}.{extension}"


def plan_org_chart_path(plan: Plan, filename: str) -> str:
    """Organisation charts are stored per office and year, like the cover logos."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"plan-org-charts/{plan.office.code}-{plan.fiscal_year.year_be}.{extension}"


MAX_IMAGE_PIXELS = 40_000_000  # an A4 page scanned at 600 dpi is ~35 million pixels


def validate_print_image(upload) -> None:
    """A picture for the printed book: a PNG or JPEG that Pillow can read whole (its extension
    alone proves nothing), of a size a page can hold."""
    from PIL import Image, UnidentifiedImageError

    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("อ่านไฟล์ภาพไม่ได้ กรุณาใช้ไฟล์ PNG หรือ JPG")) from exc
    finally:
        if position is not None:
            upload.seek(position)
    if kind not in {"PNG", "JPEG"}:
        raise ValidationError(_("รองรับเฉพาะไฟล์ภาพ PNG หรือ JPG"))
    if size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise ValidationError(_("ภาพใหญ่เกินไป (เกิน 40 ล้านพิกเซล)"))


class Plan(models.Model):
    """One office's annual action plan for one fiscal year: the book that gets printed."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="plans")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="plans")
    plan_type = models.CharField(
        _("ประเภทแผน"), max_length=20, choices=PlanType.choices, default=PlanType.ACTION_PLAN
    )
    title_th = models.CharField(_("ชื่อแผน"), max_length=255, blank=True)
    horizon_start_be = models.PositiveSmallIntegerField(_("แผนพัฒนาฯ ตั้งแต่ปี"), null=True, blank=True)
    horizon_end_be = models.PositiveSmallIntegerField(_("ถึงปี"), null=True, blank=True)
    vision_th = models.TextField(_("วิสัยทัศน์"), blank=True)
    values_th = models.TextField(_("ค่านิยม"), blank=True)
    foreword_th = models.TextField(_("คำนำ"), blank=True)
    foreword_signatory_th = models.CharField(_("ผู้ลงท้ายคำนำ"), max_length=255, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Print content (issue 5): the cover logo and the parts of the book that are plain text.
    logo = models.ImageField(
        _("ตราสัญลักษณ์บนปก"),
        upload_to=plan_logo_path,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("ไฟล์ PNG หรือ JPG"),
    )
    context_intro_th = models.TextField(_("ส่วนที่ ๑ ความเป็นมา/ข้อมูลทั่วไป"), blank=True)
    objectives_th = models.TextField(
        _("ส่วนที่ ๑ วัตถุประสงค์ของแผน"), blank=True, help_text=_("บรรทัดละหนึ่งข้อ")
    )
    targets_th = models.TextField(
        _("ส่วนที่ ๑ เป้าหมายของแผน"), blank=True, help_text=_("บรรทัดละหนึ่งข้อ")
    )
    scope_th = models.TextField(_("ส่วนที่ ๑ ขอบเขตของแผน"), blank=True)
    org_chart = models.ImageField(
        _("แผนภูมิโครงสร้างสำนักงาน"),
        upload_to=plan_org_chart_path,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), validate_print_image],
        help_text=_("ไฟล์ PNG หรือ JPG พิมพ์ในส่วนที่ ๑ ของเล่มแผน"),
    )
    vision_definitions_th = models.TextField(
        _("คำนิยามวิสัยทัศน์"),
        blank=True,
        help_text=_("บรรทัดละหนึ่งคำ เช่น องค์กรคุณภาพ หมายถึง …"),
    )
    management_th = models.TextField(
        _("ส่วนที่ ๔ การบริหารแผนสู่การปฏิบัติ การติดตามและประเมินผล"), blank=True
    )
    calendar_rows = models.JSONField(
        _("ปฏิทินการดำเนินงาน"),
        default=list,
        blank=True,
        help_text=_('[{"title": "...", "months": [1, 2]}] เดือนในปีงบประมาณ 1 = ต.ค. … 12 = ก.ย.'),
    )
    # Monitoring (issue 7): when a round's reports are due and when spending counts as behind.
    report_due_days = models.PositiveSmallIntegerField(
        _("กำหนดส่งรายงานผล (จำนวนวันหลังสิ้นไตรมาส)"), default=15
    )
    spending_margin_pct = models.DecimalField(
        _("ยอมให้ผลการใช้จ่ายต่ำกว่าแผนได้ไม่เกิน (ร้อยละของแผนสะสม)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
    )

    class Meta:
        verbose_name = _("แผนปฏิบัติการ")
        verbose_name_plural = _("แผนปฏิบัติการ")
        ordering = ["office", "-fiscal_year__year_be"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "fiscal_year", "plan_type"], name="plan_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(horizon_start_be__isnull=True)
                | Q(horizon_end_be__isnull=True)
                | Q(horizon_end_be__gte=models.F("horizon_start_be")),
                name="plan_horizon_order",
            ),
            models.CheckConstraint(
                condition=Q(spending_margin_pct__gte=0) & Q(spending_margin_pct__lte=100),
                name="plan_spending_margin_range",
            ),
            models.CheckConstraint(
                condition=Q(report_due_days__lte=90), name="plan_report_due_days_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def kind(self):
        """The plan's kind (title, part headings, default texts): actionplan.plan_kinds."""
        from actionplan.plan_kinds import kind_of

        return kind_of(self.plan_type)

    @property
    def display_title(self) -> str:
        base = self.title_th or self.kind.title
        return f"{base} ประจำปีงบประมาณ พ.ศ. {self.fiscal_year.year_be}"

    @property
    def menu_title(self) -> str:
        """ "<title> พ.ศ. <year>": how the year menus name a plan (two plans of a year differ)."""
        base = (self.title_th or self.kind.title).strip()
        return f"{base} พ.ศ. {self.fiscal_year.year_be}"

    @property
    def horizon_years(self) -> list[int]:
        """The years of the strategy-KPI target table (e.g. 2566-2570)."""
        if self.horizon_start_be and self.horizon_end_be:
            return list(range(self.horizon_start_be, self.horizon_end_be + 1))
        return [self.fiscal_year.year_be]


class DirectionKind(models.TextChoices):
    MISSION = "mission", _("พันธกิจ")
    GOAL = "goal", _("เป้าประสงค์")
    SUCCESS_FACTOR = "success_factor", _("ปัจจัยแห่งความสำเร็จ")


class DirectionItem(models.Model):
    """A numbered item of the plan's direction: a mission, a goal or a success factor."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="direction_items")
    kind = models.CharField(_("ประเภท"), max_length=20, choices=DirectionKind.choices)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    text_th = models.TextField(_("ข้อความ"))

    class Meta:
        verbose_name = _("พันธกิจ/เป้าประสงค์")
        verbose_name_plural = _("พันธกิจ/เป้าประสงค์")
        ordering = ["plan", "kind", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order}"


class StrategyLabel(models.TextChoices):
    STRATEGY = "กลยุทธ์", _("กลยุทธ์")
    STRATEGIC_ISSUE = "ยุทธศาสตร์", _("ยุทธศาสตร์")
    STRATEGY_ISSUE = "ประเด็นกลยุทธ์", _("ประเด็นกลยุทธ์")


class Strategy(models.Model):
    """A strategy (กลยุทธ์) of the plan; projects serve exactly one."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    number = models.PositiveSmallIntegerField(_("ข้อที่"))
    label = models.CharField(
        _("คำเรียก"), max_length=20, choices=StrategyLabel.choices, default=StrategyLabel.STRATEGY
    )
    title_th = models.TextField(_("ชื่อกลยุทธ์"))

    class Meta:
        verbose_name = _("กลยุทธ์")
        verbose_name_plural = _("กลยุทธ์")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="strategy_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.label}ที่ {self.number} {self.title_th}"


class StrategicGoal(models.Model):
    """A strategic goal (เป้าประสงค์เชิงกลยุทธ์) under a strategy."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    text_th = models.TextField(_("เป้าประสงค์เชิงกลยุทธ์"))

    class Meta:
        verbose_name = _("เป้าประสงค์เชิงกลยุทธ์")
        verbose_name_plural = _("เป้าประสงค์เชิงกลยุทธ์")
        ordering = ["strategy", "order", "pk"]

    def __str__(self) -> str:
        return self.text_th[:80]


class DevelopmentGuideline(models.Model):
    """A development guideline (แนวทางการพัฒนา) with the unit responsible for it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="guidelines")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    heading_th = models.CharField(_("หัวข้อย่อย"), max_length=255, blank=True)
    text_th = models.TextField(_("แนวทางการพัฒนา"))
    responsible_th = models.CharField(_("หน่วยงานที่รับผิดชอบ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("แนวทางการพัฒนา")
        verbose_name_plural = _("แนวทางการพัฒนา")
        ordering = ["strategy", "order", "pk"]

    def __str__(self) -> str:
        return self.text_th[:80]


class IndicatorLevel(models.TextChoices):
    ESA = "สพท.", _("สพท.")
    ESA_SCHOOL = "สพท. / โรงเรียน", _("สพท. / โรงเรียน")
    SCHOOL = "โรงเรียน", _("โรงเรียน")


class StrategyIndicator(models.Model):
    """A strategy KPI (ตัวชี้วัด) with one target per year of the plan's horizon."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    text_th = models.TextField(_("ตัวชี้วัด"))
    unit_th = models.CharField(_("หน่วยนับ"), max_length=50, default="ร้อยละ")
    level = models.CharField(
        _("ระดับ"), max_length=30, choices=IndicatorLevel.choices, default=IndicatorLevel.ESA_SCHOOL
    )
    higher_is_better = models.BooleanField(_("ค่ายิ่งสูงยิ่งดี"), default=True)

    class Meta:
        verbose_name = _("ตัวชี้วัดกลยุทธ์")
        verbose_name_plural = _("ตัวชี้วัดกลยุทธ์")
        ordering = ["strategy", "order", "pk"]

    def __str__(self) -> str:
        return self.text_th[:80]

    def target_for(self, year_be: int):
        """The target of one year, from prefetched targets."""
        for target in self.targets.all():
            if target.year_be == year_be:
                return target.target_value
        return None


class StrategyIndicatorTarget(models.Model):
    """The target value of a strategy KPI for one Buddhist-Era year."""

    indicator = models.ForeignKey(
        StrategyIndicator, on_delete=models.CASCADE, related_name="targets"
    )
    year_be = models.PositiveSmallIntegerField(_("ปี พ.ศ."))
    target_value = models.DecimalField(_("ค่าเป้าหมาย"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("ค่าเป้าหมายรายปี")
        verbose_name_plural = _("ค่าเป้าหมายรายปี")
        ordering = ["indicator", "year_be"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year_be"], name="kpi_target_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year_be}: {self.target_value}"


class FrameworkKind(models.TextChoices):
    NATIONAL_STRATEGY = "national_strategy", _("ยุทธศาสตร์ชาติ")
    MASTER_PLAN = "master_plan", _("แผนแม่บทภายใต้ยุทธศาสตร์ชาติ")
    REFORM_PLAN = "reform_plan", _("แผนการปฏิรูปประเทศด้านการศึกษา")
    NESDP = "nesdp", _("แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ")
    NATIONAL_EDU_PLAN = "national_edu_plan", _("แผนการศึกษาแห่งชาติ")
    GOVERNMENT_POLICY = "government_policy", _("นโยบายรัฐบาล")
    MOE_POLICY = "moe_policy", _("นโยบายและจุดเน้นกระทรวงศึกษาธิการ")
    OBEC_POLICY = "obec_policy", _("นโยบาย สพฐ.")
    OBEC_FOCUS = "obec_focus", _("จุดเน้น สพฐ.")
    OBEC_QUICK_WIN = "obec_quick_win", _("นโยบายระยะเร่งด่วน (Quick Win) สพฐ.")
    ESA_POLICY = "esa_policy", _("นโยบาย/จุดเน้น สพท.")
    ESA_STANDARD = "esa_standard", _("มาตรฐานสำนักงานเขตพื้นที่การศึกษา")
    PROVINCIAL_PLAN = "provincial_plan", _("แผนพัฒนาการศึกษาจังหวัด")
    OTHER = "other", _("อื่น ๆ")


REFERENCE_KEY = RegexValidator(r"^[a-z0-9][a-z0-9.\-]*$", _("รหัสอ้างอิงใช้ได้เฉพาะ a-z 0-9 จุด และขีด"))


def _applies_to(year_be: int, prefix: str = "") -> Q:
    """Rows whose period (open at either end when empty) contains the fiscal year."""
    start, end = f"{prefix}period_start_be", f"{prefix}period_end_be"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": year_be})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": year_be})
    )


def _period_label(start: int | None, end: int | None) -> str:
    if start and end:
        return f"{start}" if start == end else f"{start}–{end}"
    if start:
        return f"ตั้งแต่ {start}"
    if end:
        return f"ถึง {end}"
    return ""


class PolicyFrameworkQuerySet(models.QuerySet):
    def national(self) -> PolicyFrameworkQuerySet:
        return self.filter(office__isnull=True)

    def applies_to(self, year_be: int) -> PolicyFrameworkQuerySet:
        """Frameworks valid in a fiscal year (a span such as 2561-2580 covers each year in it)."""
        return self.filter(_applies_to(year_be))

    def followed_by(self, office: Office) -> PolicyFrameworkQuerySet:
        """The office's own active frameworks and the active national ones it has not switched
        off (an office follows every national framework until it says otherwise)."""
        switched_off = OfficeFramework.objects.filter(office=office, follows=False).values(
            "framework_id"
        )
        return self.filter(is_active=True).filter(
            Q(office=office) | (Q(office__isnull=True) & ~Q(pk__in=switched_off))
        )


class PolicyFramework(models.Model):
    """A policy framework projects align with (สนอง); national ones have no office."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="frameworks"
    )
    key = models.CharField(
        _("รหัสอ้างอิง"),
        max_length=80,
        blank=True,
        validators=[REFERENCE_KEY],
        help_text=_("รหัสคงที่ของข้อมูลอ้างอิงระดับชาติ (load_reference ใช้จับคู่)"),
    )
    kind = models.CharField(_("ประเภท"), max_length=30, choices=FrameworkKind.choices)
    title_th = models.CharField(_("ชื่อ"), max_length=255)
    period_start_be = models.PositiveSmallIntegerField(_("ตั้งแต่ปี"), null=True, blank=True)
    period_end_be = models.PositiveSmallIntegerField(_("ถึงปี"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("คัดลอกมาจาก"),
    )

    objects = PolicyFrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("กรอบนโยบาย")
        verbose_name_plural = _("กรอบนโยบาย")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(office__isnull=True) & ~Q(key=""),
                name="policyframework_unique_national_key",
            ),
            models.CheckConstraint(
                condition=Q(period_start_be__isnull=True)
                | Q(period_end_be__isnull=True)
                | Q(period_end_be__gte=models.F("period_start_be")),
                name="policyframework_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title_th

    @property
    def is_national(self) -> bool:
        return self.office_id is None

    @property
    def period_label(self) -> str:
        """The years it applies to as shown on the pages ("2567", "2561–2580", "" = any)."""
        return _period_label(self.period_start_be, self.period_end_be)

    def applies_to(self, year_be: int) -> bool:
        start, end = self.period_start_be, self.period_end_be
        return (start is None or start <= year_be) and (end is None or end >= year_be)


class PolicyItem(models.Model):
    """One item of a framework ("นโยบายที่ ๓ …", "จุดเน้นที่ ๖ …"), any depth."""

    framework = models.ForeignKey(PolicyFramework, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    key = models.CharField(_("รหัสอ้างอิง"), max_length=80, blank=True, validators=[REFERENCE_KEY])
    code = models.CharField(_("ข้อ"), max_length=30, blank=True)
    title_th = models.TextField(_("ข้อความ"))
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(
        _("ใช้งาน"),
        default=True,
        help_text=_("ข้อที่เลิกใช้แล้วแต่มีโครงการอ้างถึง จะไม่ถูกลบ แต่ไม่ให้เลือกใหม่"),
    )

    class Meta:
        verbose_name = _("ข้อนโยบาย")
        verbose_name_plural = _("ข้อนโยบาย")
        ordering = ["framework", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "key"],
                condition=~Q(key=""),
                name="policyitem_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_th}".strip()


class ProgrammeQuerySet(models.QuerySet):
    def available_to(self, office: Office, year_be: int) -> ProgrammeQuerySet:
        """Active programmes of the office or national, valid in the fiscal year."""
        return self.filter(is_active=True).filter(
            Q(office=office) | Q(office__isnull=True), _applies_to(year_be)
        )


class Programme(models.Model):
    """A budget programme (แผนงาน) a project is funded under, valid for a span of fiscal years."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="programmes"
    )
    key = models.CharField(_("รหัสอ้างอิง"), max_length=80, blank=True, validators=[REFERENCE_KEY])
    name_th = models.CharField(_("แผนงาน"), max_length=255)
    period_start_be = models.PositiveSmallIntegerField(_("ตั้งแต่ปีงบประมาณ"), null=True, blank=True)
    period_end_be = models.PositiveSmallIntegerField(_("ถึงปีงบประมาณ"), null=True, blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("แผนงาน")
        verbose_name_plural = _("แผนงาน")
        ordering = ["name_th"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(office__isnull=True) & ~Q(key=""),
                name="programme_unique_national_key",
            ),
            models.CheckConstraint(
                condition=Q(period_start_be__isnull=True)
                | Q(period_end_be__isnull=True)
                | Q(period_end_be__gte=models.F("period_start_be")),
                name="programme_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th


class WorkerHeartbeat(models.Model):
    """A background worker (`run_worker`) that is alive says so every few seconds, so that a
    page whose job waits can tell "queued behind other work" from "no worker is running"."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ตัวประมวลผลเบื้องหลัง")
        verbose_name_plural = _("ตัวประมวลผลเบื้องหลัง")

    def __str__(self) -> str:
        return self.worker_id

    @property
    def period_label(self) -> str:
        return _period_label(self.period_start_be, self.period_end_be)


class OfficeFramework(models.Model):
    """Whether an office follows a national framework (no row: it does)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="framework_links")
    framework = models.ForeignKey(
        PolicyFramework,
        on_delete=models.CASCADE,
        related_name="office_links",
        limit_choices_to={"office__isnull": True},
    )
    follows = models.BooleanField(_("สำนักงานยึดถือกรอบนี้"), default=True)

    class Meta:
        verbose_name = _("กรอบนโยบายที่สำนักงานยึดถือ")
        verbose_name_plural = _("กรอบนโยบายที่สำนักงานยึดถือ")
        constraints = [
            models.UniqueConstraint(fields=["office", "framework"], name="officeframework_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.framework}"
