"""URLs of the printed documents (included once at the root with the namespace "print"): the
project documents and the plan book under print/, the monitoring rounds' report PDFs at their
paths next to the report pages (projects/...)."""

from django.urls import path

from printing import views

app_name = "print"

urlpatterns = [
    path("print/projects/<int:pk>/pdf/", views.project_pdf, name="project_pdf"),
    path("print/projects/<int:pk>/docx/", views.project_docx, name="project_docx"),
    path(
        "print/projects/<int:pk>/versions/<int:number>/pdf/",
        views.project_version_pdf,
        name="project_version_pdf",
    ),
    path("print/plans/<int:pk>/", views.plan_book, name="plan_book"),
    path("print/plans/<int:pk>/render/", views.plan_book_render, name="plan_book_render"),
    path("print/plans/<int:pk>/docx/", views.plan_book_docx, name="plan_book_docx"),
    path(
        "print/plans/<int:pk>/approvals/<int:number>/pdf/",
        views.approval_pdf,
        name="approval_pdf",
    ),
    path(
        "print/plans/<int:pk>/renders/<int:render_id>/",
        views.render_status,
        name="render_status",
    ),
    path(
        "print/plans/<int:pk>/renders/<int:render_id>/download/",
        views.render_download,
        name="render_download",
    ),
    path("print/plans/<int:pk>/context-tables/", views.context_tables, name="context_tables"),
    path(
        "print/plans/<int:pk>/context-tables/new/",
        views.context_table_edit,
        name="context_table_new",
    ),
    path(
        "print/plans/<int:pk>/context-tables/<int:table_id>/",
        views.context_table_edit,
        name="context_table_edit",
    ),
    path("print/plans/<int:pk>/calendar/", views.plan_calendar, name="plan_calendar"),
    # a monitoring round's reports (the report pages are monitoring:report_edit, round_detail)
    path("projects/<int:pk>/reports/<int:number>/pdf/", views.report_pdf, name="report_pdf"),
    path(
        "projects/plan/<int:plan_id>/monitoring/rounds/<int:number>/pdf/",
        views.round_pdf,
        name="round_pdf",
    ),
]
