"""Remind lead groups of reports due within N days (daily from cron; docs/deploy.md)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from monitoring.reminders import send_report_reminders


class Command(BaseCommand):
    help = "E-mail/LINE the groups whose quarterly reports are due within --days days"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days: int, **options):
        count = send_report_reminders(timezone.localdate(), days)
        self.stdout.write(f"สร้างการแจ้งเตือน {count} รายการ")
