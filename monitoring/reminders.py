"""Report due in N days (issue 20): the lead group of each monitored project whose report of
an open round is not sent yet is told once per round, by e-mail and LINE as they chose."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from actionplan import thai
from actionplan.models import Plan, Role, User
from monitoring import figures, rounds
from monitoring.models import ProjectReport, ReportStatus
from notify import services as notify_services
from notify.models import EventKind


def send_report_reminders(today: date, days: int = 7) -> int:
    """Announce every report due within `days` days and not yet sent; returns the number of
    deliveries created (a reminder already sent for that round is not sent again)."""
    created = 0
    for plan in Plan.objects.select_related("office", "fiscal_year"):
        for round_ in rounds.plan_rounds(plan):
            if round_.is_closed or not (today <= round_.due_date <= today + timedelta(days=days)):
                continue
            sent = ProjectReport.objects.filter(
                round__plan=plan,
                round__number=round_.number,
                status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
            ).values("project_id")
            projects = (
                figures.monitored_projects(plan)
                .exclude(pk__in=sent)
                .select_related("lead_unit")
                .order_by("pk")
            )
            due = thai.format_thai_date(round_.due_date, "abbr", "arabic")
            for project in projects:
                people = User.objects.filter(
                    Q(role__in=[Role.PLANNER, Role.GROUP_DIRECTOR]),
                    office_id=plan.office_id,
                    org_unit_id=project.lead_unit_id,
                    is_active=True,
                )
                created += len(
                    notify_services.announce(
                        EventKind.REPORT_DUE,
                        list(people),
                        f"รายงานผล{round_.label} ของโครงการ “{project.name_th}” ครบกำหนดส่ง {due}",
                        office=plan.office,
                        url=reverse("monitoring:report_edit", args=[project.pk, round_.number]),
                        org_unit=project.lead_unit_id,
                        dedupe_key=f"due:{project.pk}:{round_.number}",
                    )
                )
    return created
