"""The import history is an audit trail: readable in the admin, never edited or deleted there."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from actionplan.admin_scope import ScopedAdminMixin
from imports.models import GroupAlias, ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    list_display = [
        "created_at",
        "office",
        "year_be",
        "file_name",
        "mode",
        "status",
        "user",
        "short_sha",
    ]
    list_filter = ["status", "mode", "office"]
    search_fields = ["file_name", "sha256"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields] + ["preview_link"]
    change_list_template = "admin/imports/importbatch/change_list.html"

    @admin.display(description="SHA-256")
    def short_sha(self, obj):
        return obj.sha256[:12]

    @admin.display(description="ผลการตรวจ")
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">เปิดหน้าผลการตรวจ</a>', reverse("imports:importbatch_detail", args=[obj.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GroupAlias)
class GroupAliasAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    list_display = ["raw_text", "org_unit", "office", "created_at"]
    list_filter = ["office"]
    search_fields = ["raw_text", "raw_key", "org_unit__name_th"]
    autocomplete_fields = ["org_unit"]
