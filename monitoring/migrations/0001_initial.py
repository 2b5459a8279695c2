"""The monitoring app (issue 13) takes over its models' existing tables: state only (the tables
keep their names, db_table), and the content types follow (app_label projects/budgets/indicators
-> monitoring), so permissions and admin log entries keep pointing at them."""

import budgets.money
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = {
    "projects": ["reportround", "projectreport", "activityprogress"],
    "budgets": ["actualspending"],
    "indicators": ["indicatorresult", "strategykpiresult"],
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old, names in MOVED.items():
        ContentType.objects.using(db).filter(app_label=old, model__in=names).update(
            app_label="monitoring"
        )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old, names in MOVED.items():
        ContentType.objects.using(db).filter(app_label="monitoring", model__in=names).update(
            app_label=old
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('actionplan', '0007_planrender_heartbeat_at_planrender_scope'),
        ('budgets', '0005_move_actualspending_out'),
        ('indicators', '0004_move_results_out'),
        ('projects', '0007_move_monitoring_out'),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReportRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='รอบที่')),
                        ('status', models.CharField(choices=[('open', 'เปิดรับรายงาน'), ('closed', 'ปิดรอบแล้ว')], default='open', max_length=10, verbose_name='สถานะ')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='ปิดรอบเมื่อ')),
                        ('due_date_override', models.DateField(blank=True, help_text='ว่างไว้ = ตามจำนวนวันหลังสิ้นไตรมาสที่ตั้งไว้ในแผน', null=True, verbose_name='กำหนดส่ง (กำหนดเอง)')),
                        ('reopened_at', models.DateTimeField(blank=True, null=True, verbose_name='เปิดรอบอีกครั้งเมื่อ')),
                        ('reopen_reason_th', models.TextField(blank=True, verbose_name='เหตุผลที่เปิดรอบอีกครั้ง')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_rounds', to='actionplan.plan')),
                        ('reopened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'รอบรายงานผล',
                        'verbose_name_plural': 'รอบรายงานผล',
                        'db_table': 'projects_reportround',
                        'ordering': ['plan_id', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'ร่างรายงาน'), ('submitted', 'ส่งแล้ว รอตรวจ'), ('accepted', 'รับรายงานแล้ว')], default='draft', max_length=10, verbose_name='สถานะ')),
                        ('problems_th', models.TextField(blank=True, verbose_name='ปัญหา อุปสรรค')),
                        ('suggestions_th', models.TextField(blank=True, verbose_name='ข้อเสนอแนะ')),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='ส่งเมื่อ')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='ตรวจเมื่อ')),
                        ('review_comment_th', models.TextField(blank=True, verbose_name='ความเห็นของผู้ตรวจ')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='projects.project')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='monitoring.reportround')),
                    ],
                    options={
                        'verbose_name': 'รายงานผลการดำเนินงานโครงการ',
                        'verbose_name_plural': 'รายงานผลการดำเนินงานโครงการ',
                        'db_table': 'projects_projectreport',
                        'ordering': ['round_id', 'project_id'],
                    },
                ),
                migrations.CreateModel(
                    name='StrategyKPIResult',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year_be', models.PositiveSmallIntegerField(verbose_name='ปี พ.ศ.')),
                        ('actual_value', budgets.money.RoundedDecimalField(decimal_places=2, max_digits=9, verbose_name='ผลการดำเนินงาน')),
                        ('note_th', models.CharField(blank=True, max_length=500, verbose_name='หมายเหตุ/แหล่งข้อมูล')),
                        ('recorded_at', models.DateTimeField(verbose_name='บันทึกเมื่อ')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='actionplan.strategyindicator')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'ผลตัวชี้วัดกลยุทธ์รายปี',
                        'verbose_name_plural': 'ผลตัวชี้วัดกลยุทธ์รายปี',
                        'db_table': 'indicators_strategykpiresult',
                        'ordering': ['indicator', 'year_be'],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorResult',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('actual_value', budgets.money.RoundedDecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='ผลการดำเนินงาน')),
                        ('actual_text_th', models.CharField(blank=True, max_length=500, verbose_name='ผลการดำเนินงาน (ข้อความ)')),
                        ('judged_met', models.BooleanField(blank=True, help_text='ใช้กับตัวชี้วัดที่ค่าเป้าหมายเป็นข้อความ', null=True, verbose_name='บรรลุค่าเป้าหมาย')),
                        ('note_th', models.CharField(blank=True, max_length=500, verbose_name='หมายเหตุ/หลักฐาน')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='indicators.projectindicator')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicator_results', to='monitoring.projectreport')),
                    ],
                    options={
                        'verbose_name': 'ผลตัวชี้วัดโครงการ',
                        'verbose_name_plural': 'ผลตัวชี้วัดโครงการ',
                        'db_table': 'indicators_indicatorresult',
                        'ordering': ['report_id', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('report', 'indicator'), name='indicatorresult_unique_indicator'), models.CheckConstraint(condition=models.Q(('actual_value__isnull', True), ('actual_value__gte', 0), _connector='OR'), name='indicatorresult_actual_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='ActualSpending',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('activity_title_th', models.TextField(verbose_name='กิจกรรม')),
                        ('amount', budgets.money.RoundedDecimalField(decimal_places=2, max_digits=14, verbose_name='ผลการเบิกจ่ายสะสม (บาท)')),
                        ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='projects.activity')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='budgets.budgetcategory', verbose_name='หมวด')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='spending', to='monitoring.projectreport')),
                    ],
                    options={
                        'verbose_name': 'ผลการเบิกจ่ายสะสม',
                        'verbose_name_plural': 'ผลการเบิกจ่ายสะสม',
                        'db_table': 'budgets_actualspending',
                        'ordering': ['report_id', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('report', 'activity', 'category'), name='actualspending_unique_cell'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='actualspending_amount_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='ActivityProgress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('not_started', 'ยังไม่ดำเนินการ'), ('in_progress', 'อยู่ระหว่างดำเนินการ'), ('done', 'ดำเนินการแล้วเสร็จ'), ('cancelled', 'ยกเลิก'), ('postponed', 'เลื่อนการดำเนินการ')], default='not_started', max_length=15, verbose_name='สถานะกิจกรรม')),
                        ('note_th', models.CharField(blank=True, max_length=500, verbose_name='หมายเหตุ')),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress', to='projects.activity')),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activity_progress', to='monitoring.projectreport')),
                    ],
                    options={
                        'verbose_name': 'ความก้าวหน้าของกิจกรรม',
                        'verbose_name_plural': 'ความก้าวหน้าของกิจกรรม',
                        'db_table': 'projects_activityprogress',
                        'ordering': ['report_id', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('report', 'activity'), name='activityprogress_unique_activity')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='reportround',
                    constraint=models.UniqueConstraint(fields=('plan', 'number'), name='reportround_unique_number'),
                ),
                migrations.AddConstraint(
                    model_name='reportround',
                    constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1), ('number__lte', 4)), name='reportround_number_range'),
                ),
                migrations.AddConstraint(
                    model_name='projectreport',
                    constraint=models.UniqueConstraint(fields=('round', 'project'), name='projectreport_unique_round'),
                ),
                migrations.AddConstraint(
                    model_name='strategykpiresult',
                    constraint=models.UniqueConstraint(fields=('indicator', 'year_be'), name='strategykpiresult_unique_year'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
