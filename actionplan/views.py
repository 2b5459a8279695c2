"""The ground floor's own views: home, health, and the Thai error pages (CSRF, 500)."""

import sys

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_GET

from actionplan.models import Role
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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Thai page in the app's frame instead of Django's English one."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the Thai page; a full disk (also while Django receives an upload, before any
    view runs) says so, with status 507, instead of a generic fault."""
    full = disk_full(sys.exc_info()[1])
    html = loader.get_template("500.html").render({"disk_full": full})
    return HttpResponse(html, status=507 if full else 500)
