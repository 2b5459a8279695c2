"""Queue again the PDF renders whose job the queue lost or never got (a Redis restarted without
its data, or down when the render was asked for). Run it from cron every few minutes next to
retry_deliveries (docs/deploy.md); a render's own status page does the same for its render."""

from django.core.management.base import BaseCommand

from printing import tasks


class Command(BaseCommand):
    help = "ส่งงานจัดทำไฟล์ PDF ที่รอคิวอยู่แต่ไม่มีงานในคิวเข้าคิวอีกครั้ง"

    def handle(self, *args, **options):
        requeued = tasks.requeue_lost_renders()
        self.stdout.write(f"ส่งเข้าคิวอีกครั้ง {requeued} รายการ")
