from django.urls import path  # noqa: F401  (patterns are added with the PDF pages)

app_name = "print"

urlpatterns: list = []
