"""Staff accounts: add (a one-time password shown once), edit, deactivate, reset; the rank rule
of actionplan.admin (a plan administrator manages roles up to their own, never the director's)."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from actionplan.models import OfficeRole, Role, StandardGroup, User
from tests import factories as f
from tests.setup.helpers import form_data

pytestmark = pytest.mark.django_db


def new_account(client, office, **changes):
    data = {
        "prefix_th": "นางสาว",
        "first_name_th": "ศินัญญา",
        "last_name_th": "ศรีเกตุ",
        "position_th": "ผู้อำนวยการกลุ่มอำนวยการ",
        "org_unit": str(f.group(office).pk),
        "role": Role.PLANNER,
        "username": "sinanya",
        "email": "sinanya@example.go.th",
        **changes,
    }
    return client.post(reverse("setup:staff_create"), data)


def shown_password(response) -> str:
    return re.search(r'<code class="password">([^<]+)</code>', response.content.decode())[1]


class TestAddAccount:
    def test_creates_the_account_and_its_person_and_shows_the_password_once(
        self, admin_a, office_a
    ):
        response = new_account(admin_a, office_a)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        password = shown_password(response)
        user = User.objects.get(username="sinanya")
        assert user.office_id == office_a.pk and user.role == Role.PLANNER
        assert user.person.full_name == "นางสาวศินัญญา ศรีเกตุ"
        assert user.person.position_th == "ผู้อำนวยการกลุ่มอำนวยการ"
        assert user.check_password(password) and password not in user.password
        assert not user.is_staff and not user.is_superuser
        login = Client().post(reverse("login"), {"username": "sinanya", "password": password})
        assert login.status_code == 302 and login["Location"] == reverse("home")
        # Shown once: no page lists it again.
        assert password not in admin_a.get(reverse("setup:staff_list")).content.decode()
        assert (
            password
            not in admin_a.get(reverse("setup:staff_edit", args=[user.pk])).content.decode()
        )

    def test_a_taken_username_is_refused_case_insensitively(self, admin_a, office_a, outsider):
        response = new_account(admin_a, office_a, username=outsider.username.upper())
        assert response.status_code == 200
        assert "มีผู้ใช้แล้ว" in response.context["form"].errors["username"][0]
        assert not User.objects.filter(person__first_name_th="ศินัญญา").exists()

    def test_a_thai_username_is_refused(self, admin_a, office_a):
        response = new_account(admin_a, office_a, username="ศินัญญา")
        assert "ตัวอักษรอังกฤษ" in response.context["form"].errors["username"][0]

    def test_a_planner_needs_a_group(self, admin_a, office_a):
        response = new_account(admin_a, office_a, org_unit="")
        assert response.context["form"].errors["org_unit"] == [
            "ผู้จัดทำโครงการและผู้อำนวยการกลุ่มต้องสังกัดกลุ่ม"
        ]

    def test_a_group_of_another_office_is_not_a_choice(self, admin_a, office_a, office_b):
        response = new_account(admin_a, office_a, org_unit=str(f.group(office_b).pk))
        assert "org_unit" in response.context["form"].errors
        assert not User.objects.filter(username="sinanya").exists()

    def test_a_second_group_director_is_refused(self, admin_a, office_a):
        f.make_user(office_a, Role.GROUP_DIRECTOR, f.group(office_a))
        response = new_account(admin_a, office_a, role=Role.GROUP_DIRECTOR)
        assert "มีผู้อำนวยการกลุ่มแล้ว" in response.content.decode()
        assert not User.objects.filter(username="sinanya").exists()

    def test_a_group_director_gets_the_office_role_on_their_person(self, admin_a, office_a):
        new_account(admin_a, office_a, role=Role.GROUP_DIRECTOR)
        assert User.objects.get(username="sinanya").person.office_role == OfficeRole.GROUP_DIRECTOR


class TestRankRule:
    def test_a_plan_admin_offers_roles_up_to_their_own(self, admin_a):
        form = admin_a.get(reverse("setup:staff_create")).context["form"]
        assert [v for v, _ in form.fields["role"].choices] == [
            Role.PLANNER,
            Role.GROUP_DIRECTOR,
            Role.PLAN_ADMIN,
        ]

    @pytest.mark.parametrize("role", [Role.DEPUTY_DIRECTOR, Role.DIRECTOR, Role.SYSADMIN])
    def test_a_plan_admin_cannot_create_a_higher_role(self, admin_a, office_a, role):
        response = new_account(admin_a, office_a, role=role, org_unit="")
        assert response.status_code == 200 and "role" in response.context["form"].errors
        assert not User.objects.filter(username="sinanya").exists()

    def test_the_director_creates_a_deputy(self, client, office_a, director_a):
        client.force_login(director_a)
        response = new_account(client, office_a, role=Role.DEPUTY_DIRECTOR, org_unit="")
        assert response.status_code == 200
        assert User.objects.get(username="sinanya").role == Role.DEPUTY_DIRECTOR

    def test_higher_accounts_are_listed_read_only_and_404_to_edit(
        self, admin_a, director_a, plan_admin_a
    ):
        page = admin_a.get(reverse("setup:staff_list")).content.decode()
        assert director_a.display_name in page
        assert reverse("setup:staff_edit", args=[director_a.pk]) not in page
        assert admin_a.get(reverse("setup:staff_edit", args=[director_a.pk])).status_code == 404
        url = reverse("setup:staff_reset_password", args=[director_a.pk])
        assert admin_a.post(url).status_code == 404

    def test_a_superuser_is_never_listed_or_managed(self, client, office_a, director_a):
        root = f.make_superuser(office_a)
        client.force_login(director_a)
        assert root.username not in client.get(reverse("setup:staff_list")).content.decode()
        assert client.get(reverse("setup:staff_edit", args=[root.pk])).status_code == 404


class TestEditAccount:
    def test_moves_renames_and_changes_the_role(self, admin_a, office_a, planner_a1):
        url = reverse("setup:staff_edit", args=[planner_a1.pk])
        data = form_data(admin_a.get(url).context["form"])
        plan_group = f.group(office_a, StandardGroup.PLAN)
        data.update({"org_unit": str(plan_group.pk), "position_th": "นักวิเคราะห์นโยบายและแผน"})
        response = admin_a.post(url, data)
        assert response.status_code == 302
        planner_a1.refresh_from_db()
        assert planner_a1.org_unit_id == plan_group.pk
        assert planner_a1.person.org_unit_id == plan_group.pk
        assert planner_a1.person.position_th == "นักวิเคราะห์นโยบายและแผน"

    def test_deactivating_logs_the_account_out_everywhere(self, admin_a, planner_a1):
        other = Client()
        other.force_login(planner_a1)
        assert Session.objects.count() == 2
        url = reverse("setup:staff_edit", args=[planner_a1.pk])
        data = form_data(admin_a.get(url).context["form"])
        data.pop("is_active")
        assert admin_a.post(url, data).status_code == 302
        planner_a1.refresh_from_db()
        assert planner_a1.is_active is False
        assert Session.objects.count() == 1
        assert other.get(reverse("projects:project_list")).status_code == 302

    def test_ones_own_role_and_activation_cannot_change(self, admin_a, plan_admin_a):
        url = reverse("setup:staff_edit", args=[plan_admin_a.pk])
        form = admin_a.get(url).context["form"]
        assert form.fields["role"].disabled and form.fields["is_active"].disabled
        data = {**form_data(form), "role": Role.PLANNER, "position_th": "นักวิเคราะห์"}
        assert admin_a.post(url, data).status_code == 302
        plan_admin_a.refresh_from_db()
        assert plan_admin_a.role == Role.PLAN_ADMIN and plan_admin_a.is_active
        assert plan_admin_a.person.position_th == "นักวิเคราะห์"

    def test_an_account_without_a_person_gets_one(self, admin_a, office_a, planner_a1):
        planner_a1.person.delete()
        planner_a1.refresh_from_db()
        url = reverse("setup:staff_edit", args=[planner_a1.pk])
        data = {**form_data(admin_a.get(url).context["form"]), "first_name_th": "สมหญิง"}
        admin_a.post(url, data)
        planner_a1.refresh_from_db()
        assert planner_a1.person.first_name_th == "สมหญิง"
        assert planner_a1.person.office_id == office_a.pk


class TestResetPassword:
    def test_shows_a_new_password_once_and_ends_the_sessions(self, admin_a, planner_a1):
        other = Client()
        other.force_login(planner_a1)
        response = admin_a.post(reverse("setup:staff_reset_password", args=[planner_a1.pk]))
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        password = shown_password(response)
        planner_a1.refresh_from_db()
        assert planner_a1.check_password(password)
        assert other.get(reverse("projects:project_list")).status_code == 302

    def test_is_a_post_only(self, admin_a, planner_a1):
        url = reverse("setup:staff_reset_password", args=[planner_a1.pk])
        assert admin_a.get(url).status_code == 405

    def test_not_for_ones_own_account(self, admin_a, plan_admin_a):
        response = admin_a.post(
            reverse("setup:staff_reset_password", args=[plan_admin_a.pk]), follow=True
        )
        assert "ท่านตั้งรหัสผ่านใหม่ให้บัญชีนี้ไม่ได้" in response.content.decode()
        plan_admin_a.refresh_from_db()
        assert plan_admin_a.check_password(f.PASSWORD)
