"""Send the notifications that are due: new ones a queue lost, and failed ones whose retry time
has come (run it from cron every few minutes; docs/deploy.md)."""

from django.core.management.base import BaseCommand

from notify import services


class Command(BaseCommand):
    help = "Send pending and due e-mail/LINE notifications"

    def handle(self, *args, **options):
        sent = services.send_due()
        self.stdout.write(f"ส่งสำเร็จ {sent} รายการ")
