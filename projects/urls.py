from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("plan/<int:plan_id>/new/", views.project_create, name="project_create"),
    path("plan/<int:plan_id>/copy/", views.project_copy, name="project_copy"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("<int:pk>/history/", views.project_history, name="project_history"),
    path("<int:pk>/include/", views.project_include, name="project_include"),
]
