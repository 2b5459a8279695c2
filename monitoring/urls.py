"""URLs of quarterly monitoring (issue 7), included at "projects/" after projects.urls: the
groups' reports under a project, the plan administrator's pages under its plan."""

from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("<int:pk>/reports/", views.report_current, name="report_current"),
    path("<int:pk>/reports/<int:number>/", views.report_edit, name="report_edit"),
    path(
        "<int:pk>/reports/<int:number>/submit/",
        views.report_submit,
        name="report_submit",
    ),
    path(
        "<int:pk>/reports/<int:number>/accept/",
        views.report_accept,
        name="report_accept",
    ),
    path(
        "<int:pk>/reports/<int:number>/return/",
        views.report_return,
        name="report_return",
    ),
    path(
        "plan/<int:plan_id>/monitoring/",
        views.monitoring_dashboard,
        name="monitoring_dashboard",
    ),
    path(
        "plan/<int:plan_id>/monitoring/settings/",
        views.monitoring_settings,
        name="monitoring_settings",
    ),
    path(
        "plan/<int:plan_id>/monitoring/strategy-kpis/",
        views.strategy_results,
        name="strategy_results",
    ),
    path("plan/<int:plan_id>/monitoring/year-end/", views.year_end, name="year_end"),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/",
        views.round_detail,
        name="round_detail",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/close/",
        views.round_close,
        name="round_close",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/reopen/",
        views.round_reopen,
        name="round_reopen",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/due/",
        views.round_due,
        name="round_due",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/xlsx/",
        views.round_xlsx,
        name="round_xlsx",
    ),
]
