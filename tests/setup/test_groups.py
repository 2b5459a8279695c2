"""The groups page: rename, add, deactivate, each group's director and deputy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import OfficeRole, OrgUnit, Role, StandardGroup
from tests import factories as f
from tests.setup.helpers import formset_data

pytestmark = pytest.mark.django_db
URL = "setup:group_list"


def page_data(client) -> tuple[dict, list]:
    formset = client.get(reverse(URL)).context["formset"]
    return formset_data(formset), formset.forms


def index_of(forms, unit) -> int:
    return next(i for i, form in enumerate(forms) if form.instance.pk == unit.pk)


class TestTheTenStandardGroups:
    def test_are_listed_with_an_empty_row_to_add_one(self, admin_a):
        forms = admin_a.get(reverse(URL)).context["formset"].forms
        assert len(forms) == 11
        assert forms[0].instance.name_th == "กลุ่มอำนวยการ" and forms[10].instance.pk is None


class TestRenameAddDeactivate:
    def test_renames_and_adds_in_one_save(self, admin_a, office_a):
        data, forms = page_data(admin_a)
        admin = f.group(office_a, StandardGroup.ADMIN)
        data[f"form-{index_of(forms, admin)}-short_name_th"] = "อก."
        data["form-10-name_th"] = "ศูนย์ส่งเสริมพัฒนาการเรียนรู้"
        response = admin_a.post(reverse(URL), data)
        assert response.status_code == 302
        admin.refresh_from_db()
        assert admin.short_name_th == "อก."
        added = OrgUnit.objects.get(office=office_a, name_th="ศูนย์ส่งเสริมพัฒนาการเรียนรู้")
        assert added.standard_code == "" and added.is_active and added.sort_order == 11

    def test_a_duplicate_name_is_refused_in_thai(self, admin_a, office_a):
        data, _ = page_data(admin_a)
        data["form-10-name_th"] = "กลุ่มอำนวยการ"
        response = admin_a.post(reverse(URL), data)
        assert response.status_code == 200
        assert "ชื่อกลุ่ม “กลุ่มอำนวยการ” ซ้ำกัน" in response.content.decode()
        assert office_a.units.count() == 10

    def test_deactivates_an_empty_group(self, admin_a, office_a):
        data, forms = page_data(admin_a)
        audit = f.group(office_a, StandardGroup.AUDIT)
        data.pop(f"form-{index_of(forms, audit)}-is_active")
        assert admin_a.post(reverse(URL), data).status_code == 302
        audit.refresh_from_db()
        assert audit.is_active is False

    def test_refuses_to_deactivate_a_group_with_active_accounts(self, admin_a, planner_a1):
        data, forms = page_data(admin_a)
        unit = planner_a1.org_unit
        data.pop(f"form-{index_of(forms, unit)}-is_active")
        response = admin_a.post(reverse(URL), data, follow=True)
        assert "ปิดใช้งานกลุ่มอำนวยการไม่ได้: ยังมีบัญชีที่ใช้งานอยู่ในกลุ่มนี้ 1 บัญชี" in (response.content.decode())
        unit.refresh_from_db()
        assert unit.is_active


class TestDirectorAndDeputy:
    def test_makes_the_chosen_planner_the_group_director(self, admin_a, office_a, planner_a1):
        data, forms = page_data(admin_a)
        unit = f.group(office_a, StandardGroup.PLAN)
        data[f"form-{index_of(forms, unit)}-director"] = str(planner_a1.pk)
        assert admin_a.post(reverse(URL), data).status_code == 302
        planner_a1.refresh_from_db()
        assert planner_a1.role == Role.GROUP_DIRECTOR and planner_a1.org_unit_id == unit.pk
        assert planner_a1.person.office_role == OfficeRole.GROUP_DIRECTOR
        assert planner_a1.person.org_unit_id == unit.pk

    def test_the_previous_director_stays_in_the_group_as_a_planner(self, admin_a, office_a):
        unit = f.group(office_a)
        old = f.make_user(office_a, Role.GROUP_DIRECTOR, unit)
        new = f.make_user(office_a, Role.PLANNER, unit)
        data, forms = page_data(admin_a)
        assert data[f"form-{index_of(forms, unit)}-director"] == str(old.pk)
        data[f"form-{index_of(forms, unit)}-director"] = str(new.pk)
        admin_a.post(reverse(URL), data)
        old.refresh_from_db()
        new.refresh_from_db()
        assert (old.role, old.org_unit_id) == (Role.PLANNER, unit.pk)
        assert new.role == Role.GROUP_DIRECTOR

    def test_one_person_directs_one_group_only(self, admin_a, office_a, planner_a1):
        data, forms = page_data(admin_a)
        for code in (StandardGroup.HR, StandardGroup.PLAN):
            data[f"form-{index_of(forms, f.group(office_a, code))}-director"] = str(planner_a1.pk)
        response = admin_a.post(reverse(URL), data)
        assert response.status_code == 200
        assert "เป็นได้กลุ่มเดียว" in response.content.decode()
        planner_a1.refresh_from_db()
        assert planner_a1.role == Role.PLANNER

    def test_sets_the_deputy(self, admin_a, office_a, deputy_a):
        data, forms = page_data(admin_a)
        unit = f.group(office_a)
        data[f"form-{index_of(forms, unit)}-deputy_user"] = str(deputy_a.pk)
        admin_a.post(reverse(URL), data)
        unit.refresh_from_db()
        assert unit.deputy_id == deputy_a.pk and unit.endorser == deputy_a

    def test_cannot_choose_people_of_another_office_or_the_wrong_role(
        self, admin_a, office_a, outsider, deputy_a, director_a
    ):
        data, forms = page_data(admin_a)
        i = index_of(forms, f.group(office_a))
        for field, user in (
            ("director", outsider),
            ("director", deputy_a),
            ("deputy_user", director_a),
        ):
            attempt = {**data, f"form-{i}-{field}": str(user.pk)}
            response = admin_a.post(reverse(URL), attempt)
            assert response.status_code == 200
            assert response.context["formset"].forms[i].errors[field]
        outsider.refresh_from_db()
        assert outsider.role == Role.PLANNER and outsider.office_id != office_a.pk

    def test_the_page_costs_the_same_queries_with_more_staff(self, admin_a, office_a):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                admin_a.get(reverse(URL))
            return len(queries)

        before = count()
        for unit in office_a.units.all():
            f.make_user(office_a, Role.GROUP_DIRECTOR, unit)
            f.make_user(office_a, Role.PLANNER, unit)
        assert count() == before
