"""Admin for projects: every section of a project on one page as inlines."""

from django.contrib import admin

from projects import models


class ProjectPersonInline(admin.TabularInline):
    model = models.ProjectPerson
    extra = 0
    autocomplete_fields = ["person"]


class ProjectItemInline(admin.TabularInline):
    model = models.ProjectItem
    extra = 0


class ActivityInline(admin.StackedInline):
    model = models.Activity
    extra = 0
    show_change_link = True
    fields = ["order", "title_th", "steps_th", "period_th", "responsible_th", "months"]


class SignatureInline(admin.TabularInline):
    model = models.ProjectSignature
    extra = 0
    readonly_fields = ["signed_at"]


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name_th", "plan", "strategy", "lead_unit", "status", "updated_at"]
    list_filter = ["plan__office", "plan__fiscal_year", "status", "lead_unit", "project_type"]
    search_fields = ["name_th", "code"]
    autocomplete_fields = ["strategy", "lead_unit", "programme", "copied_from"]
    filter_horizontal = ["co_units", "alignments"]
    readonly_fields = ["status", "version", "created_at", "updated_at", "updated_by"]
    inlines = [ProjectPersonInline, ProjectItemInline, ActivityInline, SignatureInline]
    list_select_related = ["plan__office", "plan__fiscal_year", "strategy", "lead_unit"]


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title_th", "project", "order", "period_th"]
    list_filter = ["project__plan__office"]
    search_fields = ["title_th", "project__name_th"]
    autocomplete_fields = ["project"]

    def get_inlines(self, request, obj):
        from budgets.admin import BudgetLineInline, QuarterAllocationInline

        return [BudgetLineInline, QuarterAllocationInline]


class IndicatorInline(admin.TabularInline):
    from indicators.models import ProjectIndicator

    model = ProjectIndicator
    extra = 0
    fields = [
        "order",
        "result_level",
        "measure_type",
        "text_th",
        "comparator",
        "target_value",
        "target_unit_th",
        "target_text_th",
        "method_th",
        "tool_th",
    ]


ProjectAdmin.inlines = [*ProjectAdmin.inlines, IndicatorInline]
