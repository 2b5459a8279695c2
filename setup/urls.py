"""URLs of the office set-up (included at /setup/ with the namespace "setup")."""

from django.urls import path

from setup import views

app_name = "setup"

urlpatterns = [
    path("", views.index, name="index"),
    path("office/", views.office_edit, name="office_edit"),
    path("print/", views.print_settings_edit, name="print_settings_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", views.staff_reset_password, name="staff_reset_password"),
    path("staff/import/", views.staff_import, name="staff_import"),
    path("staff/import/template.xlsx", views.staff_template, name="staff_template"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/strategies/<int:pk>/", views.strategy_edit, name="strategy_edit"),
    path("ceilings/", views.ceilings_edit, name="ceilings_edit"),
]
