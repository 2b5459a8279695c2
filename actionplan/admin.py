"""Admin for reference data: offices, groups, staff, plans, strategies, policy frameworks."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from actionplan import models, services


class OrgUnitInline(admin.TabularInline):
    model = models.OrgUnit
    extra = 0
    fields = [
        "sort_order",
        "standard_code",
        "name_th",
        "short_name_th",
        "budget_ceiling",
        "is_active",
    ]


@admin.register(models.Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name_th", "name_th", "level", "province_th", "digit_style"]
    list_filter = ["level", "digit_style"]
    search_fields = ["code", "name_th", "short_name_th", "province_th"]
    inlines = [OrgUnitInline]


@admin.register(models.OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = [
        "name_th",
        "office",
        "standard_code",
        "sort_order",
        "budget_ceiling",
        "deputy",
        "is_active",
    ]
    list_filter = ["office", "standard_code", "is_active"]
    list_select_related = ["office", "deputy__person"]
    search_fields = ["name_th", "short_name_th"]
    list_editable = ["sort_order", "budget_ceiling"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position_th", "org_unit", "office_role", "office", "is_active"]
    list_filter = ["office", "office_role", "org_unit", "is_active"]
    search_fields = ["first_name_th", "last_name_th", "position_th"]
    autocomplete_fields = ["org_unit"]


@admin.register(models.User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "office",
        "org_unit",
        "role",
        "is_active",
        "last_login",
    ]
    list_filter = ["office", "role", "org_unit", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["org_unit", "person"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("สำนักงานและบทบาท"), {"fields": ["office", "org_unit", "role", "person"]}),
    ]
    actions = ["end_all_sessions"]

    @admin.action(description=_("ออกจากระบบทุกอุปกรณ์ (ยุติทุก session ของผู้ใช้ที่เลือก)"))
    def end_all_sessions(self, request, queryset):
        ended = sum(services.end_sessions(user=user) for user in queryset)
        self.message_user(request, _("ยุติ session แล้ว %(n)d รายการ") % {"n": ended})


@admin.register(models.FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year_be", "start_date", "end_date", "is_open"]
    list_filter = ["is_open"]


class DirectionItemInline(admin.TabularInline):
    model = models.DirectionItem
    extra = 0


class StrategyInline(admin.TabularInline):
    model = models.Strategy
    extra = 0
    fields = ["number", "label", "title_th"]
    show_change_link = True


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["display_title", "office", "fiscal_year", "plan_type", "status"]
    list_filter = ["office", "fiscal_year", "plan_type", "status"]
    search_fields = ["title_th", "office__name_th"]
    inlines = [DirectionItemInline, StrategyInline]


class StrategicGoalInline(admin.TabularInline):
    model = models.StrategicGoal
    extra = 0


class GuidelineInline(admin.TabularInline):
    model = models.DevelopmentGuideline
    extra = 0


class StrategyIndicatorInline(admin.TabularInline):
    model = models.StrategyIndicator
    extra = 0
    show_change_link = True


@admin.register(models.Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan__office", "plan__fiscal_year"]
    search_fields = ["title_th"]
    inlines = [StrategicGoalInline, StrategyIndicatorInline, GuidelineInline]


class TargetInline(admin.TabularInline):
    model = models.StrategyIndicatorTarget
    extra = 0


@admin.register(models.StrategyIndicator)
class StrategyIndicatorAdmin(admin.ModelAdmin):
    list_display = ["text_th", "strategy", "unit_th", "level"]
    list_filter = ["strategy__plan__office", "level"]
    search_fields = ["text_th"]
    inlines = [TargetInline]


class PolicyItemInline(admin.TabularInline):
    model = models.PolicyItem
    extra = 0
    fields = ["order", "code", "title_th", "parent"]


@admin.register(models.PolicyFramework)
class PolicyFrameworkAdmin(admin.ModelAdmin):
    list_display = ["title_th", "kind", "office", "period_start_be", "period_end_be", "is_active"]
    list_filter = ["kind", "office", "is_active"]
    search_fields = ["title_th"]
    inlines = [PolicyItemInline]


@admin.register(models.PolicyItem)
class PolicyItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "framework", "order"]
    list_filter = ["framework__kind"]
    search_fields = ["code", "title_th"]


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_th", "office", "is_active"]
    list_filter = ["office", "is_active"]
    search_fields = ["name_th"]


# --- Printing (issue 5) -------------------------------------------------------------------------


@admin.register(models.OfficePrintSettings)
class OfficePrintSettingsAdmin(admin.ModelAdmin):
    list_display = ["office", "include_context", "include_direction", "include_projects"]
    list_select_related = ["office"]


@admin.register(models.ContextTable)
class ContextTableAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan__office", "plan__fiscal_year"]
    search_fields = ["caption_th"]


@admin.register(models.PlanAppendix)
class PlanAppendixAdmin(admin.ModelAdmin):
    list_display = ["title_th", "plan", "order"]
    list_filter = ["plan__office", "plan__fiscal_year"]


@admin.register(models.PlanRender)
class PlanRenderAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "kind",
        "round_number",
        "status",
        "progress",
        "pages",
        "seconds",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "plan__office"]
    readonly_fields = [f.name for f in models.PlanRender._meta.fields]
