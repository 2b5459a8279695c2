"""The approval workflow's records: notifications (the bell), the frozen approved versions of a
project (snapshots) and the mid-year amendment requests (ปรับแผน).

They moved here from `projects` with their tables (db_table keeps the old names). A project's
signatures and its history (ProjectSignature, ProjectEvent) stay in `projects`: the editor,
the imports and the document itself write and print them (docs/decisions/workflow-app.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.models import Project, ProjectEvent


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def unread_count(self) -> int:
        """The number in the nav badge (one COUNT query)."""
        return self.unread().count()


def unread_count_of_user():
    """The user's unread notifications as a column of the user's own query (the nav badge)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


class Notification(models.Model):
    """An in-app message to one user about a project that moved (the bell in the nav)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        ProjectEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message_th = models.CharField(_("ข้อความ"), max_length=500)
    url = models.CharField(_("ลิงก์"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("เวลา"), auto_now_add=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "projects_notification"
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message_th


class ProjectSnapshot(models.Model):
    """A frozen approved version of a project document (texts, people, figures, signatures).

    Taken when the director approves; an amendment later reopens the live project, but what
    was approved stays viewable and printable from here. Its official PDF is laid out after
    the approval commits from `print_source` (the document's final HTML, frozen in the same
    transaction) and stored in `pdf`, like an issued invoice (docs/decisions/approved-pdfs.md).
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    version = models.PositiveIntegerField(_("รุ่นของข้อมูล"))
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"))
    data = models.JSONField(_("เอกสารโครงการ"))
    sha256 = models.CharField(max_length=64)
    print_source = models.JSONField(_("ต้นฉบับสำหรับพิมพ์"), default=dict, blank=True)
    pdf = models.FileField(_("ไฟล์ PDF ฉบับที่อนุมัติ"), upload_to="approved/projects/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 ของไฟล์ PDF"), max_length=64, blank=True)

    class Meta:
        db_table = "projects_projectsnapshot"
        verbose_name = _("ฉบับที่อนุมัติของโครงการ")
        verbose_name_plural = _("ฉบับที่อนุมัติของโครงการ")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="snapshot_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.data.get('name_th', '')} ฉบับที่ {self.number}"


class AmendmentStatus(models.TextChoices):
    PENDING = "pending", _("รอพิจารณา")
    APPROVED = "approved", _("อนุมัติให้ปรับแผน")
    REJECTED = "rejected", _("ไม่อนุมัติ")


class AmendmentKind(models.TextChoices):
    CHANGE = "change", _("ขอปรับแผน (แก้ไขโครงการ)")
    CANCEL = "cancel", _("ขอยกเลิกโครงการ")


class AmendmentRequest(models.Model):
    """A request to change an approved project mid-year (ปรับแผน) or to cancel it (ขอยกเลิก
    โครงการ), decided by the director."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(
        _("ประเภทคำขอ"), max_length=10, choices=AmendmentKind.choices, default=AmendmentKind.CHANGE
    )
    reason_th = models.TextField(_("เหตุผลการขอปรับแผน"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("ขอเมื่อ"))
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    decision_comment_th = models.TextField(_("ความเห็นของผู้พิจารณา"), blank=True)
    snapshot = models.ForeignKey(
        ProjectSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ฉบับที่อนุมัติก่อนปรับแผน"),
    )

    class Meta:
        db_table = "projects_amendmentrequest"
        verbose_name = _("คำขอปรับแผน")
        verbose_name_plural = _("คำขอปรับแผน")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="pending"),
                name="amendment_one_pending_per_project",
            )
        ]

    def __str__(self) -> str:
        what = "ขอยกเลิกโครงการ" if self.kind == AmendmentKind.CANCEL else "ขอปรับแผน"
        return f"{what} {self.project}"

    @property
    def is_cancel(self) -> bool:
        return self.kind == AmendmentKind.CANCEL
