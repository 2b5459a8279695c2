"""Admin for reference data: offices, groups, staff, plans, strategies, policy frameworks."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from actionplan import models, services
from actionplan.admin_scope import (
    ScopedAdminMixin,
    ScopedInlineMixin,
    is_system_admin,
    lock_to_superusers,
)

# Installed packages' admins (auth groups, axes lockouts, background tasks) have no office:
# they are the system administrator's. Their admin modules load before this one.
lock_to_superusers(admin.site, {"auth", "axes", "django_tasks_database"})


class OrgUnitInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "office"
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
class OfficeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "id"
    list_display = ["code", "short_name_th", "name_th", "level", "province_th", "digit_style"]
    list_filter = ["level", "digit_style"]
    search_fields = ["code", "name_th", "short_name_th", "province_th"]
    inlines = [OrgUnitInline]

    # A plan administrator keeps their own office's profile; offices come and go by the
    # system administrator only.
    def has_add_permission(self, request):
        return is_system_admin(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_system_admin(request.user) and super().has_delete_permission(request, obj)


@admin.register(models.OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
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
class PersonAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    list_display = ["full_name", "position_th", "org_unit", "office_role", "office", "is_active"]
    list_filter = ["office", "office_role", "org_unit", "is_active"]
    search_fields = ["first_name_th", "last_name_th", "position_th"]
    autocomplete_fields = ["org_unit"]


# Who may manage whose account (docs/decisions/admin-scope.md): the order of the roles; a
# non-superuser manages accounts of their office up to their own rank, never a superuser.
# The office's chain of authority: a plan administrator (staff of กลุ่มนโยบายและแผน) manages the
# planners' and group directors' accounts, never the deputies' or the director's, whose
# signatures approve projects: resetting their password would let them approve in their name.
ROLE_RANK = {
    models.Role.PLANNER: 0,
    models.Role.GROUP_DIRECTOR: 1,
    models.Role.PLAN_ADMIN: 2,
    models.Role.DEPUTY_DIRECTOR: 3,
    models.Role.DIRECTOR: 4,
    models.Role.SYSADMIN: 5,
    models.Role.OVERSIGHT: 5,  # sees many offices: granted by the system administrator only
}
# Only the system administrator grants admin access, superuser status, groups and permissions.
SYSTEM_ADMIN_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}


def manageable_roles(user) -> list[str]:
    """The roles whose accounts `user` may manage: their own rank and below."""
    rank = ROLE_RANK.get(user.role, -1)
    return [role for role, r in ROLE_RANK.items() if r <= rank]


@admin.register(models.User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Accounts. A plan administrator manages their own office's accounts up to their rank; the
    system administrator (a superuser) manages everyone, superusers and permissions."""

    office_path = "office"
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

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_system_admin(request.user):
            return queryset
        return queryset.filter(is_superuser=False, role__in=manageable_roles(request.user))

    def in_write_scope(self, request, obj) -> bool:
        if is_system_admin(request.user):
            return True
        return (
            super().in_write_scope(request, obj)
            and not obj.is_superuser
            and obj.role in manageable_roles(request.user)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_system_admin(request.user):
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in SYSTEM_ADMIN_FIELDS]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if is_system_admin(request.user) or obj is None:
            return readonly
        readonly += ["office", "last_login", "date_joined"]
        if obj.pk == request.user.pk:  # never one's own role or activation
            readonly += ["role", "is_active"]
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not is_system_admin(request.user):
            allowed = manageable_roles(request.user)
            kwargs["choices"] = [(v, label) for v, label in db_field.choices if v in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None or is_system_admin(request.user):
            return form
        office_id = request.user.office_id

        class InOwnOffice(form):
            """A new account of a plan administrator belongs to their office."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.office_id = office_id

        InOwnOffice.__name__ = form.__name__
        return InOwnOffice

    def save_model(self, request, obj, form, change):
        if not change and not is_system_admin(request.user):
            obj.office_id = request.user.office_id
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        self._404_unless_visible(request, id)
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("ออกจากระบบทุกอุปกรณ์ (ยุติทุก session ของผู้ใช้ที่เลือก)"))
    def end_all_sessions(self, request, queryset):
        ended = sum(services.end_sessions(user=user) for user in queryset)
        self.message_user(request, _("ยุติ session แล้ว %(n)d รายการ") % {"n": ended})


@admin.register(models.FiscalYear)
class FiscalYearAdmin(ScopedAdminMixin, admin.ModelAdmin):
    global_reference = True  # every office's fiscal years: the system administrator's
    list_display = ["year_be", "start_date", "end_date", "is_open"]
    list_filter = ["is_open"]


class DirectionItemInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "plan__office"
    model = models.DirectionItem
    extra = 0


class StrategyInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "plan__office"
    model = models.Strategy
    extra = 0
    fields = ["number", "label", "title_th"]
    show_change_link = True


@admin.register(models.Plan)
class PlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    list_display = ["display_title", "office", "fiscal_year", "plan_type", "status"]
    list_filter = ["office", "fiscal_year", "plan_type", "status"]
    search_fields = ["title_th", "office__name_th"]
    inlines = [DirectionItemInline, StrategyInline]


class StrategicGoalInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "strategy__plan__office"
    model = models.StrategicGoal
    extra = 0


class GuidelineInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "strategy__plan__office"
    model = models.DevelopmentGuideline
    extra = 0


class StrategyIndicatorInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "strategy__plan__office"
    model = models.StrategyIndicator
    extra = 0
    show_change_link = True


@admin.register(models.Strategy)
class StrategyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "plan__office"
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan__office", "plan__fiscal_year"]
    search_fields = ["title_th"]
    inlines = [StrategicGoalInline, StrategyIndicatorInline, GuidelineInline]


class TargetInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "indicator__strategy__plan__office"
    model = models.StrategyIndicatorTarget
    extra = 0


@admin.register(models.StrategyIndicator)
class StrategyIndicatorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "strategy__plan__office"
    list_display = ["text_th", "strategy", "unit_th", "level"]
    list_filter = ["strategy__plan__office", "level"]
    search_fields = ["text_th"]
    inlines = [TargetInline]


# The key of a national row belongs to `load_reference` (actionplan/reference/*.json): it is how
# the loader finds the row again, so the admin shows it and never edits it.


class PolicyItemInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "framework__office"
    model = models.PolicyItem
    extra = 0
    fields = ["order", "code", "title_th", "parent", "is_active", "key"]
    readonly_fields = ["key"]


@admin.register(models.PolicyFramework)
class PolicyFrameworkAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    shared_when_null = True  # national rows (no office): read-only reference for offices
    list_display = ["title_th", "kind", "office", "period_start_be", "period_end_be", "is_active"]
    list_filter = ["kind", "office", "is_active"]
    search_fields = ["title_th", "key"]
    readonly_fields = ["key", "copied_from"]
    inlines = [PolicyItemInline]


@admin.register(models.PolicyItem)
class PolicyItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "framework__office"
    shared_when_null = True  # national rows (no office): read-only reference for offices
    list_display = ["__str__", "framework", "order", "is_active"]
    list_filter = ["framework__kind", "is_active"]
    search_fields = ["code", "title_th", "key"]
    readonly_fields = ["key"]


@admin.register(models.Programme)
class ProgrammeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "office"
    shared_when_null = True  # national rows (no office): read-only reference for offices
    list_display = ["name_th", "office", "period_start_be", "period_end_be", "is_active"]
    list_filter = ["office", "is_active"]
    search_fields = ["name_th", "key"]
    readonly_fields = ["key"]
