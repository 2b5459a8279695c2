"""`purge_pending_imports [--older-than HOURS]`: forget import previews nobody confirmed.

Run it from cron (docs/deploy.md); uploads also purge a few stale previews as they go.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports import services


def positive_hours(value: str) -> float:
    hours = float(value)
    if not hours > 0:
        raise ValueError(value)
    return hours


class Command(BaseCommand):
    help = (
        "Delete import previews still waiting for confirmation after HOURS (default "
        "IMPORT_PENDING_HOURS, 24) and the uploaded files no younger preview uses. "
        "Confirmed and rejected imports are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=positive_hours,
            default=None,
            metavar="HOURS",
            help="age in hours after which a preview is purged (default: IMPORT_PENDING_HOURS, 24)",
        )

    def handle(self, *args, older_than=None, **options):
        hours = older_than if older_than is not None else settings.IMPORT_PENDING_HOURS
        if hours <= 0:
            raise CommandError("IMPORT_PENDING_HOURS ต้องมากกว่า 0")
        purged = services.purge_pending(older_than=timedelta(hours=hours))
        self.stdout.write(
            f"ลบรายการตรวจที่ไม่ได้ยืนยันเกิน {hours:g} ชั่วโมง {purged.batches} รายการ "
            f"ไฟล์ {purged.files} ไฟล์ ({purged.size / 1024:.0f} KiB)"
        )
