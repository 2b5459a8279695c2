"""Render one project document: manage.py render_project --office CODE --year BE
--project NAME_OR_ID --out FILE."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from printing import project as project_doc
from printing import renderer
from projects.models import Project


class Command(BaseCommand):
    help = "จัดทำไฟล์ PDF เอกสารโครงการหนึ่งโครงการ (ระบุด้วยรหัส/เลขที่ หรือชื่อโครงการ)"

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="รหัสสำนักงาน เช่น PTL2")
        parser.add_argument("--year", required=True, type=int, help="ปีงบประมาณ พ.ศ.")
        parser.add_argument("--project", required=True, help="เลขที่ (id) หรือชื่อโครงการ")
        parser.add_argument("--out", required=True, help="ไฟล์ PDF ที่จะเขียน")

    def handle(self, *args, **options):
        projects = Project.objects.filter(
            plan__office__code=options["office"], plan__fiscal_year__year_be=options["year"]
        )
        wanted = options["project"].strip()
        found = list(projects.filter(pk=int(wanted))) if wanted.isdigit() else []
        if not found:
            found = list(projects.filter(name_th=wanted)) or list(
                projects.filter(name_th__icontains=wanted)
            )
        if not found:
            raise CommandError(f"ไม่พบโครงการ {wanted!r}")
        if len(found) > 1:
            names = "\n".join(f"  {p.pk}: {p.name_th}" for p in found[:20])
            raise CommandError(f"พบหลายโครงการ ระบุเลขที่แทน:\n{names}")
        try:
            data = project_doc.render_project(found[0])
        except renderer.PdfError as exc:
            raise CommandError(str(exc)) from exc
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"{options['out']}: {found[0].name_th}")
