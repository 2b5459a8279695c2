"""Admin for project KPIs."""

from django.contrib import admin

from actionplan.admin_scope import ScopedAdminMixin
from indicators import models


@admin.register(models.ProjectIndicator)
class ProjectIndicatorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "project__plan__office"
    list_display = [
        "text_th",
        "project",
        "result_level",
        "measure_type",
        "target_display",
        "method_th",
        "tool_th",
    ]
    list_filter = ["result_level", "measure_type", "project__plan__office"]
    search_fields = ["text_th", "project__name_th"]
    autocomplete_fields = ["project"]
