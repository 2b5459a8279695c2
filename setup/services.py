"""Writes of the office set-up: groups and their directors, staff accounts (one-time passwords),
the plan year (new or copied from last year), KPI targets and group ceilings.

Every service re-checks who may do it (the rank rule of actionplan.admin: a plan administrator
manages accounts up to their own rank), writes in one transaction, records the change in the
admin's history (LogEntry, so /admin/ shows who set what) and raises DomainError in the
language of the page (Thai unless the user switched). The history's change messages are kept
data, always in Thai.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, ngettext

from actionplan.admin import manageable_roles
from actionplan.models import (
    DevelopmentGuideline,
    DirectionItem,
    Office,
    OfficeRole,
    OrgUnit,
    Person,
    Plan,
    PlanStatus,
    PlanType,
    Role,
    StrategicGoal,
    Strategy,
    StrategyIndicator,
    StrategyIndicatorTarget,
    User,
)
from actionplan.services import DomainError, end_sessions, get_fiscal_year
from budgets.money import quantize
from setup.checklist import SETUP_ROLES

GROUP_ROLES = {Role.PLANNER, Role.GROUP_DIRECTOR}  # accounts that belong to one group
OFFICE_ROLE_OF = {
    Role.DIRECTOR: OfficeRole.DIRECTOR,
    Role.DEPUTY_DIRECTOR: OfficeRole.DEPUTY,
    Role.GROUP_DIRECTOR: OfficeRole.GROUP_DIRECTOR,
}
# No 0/O, 1/l/I: the password is read off a screen and typed by someone else.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _guard_setup(by: User, office: Office) -> None:
    if by.role not in SETUP_ROLES or by.office_id != office.pk:
        raise DomainError(gettext("เฉพาะผู้ดูแลแผน ผู้อำนวยการสำนักงาน และผู้ดูแลระบบของสำนักงานนี้"))


def _log(by: User, objects, flag: int, message: str) -> None:
    """The change in the admin's history of each object (who, when, what)."""
    objects = list(objects)
    if objects:
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=objects,
            action_flag=flag,
            change_message=message,
            single_object=len(objects) == 1,
        )


def record_change(*, by: User, obj, message: str, added: bool = False) -> None:
    """A change made by a plain form save, in the admin's history of the object."""
    _log(by, [obj], ADDITION if added else CHANGE, f"{message} (ตั้งค่าสำนักงาน)")


# --- passwords ----------------------------------------------------------------------------------


def generate_password(user: User | None = None) -> str:
    """A random password such as "kP7w-Qm3z-Xt9a", passing the site's password validators."""
    while True:
        raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
        password = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


# --- groups -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    """One group as the group page submits it: the unit (new or changed, unsaved) and its
    director (None: none), with whether the director was changed."""

    unit: OrgUnit
    director: User | None
    director_changed: bool


def group_directors(office: Office) -> dict[int, User]:
    """{unit id: its group director} of the active accounts of an office."""
    directors: dict[int, User] = {}
    for user in User.objects.filter(
        office=office, is_active=True, role=Role.GROUP_DIRECTOR, org_unit__isnull=False
    ).select_related("person"):
        directors.setdefault(user.org_unit_id, user)
    return directors


def _may_manage(by: User, role: str) -> bool:
    return role in manageable_roles(by)


@transaction.atomic
def save_groups(*, office: Office, by: User, rows: list[GroupRow]) -> list[OrgUnit]:
    """Save the office's groups (renamed, added, deactivated, their deputy) and make each
    chosen director the group director of their group; a group's previous director stays in
    the group as a planner, so only one account proposes the group's projects."""
    _guard_setup(by, office)
    if not (_may_manage(by, Role.PLANNER) and _may_manage(by, Role.GROUP_DIRECTOR)):
        raise DomainError(gettext("บทบาทของท่านกำหนดผู้อำนวยการกลุ่มไม่ได้"))
    next_order = max(
        [*OrgUnit.objects.filter(office=office).values_list("sort_order", flat=True)]
        + [r.unit.sort_order for r in rows],
        default=0,
    )
    for row in rows:
        unit = row.unit
        if unit.pk is None:
            unit.office = office
            if not unit.sort_order:
                next_order += 1
                unit.sort_order = next_order
        elif unit.office_id != office.pk:
            raise DomainError(gettext("กลุ่มนี้ไม่ได้อยู่ในสำนักงานของท่าน"))
        deputy = unit.deputy if unit.deputy_id else None
        if deputy is not None and (
            deputy.office_id != office.pk or deputy.role != Role.DEPUTY_DIRECTOR
        ):
            raise DomainError(
                gettext("%(group)s: ต้องเลือกรองผู้อำนวยการของสำนักงานนี้") % {"group": unit.name_th}
            )
        if not unit.is_active:
            busy = (
                User.objects.filter(org_unit_id=unit.pk, is_active=True).count() if unit.pk else 0
            )
            if busy:
                raise DomainError(
                    ngettext(
                        "ปิดใช้งาน%(group)sไม่ได้: ยังมีบัญชีที่ใช้งานอยู่ในกลุ่มนี้ %(n)d บัญชี "
                        "กรุณาย้ายกลุ่มหรือปิดบัญชีเหล่านั้นก่อน",
                        "ปิดใช้งาน%(group)sไม่ได้: ยังมีบัญชีที่ใช้งานอยู่ในกลุ่มนี้ %(n)d บัญชี "
                        "กรุณาย้ายกลุ่มหรือปิดบัญชีเหล่านั้นก่อน",
                        busy,
                    )
                    % {"group": unit.name_th, "n": busy}
                )
    created = [r.unit for r in rows if r.unit.pk is None]
    changed = [r.unit for r in rows if r.unit.pk is not None]
    for unit in changed:
        unit.save(update_fields=["name_th", "short_name_th", "sort_order", "is_active", "deputy"])
    for unit in created:
        unit.save()
    _log(by, created, ADDITION, "เพิ่มกลุ่ม (ตั้งค่าสำนักงาน)")
    _log(by, changed, CHANGE, "แก้ไขกลุ่ม (ตั้งค่าสำนักงาน)")
    for row in rows:
        if row.director_changed:
            _set_director(office=office, by=by, unit=row.unit, director=row.director)
    return [r.unit for r in rows]


def _set_director(*, office: Office, by: User, unit: OrgUnit, director: User | None) -> None:
    previous = list(
        User.objects.filter(org_unit=unit, role=Role.GROUP_DIRECTOR).exclude(
            pk=director.pk if director else None
        )
    )
    for user in previous:
        _change_role(user, Role.PLANNER)
    _log(by, previous, CHANGE, f"พ้นจากผู้อำนวยการ{unit.name_th} เป็นผู้จัดทำโครงการ")
    if director is None:
        return
    if director.office_id != office.pk or not director.is_active or director.is_superuser:
        raise DomainError(gettext("ผู้อำนวยการกลุ่มต้องเป็นบัญชีที่ใช้งานอยู่ของสำนักงานนี้"))
    if director.role not in GROUP_ROLES:
        raise DomainError(
            gettext("%(person)s อยู่ในบทบาทที่เป็นผู้อำนวยการกลุ่มไม่ได้") % {"person": director.display_name}
        )
    director.org_unit = unit
    _change_role(director, Role.GROUP_DIRECTOR)
    _log(by, [director], CHANGE, f"เป็นผู้อำนวยการ{unit.name_th}")


def _change_role(user: User, role: str) -> None:
    user.role = role
    user.save(update_fields=["role", "org_unit"])
    if user.person_id:
        Person.objects.filter(pk=user.person_id).update(
            office_role=OFFICE_ROLE_OF.get(role, OfficeRole.STAFF), org_unit=user.org_unit_id
        )


# --- staff --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffData:
    """What the staff form or a spreadsheet row says about one account."""

    username: str
    first_name_th: str
    last_name_th: str = ""
    prefix_th: str = ""
    position_th: str = ""
    org_unit: OrgUnit | None = None
    role: str = Role.PLANNER
    email: str = ""
    is_active: bool = True


def staff_queryset(by: User):
    """The accounts `by` may manage: their office's, up to their rank, never a superuser."""
    return User.objects.filter(
        office_id=by.office_id, is_superuser=False, role__in=manageable_roles(by)
    )


def _check_staff(*, office: Office, by: User, data: StaffData, user: User | None) -> None:
    _guard_setup(by, office)
    if not _may_manage(by, data.role):
        raise DomainError(gettext("ท่านกำหนดบทบาทนี้ไม่ได้ (กำหนดได้ไม่เกินบทบาทของท่านเอง)"))
    if data.org_unit is not None and (
        data.org_unit.office_id != office.pk or not data.org_unit.is_active
    ):
        raise DomainError(gettext("กลุ่มที่เลือกไม่ได้อยู่ในสำนักงานของท่าน หรือปิดใช้งานแล้ว"))
    if data.role in GROUP_ROLES and data.org_unit is None:
        raise DomainError(gettext("ผู้จัดทำโครงการและผู้อำนวยการกลุ่มต้องสังกัดกลุ่ม"))
    clash = User.objects.filter(username__iexact=data.username)
    if user is not None:
        clash = clash.exclude(pk=user.pk)
    if clash.exists():
        raise DomainError(gettext("ชื่อผู้ใช้ “%(username)s” มีผู้ใช้แล้ว") % {"username": data.username})
    if data.role == Role.GROUP_DIRECTOR and data.is_active:
        other = (
            User.objects.filter(org_unit=data.org_unit, role=Role.GROUP_DIRECTOR, is_active=True)
            .exclude(pk=user.pk if user else None)
            .select_related("person")
            .first()
        )
        if other is not None:
            raise DomainError(
                gettext("%(group)s มีผู้อำนวยการกลุ่มแล้ว (%(person)s) เปลี่ยนผู้อำนวยการกลุ่มได้ที่หน้ากลุ่ม")
                % {"group": data.org_unit.name_th, "person": other.display_name}
            )


def _person_fields(data: StaffData) -> dict:
    return {
        "prefix_th": data.prefix_th,
        "first_name_th": data.first_name_th,
        "last_name_th": data.last_name_th,
        "position_th": data.position_th,
        "org_unit": data.org_unit,
        "office_role": OFFICE_ROLE_OF.get(data.role, OfficeRole.STAFF),
        "is_active": data.is_active,
    }


def _new_account(office: Office, data: StaffData) -> tuple[User, str]:
    person = Person.objects.create(office=office, **_person_fields(data))
    user = User(
        username=data.username,
        first_name=data.first_name_th,
        last_name=data.last_name_th,
        email=data.email,
        office=office,
        org_unit=data.org_unit,
        role=data.role,
        person=person,
        is_active=data.is_active,
    )
    password = generate_password(user)
    user.set_password(password)
    user.save()
    return user, password


@transaction.atomic
def create_staff(*, office: Office, by: User, data: StaffData) -> tuple[User, str]:
    """A new account with its person (name and position as printed) and a one-time password,
    returned once and stored only hashed."""
    _check_staff(office=office, by=by, data=data, user=None)
    user, password = _new_account(office, data)
    _log(by, [user], ADDITION, "เพิ่มบัญชีผู้ใช้ (ตั้งค่าสำนักงาน)")
    return user, password


@transaction.atomic
def update_staff(*, user: User, by: User, data: StaffData) -> User:
    """Change an account and its person; a deactivated account is logged out everywhere.
    Nobody changes their own role or deactivates themselves."""
    office = user.office
    if not staff_queryset(by).filter(pk=user.pk).exists():
        raise DomainError(gettext("ท่านแก้ไขบัญชีนี้ไม่ได้"))
    if user.pk == by.pk and (data.role != user.role or not data.is_active):
        raise DomainError(gettext("เปลี่ยนบทบาทหรือปิดบัญชีของตนเองไม่ได้"))
    _check_staff(office=office, by=by, data=data, user=user)
    was_active = user.is_active
    user.username = data.username
    user.first_name, user.last_name = data.first_name_th, data.last_name_th
    user.email = data.email
    user.org_unit = data.org_unit
    user.role = data.role
    user.is_active = data.is_active
    if user.person_id:
        Person.objects.filter(pk=user.person_id).update(**_person_fields(data))
    else:
        user.person = Person.objects.create(office=office, **_person_fields(data))
    user.save(
        update_fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "org_unit",
            "role",
            "is_active",
            "person",
        ]
    )
    if was_active and not user.is_active:
        end_sessions(user=user)
    _log(by, [user], CHANGE, "แก้ไขบัญชีผู้ใช้ (ตั้งค่าสำนักงาน)")
    return user


@transaction.atomic
def reset_password(*, user: User, by: User) -> str:
    """A new one-time password for an account (returned once), its sessions ended."""
    if user.pk == by.pk or not staff_queryset(by).filter(pk=user.pk).exists():
        raise DomainError(gettext("ท่านตั้งรหัสผ่านใหม่ให้บัญชีนี้ไม่ได้"))
    password = generate_password(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    end_sessions(user=user)
    _log(by, [user], CHANGE, "ตั้งรหัสผ่านใหม่ (ตั้งค่าสำนักงาน)")
    return password


@transaction.atomic
def import_staff(*, office: Office, by: User, rows: list[StaffData]) -> list[tuple[User, str]]:
    """Create the accounts of a previewed spreadsheet, all or none; each checked again, since
    the database may have changed since the preview."""
    created = []
    for data in rows:
        _check_staff(office=office, by=by, data=data, user=None)
        created.append(_new_account(office, data))
    _log(by, [u for u, _ in created], ADDITION, "นำเข้าบัญชีผู้ใช้จากไฟล์ (ตั้งค่าสำนักงาน)")
    return created


# --- the plan year ------------------------------------------------------------------------------


def plan_exists_message(plan_type: str, year_be: int) -> str:
    """The refusal of a second plan of a kind for a fiscal year (the form and the service)."""
    if plan_type == PlanType.ACTION_PLAN:
        return gettext("มีแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. %(year)s อยู่แล้ว") % {"year": year_be}
    return gettext("มี%(kind)s ประจำปีงบประมาณ พ.ศ. %(year)s อยู่แล้ว") % {
        "kind": PlanType(plan_type).label,
        "year": year_be,
    }


def previous_plan(
    office: Office, year_be: int, plan_type: str = PlanType.ACTION_PLAN
) -> Plan | None:
    """The office's newest plan of the kind before year_be (what "copy from last year" copies)."""
    return (
        Plan.objects.filter(office=office, plan_type=plan_type, fiscal_year__year_be__lt=year_be)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year_be")
        .first()
    )


@transaction.atomic
def create_plan(
    *,
    office: Office,
    by: User,
    year_be: int,
    title_th: str = "",
    copy_from: Plan | None = None,
    plan_type: str = PlanType.ACTION_PLAN,
) -> Plan:
    """The annual action plan of a fiscal year (BE), empty or with last year's direction and
    strategy tree copied: missions and goals, strategies, strategic goals, guidelines and KPIs
    with every yearly target (a five-year plan's targets already hold the new year's; where the
    old plan has none for the new year, the checklist reports it missing)."""
    _guard_setup(by, office)
    if not 2500 <= year_be <= 2700:
        raise DomainError(gettext("ปีงบประมาณต้องเป็นปี พ.ศ. (2500-2700)"))
    fiscal_year = get_fiscal_year(year_be)
    if Plan.objects.filter(office=office, fiscal_year=fiscal_year, plan_type=plan_type).exists():
        raise DomainError(plan_exists_message(plan_type, year_be))
    if copy_from is not None and (
        copy_from.office_id != office.pk or copy_from.fiscal_year.year_be >= year_be
    ):
        raise DomainError(gettext("คัดลอกได้เฉพาะแผนของปีก่อนหน้าของสำนักงานนี้"))
    plan = Plan(
        office=office,
        fiscal_year=fiscal_year,
        plan_type=plan_type,
        title_th=title_th,
        status=PlanStatus.DRAFT,
    )
    if copy_from is not None:
        plan.vision_th, plan.values_th = copy_from.vision_th, copy_from.values_th
        start, end = copy_from.horizon_start_be, copy_from.horizon_end_be
        if start and end and start <= year_be <= end:
            plan.horizon_start_be, plan.horizon_end_be = start, end
        plan.report_due_days = copy_from.report_due_days
        plan.spending_margin_pct = copy_from.spending_margin_pct
    plan.save()
    if copy_from is not None:
        _copy_tree(copy_from, plan)
    message = "สร้างแผนปฏิบัติการ (ตั้งค่าสำนักงาน)"
    if copy_from is not None:
        message += f" คัดลอกจากแผนปี {copy_from.fiscal_year.year_be}"
    _log(by, [plan], ADDITION, message)
    return plan


def _copy_tree(source: Plan, plan: Plan) -> None:
    """Copy the direction items and the strategy tree in a fixed number of queries."""
    DirectionItem.objects.bulk_create(
        DirectionItem(plan=plan, kind=d.kind, order=d.order, text_th=d.text_th)
        for d in source.direction_items.all()
    )
    old = list(source.strategies.all())
    new = Strategy.objects.bulk_create(
        Strategy(plan=plan, number=s.number, label=s.label, title_th=s.title_th) for s in old
    )
    by_old = {o.pk: n for o, n in zip(old, new, strict=True)}  # bulk_create returns the ids
    StrategicGoal.objects.bulk_create(
        StrategicGoal(strategy=by_old[g.strategy_id], order=g.order, text_th=g.text_th)
        for g in StrategicGoal.objects.filter(strategy__plan=source)
    )
    DevelopmentGuideline.objects.bulk_create(
        DevelopmentGuideline(
            strategy=by_old[g.strategy_id],
            order=g.order,
            heading_th=g.heading_th,
            text_th=g.text_th,
            responsible_th=g.responsible_th,
        )
        for g in DevelopmentGuideline.objects.filter(strategy__plan=source)
    )
    indicators = list(
        StrategyIndicator.objects.filter(strategy__plan=source).prefetch_related("targets")
    )
    copies = StrategyIndicator.objects.bulk_create(
        StrategyIndicator(
            strategy=by_old[i.strategy_id],
            order=i.order,
            text_th=i.text_th,
            unit_th=i.unit_th,
            level=i.level,
            higher_is_better=i.higher_is_better,
        )
        for i in indicators
    )
    StrategyIndicatorTarget.objects.bulk_create(
        StrategyIndicatorTarget(indicator=copy, year_be=t.year_be, target_value=t.target_value)
        for indicator, copy in zip(indicators, copies, strict=True)
        for t in indicator.targets.all()
    )


def guard_plan_editable(plan: Plan) -> None:
    """Only a draft plan's strategy tree is edited here (an approved one is frozen)."""
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(
            gettext("แผนนี้อยู่ในสถานะ “%(status)s” แก้ไขกลยุทธ์และตัวชี้วัดในหน้านี้ไม่ได้")
            % {"status": plan.get_status_display()}
        )


def set_indicator_targets(
    *, indicators: list[tuple[StrategyIndicator, dict[int, Decimal | None]]], years: list[int]
) -> None:
    """Replace the targets of the given years (None: no target) of saved indicators."""
    ids = [indicator.pk for indicator, _ in indicators]
    StrategyIndicatorTarget.objects.filter(indicator_id__in=ids, year_be__in=years).delete()
    StrategyIndicatorTarget.objects.bulk_create(
        StrategyIndicatorTarget(indicator=indicator, year_be=year, target_value=value)
        for indicator, targets in indicators
        for year, value in targets.items()
        if value is not None and year in years
    )


# --- group ceilings -----------------------------------------------------------------------------


@transaction.atomic
def set_group_ceilings(
    *, office: Office, by: User, amounts: dict[int, Decimal | None]
) -> list[OrgUnit]:
    """The budget ceiling (วงเงิน) of each group (None: not set), quantized once."""
    _guard_setup(by, office)
    units = list(OrgUnit.objects.filter(office=office, pk__in=list(amounts)))
    if len(units) != len(amounts):
        raise DomainError(gettext("มีกลุ่มที่ไม่ได้อยู่ในสำนักงานของท่าน"))
    changed = []
    for unit in units:
        value = amounts[unit.pk]
        if value is not None and value < 0:
            raise DomainError(gettext("วงเงินของ%(group)sต้องไม่ติดลบ") % {"group": unit.name_th})
        value = quantize(value) if value is not None else None
        if value != unit.budget_ceiling:
            unit.budget_ceiling = value
            changed.append(unit)
    OrgUnit.objects.bulk_update(changed, ["budget_ceiling"])
    _log(by, changed, CHANGE, "กำหนดวงเงินงบประมาณของกลุ่ม (ตั้งค่าสำนักงาน)")
    return units
