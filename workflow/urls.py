"""URLs of the approval workflow, under /projects/ like the projects they act on (included
before projects.urls in actionplan/urls.py; the paths are those of before the move)."""

from django.urls import path

from workflow import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("<int:pk>/endorse/", views.project_endorse, name="project_endorse"),
    path("<int:pk>/approve/", views.project_approve, name="project_approve"),
    path("<int:pk>/return/", views.project_return, name="project_return"),
    path("<int:pk>/ready/", views.project_ready, name="project_ready"),
    path("<int:pk>/versions/<int:number>/", views.project_version, name="project_version"),
    path("<int:pk>/amend/", views.amendment_request, name="amendment_request"),
    path("amendments/<int:pk>/decide/", views.amendment_decide, name="amendment_decide"),
]
