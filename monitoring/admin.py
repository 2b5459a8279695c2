"""Admin of quarterly monitoring, read-only: report rounds, and reports with their activity
states, cumulative spending and KPI results. Everything changes through the monitoring pages'
services, which check the rules and write each project's history."""

from django.contrib import admin

from actionplan.admin_scope import ScopedInlineMixin
from monitoring.models import (
    ActivityProgress,
    ActualSpending,
    IndicatorResult,
    ProjectReport,
    ReportRound,
)
from projects.admin import ReadOnlyAdmin


class ReadOnlyInline(ScopedInlineMixin, admin.TabularInline):
    office_path = "report__round__plan__office"
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActivityProgressInline(ReadOnlyInline):
    model = ActivityProgress
    fields = ["activity", "state", "note_th"]


class ActualSpendingInline(ReadOnlyInline):
    model = ActualSpending
    fields = ["activity_title_th", "category", "amount"]


class IndicatorResultInline(ReadOnlyInline):
    model = IndicatorResult
    fields = ["indicator", "actual_value", "actual_text_th", "judged_met", "note_th"]


@admin.register(ReportRound)
class ReportRoundAdmin(ReadOnlyAdmin):
    """Report rounds, read-only: closing, reopening (with its reason) and due dates go through
    the round page (monitoring.services close_report_round, reopen_report_round,
    set_round_due_date), which write every monitored project's history; an admin form would
    change a round unrecorded."""

    office_path = "plan__office"
    list_display = ["plan", "number", "status", "due_date_override", "closed_at", "reopened_at"]
    list_filter = ["status", "plan__office", "plan__fiscal_year"]
    list_select_related = ["plan__office", "plan__fiscal_year"]


@admin.register(ProjectReport)
class ProjectReportAdmin(ReadOnlyAdmin):
    """A project's report of a round with its activity states, cumulative spending and KPI
    results, read-only. Reports change only through the report page's services: they check
    the cumulative rule (never below the round before), the report's version, its status and
    the round, and record each change in the project's history. Nothing here bypasses that;
    a wrong sent report is returned to its group by the plan administrator."""

    office_path = "round__plan__office"
    list_display = ["project", "round", "status", "submitted_at", "reviewed_at", "updated_at"]
    list_filter = ["status", "round__number", "round__plan__office", "round__plan__fiscal_year"]
    search_fields = ["project__name_th"]
    list_select_related = ["project", "round__plan__office", "round__plan__fiscal_year"]
    inlines = [ActivityProgressInline, ActualSpendingInline, IndicatorResultInline]
