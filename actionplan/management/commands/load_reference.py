"""`load_reference`: the national policy frameworks and budget programmes of actionplan/reference/.

Idempotent: rows are matched by their key, only what differs is written, and a second run
reports nothing changed. Rows the files no longer have are deleted, or deactivated when a
project links to them. `migrate` does not call it; `load_demo` and `make run` do.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan import services

LABELS = {
    "actionplan.PolicyFramework": "กรอบนโยบาย",
    "actionplan.PolicyItem": "ข้อนโยบาย",
    "actionplan.Programme": "แผนงาน",
}


class Command(BaseCommand):
    help = (
        "Create or update the national policy frameworks (ยุทธศาสตร์ชาติ, แผนแม่บท, นโยบาย ศธ./สพฐ., "
        "จุดเน้น, Quick Win …) and budget programmes from actionplan/reference/*.json. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=services.REFERENCE_DIR,
            help="folder of the data files (default: actionplan/reference)",
        )

    def handle(self, *args, directory: Path, **options):
        try:
            result = services.load_reference(directory=directory)
        except services.ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for label, name in LABELS.items():
            parts = [
                f"{word} {counter[label]}"
                for word, counter in (
                    ("สร้าง", result.created),
                    ("ปรับ", result.updated),
                    ("ปิดใช้งาน", result.deactivated),
                    ("ลบ", result.deleted),
                    ("คงเดิม", result.unchanged),
                )
                if counter[label]
            ]
            self.stdout.write(f"{name}: {', '.join(parts) or 'ไม่มี'}")
        if result.changed:
            self.stdout.write(self.style.SUCCESS("โหลดข้อมูลอ้างอิงระดับชาติแล้ว"))
        else:
            self.stdout.write("ข้อมูลอ้างอิงระดับชาติเป็นปัจจุบันอยู่แล้ว ไม่มีการเปลี่ยนแปลง")
