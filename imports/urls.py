from django.urls import path  # noqa: F401  (patterns are added with the import pages)

app_name = "imports"

urlpatterns: list = []
