"""The workflow's models, moved from projects with their tables (issue 13).

State only: the tables projects_notification, projects_projectsnapshot and
projects_amendmentrequest stay as they are, with their rows (projects 0007 removes the models
from the projects state). The content types are renamed projects -> workflow, so permissions
and admin log entries follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["notification", "projectsnapshot", "amendmentrequest"]


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, "projects", "workflow")


def backwards(apps, schema_editor):
    _relabel(apps, "workflow", "projects")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0006_round_due_date_and_reopen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ProjectSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(verbose_name="ฉบับที่")),
                        ("version", models.PositiveIntegerField(verbose_name="รุ่นของข้อมูล")),
                        ("approved_at", models.DateTimeField(verbose_name="อนุมัติเมื่อ")),
                        ("data", models.JSONField(verbose_name="เอกสารโครงการ")),
                        ("sha256", models.CharField(max_length=64)),
                        (
                            "print_source",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="ต้นฉบับสำหรับพิมพ์"
                            ),
                        ),
                        (
                            "pdf",
                            models.FileField(
                                blank=True,
                                upload_to="approved/projects/",
                                verbose_name="ไฟล์ PDF ฉบับที่อนุมัติ",
                            ),
                        ),
                        (
                            "pdf_sha256",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="SHA-256 ของไฟล์ PDF"
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="snapshots",
                                to="projects.project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ฉบับที่อนุมัติของโครงการ",
                        "verbose_name_plural": "ฉบับที่อนุมัติของโครงการ",
                        "db_table": "projects_projectsnapshot",
                        "ordering": ["project", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="AmendmentRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("reason_th", models.TextField(verbose_name="เหตุผลการขอปรับแผน")),
                        ("requested_at", models.DateTimeField(verbose_name="ขอเมื่อ")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "รอพิจารณา"),
                                    ("approved", "อนุมัติให้ปรับแผน"),
                                    ("rejected", "ไม่อนุมัติ"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="สถานะ",
                            ),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="พิจารณาเมื่อ"),
                        ),
                        (
                            "decision_comment_th",
                            models.TextField(blank=True, verbose_name="ความเห็นของผู้พิจารณา"),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="amendments",
                                to="projects.project",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "snapshot",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="workflow.projectsnapshot",
                                verbose_name="ฉบับที่อนุมัติก่อนปรับแผน",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "คำขอปรับแผน",
                        "verbose_name_plural": "คำขอปรับแผน",
                        "db_table": "projects_amendmentrequest",
                        "ordering": ["-requested_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("message_th", models.CharField(max_length=500, verbose_name="ข้อความ")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="ลิงก์")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="เวลา"),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="อ่านเมื่อ"),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="projects.projectevent",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="projects.project",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "การแจ้งเตือน",
                        "verbose_name_plural": "การแจ้งเตือน",
                        "db_table": "projects_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["recipient", "read_at"], name="notification_unread"
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="projectsnapshot",
                    constraint=models.UniqueConstraint(
                        fields=("project", "number"), name="snapshot_unique_number"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="amendmentrequest",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("project",),
                        name="amendment_one_pending_per_project",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
