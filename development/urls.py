"""URLs of the teacher-development plan's parts (included at /development/)."""

from django.urls import path

from development import views

app_name = "development"

urlpatterns = [
    path("plan/<int:plan_id>/", views.development_parts, name="development_parts"),
    path(
        "plan/<int:plan_id>/projects/<int:pk>/methods/",
        views.project_methods,
        name="project_methods",
    ),
]
