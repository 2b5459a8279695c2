"""Admin for budget reference data and lines."""

from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin

from actionplan.admin_scope import ScopedAdminMixin, ScopedInlineMixin
from budgets import models, resources, services


@admin.register(models.BudgetCategory)
class BudgetCategoryAdmin(ScopedAdminMixin, ImportExportModelAdmin):
    global_reference = True  # the same categories for every office: the system administrator's
    resource_classes = [resources.BudgetCategoryResource]
    import_formats = export_formats = resources.FORMATS
    list_display = ["name_th", "short_th", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_th", "code"]


@admin.register(models.FundSource)
class FundSourceAdmin(ScopedAdminMixin, ImportExportModelAdmin):
    global_reference = True  # the same fund sources for every office: the system administrator's
    resource_classes = [resources.FundSourceResource]
    import_formats = export_formats = resources.FORMATS
    list_display = ["name_th", "short_th", "code", "money_type", "order", "is_active"]
    list_filter = ["money_type", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_th", "code"]


class BudgetLineInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "activity__project__plan__office"
    model = models.BudgetLine
    extra = 0
    fields = [
        "order",
        "description_th",
        "category",
        "fund_source",
        "plain_amount",
        "declared_amount",
        "amount",
    ]
    readonly_fields = ["amount"]  # derived from the factors or plain amount on save
    show_change_link = True


class QuarterAllocationInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "activity__project__plan__office"
    model = models.QuarterAllocation
    extra = 0
    max_num = 4


class FactorInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "line__activity__project__plan__office"
    model = models.BudgetLineFactor
    extra = 0


@admin.register(models.BudgetLine)
class BudgetLineAdmin(ScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    office_path = "activity__project__plan__office"
    resource_classes = [resources.BudgetLineResource]
    export_formats = resources.FORMATS
    list_display = ["description_th", "activity", "category", "fund_source", "amount"]
    list_filter = ["category", "fund_source", "activity__project__plan__office"]
    search_fields = ["description_th", "activity__title_th", "activity__project__name_th"]
    autocomplete_fields = ["activity"]
    readonly_fields = ["amount"]  # derived from the factors or plain amount on save
    inlines = [FactorInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the factors' inline
        services.refresh_amounts([form.instance])

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category", "fund_source", "activity")
            .prefetch_related("factors")
        )
