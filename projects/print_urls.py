"""URLs of the printed documents (included at /print/ with the namespace "print")."""

from django.urls import path

from projects import print_views

app_name = "print"

urlpatterns = [
    path("projects/<int:pk>/pdf/", print_views.project_pdf, name="project_pdf"),
    path(
        "projects/<int:pk>/versions/<int:number>/pdf/",
        print_views.project_version_pdf,
        name="project_version_pdf",
    ),
    path("plans/<int:pk>/", print_views.plan_book, name="plan_book"),
    path("plans/<int:pk>/render/", print_views.plan_book_render, name="plan_book_render"),
    path(
        "plans/<int:pk>/approvals/<int:number>/pdf/",
        print_views.approval_pdf,
        name="approval_pdf",
    ),
    path(
        "plans/<int:pk>/renders/<int:render_id>/",
        print_views.render_status,
        name="render_status",
    ),
    path(
        "plans/<int:pk>/renders/<int:render_id>/download/",
        print_views.render_download,
        name="render_download",
    ),
    path("plans/<int:pk>/context-tables/", print_views.context_tables, name="context_tables"),
    path(
        "plans/<int:pk>/context-tables/new/",
        print_views.context_table_edit,
        name="context_table_new",
    ),
    path(
        "plans/<int:pk>/context-tables/<int:table_id>/",
        print_views.context_table_edit,
        name="context_table_edit",
    ),
]
