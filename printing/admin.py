"""Admin for printing: office print settings, context tables, appendices and plan renders
(scoped to the user's office like every admin, actionplan.admin_scope)."""

from django.contrib import admin

from actionplan.admin_scope import ScopedAdminMixin
from printing import models


@admin.register(models.OfficePrintSettings)
class OfficePrintSettingsAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    list_display = ["office", "include_context", "include_direction", "include_projects"]
    list_select_related = ["office"]


@admin.register(models.ContextTable)
class ContextTableAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "plan__office"
    list_display = ["__str__", "plan"]
    list_filter = ["plan__office", "plan__fiscal_year"]
    search_fields = ["caption_th"]


@admin.register(models.PlanAppendix)
class PlanAppendixAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "plan__office"
    list_display = ["title_th", "plan", "order"]
    list_filter = ["plan__office", "plan__fiscal_year"]


@admin.register(models.PlanRender)
class PlanRenderAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "plan__office"
    list_display = [
        "plan",
        "kind",
        "round_number",
        "scope",
        "status",
        "progress",
        "heartbeat_at",
        "pages",
        "seconds",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "plan__office"]
    readonly_fields = [f.name for f in models.PlanRender._meta.fields]
