"""Forms of the office set-up. Choice fields read from lists loaded once per request
(projects.forms.CachedModelChoiceField), so a page of ten groups costs what a page of one does."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.forms import (
    BaseInlineFormSet,
    BaseModelFormSet,
    inlineformset_factory,
    modelformset_factory,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplan import thai
from actionplan.admin import manageable_roles
from actionplan.forms import CleanTextMixin
from actionplan.models import (
    DevelopmentGuideline,
    DirectionItem,
    Office,
    OrgUnit,
    Plan,
    PlanType,
    Role,
    StrategicGoal,
    Strategy,
    StrategyIndicator,
    User,
)
from actionplan.workbooks import MAX_BYTES, RejectedFile, check_file_name
from imports.cells import squash
from printing.models import OfficePrintSettings
from projects.forms import CachedModelChoiceField, ThaiDecimalField
from setup.services import GROUP_ROLES, StaffData, plan_exists_message

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_TARGET = Decimal("9999999.99")  # StrategyIndicatorTarget.target_value: Decimal(9, 2)
USERNAME_CHARACTERS = _("ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และ . _ - @ +")


class BEYearField(forms.IntegerField):
    """A Buddhist-Era year (Thai digits accepted); a Common-Era year is refused, not converted,
    so nobody's 2025 silently becomes 2568."""

    default_error_messages = {"invalid": _("กรุณากรอกปี พ.ศ. เป็นตัวเลข เช่น 2569")}

    def to_python(self, value):
        if isinstance(value, str):
            value = thai.to_arabic_digits(value.strip())
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if 1900 <= value <= 2200:
            raise ValidationError(
                gettext("กรุณากรอกปีเป็น พ.ศ. (เช่น %(year)s) ไม่ใช่ ค.ศ.")
                % {"year": value + thai.BE_OFFSET},
                code="ce_year",
            )
        if not 2500 <= value <= 2700:
            raise ValidationError(gettext("ปี พ.ศ. ต้องอยู่ระหว่าง 2500 ถึง 2700"), code="range")


# --- office and printing -----------------------------------------------------------------------


class OfficeForm(CleanTextMixin, forms.ModelForm):
    """The office's profile as printed on covers and letters (its code is the system's)."""

    aliases_text = forms.CharField(
        label=_("ชื่อเรียกอื่นของสำนักงาน"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("บรรทัดละหนึ่งชื่อ ใช้จับคู่ชื่อสำนักงานในไฟล์ที่นำเข้า"),
    )

    class Meta:
        model = Office
        fields = [
            "name_th",
            "short_name_th",
            "level",
            "province_th",
            "area_no",
            "parent_agency_th",
            "ministry_th",
            "address_th",
            "phone",
            "website",
            "digit_style",
        ]
        widgets = {"address_th": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aliases_text"].initial = "\n".join(self.instance.aliases or [])
        self.fields["area_no"].widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        lines = [" ".join(line.split()) for line in data.get("aliases_text", "").splitlines()]
        self.instance.aliases = [line for line in dict.fromkeys(lines) if line]
        return data


class PrintSettingsForm(CleanTextMixin, forms.ModelForm):
    """Which parts the plan book prints and the titles over the three signatures."""

    class Meta:
        model = OfficePrintSettings
        fields = [
            "include_context",
            "include_direction",
            "include_projects",
            "include_project_documents",
            "include_management",
            "include_appendices",
            "proposer_title_th",
            "endorser_title_th",
            "approver_title_th",
            "print_sign_line",
        ]


# --- groups -------------------------------------------------------------------------------------


def _person_label(user: User) -> str:
    unit = f" · {user.org_unit.name_th}" if user.org_unit_id and user.org_unit else ""
    return f"{user.display_name}{unit}"


class GroupForm(CleanTextMixin, forms.ModelForm):
    """One group: its name, order, whether it is in use, its director and its deputy."""

    class Meta:
        model = OrgUnit
        fields = ["sort_order", "name_th", "short_name_th", "is_active"]
        widgets = {"sort_order": forms.TextInput(attrs={"inputmode": "numeric", "size": 3})}

    def __init__(self, *args, candidates, deputies, directors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["director"] = CachedModelChoiceField(
            candidates, label=_("ผู้อำนวยการกลุ่ม"), required=False, label_of=_person_label
        )
        self.fields["deputy_user"] = CachedModelChoiceField(
            deputies,
            label=_("รองผู้อำนวยการที่กำกับดูแล"),
            required=False,
            label_of=_person_label,
        )
        current = directors.get(self.instance.pk) if self.instance.pk else None
        self.initial["director"] = str(current.pk) if current else ""
        deputy_ids = {str(d.pk) for d in deputies}
        deputy = str(self.instance.deputy_id or "")
        self.initial["deputy_user"] = deputy if deputy in deputy_ids else ""

    def clean(self):
        data = super().clean()
        self.instance.deputy = data.get("deputy_user")
        if data.get("director") is not None and not data.get("is_active", True):
            self.add_error("director", gettext("กลุ่มที่ปิดใช้งานไม่มีผู้อำนวยการกลุ่ม"))
        return data

    @property
    def director_changed(self) -> bool:
        return "director" in self.changed_data


class BaseGroupFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        names: dict[str, str] = {}
        directors: dict[int, str] = {}
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            name = form.cleaned_data.get("name_th") or form.instance.name_th
            key = squash(name)
            if key in names:
                raise ValidationError(gettext("ชื่อกลุ่ม “%(name)s” ซ้ำกัน") % {"name": name})
            names[key] = name
            director = form.cleaned_data.get("director")
            if director is not None:
                if director.pk in directors:
                    raise ValidationError(
                        gettext(
                            "%(person)s ถูกเลือกเป็นผู้อำนวยการของทั้ง %(first)s และ %(second)s"
                            " (เป็นได้กลุ่มเดียว)"
                        )
                        % {
                            "person": director.display_name,
                            "first": directors[director.pk],
                            "second": name,
                        }
                    )
                directors[director.pk] = name

    def changed_forms(self) -> list[GroupForm]:
        return [f for f in self.forms if f.has_changed()]


GroupFormSet = modelformset_factory(
    OrgUnit, form=GroupForm, formset=BaseGroupFormSet, extra=1, can_delete=False
)


# --- staff --------------------------------------------------------------------------------------


class StaffForm(CleanTextMixin, forms.Form):
    """An account with the person printed for it. On one's own account the role and the
    activation are shown but not editable."""

    prefix_th = forms.CharField(label=_("คำนำหน้า"), max_length=50, required=False)
    first_name_th = forms.CharField(label=_("ชื่อ"), max_length=100)
    last_name_th = forms.CharField(label=_("นามสกุล"), max_length=100, required=False)
    position_th = forms.CharField(
        label=_("ตำแหน่ง"),
        max_length=255,
        required=False,
        help_text=_("พิมพ์ใต้ลายมือชื่อในเอกสารโครงการ เช่น ผู้อำนวยการกลุ่มนโยบายและแผน"),
    )
    role = forms.ChoiceField(label=_("บทบาท"))
    username = forms.CharField(
        label=_("ชื่อผู้ใช้"),
        max_length=150,
        help_text=_("ตัวอักษรอังกฤษ ตัวเลข และ . _ - @ + ใช้เข้าสู่ระบบ"),
    )
    email = forms.CharField(label=_("อีเมล"), max_length=254, required=False)
    is_active = forms.BooleanField(label=_("ใช้งาน"), required=False, initial=True)

    def __init__(self, *args, by: User, units: list[OrgUnit], account: User | None = None, **kw):
        super().__init__(*args, **kw)
        self.by, self.account = by, account
        labels = dict(Role.choices)  # in the page's language
        self.fields["role"].choices = [(r, labels[r]) for r in manageable_roles(by)]
        self.fields["org_unit"] = CachedModelChoiceField(
            units, label=_("กลุ่ม"), required=False, label_of=lambda u: u.name_th
        )
        self.order_fields(
            ["prefix_th", "first_name_th", "last_name_th", "position_th", "org_unit", "role"]
        )
        if account is None:
            del self.fields["is_active"]
        else:
            person = account.person if account.person_id else None
            self.initial.update(
                {
                    "prefix_th": person.prefix_th if person else "",
                    "first_name_th": person.first_name_th if person else account.first_name,
                    "last_name_th": person.last_name_th if person else account.last_name,
                    "position_th": person.position_th if person else "",
                    "org_unit": str(account.org_unit_id or ""),
                    "role": account.role,
                    "username": account.username,
                    "email": account.email,
                    "is_active": account.is_active,
                }
            )
            if account.pk == by.pk:
                self.fields["role"].disabled = True
                self.fields["is_active"].disabled = True
                self.fields["role"].help_text = gettext("เปลี่ยนบทบาทของตนเองไม่ได้")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise ValidationError(USERNAME_CHARACTERS) from exc
        if not username.isascii():
            raise ValidationError(USERNAME_CHARACTERS)
        clash = User.objects.filter(username__iexact=username)
        if self.account is not None:
            clash = clash.exclude(pk=self.account.pk)
        if clash.exists():
            raise ValidationError(gettext("ชื่อผู้ใช้ “%(username)s” มีผู้ใช้แล้ว") % {"username": username})
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ValidationError(gettext("อีเมลไม่ถูกต้อง")) from exc
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") in GROUP_ROLES and data.get("org_unit") is None:
            self.add_error("org_unit", gettext("ผู้จัดทำโครงการและผู้อำนวยการกลุ่มต้องสังกัดกลุ่ม"))
        return data

    def to_data(self) -> StaffData:
        d = self.cleaned_data
        return StaffData(
            username=d["username"],
            prefix_th=d.get("prefix_th", ""),
            first_name_th=d["first_name_th"],
            last_name_th=d.get("last_name_th", ""),
            position_th=d.get("position_th", ""),
            org_unit=d.get("org_unit"),
            role=d["role"],
            email=d.get("email", ""),
            is_active=d.get("is_active", True) if "is_active" in self.fields else True,
        )


class StaffUploadForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์รายชื่อบุคลากร (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext("ไม่เกิน %(mb)s MB ใช้แบบฟอร์มที่ดาวน์โหลดจากหน้านี้") % {
            "mb": MAX_BYTES // (1024 * 1024)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                gettext("ไฟล์ใหญ่เกิน %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        try:
            check_file_name(upload.name)
        except RejectedFile as exc:
            raise ValidationError(str(exc)) from exc
        return upload


# --- the plan year ------------------------------------------------------------------------------


class PlanCreateForm(CleanTextMixin, forms.Form):
    year_be = BEYearField(label=_("ปีงบประมาณ (พ.ศ.)"))
    plan_type = forms.ChoiceField(
        label=_("ประเภทแผน"),
        choices=PlanType.choices,
        initial=PlanType.ACTION_PLAN,
        required=False,  # old clients post none: the action plan
    )
    title_th = forms.CharField(
        label=_("ชื่อแผน"),
        max_length=255,
        required=False,
        help_text=_("เว้นว่างได้: ใช้ “แผนปฏิบัติการประจำปี”"),
    )
    copy_previous = forms.BooleanField(label=_("คัดลอกจากแผนปีที่แล้ว"), required=False)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office

    def clean_plan_type(self) -> str:
        return self.cleaned_data.get("plan_type") or PlanType.ACTION_PLAN

    def clean(self):
        data = super().clean()
        year, kind = data.get("year_be"), data.get("plan_type") or PlanType.ACTION_PLAN
        if (
            year
            and Plan.objects.filter(
                office=self.office, fiscal_year__year_be=year, plan_type=kind
            ).exists()
        ):
            self.add_error("year_be", plan_exists_message(kind, year))
        return data


class PlanForm(CleanTextMixin, forms.ModelForm):
    horizon_start_be = BEYearField(label=_("แผนพัฒนาฯ ตั้งแต่ปี (พ.ศ.)"), required=False)
    horizon_end_be = BEYearField(label=_("ถึงปี (พ.ศ.)"), required=False)

    class Meta:
        model = Plan
        fields = [
            "title_th",
            "horizon_start_be",
            "horizon_end_be",
            "vision_th",
            "values_th",
            "foreword_th",
            "foreword_signatory_th",
            "logo",
        ]
        widgets = {
            "vision_th": forms.Textarea(attrs={"rows": 2}),
            "values_th": forms.Textarea(attrs={"rows": 2}),
            "foreword_th": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"logo": _("ไฟล์ PNG หรือ JPG ไม่เกิน 2 MB พิมพ์บนปกเล่มแผน")}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise ValidationError(gettext("ไฟล์ตราสัญลักษณ์ใหญ่เกิน 2 MB"))
        return logo

    def clean(self):
        data = super().clean()
        start, end = data.get("horizon_start_be"), data.get("horizon_end_be")
        year = self.instance.fiscal_year.year_be
        if (start is None) != (end is None):
            self.add_error("horizon_end_be", gettext("กรอกทั้งปีเริ่มต้นและปีสิ้นสุด หรือเว้นว่างทั้งสองช่อง"))
        elif start is not None:
            if end < start:
                self.add_error("horizon_end_be", gettext("ปีสิ้นสุดต้องไม่ก่อนปีเริ่มต้น"))
            elif end - start > 10:
                self.add_error("horizon_end_be", gettext("ช่วงของแผนพัฒนาต้องไม่เกิน 10 ปี"))
            elif not start <= year <= end:
                self.add_error(
                    "horizon_end_be",
                    gettext("ช่วงปีของแผนพัฒนาต้องครอบคลุมปีงบประมาณ พ.ศ. %(year)s") % {"year": year},
                )
        return data


class StrategyForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["number", "label", "title_th"]
        widgets = {
            "number": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "title_th": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"number": {"required": _("กรอกข้อที่ของกลยุทธ์")}}

    def validate_unique(self):
        pass  # numbers are checked across the whole formset (BaseStrategyFormSet), in Thai


class BaseStrategyFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        numbers: set[int] = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk and form.instance.projects.exists():
                    raise ValidationError(
                        gettext("ลบ%(label)sที่ %(number)s ไม่ได้: มีโครงการอยู่ในกลยุทธ์นี้")
                        % {
                            "label": form.instance.get_label_display(),
                            "number": form.instance.number,
                        }
                    )
                continue
            number = form.cleaned_data.get("number")
            if number in numbers:
                raise ValidationError(gettext("ข้อที่ %(number)s ของกลยุทธ์ซ้ำกัน") % {"number": number})
            numbers.add(number)

    def validate_unique(self):
        pass


StrategyFormSet = inlineformset_factory(
    Plan, Strategy, form=StrategyForm, formset=BaseStrategyFormSet, extra=2, can_delete=True
)


class DirectionItemForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DirectionItem
        fields = ["kind", "order", "text_th"]
        widgets = {
            "order": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "text_th": forms.Textarea(attrs={"rows": 2}),
        }


DirectionFormSet = inlineformset_factory(
    Plan, DirectionItem, form=DirectionItemForm, extra=2, can_delete=True
)


class GoalForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = StrategicGoal
        fields = ["order", "text_th"]
        widgets = {
            "order": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "text_th": forms.Textarea(attrs={"rows": 2}),
        }


class GuidelineForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DevelopmentGuideline
        fields = ["order", "heading_th", "text_th", "responsible_th"]
        widgets = {
            "order": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "text_th": forms.Textarea(attrs={"rows": 2}),
        }


class IndicatorForm(CleanTextMixin, forms.ModelForm):
    """A strategy KPI with one target field per year of the plan's horizon."""

    class Meta:
        model = StrategyIndicator
        fields = ["order", "text_th", "unit_th", "level", "higher_is_better"]
        widgets = {
            "order": forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
            "text_th": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        existing = (
            {t.year_be: t.target_value for t in self.instance.targets.all()}
            if (self.instance.pk)
            else {}
        )
        for year in years:
            name = f"target_{year}"
            self.fields[name] = forms.CharField(
                label=gettext("ค่าเป้าหมายปี %(year)s") % {"year": year},
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
            value = existing.get(year)
            self.initial[name] = (
                thai.format_number(value, 2).rstrip("0").rstrip(".") if (value is not None) else ""
            )

    def target_fields(self):
        return [self[f"target_{year}"] for year in self.years]

    def clean(self):
        data = super().clean()
        self.targets: dict[int, Decimal | None] = {}
        for year in self.years:
            name = f"target_{year}"
            raw = (data.get(name) or "").strip()
            if not raw:
                self.targets[year] = None
                continue
            try:
                value = thai.parse_number(raw)
            except ValueError:
                self.add_error(name, gettext("กรอกค่าเป้าหมายเป็นตัวเลข เช่น 80 หรือ ๘๐"))
                continue
            if not value.is_finite() or abs(value) > MAX_TARGET:
                self.add_error(name, gettext("ค่าเป้าหมายต้องไม่เกิน 9,999,999.99"))
                continue
            self.targets[year] = value.quantize(Decimal("0.01"))
        return data


class BaseIndicatorFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.results.exists():
                raise ValidationError(
                    gettext("ลบตัวชี้วัด “%(indicator)s” ไม่ได้: มีผลการดำเนินงานรายงานไว้แล้ว")
                    % {"indicator": form.instance.text_th[:60]}
                )


GoalFormSet = inlineformset_factory(
    Strategy, StrategicGoal, form=GoalForm, extra=2, can_delete=True
)
GuidelineFormSet = inlineformset_factory(
    Strategy, DevelopmentGuideline, form=GuidelineForm, extra=1, can_delete=True
)
IndicatorFormSet = inlineformset_factory(
    Strategy,
    StrategyIndicator,
    form=IndicatorForm,
    formset=BaseIndicatorFormSet,
    extra=2,
    can_delete=True,
)


# --- group ceilings -----------------------------------------------------------------------------


class CeilingsForm(forms.Form):
    """One amount per active group; an empty field means no ceiling set."""

    def __init__(self, *args, units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            self.fields[f"unit_{unit.pk}"] = ThaiDecimalField(
                label=unit.name_th,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=thai.format_money(unit.budget_ceiling, zero="0.00")
                if unit.budget_ceiling is not None
                else "",
            )

    def rows(self):
        return [(unit, self[f"unit_{unit.pk}"]) for unit in self.units]

    def amounts(self) -> dict[int, Decimal | None]:
        return {unit.pk: self.cleaned_data.get(f"unit_{unit.pk}") for unit in self.units}
