"""The Django admin is scoped to the user's office, generated from the admin registry.

Personas (each test builds offices A and B, each with one object of every registered model):
- plan_admin_a / plan_admin_b: staff plan administrators of office A / B holding every model
  permission there is (more than the demo grants): they see, offer and save their own office's
  objects only; anything of the other office is 404; global reference data is read-only;
  superuser-only admins (groups, lockouts, tasks) are closed to them.
- root: the system administrator (a superuser): everything, every office.

A model registered without a declared scope fails test_every_registered_admin_declares_its_scope,
and one without an object maker here fails the matrix, so no registration goes unchecked.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group, Permission
from django.db.models import ForeignKey, OneToOneField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.urls import reverse
from django.utils import timezone

from actionplan import models as ap
from actionplan.admin_scope import ScopedAdminMixin, ScopedInlineMixin, _Scope
from imports.models import GroupAlias, ImportBatch
from monitoring import models as mm
from plans import models as plans_models
from printing import models as pr
from projects import models as pm
from tests import factories as f
from tests.test_buddhist_era import ce_years, readable_text
from workflow import models as wf

pytestmark = pytest.mark.django_db

PERSONAS = ["plan_admin_a", "plan_admin_b", "root"]


def _registry():
    return dict(admin.site._registry)


def _label(model) -> str:
    return model._meta.label


# --- building one object of every registered model for an office -----------------------------


def build_world(office: ap.Office, tag: str) -> dict[str, object]:
    """One object of every registered model (and of every inline) belonging to `office`."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    plan = f.make_plan(office, 2567)
    strategy = f.make_strategy(plan, 1, f"กลยุทธ์ {tag}")
    ap.StrategicGoal.objects.create(strategy=strategy, **_text(ap.StrategicGoal, tag))
    ap.DevelopmentGuideline.objects.create(strategy=strategy, **_text(ap.DevelopmentGuideline, tag))
    indicator = ap.StrategyIndicator.objects.create(strategy=strategy, text_th=f"ตัวชี้วัด {tag}")
    ap.StrategyIndicatorTarget.objects.create(
        indicator=indicator, **_text(ap.StrategyIndicatorTarget, tag)
    )
    ap.DirectionItem.objects.create(plan=plan, **_text(ap.DirectionItem, tag))
    framework = ap.PolicyFramework.objects.create(
        office=office, kind=ap.FrameworkKind.choices[0][0], title_th=f"กรอบ {tag}"
    )
    item = ap.PolicyItem.objects.create(framework=framework, title_th=f"นโยบาย {tag}")
    programme = ap.Programme.objects.create(office=office, name_th=f"แผนงาน {tag}")
    unit = f.group(office, ap.StandardGroup.ADMIN)
    project = f.make_project(plan, unit=unit, name_th=f"โครงการ {tag}", programme=programme)
    project.alignments.add(item)
    activity = f.make_activity(project, f"กิจกรรม {tag}")
    line = f.make_line(activity, f"ค่าอาหาร {tag}", "10 คน x 35 บาท")
    f.set_quarters(activity, 350)
    kpi = f.make_indicator(project, f"ร้อยละ {tag}")
    pm.ProjectItem.objects.create(project=project, **_text(pm.ProjectItem, tag))
    pm.ProjectPerson.objects.create(project=project, **_text(pm.ProjectPerson, tag))
    planner = f.make_user(office, ap.Role.PLANNER, unit, f"planner_{tag}")
    now = timezone.now()
    event = pm.ProjectEvent.objects.create(
        project=project,
        project_ref=project.pk,
        project_name_th=project.name_th,
        office=office,
        at=now,
        action=pm.EventAction.ADMIN,
        summary_th=f"เหตุการณ์ {tag}",
    )
    snapshot = wf.ProjectSnapshot.objects.create(
        project=project, number=1, version=1, approved_at=now, data={"name_th": tag}, sha256="0"
    )
    approval = plans_models.PlanApproval.objects.create(
        plan=plan, number=1, approver_name_th="ผู้อนุมัติ", approved_at=now, data={}, sha256="0"
    )
    amendment = wf.AmendmentRequest.objects.create(
        project=project, reason_th=f"ขอปรับ {tag}", requested_at=now, requested_by=planner
    )
    target = plans_models.DisbursementTarget.objects.create(
        office=office,
        fiscal_year=plan.fiscal_year,
        q1_pct=Decimal("25"),
        q2_pct=Decimal("50"),
        q3_pct=Decimal("75"),
        q4_pct=Decimal("100"),
    )
    round_ = mm.ReportRound.objects.create(plan=plan, number=1)
    report = mm.ProjectReport.objects.create(round=round_, project=project)
    mm.ActivityProgress.objects.create(report=report, activity=activity)
    mm.ActualSpending.objects.create(
        report=report,
        activity=activity,
        activity_title_th=activity.title_th,
        category=line.category,
        amount=Decimal("100"),
    )
    mm.IndicatorResult.objects.create(report=report, indicator=kpi)
    return {
        "actionplan.Office": office,
        "actionplan.OrgUnit": unit,
        "actionplan.Person": planner.person,
        "actionplan.User": planner,
        "actionplan.FiscalYear": plan.fiscal_year,
        "actionplan.Plan": plan,
        "actionplan.Strategy": strategy,
        "actionplan.StrategyIndicator": indicator,
        "actionplan.PolicyFramework": framework,
        "actionplan.PolicyItem": item,
        "actionplan.Programme": programme,
        "printing.OfficePrintSettings": pr.OfficePrintSettings.objects.get_or_create(office=office)[
            0
        ],
        "printing.ContextTable": pr.ContextTable.objects.create(
            plan=plan, number=1, caption_th=f"ตาราง {tag}"
        ),
        "printing.PlanAppendix": pr.PlanAppendix.objects.create(
            plan=plan, title_th=f"ภาคผนวก {tag}"
        ),
        "printing.PlanRender": pr.PlanRender.objects.create(plan=plan, version_key=tag),
        "budgets.BudgetCategory": line.category,
        "budgets.FundSource": line.fund_source,
        "budgets.BudgetLine": line,
        "indicators.ProjectIndicator": kpi,
        "projects.Project": project,
        "projects.Activity": activity,
        "projects.ProjectEvent": event,
        "plans.PlanApproval": approval,
        "plans.DisbursementTarget": target,
        "monitoring.ReportRound": round_,
        "monitoring.ProjectReport": report,
        "workflow.ProjectSnapshot": snapshot,
        "workflow.AmendmentRequest": amendment,
        "imports.ImportBatch": ImportBatch.objects.create(
            office=office, year_be=2567, file_name=f"{tag}.xlsx", sha256="0" * 64
        ),
        "imports.GroupAlias": GroupAlias.objects.create(
            office=office, raw_text=f"กลุ่ม {tag}", raw_key=f"key-{tag}", org_unit=unit
        ),
        "auth.Group": Group.objects.create(name=f"group-{tag}"),
        "axes.AccessAttempt": AccessAttempt.objects.create(
            user_agent="t",
            http_accept="t",
            path_info="/",
            get_data="",
            post_data="",
            failures_since_start=1,
            username=tag,
        ),
        "axes.AccessLog": AccessLog.objects.create(
            user_agent="t", http_accept="t", path_info="/", username=tag
        ),
        "axes.AccessFailureLog": AccessFailureLog.objects.create(
            user_agent="t", http_accept="t", path_info="/", username=tag
        ),
        "django_tasks_database.DBTaskResult": DBTaskResult.objects.create(
            args_kwargs={},
            task_path="x.y",
            backend_name="default",
            run_after=now,
            exception_class_path="",
            traceback="",
        ),
    }


def _text(model, tag: str) -> dict:
    """Values for a model's required text and number fields (inline children of the world)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.null or field.has_default():
            continue
        if field.blank and field.get_internal_type() in {"CharField", "TextField"}:
            continue
        if field.choices:
            values[field.name] = field.choices[0][0]
        elif field.get_internal_type() in {"CharField", "TextField"}:
            values[field.name] = f"{tag}"[: field.max_length or 50]
        elif "Integer" in field.get_internal_type():
            values[field.name] = 1
        elif field.get_internal_type() == "DecimalField":
            values[field.name] = Decimal("1")
    return values


@pytest.fixture
def worlds(db):
    office_a, office_b = f.make_office("A"), f.make_office("B")
    return {
        "a": build_world(office_a, "a"),
        "b": build_world(office_b, "b"),
        "office_a": office_a,
        "office_b": office_b,
    }


def _staff_plan_admin(office, username):
    user = f.make_user(office, ap.Role.PLAN_ADMIN, f.group(office, ap.StandardGroup.PLAN), username)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def personas(worlds):
    return {
        "plan_admin_a": _staff_plan_admin(worlds["office_a"], "plan_admin_a"),
        "plan_admin_b": _staff_plan_admin(worlds["office_b"], "plan_admin_b"),
        "root": f.make_superuser(worlds["office_a"]),
    }


def _kind(model_admin) -> str:
    if model_admin.superuser_only:
        return "superuser_only"
    if model_admin.global_reference:
        return "global"
    if model_admin.model is ap.Office:
        return "office"
    return "scoped"


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _rows(model, obj):
    return list(model._default_manager.filter(pk=obj.pk).values())


def _other_office_choices(response, model_admin_site, office_id) -> list[str]:
    """Choice fields of a rendered admin form (main form and inline forms) that offer an object
    of the office `office_id`."""
    forms = []
    if response.context.get("adminform"):
        forms.append(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        forms.append(inline.formset.empty_form)
    leaks = []
    for form in forms:
        for name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
                continue
            if name == form._meta.model._meta.pk.name:
                continue  # an inline row's own id: Django looks it up in the row's parent
            target = model_admin_site._registry.get(field.queryset.model)
            if not isinstance(target, _Scope) or not target.office_path:
                continue
            if field.queryset.filter(**{target.office_path: office_id}).exists():
                leaks.append(f"{form.__class__.__name__}.{name}")
    return leaks


# A task's UUID or a render's version digest may hold "2045" among its hex digits: not a year.
MACHINE_IDS = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F-]{16,}(?![0-9A-Za-z])")


# --- the guard: no registration without a scope -----------------------------------------------


def test_every_registered_admin_declares_its_scope():
    request = type("R", (), {"user": type("U", (), {"is_superuser": True})()})()
    missing = []
    for model, model_admin in _registry().items():
        if not isinstance(model_admin, ScopedAdminMixin) or not model_admin.scope_declared():
            missing.append(_label(model))
            continue
        if model_admin.office_path:
            _assert_path_reaches_an_office(model, model_admin.office_path)
        inlines = set(model_admin.inlines) | set(model_admin.get_inlines(request, None))
        for inline in inlines:
            if not issubclass(inline, ScopedInlineMixin) or not inline.office_path:
                missing.append(f"{_label(model)} inline {inline.__name__}")
                continue
            _assert_path_reaches_an_office(inline.model, inline.office_path)
    assert missing == []


def _assert_path_reaches_an_office(model, path):
    field = get_fields_from_path(model, path)[-1]
    if model is ap.Office and path == "id":
        return
    assert isinstance(field, ForeignKey | OneToOneField), (model, path)
    assert field.related_model is ap.Office, (model, path)


def test_the_guard_catches_an_unscoped_registration():
    class Unscoped(admin.ModelAdmin):
        pass

    class Undeclared(ScopedAdminMixin, admin.ModelAdmin):
        pass

    site = admin.AdminSite(name="probe")
    site.register(ap.Programme, Unscoped)
    site.register(ap.Plan, Undeclared)
    flagged = [
        m
        for m, a in site._registry.items()
        if not isinstance(a, ScopedAdminMixin) or not a.scope_declared()
    ]
    assert set(flagged) == {ap.Programme, ap.Plan}


def test_an_undeclared_scope_shows_nothing_to_a_plan_admin(rf, personas, worlds):
    class Undeclared(ScopedAdminMixin, admin.ModelAdmin):
        pass

    request = rf.get("/")
    request.user = personas["plan_admin_a"]
    model_admin = Undeclared(ap.Plan, admin.AdminSite(name="probe"))
    assert list(model_admin.get_queryset(request)) == []
    assert not model_admin.has_add_permission(request)


# --- the matrix: every registered model x persona x view --------------------------------------


MODELS = sorted(_registry(), key=_label)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_admin_scope_matrix(client, worlds, personas, model, persona):
    model_admin = admin.site._registry[model]
    kind = _kind(model_admin)
    user = personas[persona]
    client.force_login(user)
    label = _label(model)
    assert label in worlds["a"], f"add an object of {label} to build_world()"
    obj = worlds["a"][label]
    other_office_id = worlds["office_b"].pk if persona == "plan_admin_a" else worlds["office_a"].pk
    sees_a = persona in {"plan_admin_a", "root"} or kind == "global"
    if kind == "superuser_only" and persona != "root":
        sees_a = None  # closed altogether

    # changelist
    listing = client.get(_url(model, "changelist"))
    if sees_a is None:
        assert listing.status_code == 403, label
    else:
        assert listing.status_code == 200, label
        listed = {o.pk for o in listing.context["cl"].result_list}
        assert (obj.pk in listed) is sees_a, (label, persona)

    # change and history pages
    change = client.get(_url(model, "change", obj.pk))
    history = client.get(_url(model, "history", obj.pk))
    if sees_a:
        assert change.status_code == 200, (label, persona)
        assert history.status_code == 200, (label, persona)
        for page in (listing, change, history):  # the objects were made today, in CE 20xx
            assert ce_years(readable_text(page.content.decode())) == [], (label, page)
        if persona != "root":
            assert _other_office_choices(change, admin.site, other_office_id) == [], label
    else:
        assert change.status_code == 404, (label, persona)
        assert history.status_code == 404, (label, persona)

    # change POST and delete by someone who does not see the object: 404, nothing changed
    before = _rows(model, obj)
    if not sees_a:
        assert client.post(_url(model, "change", obj.pk), {}).status_code == 404, label
        assert client.get(_url(model, "delete", obj.pk)).status_code == 404, label
        assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 404
        client.post(
            _url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert _rows(model, obj) == before, label
    else:
        request = type("R", (), {"user": user})()
        deletable = model_admin.has_delete_permission(request, obj)
        page = client.get(_url(model, "delete", obj.pk))
        assert page.status_code == (200 if deletable else 403), (label, persona)
        if persona != "root" and kind in {"global", "office"}:
            assert not deletable, label  # offices and reference data: the system administrator's
        if persona != "root" and kind == "global":
            assert client.post(_url(model, "change", obj.pk), {}).status_code == 403, label
            assert _rows(model, obj) == before, label

    # add page: never offered to plan admins for global, office or superuser-only data; where
    # it is, the choices hold nothing of another office
    add = client.get(_url(model, "add"))
    if persona != "root" and kind in {"global", "office", "superuser_only"}:
        assert add.status_code == 403, (label, persona)
    elif add.status_code == 200 and persona != "root":
        assert _other_office_choices(add, admin.site, other_office_id) == [], label
    else:
        assert add.status_code in {200, 403}, (label, persona)


# --- accounts: a plan administrator manages their office's accounts up to their rank ----------


@pytest.fixture
def accounts(personas, worlds):
    office_a = worlds["office_a"]
    return {
        "planner": worlds["a"]["actionplan.User"],
        "sysadmin_role": f.make_user(office_a, ap.Role.SYSADMIN, None, "sysadmin_role_a"),
        "director": f.make_user(office_a, ap.Role.DIRECTOR, None, "director_of_a"),
        "deputy": f.make_user(office_a, ap.Role.DEPUTY_DIRECTOR, None, "deputy_of_a"),
        "root": personas["root"],
    }


def _password_url(user):
    return f"/admin/actionplan/user/{user.pk}/password/"


NEW_PASSWORD = {"password1": "Another-horse-77x", "password2": "Another-horse-77x"}


class TestUserAdmin:
    def test_a_plan_admin_changes_the_password_of_a_planner_of_their_office(
        self, client, personas, accounts
    ):
        client.force_login(personas["plan_admin_a"])
        planner = accounts["planner"]
        assert client.get(_password_url(planner)).status_code == 200
        response = client.post(_password_url(planner), {**NEW_PASSWORD, "usable_password": "true"})
        assert response.status_code == 302
        planner.refresh_from_db()
        assert planner.check_password(NEW_PASSWORD["password1"])

    @pytest.mark.parametrize(
        ("persona", "target"),
        [
            ("plan_admin_b", "planner"),
            ("plan_admin_a", "root"),
            ("plan_admin_a", "sysadmin_role"),
            # the director's and deputies' signatures approve: their accounts are not the plan
            # administrator's to reset (docs/decisions/admin-scope.md)
            ("plan_admin_a", "director"),
            ("plan_admin_a", "deputy"),
        ],
    )
    def test_a_password_out_of_scope_is_404_and_unchanged(
        self, client, personas, accounts, persona, target
    ):
        client.force_login(personas[persona])
        user = accounts[target]
        assert client.get(_password_url(user)).status_code == 404
        response = client.post(_password_url(user), {**NEW_PASSWORD, "usable_password": "true"})
        assert response.status_code == 404
        user.refresh_from_db()
        assert not user.check_password(NEW_PASSWORD["password1"])
        assert client.get(_url(ap.User, "change", user.pk)).status_code == 404
        assert client.get(_url(ap.User, "history", user.pk)).status_code == 404

    def test_superusers_and_higher_roles_are_not_listed(self, client, personas, accounts):
        client.force_login(personas["plan_admin_a"])
        listed = {u.pk for u in client.get(_url(ap.User, "changelist")).context["cl"].result_list}
        assert accounts["planner"].pk in listed and personas["plan_admin_a"].pk in listed
        assert accounts["root"].pk not in listed and accounts["sysadmin_role"].pk not in listed
        assert personas["plan_admin_b"].pk not in listed

    def test_a_plan_admin_cannot_escalate_their_own_account(self, client, personas, worlds):
        me = personas["plan_admin_a"]
        client.force_login(me)
        page = client.get(_url(ap.User, "change", me.pk))
        form = page.context["adminform"].form
        assert not {
            "is_superuser",
            "is_staff",
            "groups",
            "user_permissions",
            "role",
            "office",
        } & set(form.fields)
        group = Group.objects.create(name="everything")
        response = client.post(
            _url(ap.User, "change", me.pk),
            {
                "username": me.username,
                "first_name": "ชื่อใหม่",
                "last_name": "",
                "email": "",
                "is_active": "on",
                "is_superuser": "on",
                "is_staff": "on",
                "groups": [group.pk],
                "user_permissions": [Permission.objects.get(codename="add_office").pk],
                "role": ap.Role.SYSADMIN,
                "office": worlds["office_b"].pk,
                "org_unit": me.org_unit_id,
                "person": me.person_id,
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        me.refresh_from_db()
        assert me.first_name == "ชื่อใหม่"
        assert not me.is_superuser and me.role == ap.Role.PLAN_ADMIN
        assert me.office_id == worlds["office_a"].pk
        assert not me.groups.exists()
        assert me.user_permissions.count() == Permission.objects.count()  # the posted one ignored

    def test_role_choices_stop_at_their_own_rank(self, client, personas, accounts):
        client.force_login(personas["plan_admin_a"])
        planner = accounts["planner"]
        form = client.get(_url(ap.User, "change", planner.pk)).context["adminform"].form
        offered = {value for value, _label in form.fields["role"].choices}
        assert ap.Role.SYSADMIN not in offered and ap.Role.DIRECTOR not in offered
        assert ap.Role.DEPUTY_DIRECTOR not in offered and ap.Role.GROUP_DIRECTOR in offered
        data = {
            "username": planner.username,
            "is_active": "on",
            "role": ap.Role.SYSADMIN,
            "org_unit": planner.org_unit_id,
            "person": planner.person_id,
        }
        response = client.post(_url(ap.User, "change", planner.pk), data)
        assert response.status_code == 200 and response.context["adminform"].form.errors
        planner.refresh_from_db()
        assert planner.role == ap.Role.PLANNER

    def test_a_new_account_belongs_to_the_plan_admins_office(self, client, personas, worlds):
        client.force_login(personas["plan_admin_b"])
        response = client.post(
            _url(ap.User, "add"),
            {"username": "newcomer", "usable_password": "true", **NEW_PASSWORD},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        user = ap.User.objects.get(username="newcomer")
        assert user.office_id == worlds["office_b"].pk
        assert not user.is_staff and not user.is_superuser

    def test_the_session_action_ends_only_own_office_accounts(self, client, personas, accounts):
        from django.contrib.sessions.models import Session
        from django.test import Client

        client.force_login(personas["plan_admin_b"])
        planner = accounts["planner"]

        victim = Client()
        victim.force_login(planner)
        sessions = Session.objects.count()
        client.post(
            _url(ap.User, "changelist"),
            {"action": "end_all_sessions", "_selected_action": [planner.pk]},
        )
        assert Session.objects.count() == sessions


# --- choices, autocomplete, shared rows, inline and list edits -------------------------------


class TestChoicesAndSaves:
    def test_a_strategy_cannot_be_added_to_another_offices_plan(self, client, personas, worlds):
        client.force_login(personas["plan_admin_b"])
        before = ap.Strategy.objects.count()
        response = client.post(
            _url(ap.Strategy, "add"),
            {
                "plan": worlds["a"]["actionplan.Plan"].pk,
                "number": 2,
                "label": ap.Strategy._meta.get_field("label").default,
                "title_th": "แทรก",
                **_empty_inlines(client, ap.Strategy),
            },
        )
        assert response.status_code == 200
        assert "plan" in response.context["adminform"].form.errors
        assert ap.Strategy.objects.count() == before

    def test_a_group_cannot_be_added_to_another_office(self, client, personas, worlds):
        client.force_login(personas["plan_admin_b"])
        before = ap.OrgUnit.objects.count()
        response = client.post(
            _url(ap.OrgUnit, "add"), {"office": worlds["office_a"].pk, "name_th": "กลุ่มแทรก"}
        )
        assert response.status_code == 200
        assert "office" in response.context["adminform"].form.errors
        assert ap.OrgUnit.objects.count() == before

    def test_autocomplete_returns_only_own_office_objects(self, client, personas, worlds):
        client.force_login(personas["plan_admin_b"])
        for model_name, field_name, target in [
            ("project", "lead_unit", "actionplan.OrgUnit"),
            ("project", "strategy", "actionplan.Strategy"),
            ("activity", "project", "projects.Project"),
            ("budgetline", "activity", "projects.Activity"),
            ("person", "org_unit", "actionplan.OrgUnit"),
        ]:
            app_label = (
                "budgets"
                if model_name == "budgetline"
                else ("actionplan" if model_name == "person" else "projects")
            )
            response = client.get(
                reverse("admin:autocomplete"),
                {"app_label": app_label, "model_name": model_name, "field_name": field_name},
            )
            assert response.status_code == 200, (model_name, field_name)
            ids = {int(r["id"]) for r in response.json()["results"]}
            assert worlds["b"][target].pk in ids, (model_name, field_name)
            assert worlds["a"][target].pk not in ids, (model_name, field_name)

    def test_national_frameworks_are_shared_and_read_only(self, client, personas, worlds):
        national = ap.PolicyFramework.objects.create(
            office=None, kind=ap.FrameworkKind.choices[0][0], title_th="นโยบาย สพฐ."
        )
        national_item = ap.PolicyItem.objects.create(framework=national, title_th="ข้อ ๑")
        client.force_login(personas["plan_admin_b"])
        listed = client.get(_url(ap.PolicyFramework, "changelist")).context["cl"].result_list
        assert national in listed
        assert client.get(_url(ap.PolicyFramework, "change", national.pk)).status_code == 200
        post = client.post(_url(ap.PolicyFramework, "change", national.pk), {"title_th": "แก้"})
        assert post.status_code == 403
        assert client.post(_url(ap.PolicyFramework, "delete", national.pk)).status_code == 403
        national.refresh_from_db()
        assert national.title_th == "นโยบาย สพฐ."
        project = worlds["b"]["projects.Project"]
        form = client.get(_url(pm.Project, "change", project.pk)).context["adminform"].form
        assert national_item in form.fields["alignments"].queryset
        before = ap.PolicyFramework.objects.count()
        response = client.post(
            _url(ap.PolicyFramework, "add"),
            {
                "kind": national.kind,
                "title_th": "ใหม่",
                "order": 0,
                **_empty_inlines(client, ap.PolicyFramework),
            },
        )
        assert response.status_code == 200  # the office is required: no new national framework
        assert ap.PolicyFramework.objects.count() == before

    def test_list_editing_skips_other_offices_rows(self, client, personas, worlds):
        unit = worlds["a"]["actionplan.OrgUnit"]
        client.force_login(personas["plan_admin_b"])
        client.post(
            _url(ap.OrgUnit, "changelist"),
            {
                "form-TOTAL_FORMS": 1,
                "form-INITIAL_FORMS": 1,
                "form-0-id": unit.pk,
                "form-0-sort_order": 99,
                "form-0-budget_ceiling": "1",
                "_save": "Save",
            },
        )
        unit.refresh_from_db()
        assert unit.sort_order != 99 and unit.budget_ceiling is None

    def test_an_inline_row_of_another_office_is_not_edited(self, client, personas, worlds):
        plan_b = worlds["b"]["actionplan.Plan"]
        strategy_a = worlds["a"]["actionplan.Strategy"]
        client.force_login(personas["plan_admin_b"])
        data = _empty_inlines(client, ap.Plan, plan_b.pk)
        prefix = "strategies"
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 1,
                f"{prefix}-INITIAL_FORMS": 1,
                f"{prefix}-0-id": strategy_a.pk,
                f"{prefix}-0-plan": plan_b.pk,
                f"{prefix}-0-number": 1,
                f"{prefix}-0-label": strategy_a.label,
                f"{prefix}-0-title_th": "ยึด",
            }
        )
        form = client.get(_url(ap.Plan, "change", plan_b.pk)).context["adminform"].form
        for name in form.fields:
            value = form.initial.get(name)
            if isinstance(value, str | int | Decimal) and name not in data:
                data[name] = value
        response = client.post(_url(ap.Plan, "change", plan_b.pk), data)
        assert response.status_code == 302
        strategy_a.refresh_from_db()
        assert strategy_a.plan_id == worlds["a"]["actionplan.Plan"].pk
        assert strategy_a.title_th != "ยึด"

    def test_relation_filters_name_no_other_office(self, client, personas, worlds):
        client.force_login(personas["plan_admin_b"])
        html = client.get(_url(ap.Plan, "changelist")).content.decode()
        assert worlds["office_a"].short_name_th not in html
        assert worlds["office_b"].short_name_th in html

    def test_reference_data_cannot_be_imported_by_a_plan_admin(self, client, personas):
        client.force_login(personas["plan_admin_a"])
        assert client.get(reverse("admin:budgets_budgetcategory_import")).status_code == 403


def _empty_inlines(client, model, pk=None) -> dict:
    """The management form of every inline of a model's add (or change) page, with no rows."""
    url = _url(model, "change", pk) if pk else _url(model, "add")
    response = client.get(url)
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data
