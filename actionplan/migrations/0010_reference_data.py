"""Reference data (issue 16): stable keys for national frameworks, items and programmes (unique
among national rows), deactivation of items, fiscal years of programmes, the office's "follows"
flags, the origin of a copied framework. Schema only: the data comes from `load_reference`."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0009_move_printing_out"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfficeFramework",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("follows", models.BooleanField(default=True, verbose_name="สำนักงานยึดถือกรอบนี้")),
            ],
            options={
                "verbose_name": "กรอบนโยบายที่สำนักงานยึดถือ",
                "verbose_name_plural": "กรอบนโยบายที่สำนักงานยึดถือ",
            },
        ),
        migrations.AddField(
            model_name="policyframework",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="copies",
                to="actionplan.policyframework",
                verbose_name="คัดลอกมาจาก",
            ),
        ),
        migrations.AddField(
            model_name="policyframework",
            name="key",
            field=models.CharField(
                blank=True,
                help_text="รหัสคงที่ของข้อมูลอ้างอิงระดับชาติ (load_reference ใช้จับคู่)",
                max_length=80,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9][a-z0-9.\\-]*$", "รหัสอ้างอิงใช้ได้เฉพาะ a-z 0-9 จุด และขีด"
                    )
                ],
                verbose_name="รหัสอ้างอิง",
            ),
        ),
        migrations.AddField(
            model_name="policyitem",
            name="is_active",
            field=models.BooleanField(
                default=True,
                help_text="ข้อที่เลิกใช้แล้วแต่มีโครงการอ้างถึง จะไม่ถูกลบ แต่ไม่ให้เลือกใหม่",
                verbose_name="ใช้งาน",
            ),
        ),
        migrations.AddField(
            model_name="policyitem",
            name="key",
            field=models.CharField(
                blank=True,
                max_length=80,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9][a-z0-9.\\-]*$", "รหัสอ้างอิงใช้ได้เฉพาะ a-z 0-9 จุด และขีด"
                    )
                ],
                verbose_name="รหัสอ้างอิง",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="key",
            field=models.CharField(
                blank=True,
                max_length=80,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9][a-z0-9.\\-]*$", "รหัสอ้างอิงใช้ได้เฉพาะ a-z 0-9 จุด และขีด"
                    )
                ],
                verbose_name="รหัสอ้างอิง",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="period_end_be",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="ถึงปีงบประมาณ"
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="period_start_be",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="ตั้งแต่ปีงบประมาณ"
            ),
        ),
        migrations.AddConstraint(
            model_name="policyframework",
            constraint=models.UniqueConstraint(
                condition=models.Q(("office__isnull", True), models.Q(("key", ""), _negated=True)),
                fields=("key",),
                name="policyframework_unique_national_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="policyframework",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_start_be__isnull", True),
                    ("period_end_be__isnull", True),
                    ("period_end_be__gte", models.F("period_start_be")),
                    _connector="OR",
                ),
                name="policyframework_period_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="policyitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("framework", "key"),
                name="policyitem_unique_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.UniqueConstraint(
                condition=models.Q(("office__isnull", True), models.Q(("key", ""), _negated=True)),
                fields=("key",),
                name="programme_unique_national_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_start_be__isnull", True),
                    ("period_end_be__isnull", True),
                    ("period_end_be__gte", models.F("period_start_be")),
                    _connector="OR",
                ),
                name="programme_period_order",
            ),
        ),
        migrations.AddField(
            model_name="officeframework",
            name="framework",
            field=models.ForeignKey(
                limit_choices_to={"office__isnull": True},
                on_delete=django.db.models.deletion.CASCADE,
                related_name="office_links",
                to="actionplan.policyframework",
            ),
        ),
        migrations.AddField(
            model_name="officeframework",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="framework_links",
                to="actionplan.office",
            ),
        ),
        migrations.AddConstraint(
            model_name="officeframework",
            constraint=models.UniqueConstraint(
                fields=("office", "framework"), name="officeframework_unique"
            ),
        ),
    ]
