from django.urls import path

from transparency import views

app_name = "transparency"

urlpatterns = [
    path("<slug:code>/", views.office_page, name="office"),
    path("<slug:code>/plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("<slug:code>/plans/<int:plan_id>/plan.json", views.plan_json, name="plan_json"),
    path("<slug:code>/plans/<int:plan_id>/plan.csv", views.plan_csv, name="plan_csv"),
    path("<slug:code>/plans/<int:plan_id>/book.pdf", views.plan_book, name="plan_book"),
]
