"""Housekeeping for printed documents (run daily from cron, see docs/deploy.md): superseded
plan-book and round-report renders, and rendered chunks nobody used for a month. Official
documents (approved plan books and approved project versions) are never touched."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from printing import renderer, tasks


class Command(BaseCommand):
    help = "ลบไฟล์ PDF ที่ถูกแทนที่ด้วยฉบับใหม่แล้ว และส่วนที่จัดหน้าไว้ซึ่งไม่ได้ใช้นาน (ไม่ลบเอกสารฉบับอนุมัติ)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=7,
            help="ลบเฉพาะไฟล์ที่จัดทำก่อนจำนวนวันนี้ (ค่าเริ่มต้น 7)",
        )
        parser.add_argument(
            "--cache-days",
            type=int,
            default=30,
            help="ลืมส่วนที่จัดหน้าไว้ซึ่งไม่ได้ใช้เกินจำนวนวันนี้ (ค่าเริ่มต้น 30)",
        )

    def handle(self, *args, **options):
        rows, files = tasks.purge_superseded_renders(
            older_than=timedelta(days=options["older_than_days"])
        )
        chunks = renderer.ChunkCache().prune(options["cache_days"])
        self.stdout.write(
            f"ลบการจัดทำเอกสารที่ถูกแทนที่ {rows} รายการ (ไฟล์ {files} ไฟล์), ส่วนที่จัดหน้าไว้ {chunks} ส่วน"
        )
