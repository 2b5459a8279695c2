"""URLconf: the Thai UI, the admin and the login pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actionplan import views

admin.site.site_header = "ระบบแผนปฏิบัติการประจำปี สำนักงานเขตพื้นที่การศึกษา"
admin.site.site_title = "แผนปฏิบัติการ"
admin.site.index_title = "ข้อมูลอ้างอิงและการจัดการ"

plan_urlpatterns = [
    path("", views.plan_index, name="plan_index"),
    path("<int:plan_id>/", views.plan_overview, name="plan_overview"),
    path("<int:plan_id>/validation/", views.plan_validation, name="plan_validation"),
    path("<int:plan_id>/dashboard/", views.plan_dashboard, name="plan_dashboard"),
    path("<int:plan_id>/targets/", views.plan_targets, name="plan_targets"),
    path("<int:plan_id>/approve/", views.plan_approve, name="plan_approve"),
    path("approvals/<int:pk>/", views.plan_approval, name="plan_approval"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", include("projects.urls")),
    path("plans/", include((plan_urlpatterns, "plans"))),
    path("", include("printing.urls")),
    path("imports/", include("imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "actionplan.views.server_error"
