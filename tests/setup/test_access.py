"""Who may open the set-up: anonymous -> login, planner/group director/deputy -> 403, another
office's objects -> 404, plan administrator/director/system administrator -> 200; CSRF; the
navigation link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = [
    "setup:index",
    "setup:office_edit",
    "setup:print_settings_edit",
    "setup:group_list",
    "setup:staff_list",
    "setup:staff_create",
    "setup:staff_import",
    "setup:staff_template",
    "setup:plan_list",
    "setup:ceilings_edit",
]


@pytest.fixture
def a_plan(office_a):
    plan = f.make_plan(office_a, 2569)
    return plan, f.make_strategy(plan, 1)


def object_urls(plan, strategy, account) -> list[str]:
    return [
        reverse("setup:plan_edit", args=[plan.pk]),
        reverse("setup:strategy_edit", args=[plan.pk, strategy.pk]),
        reverse("setup:staff_edit", args=[account.pk]),
    ]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.PLANNER, Role.GROUP_DIRECTOR, Role.DEPUTY_DIRECTOR])
def test_other_roles_are_refused(client, office_a, role, a_plan, planner_a1):
    client.force_login(f.make_user(office_a, role))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for url in object_urls(*a_plan, planner_a1):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("setup:ceilings_edit"), {}).status_code == 403


@pytest.mark.parametrize("role", [Role.PLAN_ADMIN, Role.DIRECTOR, Role.SYSADMIN])
def test_the_set_up_roles_open_every_page(client, office_a, role, a_plan, planner_a1):
    client.force_login(f.make_user(office_a, role, f.group(office_a)))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    for url in object_urls(*a_plan, planner_a1):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.PLAN_ADMIN, Role.PLANNER])
def test_another_offices_objects_are_404_before_any_role_check(
    client, office_b, a_plan, planner_a1, role
):
    client.force_login(f.make_user(office_b, role))
    for url in object_urls(*a_plan, planner_a1):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    reset = reverse("setup:staff_reset_password", args=[planner_a1.pk])
    assert client.post(reset).status_code == 404
    plan_b = f.make_plan(office_b, 2569)
    plan_a, strategy_a = a_plan
    url = reverse("setup:strategy_edit", args=[plan_b.pk, strategy_a.pk])
    assert client.get(url).status_code == 404  # a strategy of another plan


def test_an_account_without_an_office_is_refused(client):
    user = f.make_user(f.make_office(), Role.SYSADMIN)
    user.office = None
    user.save()
    client.force_login(user)
    assert client.get(reverse("setup:index")).status_code == 403


def test_posts_need_the_csrf_token(plan_admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(plan_admin_a)
    response = client.post(reverse("setup:office_edit"), {"name_th": "x"})
    assert response.status_code == 403
    plan_admin_a.office.refresh_from_db()
    assert plan_admin_a.office.name_th != "x"


def test_the_navigation_links_the_set_up_for_its_roles_only(client, plan_admin_a, planner_a1):
    client.force_login(plan_admin_a)
    assert f'href="{reverse("setup:index")}"' in client.get(reverse("setup:index")).content.decode()
    client.force_login(planner_a1)
    page = client.get(reverse("projects:project_list")).content.decode()
    assert reverse("setup:index") not in page


def test_a_planner_gets_the_thai_403_page(client, planner_a1):
    client.force_login(planner_a1)
    response = client.get(reverse("setup:index"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "ไม่มีสิทธิ์ทำรายการนี้" in page
    assert "เฉพาะผู้ดูแลแผน ผู้อำนวยการสำนักงาน และผู้ดูแลระบบ" in page


GARBAGE = [
    {},
    {"form-TOTAL_FORMS": "x", "strategies-TOTAL_FORMS": "999999", "kpis-0-id": "abc"},
    {"action": "confirm", "token": "", "year_be": "99999999999999999999", "unit_1": "NaN"},
    {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": "999999", "role": "root"},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_posts_never_fail_with_a_500(client, plan_admin_a, a_plan, planner_a1, data):
    client.force_login(plan_admin_a)
    urls = [reverse(n) for n in PAGES if n not in {"setup:index", "setup:staff_template"}]
    for url in [*urls, *object_urls(*a_plan, planner_a1)]:
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
    assert (
        client.post(reverse("setup:staff_import"), {"action": "preview", "file": "x"}).status_code
        == 200
    )
