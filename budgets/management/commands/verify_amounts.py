"""`verify_amounts [--fix]`: every budget line whose stored amount differs from the one derived
from its factors or plain amount (office, plan, project, line, both amounts); exit 1 if any.
With --fix the stored amounts are written again through budgets.services (exit 0)."""

from django.core.management.base import BaseCommand, CommandError

from budgets import services
from budgets.models import BudgetLine

CHUNK = 2000


class Command(BaseCommand):
    help = "Report budget lines whose stored amount differs from their factors or plain amount."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the derived amounts")

    def handle(self, *args, fix: bool = False, **options):
        lines = (
            BudgetLine.objects.select_related(
                "activity__project__plan__office", "activity__project__plan__fiscal_year"
            )
            .prefetch_related("factors")
            .order_by("pk")
        )
        wrong = []
        checked = 0
        for line in lines.iterator(chunk_size=CHUNK):
            checked += 1
            derived = line.derived_amount()
            if line.amount != derived:
                wrong.append(line.pk)
                project = line.activity.project
                plan = project.plan
                self.stdout.write(
                    f"{plan.office.code}\t{plan.fiscal_year.year_be}/{plan.pk}\t"
                    f"project {project.pk} {project.name_th[:60]}\tline {line.pk}\t"
                    f"stored {line.amount:.2f}\tderived {derived:.2f}"
                )
        self.stdout.write(f"{checked} lines checked, {len(wrong)} differ")
        if wrong and fix:
            fixed = services.refresh_amounts(wrong)
            self.stdout.write(f"{fixed} lines fixed")
            return
        if wrong:
            raise CommandError(f"{len(wrong)} budget lines differ", returncode=1)
