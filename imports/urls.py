from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.importbatch_create, name="importbatch_create"),
    path("<int:pk>/", views.importbatch_detail, name="importbatch_detail"),
    path("<int:pk>/confirm/", views.importbatch_confirm, name="importbatch_confirm"),
    path("template.xlsx", views.template_download, name="template_download"),
    path("plans/<int:pk>/export.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("plans/<int:pk>/export.csv", views.plan_export_csv, name="plan_export_csv"),
]
