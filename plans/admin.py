"""Admin for the whole plan's records: approvals (read-only snapshots) and disbursement targets."""

from django.contrib import admin

from actionplan.admin_scope import ScopedAdminMixin
from plans import models
from projects.admin import ReadOnlyAdmin


@admin.register(models.PlanApproval)
class PlanApprovalAdmin(ReadOnlyAdmin):
    office_path = "plan__office"
    list_display = ["plan", "number", "approver_name_th", "approved_at", "sha256"]
    list_select_related = ["plan__office", "plan__fiscal_year"]
    exclude = ["print_source"]  # the whole book's HTML (megabytes); its render is the PDF

    def get_queryset(self, request):
        return super().get_queryset(request).defer("print_source")


@admin.register(models.DisbursementTarget)
class DisbursementTargetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    list_display = ["office", "fiscal_year", "q1_pct", "q2_pct", "q3_pct", "q4_pct", "updated_at"]
    list_filter = ["office", "fiscal_year"]
