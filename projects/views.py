"""Views for planners: the project list and the project pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.models import Project


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects the user may see, newest fiscal year first."""
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("plan__fiscal_year", "strategy", "lead_unit")
        .order_by("-plan__fiscal_year__year_be", "strategy__number", "pk")
    )
    return render(request, "projects/project_list.html", {"projects": projects})
