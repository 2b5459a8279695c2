"""The ground floor's own views: home, health, the Thai error pages (CSRF, 400, 500) and the
plan administrator's reference-data pages (/reference/: national frameworks, the office's own)."""

import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import services
from actionplan.forms import CopyFrameworksForm, OwnFrameworkForm, PolicyItemForm
from actionplan.models import FrameworkKind, PolicyFramework, PolicyItem, Programme, Role
from actionplan.services import DomainError
from actionplan.storage import disk_full


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everybody lands on the project list of the current fiscal year; users above the
    offices on their roll-up."""
    if getattr(request.user, "role", None) == Role.OVERSIGHT:
        return redirect("oversight:index")
    return redirect("projects:project_list")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and crawlers ask for whatever the page links: the vendored
    icon under its static (possibly hashed) name."""
    return redirect(static("favicon.ico"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Thai page in the app's frame instead of Django's English one."""
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: the Thai page. A form past the upload limits (more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS, a body past DATA_UPLOAD_MAX_MEMORY_SIZE) is refused before any
    view runs, so nothing was saved: the page says so and sends the user Back, where the project
    editor puts back what it sent (docs/decisions/editor-size.md)."""
    too_much = isinstance(exception, TooManyFieldsSent | RequestDataTooBig | TooManyFilesSent)
    return render(request, "400.html", {"too_much": too_much}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the Thai page; a full disk (also while Django receives an upload, before any
    view runs) says so, with status 507, instead of a generic fault."""
    full = disk_full(sys.exc_info()[1])
    html = loader.get_template("500.html").render({"disk_full": full})
    return HttpResponse(html, status=507 if full else 500)


# --- reference data: national frameworks (read-only) and the office's own (issue 16) --------------

REFERENCE_EDITORS = {Role.PLAN_ADMIN, Role.SYSADMIN}


def _require_reference_editor(request: HttpRequest) -> None:
    if request.user.role not in REFERENCE_EDITORS or not request.user.office_id:
        raise PermissionDenied("เฉพาะผู้ดูแลแผน")


def _visible_framework(request: HttpRequest, pk: int) -> PolicyFramework:
    """A national framework or one of the user's office (else 404), for a plan admin (else 403)."""
    framework = get_object_or_404(
        PolicyFramework.objects.filter(
            Q(office__isnull=True) | Q(office_id=request.user.office_id)
        ),
        pk=pk,
    )
    _require_reference_editor(request)
    return framework


def _own_framework(request: HttpRequest, pk: int) -> PolicyFramework:
    framework = get_object_or_404(
        PolicyFramework.objects.filter(office_id=request.user.office_id), pk=pk
    )
    _require_reference_editor(request)
    return framework


def _own_item(request: HttpRequest, pk: int) -> PolicyItem:
    item = get_object_or_404(
        PolicyItem.objects.filter(framework__office_id=request.user.office_id).select_related(
            "framework"
        ),
        pk=pk,
    )
    _require_reference_editor(request)
    return item


def _framework_url(framework: PolicyFramework) -> str:
    return reverse("reference:framework_detail", args=[framework.pk])


@login_required
@require_GET
def reference_index(request: HttpRequest) -> HttpResponse:
    """National frameworks with the years they apply to and whether the office follows them;
    national programmes; the office's own frameworks; copying them to a new year."""
    _require_reference_editor(request)
    office = request.user.office
    switched_off = set(
        office.framework_links.filter(follows=False).values_list("framework_id", flat=True)
    )
    national = list(
        PolicyFramework.objects.national()
        .annotate(item_count=Count("items"))
        .order_by("order", "-period_start_be", "pk")
    )
    for framework in national:
        framework.followed = framework.pk not in switched_off
    own = list(
        PolicyFramework.objects.filter(office=office)
        .annotate(item_count=Count("items"))
        .order_by("-period_start_be", "order", "pk")
    )
    programmes = Programme.objects.filter(Q(office__isnull=True) | Q(office=office)).order_by(
        "-period_start_be", "name_th"
    )
    return render(
        request,
        "actionplan/reference_index.html",
        {
            "national": national,
            "own": own,
            "programmes": programmes,
            "copy_form": CopyFrameworksForm(),
        },
    )


@login_required
@require_POST
def reference_follows(request: HttpRequest) -> HttpResponse:
    """Save which national frameworks the office follows (checked boxes; the rest it does not)."""
    _require_reference_editor(request)
    followed = {int(pk) for pk in request.POST.getlist("follows") if pk.isdigit()}
    changed = services.set_followed_frameworks(office=request.user.office, followed=followed)
    messages.success(request, f"บันทึกกรอบนโยบายที่สำนักงานยึดถือแล้ว (เปลี่ยน {changed} รายการ)")
    return redirect("reference:reference_index")


def _tree(framework: PolicyFramework) -> list[tuple[PolicyItem, int]]:
    """The framework's items in reading order with their depth, each marked whether a project
    links to it (one query for the items, one for the links)."""
    items = list(framework.items.order_by("order", "pk"))
    linked = set(
        PolicyItem.objects.filter(framework=framework, projects__isnull=False).values_list(
            "pk", flat=True
        )
    )
    children: dict[int | None, list[PolicyItem]] = {}
    for item in items:
        item.is_linked = item.pk in linked
        children.setdefault(item.parent_id, []).append(item)
    rows: list[tuple[PolicyItem, int]] = []

    def walk(parent_id, depth):
        siblings = children.get(parent_id, [])
        for index, item in enumerate(siblings):
            item.is_first, item.is_last = index == 0, index == len(siblings) - 1
            rows.append((item, depth))
            walk(item.pk, depth + 1)

    walk(None, 0)
    return rows


@login_required
@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A framework's items as a tree: read-only for national ones, editable for the office's."""
    framework = _visible_framework(request, pk)
    return render(
        request,
        "actionplan/framework_detail.html",
        {"framework": framework, "rows": _tree(framework), "editable": not framework.is_national},
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_create(request: HttpRequest) -> HttpResponse:
    """A new policy or standard of the office."""
    _require_reference_editor(request)
    form = OwnFrameworkForm(
        request.POST or None,
        instance=PolicyFramework(office=request.user.office, kind=FrameworkKind.ESA_POLICY),
    )
    if request.method == "POST" and form.is_valid():
        framework = form.save()
        messages.success(request, "เพิ่มกรอบนโยบายของสำนักงานแล้ว")
        return redirect(_framework_url(framework))
    return render(request, "actionplan/framework_form.html", {"form": form, "framework": None})


@login_required
@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _own_framework(request, pk)
    form = OwnFrameworkForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "บันทึกกรอบนโยบายแล้ว")
        return redirect(_framework_url(framework))
    return render(request, "actionplan/framework_form.html", {"form": form, "framework": framework})


@login_required
@require_http_methods(["GET", "POST"])
def framework_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes unless a project links to one of its items."""
    framework = _own_framework(request, pk)
    if request.method == "POST":
        try:
            services.delete_own_framework(framework=framework)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(_framework_url(framework))
        messages.success(request, f"ลบ {framework.title_th} แล้ว")
        return redirect("reference:reference_index")
    return render(
        request,
        "actionplan/reference_confirm_delete.html",
        {
            "object": framework,
            "framework": framework,
            "items": framework.items.count(),
            "refusal": services.framework_delete_refusal(framework),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new item of an office framework, at the end of its siblings (?parent= preselects)."""
    framework = _own_framework(request, pk)
    initial = {}
    parent = request.GET.get("parent", "")
    if parent.isdigit() and framework.items.filter(pk=int(parent)).exists():
        initial["parent"] = int(parent)
    form = PolicyItemForm(
        request.POST or None,
        framework=framework,
        instance=PolicyItem(framework=framework),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.order = services.next_item_order(framework, item.parent)
            item.save()
        messages.success(request, "เพิ่มข้อแล้ว")
        return redirect(f"{_framework_url(framework)}#item-{item.pk}")
    return render(
        request, "actionplan/item_form.html", {"form": form, "framework": framework, "item": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    framework = item.framework
    old_parent = item.parent_id
    form = PolicyItemForm(request.POST or None, framework=framework, instance=item)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            if item.parent_id != old_parent:
                item.order = services.next_item_order(framework, item.parent)
            item.save()
        messages.success(request, "บันทึกข้อแล้ว")
        return redirect(f"{_framework_url(framework)}#item-{item.pk}")
    return render(
        request, "actionplan/item_form.html", {"form": form, "framework": framework, "item": item}
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the item and those under it unless a project links."""
    item = _own_item(request, pk)
    if request.method == "POST":
        try:
            services.delete_policy_item(item=item)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "ลบข้อแล้ว")
        return redirect(_framework_url(item.framework))
    return render(
        request,
        "actionplan/reference_confirm_delete.html",
        {
            "object": item,
            "framework": item.framework,
            "items": len(_tree_under(item)) - 1,
            "refusal": services.item_delete_refusal(item),
        },
    )


def _tree_under(item: PolicyItem) -> list[int]:
    found, pending = [], [item.pk]
    while pending:
        found.extend(pending)
        pending = list(
            PolicyItem.objects.filter(parent_id__in=pending).values_list("pk", flat=True)
        )
    return found


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item one place up or down among its siblings."""
    item = _own_item(request, pk)
    services.move_policy_item(item=item, up=request.POST.get("direction") != "down")
    return redirect(f"{_framework_url(item.framework)}#item-{item.pk}")


@login_required
@require_POST
def frameworks_copy(request: HttpRequest) -> HttpResponse:
    """Copy the office's own frameworks of one fiscal year to another."""
    _require_reference_editor(request)
    form = CopyFrameworksForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"คัดลอกไม่ได้: {errors}")
        return redirect("reference:reference_index")
    try:
        copies = services.copy_own_frameworks(
            office=request.user.office,
            from_year=form.cleaned_data["from_year"],
            to_year=form.cleaned_data["to_year"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("reference:reference_index")
    if copies:
        messages.success(request, f"คัดลอกกรอบนโยบายของสำนักงานแล้ว {len(copies)} กรอบ")
    else:
        messages.warning(request, "ไม่มีกรอบที่ต้องคัดลอก (ไม่มีกรอบของปีต้นทาง หรือคัดลอกไปแล้ว)")
    return redirect("reference:reference_index")
