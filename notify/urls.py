from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("line/", views.line_targets, name="line_targets"),
    path("line/new/", views.line_target_edit, name="line_target_new"),
    path("line/<int:pk>/", views.line_target_edit, name="line_target_edit"),
    path("line/<int:pk>/test/", views.line_target_test, name="line_target_test"),
]
