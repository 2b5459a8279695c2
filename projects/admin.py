"""Admin for projects: every section of a project on one page as inlines.

Admin edits of a project's contents (also budget lines and KPIs, whose admins are re-registered
here with the audit mixin) are allowed on drafts only and recorded in the project's history;
history, snapshots and approvals are read-only, and so is quarterly monitoring (monitoring.admin).
"""

from django.contrib import admin
from django.db.models import F
from django.utils import timezone

from actionplan.admin_scope import ScopedAdminMixin, ScopedInlineMixin

# Imported first so their admins are registered before they are replaced by audited ones.
from actionplan.i18n import in_thai
from budgets import admin as budgets_admin
from budgets import services as budget_services
from budgets.models import BudgetLine
from indicators import admin as indicators_admin
from indicators.models import ProjectIndicator
from projects import audit, models


class ProjectPersonInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "project__plan__office"
    model = models.ProjectPerson
    extra = 0
    autocomplete_fields = ["person"]


class ProjectItemInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "project__plan__office"
    model = models.ProjectItem
    extra = 0


class ActivityInline(ScopedInlineMixin, admin.StackedInline):
    office_path = "project__plan__office"
    model = models.Activity
    extra = 0
    show_change_link = True
    fields = ["order", "title_th", "steps_th", "period_th", "responsible_th", "months"]


class SignatureInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "project__plan__office"
    model = models.ProjectSignature
    extra = 0
    readonly_fields = ["signed_at"]


@admin.register(models.Project)
class ProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "plan__office"
    list_display = ["name_th", "plan", "strategy", "lead_unit", "status", "updated_at"]
    list_filter = ["plan__office", "plan__fiscal_year", "status", "lead_unit", "project_type"]
    search_fields = ["name_th", "code"]
    autocomplete_fields = ["strategy", "lead_unit", "programme", "copied_from"]
    filter_horizontal = ["co_units", "alignments"]
    readonly_fields = ["status", "version", "created_at", "updated_at", "updated_by"]
    inlines = [ProjectPersonInline, ProjectItemInline, ActivityInline, SignatureInline]
    list_select_related = ["plan__office", "plan__fiscal_year", "strategy", "lead_unit"]


@admin.register(models.Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    office_path = "project__plan__office"
    list_display = ["title_th", "project", "order", "period_th"]
    list_filter = ["project__plan__office"]
    search_fields = ["title_th", "project__name_th"]
    autocomplete_fields = ["project"]

    def get_inlines(self, request, obj):
        from budgets.admin import BudgetLineInline, QuarterAllocationInline

        return [BudgetLineInline, QuarterAllocationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        budget_services.refresh_amounts(form.instance.budget_lines.all())  # derived, never typed


class IndicatorInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "project__plan__office"
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


# --- Audit: every admin change of a project's contents is recorded; history is read-only ------


def _project_of(obj):
    if isinstance(obj, models.Project):
        return obj
    if isinstance(obj, BudgetLine):
        return obj.activity.project
    return obj.project


class AuditedAdminMixin:
    """Admin edits of a project's contents: drafts only, recorded with a before/after diff, and
    the project's version bumped so an editor open elsewhere sees the conflict."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and _project_of(obj).status != models.ProjectStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _project_of(obj).status != models.ProjectStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        project = _project_of(obj) if change or not isinstance(obj, models.Project) else None
        request._audit_before = audit.load_document(project.pk) if project else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        project = _project_of(form.instance)
        models.Project.objects.filter(pk=project.pk).update(version=F("version") + 1)
        audit.record_change(
            project,
            by=request.user,
            before=getattr(request, "_audit_before", None),
            after=audit.load_document(project.pk),
            action=models.EventAction.ADMIN,
        )

    def delete_model(self, request, obj):
        project = _project_of(obj)
        self._record_delete(request, obj)
        super().delete_model(request, obj)
        if not isinstance(obj, models.Project):  # its figures and editors see the change
            models.Project.objects.filter(pk=project.pk).update(
                version=F("version") + 1, updated_at=timezone.now()
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    @in_thai
    def _record_delete(self, request, obj):
        project = _project_of(obj)
        before = audit.load_document(project.pk)
        if isinstance(obj, models.Project):
            summary = f"ลบโครงการผ่านหน้าผู้ดูแลระบบ งบประมาณ {before['totals']['total']} บาท"
            changes = audit.diff(before, None)
        else:
            summary = f"ลบ{obj._meta.verbose_name} “{obj}” ผ่านหน้าผู้ดูแลระบบ"
            changes = {}
        audit.record(
            project,
            by=request.user,
            action=models.EventAction.DELETE
            if isinstance(obj, models.Project)
            else models.EventAction.ADMIN,
            summary_th=summary,
            changes=changes,
        )


class ReadOnlySignatureInline(SignatureInline):
    """Signatures are stamped by the workflow services only."""

    readonly_fields = ["role", "person", "name_th", "position_th", "signed_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedProjectAdmin(AuditedAdminMixin, ProjectAdmin):
    inlines = [
        ReadOnlySignatureInline if inline is SignatureInline else inline
        for inline in ProjectAdmin.inlines
    ]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.snapshots.exists():
            return False
        return super().has_delete_permission(request, obj)


class AuditedActivityAdmin(AuditedAdminMixin, ActivityAdmin):
    pass


class AuditedBudgetLineAdmin(AuditedAdminMixin, budgets_admin.BudgetLineAdmin):
    pass


class AuditedIndicatorAdmin(AuditedAdminMixin, indicators_admin.ProjectIndicatorAdmin):
    pass


for _model, _admin in (
    (models.Project, AuditedProjectAdmin),
    (models.Activity, AuditedActivityAdmin),
    (BudgetLine, AuditedBudgetLineAdmin),
    (ProjectIndicator, AuditedIndicatorAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin)


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """History and frozen documents: visible to staff, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    office_path = "office"
    list_display = ["at", "action", "project_name_th", "actor_name_th", "summary_th"]
    list_filter = ["action", "office"]
    search_fields = ["project_name_th", "actor_name_th", "summary_th", "comment_th"]
    date_hierarchy = "at"
