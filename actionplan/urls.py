"""URLconf: the Thai UI, the admin and the login pages. Each app's URLs are included by name
(a string), so the ground floor imports none of the apps above it."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actionplan import views

admin.site.site_header = "ระบบแผนปฏิบัติการประจำปี สำนักงานเขตพื้นที่การศึกษา"
admin.site.site_title = "แผนปฏิบัติการ"
admin.site.index_title = "ข้อมูลอ้างอิงและการจัดการ"

reference_patterns = (
    [
        path("", views.reference_index, name="reference_index"),
        path("follows/", views.reference_follows, name="reference_follows"),
        path("copy/", views.frameworks_copy, name="frameworks_copy"),
        path("frameworks/new/", views.framework_create, name="framework_create"),
        path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
        path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
        path("frameworks/<int:pk>/delete/", views.framework_delete, name="framework_delete"),
        path("frameworks/<int:pk>/items/new/", views.item_create, name="item_create"),
        path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
        path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
        path("items/<int:pk>/move/", views.item_move, name="item_move"),
    ],
    "reference",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", include("workflow.urls")),
    path("projects/", include("projects.urls")),
    path("projects/", include("monitoring.urls")),
    path("plans/", include("plans.urls")),
    path("development/", include("development.urls")),
    path("", include("printing.urls")),
    path("imports/", include("imports.urls")),
    path("notifications/", include("notify.urls")),
    path("public/", include("transparency.urls")),
    path("oversight/", include("oversight.urls")),
    path("reference/", include(reference_patterns)),
    path("setup/", include("setup.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "actionplan.views.bad_request"
handler500 = "actionplan.views.server_error"
