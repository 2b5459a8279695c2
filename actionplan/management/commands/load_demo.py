"""`load_demo`: the demo office PTL2 with its FY2566 action plan and one login per role.

Safe to run again: existing objects are kept as they are and no password is ever reset.
"""

from django.core.management.base import BaseCommand

from fixtures.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create the demo office สพป.พัทลุง เขต 2 (PTL2), its FY2566 action plan from the sample "
        "documents and one login per role. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        result = load_demo(stdout=self.stdout)
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"ข้อมูลตัวอย่างพร้อมใช้: {result.office} — {result.plan.display_title}"))
        if result.created_users:
            out("ผู้ใช้ที่สร้างใหม่ (รหัสผ่านแสดงครั้งนี้ครั้งเดียว โปรดจดไว้):")
            width = max(len(username) for username, _, _ in result.created_users)
            for username, role, password in result.created_users:
                out(f"  {username:<{width}}  {password}  ({role})")
        if result.existing_users:
            out(
                "ผู้ใช้ต่อไปนี้มีอยู่แล้ว ไม่ได้เปลี่ยนรหัสผ่าน: "
                + ", ".join(result.existing_users)
                + " (ตั้งรหัสผ่านใหม่ได้ด้วย python manage.py changepassword USERNAME)"
            )
        out("")
        out("เริ่มเซิร์ฟเวอร์: python manage.py runserver แล้วเปิด http://127.0.0.1:8000/")
