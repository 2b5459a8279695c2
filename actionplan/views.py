"""The ground floor's own views: home, health, and the Thai error pages (CSRF, 400, 500)."""

import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from actionplan.storage import disk_full


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everybody lands on the project list of the current fiscal year."""
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
