"""Printing's models move here from actionplan (their tables keep their names: state only).

The content types follow (actionplan -> printing), so permissions and admin log entries stay
attached, and background jobs queued under the old task module (projects.tasks) are renamed
to printing.tasks so a worker still finds them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, Substr

import printing.models

MODELS = ["officeprintsettings", "contexttable", "planappendix", "planrender"]
OLD_TASKS, NEW_TASKS = "projects.tasks.", "printing.tasks."


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label=old, model__in=MODELS).update(app_label=new)


def _rename_tasks(apps, schema_editor, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    db = schema_editor.connection.alias
    DBTaskResult.objects.using(db).filter(task_path__startswith=old).update(
        task_path=Concat(Value(new), Substr("task_path", len(old) + 1))
    )


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, "actionplan", "printing")
    _rename_tasks(apps, schema_editor, OLD_TASKS, NEW_TASKS)


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, "printing", "actionplan")
    _rename_tasks(apps, schema_editor, NEW_TASKS, OLD_TASKS)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("actionplan", "0009_move_printing_out"),
        ("plans", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "__first__"),
        ("projects", "0006_round_due_date_and_reopen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='OfficePrintSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('include_context', models.BooleanField(default=True, verbose_name='พิมพ์ส่วนที่ ๑ ข้อมูลทั่วไป')),
                        ('include_direction', models.BooleanField(default=True, verbose_name='พิมพ์ส่วนที่ ๒ ทิศทางการพัฒนา')),
                        ('include_projects', models.BooleanField(default=True, verbose_name='พิมพ์ส่วนที่ ๓ รายละเอียดโครงการ')),
                        ('include_project_documents', models.BooleanField(default=True, help_text='ถ้าไม่เลือก ส่วนที่ ๓ มีเฉพาะตารางสรุปโครงการรายกลยุทธ์', verbose_name='พิมพ์เอกสารโครงการทุกโครงการในส่วนที่ ๓')),
                        ('include_management', models.BooleanField(default=True, verbose_name='พิมพ์ส่วนที่ ๔ การบริหารแผน')),
                        ('include_appendices', models.BooleanField(default=True, verbose_name='พิมพ์ภาคผนวก')),
                        ('proposer_title_th', models.CharField(default='ผู้เสนอโครงการ', max_length=100, verbose_name='หัวข้อผู้เสนอโครงการ')),
                        ('endorser_title_th', models.CharField(default='ผู้เห็นชอบโครงการ', max_length=100, verbose_name='หัวข้อผู้เห็นชอบโครงการ')),
                        ('approver_title_th', models.CharField(default='ผู้อนุมัติโครงการ', max_length=100, verbose_name='หัวข้อผู้อนุมัติโครงการ')),
                        ('print_sign_line', models.BooleanField(default=False, verbose_name='พิมพ์บรรทัด ลงชื่อ……… ในช่องลงนาม')),
                        ('office', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='print_settings', to='actionplan.office')),
                    ],
                    options={
                        'verbose_name': 'การตั้งค่าการพิมพ์ของสำนักงาน',
                        'verbose_name_plural': 'การตั้งค่าการพิมพ์ของสำนักงาน',
                        'db_table': 'actionplan_officeprintsettings',
                    },
                ),
                migrations.CreateModel(
                    name='PlanAppendix',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='ลำดับ')),
                        ('title_th', models.CharField(max_length=255, verbose_name='ชื่อภาคผนวก')),
                        ('body_th', models.TextField(blank=True, verbose_name='ข้อความ')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appendices', to='actionplan.plan')),
                    ],
                    options={
                        'verbose_name': 'ภาคผนวก',
                        'verbose_name_plural': 'ภาคผนวก',
                        'db_table': 'actionplan_planappendix',
                        'ordering': ['plan', 'order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ContextTable',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='ตารางที่')),
                        ('caption_th', models.CharField(max_length=500, verbose_name='ชื่อตาราง')),
                        ('header_rows', models.JSONField(blank=True, default=list, help_text='แถวหัวตาราง: รายการของแถว แต่ละแถวเป็นรายการข้อความ ช่องว่างคือช่องที่ผสาน', verbose_name='หัวตาราง')),
                        ('rows', models.JSONField(blank=True, default=list, verbose_name='ข้อมูล')),
                        ('note_th', models.TextField(blank=True, help_text='เช่น ที่มา : ระบบ DMC ณ วันที่ ๑๐ มิถุนายน ๒๕๖๕', verbose_name='หมายเหตุ/ที่มา')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='context_tables', to='actionplan.plan')),
                    ],
                    options={
                        'verbose_name': 'ตารางข้อมูลพื้นฐาน',
                        'verbose_name_plural': 'ตารางข้อมูลพื้นฐาน',
                        'db_table': 'actionplan_contexttable',
                        'ordering': ['plan', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('plan', 'number'), name='contexttable_unique_number')],
                    },
                ),
                migrations.CreateModel(
                    name='PlanRender',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('book', 'เล่มแผน'), ('report', 'รายงานผลการดำเนินงาน')], default='book', max_length=10, verbose_name='เอกสาร')),
                        ('round_number', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='รอบรายงานที่')),
                        ('version_key', models.CharField(db_index=True, max_length=64, verbose_name='รุ่นของเนื้อหา')),
                        ('scope', models.CharField(default='office', max_length=30, verbose_name='ขอบเขตเนื้อหา')),
                        ('status', models.CharField(choices=[('queued', 'รอคิว'), ('running', 'กำลังจัดทำ'), ('done', 'เสร็จแล้ว'), ('failed', 'ไม่สำเร็จ')], default='queued', max_length=10, verbose_name='สถานะ')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='ความคืบหน้า (%)')),
                        ('message', models.CharField(blank=True, max_length=255, verbose_name='ข้อความสถานะ')),
                        ('file', models.FileField(blank=True, upload_to=printing.models.plan_render_path, verbose_name='ไฟล์ PDF')),
                        ('pages', models.PositiveIntegerField(blank=True, null=True, verbose_name='จำนวนหน้า')),
                        ('seconds', models.FloatField(blank=True, null=True, verbose_name='เวลาที่ใช้ (วินาที)')),
                        ('error', models.TextField(blank=True, verbose_name='ข้อผิดพลาด')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('approval', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='renders', to="plans.planapproval", verbose_name='ฉบับอนุมัติ')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='renders', to='actionplan.plan')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'การจัดทำไฟล์แผน',
                        'verbose_name_plural': 'การจัดทำไฟล์แผน',
                        'db_table': 'actionplan_planrender',
                        'ordering': ['-created_at', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='planrender_progress_range'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'book'), ('round_number__isnull', True)), models.Q(('kind', 'report'), ('round_number__gte', 1), ('round_number__lte', 4), ('approval__isnull', True)), _connector='OR'), name='planrender_kind_round')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
