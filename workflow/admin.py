"""Admin of the workflow's records: approved versions and amendment requests are read-only
(ReadOnlyAdmin of projects.admin), scoped to the user's office through their project."""

from django.contrib import admin

from projects.admin import ReadOnlyAdmin
from workflow import models


@admin.register(models.ProjectSnapshot)
class ProjectSnapshotAdmin(ReadOnlyAdmin):
    office_path = "project__plan__office"
    list_display = ["project", "number", "approved_at", "sha256"]
    list_select_related = ["project"]
    exclude = ["print_source"]  # the document's HTML: its PDF (the `pdf` field) shows it


@admin.register(models.AmendmentRequest)
class AmendmentRequestAdmin(ReadOnlyAdmin):
    office_path = "project__plan__office"
    list_display = ["project", "kind", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["project", "requested_by", "decided_by"]
