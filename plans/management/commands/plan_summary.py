"""`plan_summary --office CODE --year BE [--kind KIND] [--json]`: the plan's totals computed from the model."""

import json

from django.core.management.base import BaseCommand, CommandError

from actionplan import thai
from actionplan.models import Plan, PlanType
from budgets.figures import summarize
from projects.rollup import overview_projects


class Command(BaseCommand):
    help = "Print a plan's total and its totals per strategy, group and category, computed from the model."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="office code, e.g. PTL2")
        parser.add_argument("--year", required=True, type=int, help="fiscal year in BE, e.g. 2566")
        parser.add_argument(
            "--kind",
            choices=PlanType.values,
            default=PlanType.ACTION_PLAN,
            help="the kind of plan (default: the action plan)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, office, year, kind=PlanType.ACTION_PLAN, json: bool = False, **options):
        plan = (
            Plan.objects.select_related("office", "fiscal_year")
            .filter(office__code=office, fiscal_year__year_be=year, plan_type=kind)
            .first()
        )
        if plan is None:
            raise CommandError(f"ไม่พบแผนของสำนักงาน {office} ปีงบประมาณ {year}")
        # Rows, not model instances: the totals are SQL aggregates (budgets.figures), so the
        # time per project stays flat however large the plan.
        summary, _, _ = summarize(plan, overview_projects(plan))
        if json:
            self.stdout.write(_dumps(summary.as_json()))
            return
        self._print_text(summary)

    def _print_text(self, summary) -> None:
        money = thai.format_money
        out = self.stdout.write
        out(f"{summary.plan.office.name_th}")
        out(f"{summary.plan.display_title}")
        out(f"งบประมาณรวมทั้งแผน {money(summary.total)} บาท ({len(summary.projects)} โครงการ)")
        out("")
        out("ตามกลยุทธ์")
        for bucket in summary.strategies:
            out(f"  {bucket.label}: {bucket.count} โครงการ {money(bucket.total)} บาท")
        out("ตามกลุ่ม")
        for bucket in summary.groups:
            out(f"  {bucket.label}: {bucket.count} โครงการ {money(bucket.total)} บาท")
        out("ตามหมวดรายจ่าย")
        for bucket in summary.categories:
            out(f"  {bucket.label}: {money(bucket.total)} บาท")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
