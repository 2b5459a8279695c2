"""The set-up checklist: each step an office goes through before its groups enter projects, its
state and what is still missing, in the page's language (Thai unless the user switched).
Read-only: a fixed number of queries per office."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy, ngettext

from actionplan import thai
from actionplan.models import (
    Office,
    OrgUnit,
    Plan,
    PlanStatus,
    PlanType,
    PolicyFramework,
    Role,
    Strategy,
    StrategyIndicator,
    User,
)
from budgets.money import money_sum
from printing.models import OfficePrintSettings

# Who runs the set-up: the plan administrator; the director and the system administrator may.
SETUP_ROLES = {Role.PLAN_ADMIN, Role.DIRECTOR, Role.SYSADMIN}

# The page of the office's own policies and standards is another app's (issue 16, /reference/);
# the checklist links to it once it exists and says "not ready yet" until then.
POLICIES_URL_NAME = "reference:reference_index"

DONE = gettext_lazy("ครบแล้ว")
MISSING = gettext_lazy("ยังขาด")
OPTIONAL_TODO = gettext_lazy("ยังไม่ได้ทำ (ไม่บังคับ)")
NOT_AVAILABLE = gettext_lazy("ยังไม่พร้อม")


@dataclass(frozen=True)
class Step:
    """One step of the set-up: done when nothing is missing; notes never block readiness."""

    key: str
    title: str
    url: str | None
    required: bool
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    summary: str = ""
    available: bool = True

    @property
    def done(self) -> bool:
        return self.available and not self.missing

    @property
    def state(self) -> str:
        if not self.available:
            return NOT_AVAILABLE
        if self.done:
            return DONE
        return MISSING if self.required else OPTIONAL_TODO


@dataclass
class Checklist:
    """Every step of one office's set-up, and the plan it is getting ready."""

    office: Office
    plan: Plan | None
    steps: list[Step] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Groups may start entering projects: every required step is done."""
        return all(step.done for step in self.steps if step.required)

    @property
    def missing_count(self) -> int:
        return sum(1 for step in self.steps if step.required and not step.done)


def _names(units: list[OrgUnit], limit: int = 5) -> str:
    names = ", ".join(u.name_th for u in units[:limit])
    more = len(units) - limit
    if more <= 0:
        return names
    return ngettext("%(names)s และอีก %(more)d กลุ่ม", "%(names)s และอีก %(more)d กลุ่ม", more) % {
        "names": names,
        "more": more,
    }


def current_plan(office: Office) -> Plan | None:
    """The plan being set up: the office's newest annual action plan that is not history."""
    return (
        Plan.objects.filter(office=office, plan_type=PlanType.ACTION_PLAN)
        .exclude(status=PlanStatus.ARCHIVED)
        .select_related("fiscal_year", "office")
        .order_by("-fiscal_year__year_be")
        .first()
    )


def build(office: Office) -> Checklist:
    """The checklist of an office, every step evaluated."""
    units = list(
        OrgUnit.objects.filter(office=office).select_related("deputy").order_by("sort_order", "pk")
    )
    active_units = [u for u in units if u.is_active]
    users = list(
        User.objects.filter(office=office, is_active=True)
        .select_related("person")
        .only("pk", "role", "org_unit_id", "office_id", "person__position_th")
    )
    plan = current_plan(office)
    checklist = Checklist(office=office, plan=plan)
    checklist.steps = [
        _office_step(office),
        _print_step(office),
        _groups_step(active_units, users),
        _staff_step(active_units, users),
        _plan_step(plan),
        _ceilings_step(active_units),
        _policies_step(office),
    ]
    return checklist


def _office_step(office: Office) -> Step:
    missing = []
    if not office.province_th.strip():
        missing.append(gettext("ยังไม่ได้กรอกจังหวัด"))
    if not office.address_th.strip():
        missing.append(gettext("ยังไม่ได้กรอกที่อยู่สำนักงาน"))
    notes = [] if office.phone.strip() else [gettext("ยังไม่ได้กรอกหมายเลขโทรศัพท์")]
    return Step(
        key="office",
        title=gettext("ข้อมูลสำนักงาน"),
        url=reverse("setup:office_edit"),
        required=True,
        missing=tuple(missing),
        notes=tuple(notes),
        summary=f"{office.name_th} ({office.short_name_th})",
    )


def _print_step(office: Office) -> Step:
    saved = OfficePrintSettings.objects.filter(office=office).exists()
    return Step(
        key="print",
        title=gettext("การตั้งค่าการพิมพ์"),
        url=reverse("setup:print_settings_edit"),
        required=False,
        missing=() if saved else (gettext("ยังใช้ค่าเริ่มต้น (ยังไม่ได้ตรวจส่วนที่พิมพ์และหัวข้อผู้ลงนาม)"),),
        summary=gettext("บันทึกแล้ว") if saved else "",
    )


def _directors_by_unit(users: list[User]) -> dict[int, list[User]]:
    directors: dict[int, list[User]] = {}
    for user in users:
        if user.role == Role.GROUP_DIRECTOR and user.org_unit_id:
            directors.setdefault(user.org_unit_id, []).append(user)
    return directors


def _groups_step(active_units: list[OrgUnit], users: list[User]) -> Step:
    directors = _directors_by_unit(users)
    missing, notes = [], []
    if not active_units:
        missing.append(gettext("ยังไม่มีกลุ่มที่ใช้งาน"))
    without = [u for u in active_units if u.pk not in directors]
    if without:
        missing.append(
            ngettext(
                "ยังไม่มีผู้อำนวยการกลุ่มใน %(n)d กลุ่ม: %(names)s",
                "ยังไม่มีผู้อำนวยการกลุ่มใน %(n)d กลุ่ม: %(names)s",
                len(without),
            )
            % {"n": len(without), "names": _names(without)}
        )
    no_deputy = [u for u in active_units if not u.deputy_id]
    lapsed = [u for u in active_units if u.deputy_id and u.endorser is None]
    if no_deputy:
        notes.append(
            ngettext(
                "ยังไม่ได้กำหนดรองผู้อำนวยการที่กำกับดูแลใน %(n)d กลุ่ม "
                "(ถ้าไม่กำหนด รองผู้อำนวยการทุกคนของสำนักงานเห็นชอบโครงการของกลุ่มนั้นได้)",
                "ยังไม่ได้กำหนดรองผู้อำนวยการที่กำกับดูแลใน %(n)d กลุ่ม "
                "(ถ้าไม่กำหนด รองผู้อำนวยการทุกคนของสำนักงานเห็นชอบโครงการของกลุ่มนั้นได้)",
                len(no_deputy),
            )
            % {"n": len(no_deputy)}
        )
    if lapsed:
        notes.append(
            gettext("รองผู้อำนวยการที่กำหนดไว้ของ %(names)s ไม่ได้อยู่ในบทบาทนี้แล้ว กรุณาเลือกใหม่")
            % {"names": _names(lapsed)}
        )
    return Step(
        key="groups",
        title=gettext("กลุ่ม ผู้อำนวยการกลุ่ม และรองผู้อำนวยการที่กำกับดูแล"),
        url=reverse("setup:group_list"),
        required=True,
        missing=tuple(missing),
        notes=tuple(notes),
        summary=ngettext("%(n)d กลุ่มที่ใช้งาน", "%(n)d กลุ่มที่ใช้งาน", len(active_units))
        % {"n": len(active_units)},
    )


def _staff_step(active_units: list[OrgUnit], users: list[User]) -> Step:
    roles = [u.role for u in users]
    planners = {u.org_unit_id for u in users if u.role == Role.PLANNER}
    missing, notes = [], []
    if Role.PLANNER not in roles:
        missing.append(gettext("ยังไม่มีบัญชีผู้จัดทำโครงการ (เจ้าหน้าที่กลุ่ม)"))
    else:
        without = [u for u in active_units if u.pk not in planners]
        if without:
            notes.append(
                ngettext(
                    "ยังไม่มีบัญชีผู้จัดทำโครงการใน %(n)d กลุ่ม: %(names)s (ผู้อำนวยการกลุ่มกรอกโครงการเองได้)",
                    "ยังไม่มีบัญชีผู้จัดทำโครงการใน %(n)d กลุ่ม: %(names)s (ผู้อำนวยการกลุ่มกรอกโครงการเองได้)",
                    len(without),
                )
                % {"n": len(without), "names": _names(without)}
            )
    if Role.DIRECTOR not in roles:
        notes.append(gettext("ยังไม่มีบัญชีผู้อำนวยการสำนักงาน (ผู้อนุมัติโครงการ)"))
    if Role.DEPUTY_DIRECTOR not in roles:
        notes.append(gettext("ยังไม่มีบัญชีรองผู้อำนวยการสำนักงาน (ผู้เห็นชอบโครงการ)"))
    no_position = [
        u
        for u in users
        if u.role in {Role.GROUP_DIRECTOR, Role.DEPUTY_DIRECTOR, Role.DIRECTOR}
        and not (u.person_id and u.person.position_th.strip())
    ]
    if no_position:
        notes.append(
            ngettext(
                "บัญชีผู้บริหาร %(n)d บัญชียังไม่มีตำแหน่ง (ระบบจะพิมพ์ตำแหน่งตามบทบาทใต้ลายมือชื่อแทน)",
                "บัญชีผู้บริหาร %(n)d บัญชียังไม่มีตำแหน่ง (ระบบจะพิมพ์ตำแหน่งตามบทบาทใต้ลายมือชื่อแทน)",
                len(no_position),
            )
            % {"n": len(no_position)}
        )
    return Step(
        key="staff",
        title=gettext("บัญชีผู้ใช้ของบุคลากร"),
        url=reverse("setup:staff_list"),
        required=True,
        missing=tuple(missing),
        notes=tuple(notes),
        summary=ngettext("%(n)d บัญชีที่ใช้งาน", "%(n)d บัญชีที่ใช้งาน", len(users)) % {"n": len(users)},
    )


def _plan_step(plan: Plan | None) -> Step:
    url = reverse("setup:plan_list")
    title = gettext("แผนปฏิบัติการประจำปี กลยุทธ์ เป้าประสงค์ และค่าเป้าหมายตัวชี้วัด")
    if plan is None:
        return Step(
            key="plan",
            title=title,
            url=url,
            required=True,
            missing=(gettext("ยังไม่มีแผนปฏิบัติการประจำปี"),),
        )
    year = plan.fiscal_year.year_be
    strategies = list(
        Strategy.objects.filter(plan=plan).prefetch_related(
            "goals",
            Prefetch("indicators", queryset=StrategyIndicator.objects.prefetch_related("targets")),
        )
    )
    missing = []
    if not strategies:
        missing.append(gettext("ยังไม่มีกลยุทธ์"))
    no_goal = [s for s in strategies if not s.goals.all()]
    no_kpi = [s for s in strategies if not s.indicators.all()]
    no_target = [
        kpi for s in strategies for kpi in s.indicators.all() if kpi.target_for(year) is None
    ]
    if no_goal:
        missing.append(
            gettext("ยังไม่มีเป้าประสงค์ใน %(strategies)s") % {"strategies": _strategies(no_goal)}
        )
    if no_kpi:
        missing.append(gettext("ยังไม่มีตัวชี้วัดใน %(strategies)s") % {"strategies": _strategies(no_kpi)})
    if no_target:
        missing.append(
            ngettext(
                "ตัวชี้วัด %(n)d ตัวยังไม่มีค่าเป้าหมายปี พ.ศ. %(year)s",
                "ตัวชี้วัด %(n)d ตัวยังไม่มีค่าเป้าหมายปี พ.ศ. %(year)s",
                len(no_target),
            )
            % {"n": len(no_target), "year": year}
        )
    notes = []
    if plan.status == PlanStatus.APPROVED:
        notes.append(gettext("แผนนี้อนุมัติแล้ว ถ้าจะเริ่มปีงบประมาณใหม่ ให้สร้างแผนของปีถัดไป"))
    return Step(
        key="plan",
        title=title,
        url=reverse("setup:plan_edit", args=[plan.pk]),
        required=True,
        missing=tuple(missing),
        notes=tuple(notes),
        summary=ngettext("%(plan)s: %(n)d กลยุทธ์", "%(plan)s: %(n)d กลยุทธ์", len(strategies))
        % {"plan": plan.display_title, "n": len(strategies)},
    )


def _strategies(strategies: list[Strategy]) -> str:
    """ "กลยุทธ์ที่ 1, กลยุทธ์ที่ 3": each strategy by its label and number."""
    return ", ".join(
        gettext("%(label)sที่ %(number)s") % {"label": s.get_label_display(), "number": s.number}
        for s in strategies
    )


def _ceilings_step(active_units: list[OrgUnit]) -> Step:
    without = [u for u in active_units if u.budget_ceiling is None]
    missing = ()
    if without:
        missing = (
            ngettext(
                "ยังไม่ได้กำหนดวงเงินใน %(n)d กลุ่ม: %(names)s",
                "ยังไม่ได้กำหนดวงเงินใน %(n)d กลุ่ม: %(names)s",
                len(without),
            )
            % {"n": len(without), "names": _names(without)},
        )
    total: Decimal = money_sum(u.budget_ceiling for u in active_units)
    return Step(
        key="ceilings",
        title=gettext("วงเงินงบประมาณของกลุ่ม"),
        url=reverse("setup:ceilings_edit"),
        required=True,
        missing=missing,
        summary=gettext("รวม %(total)s บาท") % {"total": thai.format_money(total, zero="0.00")},
    )


def policies_url() -> str | None:
    """The office-policies page, or None while that page does not exist yet."""
    try:
        return reverse(POLICIES_URL_NAME)
    except NoReverseMatch:
        return None


def _policies_step(office: Office) -> Step:
    url = policies_url()
    title = gettext("นโยบายและมาตรฐานของสำนักงาน")
    if url is None:
        return Step(key="policies", title=title, url=None, required=False, available=False)
    count = PolicyFramework.objects.filter(office=office, is_active=True).count()
    return Step(
        key="policies",
        title=title,
        url=url,
        required=False,
        missing=() if count else (gettext("ยังไม่มีนโยบายหรือมาตรฐานของสำนักงาน"),),
        summary=ngettext("%(n)d กรอบ", "%(n)d กรอบ", count) % {"n": count} if count else "",
    )
