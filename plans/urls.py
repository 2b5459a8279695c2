"""URLs of the plan pages (included at /plans/ with the namespace "plans")."""

from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_index, name="plan_index"),
    path("<int:plan_id>/", views.plan_overview, name="plan_overview"),
    path("<int:plan_id>/validation/", views.plan_validation, name="plan_validation"),
    path("<int:plan_id>/dashboard/", views.plan_dashboard, name="plan_dashboard"),
    path("<int:plan_id>/targets/", views.plan_targets, name="plan_targets"),
    path("<int:plan_id>/approve/", views.plan_approve, name="plan_approve"),
    path("approvals/<int:pk>/", views.plan_approval, name="plan_approval"),
]
