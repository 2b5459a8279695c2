from django.urls import path

from projects import monitoring_views, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("plan/<int:plan_id>/new/", views.project_create, name="project_create"),
    path("plan/<int:plan_id>/copy/", views.project_copy, name="project_copy"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("<int:pk>/endorse/", views.project_endorse, name="project_endorse"),
    path("<int:pk>/approve/", views.project_approve, name="project_approve"),
    path("<int:pk>/return/", views.project_return, name="project_return"),
    path("<int:pk>/history/", views.project_history, name="project_history"),
    path("<int:pk>/versions/<int:number>/", views.project_version, name="project_version"),
    path("<int:pk>/amend/", views.amendment_request, name="amendment_request"),
    path("amendments/<int:pk>/decide/", views.amendment_decide, name="amendment_decide"),
    # quarterly monitoring (issue 7)
    path("reports/", monitoring_views.report_list, name="report_list"),
    path("<int:pk>/reports/<int:number>/", monitoring_views.report_edit, name="report_edit"),
    path(
        "<int:pk>/reports/<int:number>/submit/",
        monitoring_views.report_submit,
        name="report_submit",
    ),
    path(
        "<int:pk>/reports/<int:number>/accept/",
        monitoring_views.report_accept,
        name="report_accept",
    ),
    path(
        "<int:pk>/reports/<int:number>/return/",
        monitoring_views.report_return,
        name="report_return",
    ),
    path(
        "plan/<int:plan_id>/monitoring/",
        monitoring_views.monitoring_dashboard,
        name="monitoring_dashboard",
    ),
    path(
        "plan/<int:plan_id>/monitoring/settings/",
        monitoring_views.monitoring_settings,
        name="monitoring_settings",
    ),
    path(
        "plan/<int:plan_id>/monitoring/strategy-kpis/",
        monitoring_views.strategy_results,
        name="strategy_results",
    ),
    path("plan/<int:plan_id>/monitoring/year-end/", monitoring_views.year_end, name="year_end"),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/",
        monitoring_views.round_detail,
        name="round_detail",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/close/",
        monitoring_views.round_close,
        name="round_close",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/reopen/",
        monitoring_views.round_reopen,
        name="round_reopen",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/due/",
        monitoring_views.round_due,
        name="round_due",
    ),
    path(
        "plan/<int:plan_id>/monitoring/rounds/<int:number>/xlsx/",
        monitoring_views.round_xlsx,
        name="round_xlsx",
    ),
]
