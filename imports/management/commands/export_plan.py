"""`export_plan --office CODE --year BE [--kind KIND] [--format xlsx|csv] [-o FILE]`: the plan as a workbook."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan.models import Plan, PlanType
from imports import export


class Command(BaseCommand):
    help = "Write a plan as the canonical .xlsx workbook or a flat .csv of budget lines."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="office code, e.g. PTL2")
        parser.add_argument("--year", required=True, type=int, help="fiscal year in BE, e.g. 2566")
        parser.add_argument(
            "--kind",
            choices=PlanType.values,
            default=PlanType.ACTION_PLAN,
            help="the kind of plan (default: the action plan)",
        )
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("-o", "--output", help="file to write (default: plan-CODE-YEAR.EXT)")

    def handle(
        self, *args, office, year, format, kind=PlanType.ACTION_PLAN, output=None, **options
    ):
        plan = (
            Plan.objects.select_related("office", "fiscal_year")
            .filter(office__code=office, fiscal_year__year_be=year, plan_type=kind)
            .first()
        )
        if plan is None:
            raise CommandError(f"ไม่พบแผนของสำนักงาน {office} ปีงบประมาณ {year}")
        projects = export.export_projects(plan)
        data = (
            export.plan_workbook(plan, projects)
            if format == "xlsx"
            else export.plan_csv(plan, projects)
        )
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = Path(output or export.file_name(plan, format))
        path.write_bytes(data)
        self.stdout.write(f"เขียน {path} ({len(projects)} โครงการ, {len(data):,} ไบต์)")
