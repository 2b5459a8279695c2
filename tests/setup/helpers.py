"""Helpers of the set-up tests: POST data as a browser sends it for a page's form or formset
(from the page's own context, so a test changes only the fields it is about), and an office
made ready directly (the end-to-end test goes through the pages instead)."""

from __future__ import annotations

from decimal import Decimal

from django.forms import BaseFormSet, Form

from actionplan.models import (
    OrgUnit,
    Role,
    StrategicGoal,
    StrategyIndicator,
    StrategyIndicatorTarget,
)
from tests import factories as f


def _value(bound) -> str | list | None:
    value = bound.value()
    if bound.widget_type == "checkbox":
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def form_data(form: Form) -> dict:
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = _value(bound)
        if value is not None:
            data[bound.html_name] = value
    return data


def formset_data(formset: BaseFormSet) -> dict:
    """The management form and every form's current values (extra forms left blank)."""
    data = {}
    management = formset.management_form
    for bound in management:
        data[bound.html_name] = str(bound.value() if bound.value() is not None else "")
    for form in formset.forms:
        data.update(form_data(form))
    return data


def plan_page_data(context) -> dict:
    """The plan page's POST: its form, the direction items and the strategies."""
    data = form_data(context["form"])
    data.update(formset_data(context["direction"]))
    data.update(formset_data(context["strategies"]))
    return data


def make_ready(office, year_be: int = 2569):
    """Everything the checklist requires, written directly (the e2e test goes through pages)."""
    office.province_th = "พัทลุง"
    office.address_th = "ถนนราเมศวร์ อำเภอเมือง จังหวัดพัทลุง"
    office.save()
    units = list(OrgUnit.objects.filter(office=office, is_active=True))
    for unit in units:
        f.make_user(office, Role.GROUP_DIRECTOR, unit)
        unit.budget_ceiling = Decimal("100000")
        unit.save()
    f.make_user(office, Role.PLANNER, units[0])
    plan = f.make_plan(office, year_be)
    strategy = f.make_strategy(plan, 1)
    StrategicGoal.objects.create(strategy=strategy, text_th="เป้าประสงค์")
    kpi = StrategyIndicator.objects.create(strategy=strategy, text_th="ร้อยละของโรงเรียน")
    StrategyIndicatorTarget.objects.create(indicator=kpi, year_be=year_be, target_value=80)
    return plan
