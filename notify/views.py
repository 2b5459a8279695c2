"""A user's notification choices; the plan administrator's LINE chats and delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import thai
from actionplan.models import Role
from notify import services
from notify.forms import LineTargetForm
from notify.models import Delivery, EventKind, LineTarget, Preference

OFFICE_ADMINS = {Role.PLAN_ADMIN, Role.DIRECTOR, Role.SYSADMIN}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Which events reach me by e-mail and on LINE (all on until I say otherwise)."""
    user = request.user
    saved = {p.kind: p for p in Preference.objects.filter(user=user)}
    if request.method == "POST":
        with transaction.atomic():
            for kind in EventKind.values:
                Preference.objects.update_or_create(
                    user=user,
                    kind=kind,
                    defaults={
                        "email": f"{kind}-email" in request.POST,
                        "line": f"{kind}-line" in request.POST,
                    },
                )
        messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
        return redirect("notify:preferences")
    rows = [
        (
            kind,
            label,
            saved[kind].email if kind in saved else True,
            saved[kind].line if kind in saved else True,
        )
        for kind, label in EventKind.choices
    ]
    return render(request, "notify/preferences.html", {"rows": rows, "has_email": bool(user.email)})


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{thai.format_thai_date(local.date(), 'abbr', 'arabic')} {local:%H:%M} น."


def _office_admin(request: HttpRequest):
    if request.user.role not in OFFICE_ADMINS or not request.user.office_id:
        raise PermissionDenied(_("เฉพาะผู้ดูแลแผนและผู้อำนวยการสำนักงานเท่านั้น"))
    return request.user.office


@login_required
@require_GET
def line_targets(request: HttpRequest) -> HttpResponse:
    office = _office_admin(request)
    context = {
        "targets": LineTarget.objects.filter(office=office).select_related("org_unit"),
        "deliveries": [
            (d, _when(d.created_at))
            for d in Delivery.objects.filter(office=office).select_related(
                "recipient", "line_target"
            )[:200]
        ],
    }
    return render(request, "notify/line_targets.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def line_target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    # another office's chat is 404 before any role check (the app's rule); then the role
    found = get_object_or_404(LineTarget, pk=pk, office_id=request.user.office_id) if pk else None
    office = _office_admin(request)
    target = found or LineTarget(office=office)
    form = LineTargetForm(request.POST or None, instance=target, office=office)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("บันทึกปลายทาง LINE แล้ว"))
        return redirect("notify:line_targets")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "notify/line_target_form.html", {"form": form, "target": target}, status=status
    )


@login_required
@require_POST
def line_target_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test message now and say what LINE answered."""
    target = get_object_or_404(LineTarget, pk=pk, office_id=request.user.office_id)
    _office_admin(request)
    delivery = services.line_test(target)
    if services.attempt(delivery):
        messages.success(request, _("ส่งข้อความทดสอบไปยัง LINE แล้ว"))
    else:
        delivery.refresh_from_db()
        messages.error(request, _("ส่งไม่สำเร็จ: {error}").format(error=delivery.last_error))
    return redirect("notify:line_targets")
