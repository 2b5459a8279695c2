"""Services for the plan-level domain: creating offices with their standard groups, the plan's
calendar."""

from __future__ import annotations

from django.db import transaction

from actionplan.i18n import thai_labels
from actionplan.models import FiscalYear, Office, OrgUnit, Plan, Role, StandardGroup


class DomainError(Exception):
    """A rule of the domain refused an action; the message is Thai and shown to the user."""


@transaction.atomic
def create_office(*, code: str, name_th: str, short_name_th: str, **fields) -> Office:
    """Create an office together with the ten standard groups of the MOE 2560 announcement."""
    office = Office.objects.create(
        code=code, name_th=name_th, short_name_th=short_name_th, **fields
    )
    ensure_standard_groups(office=office)
    return office


def ensure_standard_groups(*, office: Office) -> list[OrgUnit]:
    """Create whichever of the ten standard groups the office lacks (renamed ones are kept)."""
    existing = set(office.units.exclude(standard_code="").values_list("standard_code", flat=True))
    new_units = [
        OrgUnit(office=office, standard_code=code, name_th=label, sort_order=index)
        for index, (code, label) in enumerate(thai_labels(StandardGroup).items(), start=1)
        if code not in existing
    ]
    return OrgUnit.objects.bulk_create(new_units)


def get_fiscal_year(year_be: int) -> FiscalYear:
    """The fiscal year named year_be (BE), created on first use."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year_be=year_be)
    return fiscal_year


def end_sessions(*, user) -> int:
    """Log a user out everywhere: delete every live server-side session of theirs."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


PLAN_EDITORS = {Role.PLAN_ADMIN, Role.SYSADMIN}


@transaction.atomic
def set_plan_calendar(*, plan: Plan, rows: list[dict], by) -> Plan:
    """The plan administrator sets the plan's calendar (ปฏิทินการดำเนินงาน, Part 4 of the book):
    rows of {"title", "months"}, months of the fiscal year 1 (ต.ค.) … 12 (ก.ย.)."""
    if by.role not in PLAN_EDITORS or by.office_id != plan.office_id:
        raise DomainError("เฉพาะผู้ดูแลแผนของสำนักงานเท่านั้นที่แก้ไขปฏิทินการดำเนินงานได้")
    cleaned = []
    for row in rows:
        title = " ".join(str(row.get("title", "")).split())
        months = sorted({int(m) for m in row.get("months") or [] if 1 <= int(m) <= 12})
        if not title:
            raise DomainError("ทุกแถวของปฏิทินต้องมีชื่อรายการ")
        cleaned.append({"title": title, "months": months})
    plan.calendar_rows = cleaned
    plan.save(update_fields=["calendar_rows"])
    return plan
