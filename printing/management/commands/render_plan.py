"""Render a plan book to a PDF file:
manage.py render_plan --office CODE --year BE [--kind KIND] --out FILE."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan.models import Plan, PlanType
from printing import book, renderer


class Command(BaseCommand):
    help = "จัดทำไฟล์ PDF เล่มแผนปฏิบัติการของสำนักงานและปีงบประมาณที่ระบุ"

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="รหัสสำนักงาน เช่น PTL2")
        parser.add_argument("--year", required=True, type=int, help="ปีงบประมาณ พ.ศ. เช่น 2566")
        parser.add_argument("--out", required=True, help="ไฟล์ PDF ที่จะเขียน")
        parser.add_argument(
            "--kind",
            "--type",
            dest="kind",
            default=PlanType.ACTION_PLAN,
            choices=PlanType.values,
            help="ประเภทแผน (ค่าเริ่มต้น: แผนปฏิบัติการ)",
        )

    def handle(self, *args, **options):
        plan = (
            Plan.objects.select_related("office", "fiscal_year")
            .filter(
                office__code=options["office"],
                fiscal_year__year_be=options["year"],
                plan_type=options["kind"],
            )
            .first()
        )
        if plan is None:
            raise CommandError(f"ไม่พบแผนของ {options['office']} ปี {options['year']}")
        started = time.monotonic()
        try:
            with renderer.render_slot():
                result = book.render_plan_book(plan)
        except renderer.PdfError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.write_bytes(result.pdf)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{out}: {result.pages} หน้า, {seconds:.1f} วินาที "
            f"(จัดหน้าใหม่ {result.chunks_rendered} จาก {result.chunks_total} ส่วน)"
        )
