"""`{% office_plans user as plans %}`: the user's office's plans for a plan menu, named by
Plan.menu_title ("<title> พ.ศ. <year>"), newest year first and the action plan first."""

from django import template

from actionplan.models import Plan
from actionplan.plan_kinds import menu_order

register = template.Library()


@register.simple_tag
def office_plans(user) -> list[Plan]:
    if not getattr(user, "office_id", None):
        return []
    return menu_order(Plan.objects.filter(office_id=user.office_id).select_related("fiscal_year"))
