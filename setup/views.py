"""The office set-up pages (ตั้งค่าสำนักงาน): the checklist and one page per step. Plan
administrators, directors and system administrators of an office; everything is fetched
through the user's office, so another office's object is 404 and other roles get 403."""

from __future__ import annotations

import functools
import secrets
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import thai
from actionplan.models import OrgUnit, Plan, PlanStatus, Role, Strategy, StrategyIndicator, User
from actionplan.services import DomainError
from actionplan.workbooks import RejectedFile, check_file
from budgets.money import money_sum
from printing.models import OfficePrintSettings
from setup import checklist, services, staff_sheet
from setup.forms import (
    CeilingsForm,
    DirectionFormSet,
    GoalFormSet,
    GroupFormSet,
    GuidelineFormSet,
    IndicatorFormSet,
    OfficeForm,
    PlanCreateForm,
    PlanForm,
    PrintSettingsForm,
    StaffForm,
    StaffUploadForm,
    StrategyFormSet,
)

IMPORT_SESSION_KEY = "setup_staff_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def setup_view(view=None, *, in_office=None):
    """Signed in, in a set-up role (else 403), with an office (else 403). A view of one object
    names it with `in_office(office_id, **url_kwargs) -> queryset`: an object outside the
    user's office is 404 before any role is checked, so nobody learns it exists."""

    def decorate(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            office_id = request.user.office_id
            if in_office is not None and not (
                office_id and in_office(office_id, **kwargs).exists()
            ):
                raise Http404
            if request.user.role not in checklist.SETUP_ROLES:
                raise PermissionDenied(gettext("เฉพาะผู้ดูแลแผน ผู้อำนวยการสำนักงาน และผู้ดูแลระบบ"))
            if not office_id:
                raise PermissionDenied(gettext("บัญชีนี้ไม่ได้สังกัดสำนักงาน"))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def _account_in(office_id, pk):
    return User.objects.filter(office_id=office_id, pk=pk, is_superuser=False)


def _plan_in(office_id, plan_id):
    return Plan.objects.filter(office_id=office_id, pk=plan_id)


def _strategy_in(office_id, plan_id, pk):
    return Strategy.objects.filter(plan__office_id=office_id, plan_id=plan_id, pk=pk)


@setup_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The checklist: every step with its state, what is missing and where to do it."""
    result = checklist.build(request.user.office)
    return render(request, "setup/index.html", {"checklist": result, "current": "index"})


@setup_view
@require_http_methods(["GET", "POST"])
def office_edit(request: HttpRequest) -> HttpResponse:
    office = request.user.office
    form = OfficeForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.record_change(by=request.user, obj=office, message="แก้ไขข้อมูลสำนักงาน")
        messages.success(request, gettext("บันทึกข้อมูลสำนักงานแล้ว"))
        return redirect("setup:index")
    return render(request, "setup/office_form.html", {"form": form, "current": "office"})


@setup_view
@require_http_methods(["GET", "POST"])
def print_settings_edit(request: HttpRequest) -> HttpResponse:
    office = request.user.office
    current = OfficePrintSettings.objects.filter(office=office).first()
    form = PrintSettingsForm(
        request.POST or None, instance=current or OfficePrintSettings(office=office)
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        services.record_change(
            by=request.user, obj=saved, message="แก้ไขการตั้งค่าการพิมพ์", added=current is None
        )
        messages.success(request, gettext("บันทึกการตั้งค่าการพิมพ์แล้ว"))
        return redirect("setup:index")
    return render(request, "setup/print_form.html", {"form": form, "current": "print"})


# --- groups -------------------------------------------------------------------------------------


@setup_view
@require_http_methods(["GET", "POST"])
def group_list(request: HttpRequest) -> HttpResponse:
    """Every group of the office on one page: rename, add, deactivate, director and deputy."""
    office = request.user.office
    users = list(
        User.objects.filter(office=office, is_active=True, is_superuser=False)
        .select_related("person", "org_unit")
        .order_by("first_name", "username")
    )
    kwargs = {
        "candidates": [u for u in users if u.role in services.GROUP_ROLES],
        "deputies": [u for u in users if u.role == Role.DEPUTY_DIRECTOR],
        "directors": services.group_directors(office),
    }
    queryset = OrgUnit.objects.filter(office=office).order_by("sort_order", "pk")
    formset = GroupFormSet(request.POST or None, queryset=queryset, form_kwargs=kwargs)
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.GroupRow(
                unit=form.instance,
                director=form.cleaned_data.get("director"),
                director_changed=form.director_changed,
            )
            for form in formset.changed_forms()
        ]
        try:
            services.save_groups(office=office, by=request.user, rows=rows)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("บันทึกกลุ่มแล้ว"))
            return redirect("setup:group_list")
    return render(request, "setup/group_list.html", {"formset": formset, "current": "groups"})


# --- staff --------------------------------------------------------------------------------------


@setup_view
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    manageable = set(services.staff_queryset(request.user).values_list("pk", flat=True))
    accounts = (
        User.objects.filter(office_id=request.user.office_id, is_superuser=False)
        .select_related("person", "org_unit")
        .order_by("-is_active", "org_unit__sort_order", "role", "username")
    )
    rows = [(account, account.pk in manageable) for account in accounts]
    return render(request, "setup/staff_list.html", {"rows": rows, "current": "staff"})


def _active_units(request: HttpRequest) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(office_id=request.user.office_id, is_active=True))


@setup_view
@never_cache
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    """A new account; its one-time password is shown on the answer to the POST, only then."""
    form = StaffForm(request.POST or None, by=request.user, units=_active_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.create_staff(
                office=request.user.office, by=request.user, data=form.to_data()
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return _show_passwords(request, [(user, password)], gettext("เพิ่มบัญชีแล้ว"))
    return render(
        request, "setup/staff_form.html", {"form": form, "account": None, "current": "staff"}
    )


@setup_view(in_office=_account_in)
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        services.staff_queryset(request.user).select_related("person", "org_unit"), pk=pk
    )
    form = StaffForm(
        request.POST or None, by=request.user, units=_active_units(request), account=account
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(user=account, by=request.user, data=form.to_data())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("บันทึกบัญชี %(username)s แล้ว") % {"username": account.username}
            )
            return redirect("setup:staff_list")
    return render(
        request, "setup/staff_form.html", {"form": form, "account": account, "current": "staff"}
    )


@setup_view(in_office=_account_in)
@never_cache
@require_POST
def staff_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(services.staff_queryset(request.user), pk=pk)
    try:
        password = services.reset_password(user=account, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("setup:staff_edit", pk=account.pk)
    return _show_passwords(request, [(account, password)], gettext("ตั้งรหัสผ่านใหม่แล้ว"))


def _show_passwords(request: HttpRequest, accounts, title: str) -> HttpResponse:
    """The one page that ever shows these passwords (never cached; not kept anywhere)."""
    return render(
        request,
        "setup/staff_passwords.html",
        {"accounts": accounts, "title": title, "current": "staff"},
    )


@setup_view
@require_GET
def staff_template(request: HttpRequest) -> HttpResponse:
    data = staff_sheet.template_workbook(request.user.office, request.user)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''staff-template.xlsx"
    return response


@setup_view
@never_cache
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload -> every row checked (preview, nothing written) -> confirm -> one transaction."""
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm_import(request)
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "current": "staff", "preview": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = check_file(upload.name, upload.read())
            preview = staff_sheet.read_staff(checked, office=request.user.office, by=request.user)
        except RejectedFile as exc:
            form.add_error("file", str(exc))
        else:
            context["preview"] = preview
            if preview.ok:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "office": request.user.office_id,
                    "rows": [row.as_json() for row in preview.rows],
                }
                context["token"] = token
    return render(request, "setup/staff_import.html", context)


def _confirm_import(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if (
        not pending
        or pending.get("office") != request.user.office_id
        or not secrets.compare_digest(str(pending.get("token")), request.POST.get("token", ""))
    ):
        messages.error(request, gettext("ไม่พบรายการที่ตรวจไว้ หรือยืนยันไปแล้ว กรุณาอัปโหลดไฟล์อีกครั้ง"))
        return redirect("setup:staff_import")
    units = {u.pk: u for u in _active_units(request)}
    rows = staff_sheet.rows_from_json(pending["rows"])
    try:
        created = services.import_staff(
            office=request.user.office, by=request.user, rows=[r.to_data(units) for r in rows]
        )
    except DomainError as exc:
        messages.error(
            request,
            gettext("ยังไม่ได้นำเข้า: %(reason)s กรุณาแก้ไฟล์แล้วอัปโหลดอีกครั้ง") % {"reason": exc},
        )
        return redirect("setup:staff_import")
    title = ngettext("นำเข้าบัญชีแล้ว %(n)d บัญชี", "นำเข้าบัญชีแล้ว %(n)d บัญชี", len(created)) % {
        "n": len(created)
    }
    return _show_passwords(request, created, title)


# --- the plan year ------------------------------------------------------------------------------


def _office_plans(request: HttpRequest):
    return Plan.objects.filter(office_id=request.user.office_id).select_related(
        "fiscal_year", "office"
    )


@setup_view
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    """The office's plans, and a new plan for a fiscal year, empty or copied from last year."""
    office = request.user.office
    plans = list(_office_plans(request).order_by("-fiscal_year__year_be"))
    newest = plans[0].fiscal_year.year_be if plans else None
    suggested = newest + 1 if newest else thai.fiscal_year_of(date.today())
    form = PlanCreateForm(
        request.POST or None,
        office=office,
        initial={"year_be": suggested, "copy_previous": bool(plans)},
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year_be"]
        source = (
            services.previous_plan(office, year, form.cleaned_data["plan_type"])
            if form.cleaned_data["copy_previous"]
            else None
        )
        if form.cleaned_data["copy_previous"] and source is None:
            form.add_error("copy_previous", gettext("ไม่มีแผนของปีก่อนหน้าให้คัดลอก"))
        else:
            try:
                plan = services.create_plan(
                    office=office,
                    by=request.user,
                    year_be=year,
                    title_th=form.cleaned_data["title_th"],
                    copy_from=source,
                    plan_type=form.cleaned_data["plan_type"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _created_message(plan, source))
                return redirect("setup:plan_edit", plan_id=plan.pk)
    return render(
        request, "setup/plan_list.html", {"plans": plans, "form": form, "current": "plan"}
    )


def _created_message(plan: Plan, source: Plan | None) -> str:
    if source is None:
        return gettext("สร้าง%(plan)sแล้ว เพิ่มกลยุทธ์ได้ด้านล่าง") % {"plan": plan.display_title}
    return gettext(
        "สร้าง%(plan)sแล้ว คัดลอกกลยุทธ์ เป้าประสงค์ ตัวชี้วัดและค่าเป้าหมาย"
        "จากแผนปี %(source_year)s กรุณาตรวจค่าเป้าหมายของปี %(year)s"
    ) % {
        "plan": plan.display_title,
        "source_year": source.fiscal_year.year_be,
        "year": plan.fiscal_year.year_be,
    }


@setup_view(in_office=_plan_in)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's heading and its strategies, validated together and saved together."""
    plan = get_object_or_404(_office_plans(request), pk=plan_id)
    editable = plan.status == PlanStatus.DRAFT
    data = (request.POST or None) if editable else None
    files = (request.FILES or None) if editable else None
    form = PlanForm(data, files, instance=plan, prefix="plan")
    strategies = StrategyFormSet(
        data, instance=plan, prefix="strategies", queryset=plan.strategies.order_by("number")
    )
    direction = DirectionFormSet(data, instance=plan, prefix="direction")
    if request.method == "POST":
        if not editable:
            messages.error(request, _not_editable(plan))
            return redirect("setup:plan_edit", plan_id=plan.pk)
        if all([form.is_valid(), direction.is_valid(), strategies.is_valid()]):
            try:
                with transaction.atomic():
                    form.save()
                    direction.save()
                    strategies.save()
            except IntegrityError:
                strategies._non_form_errors = strategies.error_class(
                    [gettext("ข้อที่ของกลยุทธ์ซ้ำกับที่มีอยู่ (สลับข้อที่ให้ทำทีละขั้น)")]
                )
            else:
                services.record_change(by=request.user, obj=plan, message="แก้ไขแผนและกลยุทธ์")
                messages.success(request, gettext("บันทึกแผนและกลยุทธ์แล้ว"))
                return redirect("setup:plan_edit", plan_id=plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "strategies": strategies,
        "direction": direction,
        "editable": editable,
        "current": "plan",
    }
    return render(request, "setup/plan_form.html", context)


def _not_editable(plan: Plan) -> str:
    try:
        services.guard_plan_editable(plan)
    except DomainError as exc:
        return str(exc)
    return ""


@setup_view(in_office=_strategy_in)
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest, plan_id: int, pk: int) -> HttpResponse:
    """One strategy's goals, development guidelines and KPIs with a target per year."""
    plan = get_object_or_404(_office_plans(request), pk=plan_id)
    strategy = get_object_or_404(Strategy.objects.filter(plan=plan), pk=pk)
    editable = plan.status == PlanStatus.DRAFT
    data = (request.POST or None) if editable else None
    years = plan.horizon_years
    goals = GoalFormSet(data, instance=strategy, prefix="goals")
    guidelines = GuidelineFormSet(data, instance=strategy, prefix="guidelines")
    indicators = IndicatorFormSet(
        data,
        instance=strategy,
        prefix="kpis",
        queryset=StrategyIndicator.objects.filter(strategy=strategy).prefetch_related("targets"),
        form_kwargs={"years": years},
    )
    if request.method == "POST":
        if not editable:
            messages.error(request, _not_editable(plan))
            return redirect("setup:strategy_edit", plan_id=plan.pk, pk=strategy.pk)
        if all([goals.is_valid(), guidelines.is_valid(), indicators.is_valid()]):
            with transaction.atomic():
                goals.save()
                guidelines.save()
                indicators.save()
                services.set_indicator_targets(
                    indicators=[
                        (form.instance, form.targets)
                        for form in indicators.forms
                        if form.instance.pk
                        and hasattr(form, "targets")
                        and form not in indicators.deleted_forms
                    ],
                    years=years,
                )
            services.record_change(
                by=request.user, obj=strategy, message="แก้ไขเป้าประสงค์ แนวทาง และตัวชี้วัด"
            )
            messages.success(
                request,
                gettext("บันทึก%(label)sที่ %(number)s แล้ว")
                % {"label": strategy.get_label_display(), "number": strategy.number},
            )
            return redirect("setup:strategy_edit", plan_id=plan.pk, pk=strategy.pk)
    context = {
        "plan": plan,
        "strategy": strategy,
        "goals": goals,
        "guidelines": guidelines,
        "indicators": indicators,
        "years": years,
        "editable": editable,
        "current": "plan",
    }
    return render(request, "setup/strategy_form.html", context)


# --- group ceilings -----------------------------------------------------------------------------


@setup_view
@require_http_methods(["GET", "POST"])
def ceilings_edit(request: HttpRequest) -> HttpResponse:
    """The budget ceiling of each active group, with their total."""
    units = _active_units(request)
    form = CeilingsForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_group_ceilings(
                office=request.user.office, by=request.user, amounts=form.amounts()
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("บันทึกวงเงินของกลุ่มแล้ว"))
            return redirect("setup:ceilings_edit")
    total = money_sum(u.budget_ceiling for u in units)
    context = {
        "form": form,
        "total": total,
        "plan": checklist.current_plan(request.user.office),
        "current": "ceilings",
    }
    return render(request, "setup/ceilings_form.html", context)
