from django.urls import path

from projects import views

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
]
