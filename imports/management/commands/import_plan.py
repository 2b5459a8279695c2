"""`import_plan FILE --office CODE --year BE [--kind KIND] [--mode draft|historical] [--dry-run]
[--json]`.

The same function as the upload page: prints the same report and exits 1 when there are errors.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan import thai
from actionplan.models import Office, PlanType, User
from imports import services
from imports.models import ImportMode


class Command(BaseCommand):
    help = "Import a plan from an .xlsx, .csv or .docx file (validate everything, then one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .xlsx, .csv or .docx file")
        parser.add_argument("--office", required=True, help="office code, e.g. PTL2")
        parser.add_argument("--year", required=True, type=int, help="fiscal year in BE, e.g. 2566")
        parser.add_argument(
            "--kind",
            choices=PlanType.values,
            default=PlanType.ACTION_PLAN,
            help="the kind of plan the file lands in (default: the action plan)",
        )
        parser.add_argument(
            "--mode",
            choices=ImportMode.values,
            default=ImportMode.DRAFT,
            help="draft: projects as drafts; historical: an approved plan of a past year",
        )
        parser.add_argument("--user", help="username recorded in the import history")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(
        self,
        *args,
        file,
        office,
        year,
        mode,
        kind=PlanType.ACTION_PLAN,
        user=None,
        dry_run=False,
        **options,
    ):
        try:
            office_obj = Office.objects.get(code=office)
        except Office.DoesNotExist as exc:
            raise CommandError(f"ไม่พบสำนักงานรหัส {office}") from exc
        user_obj = User.objects.filter(username=user).first() if user else None
        if user and user_obj is None:
            raise CommandError(f"ไม่พบผู้ใช้ {user}")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"อ่านไฟล์ {file} ไม่ได้: {exc}") from exc
        report = services.run_import(
            name=path.name,
            data=data,
            office=office_obj,
            year_be=year,
            plan_type=kind,
            mode=mode,
            user=user_obj,
            commit=not dry_run,
            record=not dry_run,
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            self._print_text(report, dry_run)
        if not report.ok:
            sys.exit(1)

    def _print_text(self, report, dry_run: bool) -> None:
        out = self.stdout.write
        data = report.as_json()
        out(f"ไฟล์ {report.file_name} (SHA-256 {report.sha256})")
        for sheet in data["sheets"]:
            out(f"  ชีต “{sheet['name']}”: {sheet['layout']}")
        out(
            f"โครงการ: ใหม่ {data['created']} · ปรับปรุง {data['updated']} · "
            f"ไม่เปลี่ยนแปลง {data['unchanged']} · มีข้อผิดพลาด {data['invalid']}"
        )
        if data["errors"]:
            out(f"ข้อผิดพลาด {data['error_count']} รายการ:")
            for e in data["errors"]:
                where = " ".join(
                    filter(None, [e["sheet"], f"แถว {e['row']}" if e["row"] else "", e["column"]])
                )
                out(f"  - {where}: {e['message']}")
        if data["total_mismatches"]:
            out("ยอดที่พิมพ์ไม่ตรงกับที่คำนวณ:")
            for m in data["total_mismatches"]:
                out(
                    f"  - {m['where']}: พิมพ์ {thai.format_money(m['declared'])} "
                    f"คำนวณ {thai.format_money(m['computed'])}"
                )
        for w in data["warnings"]:
            out(f"  ข้อสังเกต {w['sheet']} แถว {w['row']}: {w['message']}")
        if report.committed:
            out(self.style.SUCCESS("นำเข้าเรียบร้อย (บันทึกในประวัติการนำเข้าแล้ว)"))
        elif dry_run and report.ok:
            out("ตรวจแล้วไม่พบข้อผิดพลาด (ยังไม่ได้บันทึก: --dry-run)")
        elif not report.ok:
            out(self.style.ERROR("ไม่ได้นำเข้า: แก้ข้อผิดพลาดในไฟล์แล้วลองใหม่"))
