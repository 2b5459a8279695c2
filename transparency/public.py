"""What an office publishes about its annual plan (ITA O-items: projects, budget, duration),
for people without an account (issue 20).

Only an APPROVED plan is published, and only as approved: the projects listed in its latest
PlanApproval, each as its approved ProjectSnapshot says (name, group, budget by fund source,
period, KPIs), plus the quarterly results the plan administrator ACCEPTED. Nothing from drafts,
returned or amended-but-unapproved versions, no person's name or contact, no comment, no
problem or suggestion text: the fields below are the whole allow-list."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Max

from actionplan import thai
from actionplan.models import Office, Plan, PlanStatus
from monitoring import figures as monitoring_figures
from monitoring import rounds
from monitoring.models import ProjectReport, ReportStatus
from plans.models import PlanApproval
from workflow.models import ProjectSnapshot

CACHE_SECONDS = 6 * 3600


def published_plans(office: Office):
    return (
        Plan.objects.filter(office=office, status=PlanStatus.APPROVED, approvals__isnull=False)
        .select_related("fiscal_year")
        .distinct()
        .order_by("-fiscal_year__year_be", "pk")
    )


def latest_approval(plan: Plan) -> PlanApproval | None:
    if plan.status != PlanStatus.APPROVED:
        return None
    return plan.approvals.defer("print_source").order_by("-number").first()


def version(plan: Plan, approval: PlanApproval) -> str:
    """Changes when the plan is approved again or a report is accepted (two small queries)."""
    accepted = ProjectReport.objects.filter(
        round__plan=plan, status=ReportStatus.ACCEPTED
    ).aggregate(at=Max("reviewed_at"), n=Count("pk"))
    return f"{plan.pk}:{approval.pk}:{accepted['at']}:{accepted['n']}"


def _header(data: dict, key: str) -> str:
    return next((row["value"] for row in data.get("header", []) if row["key"] == key), "")


def _money(value) -> str:
    return thai.format_money(value, zero="0.00")


def public_plan(plan: Plan, approval: PlanApproval) -> dict:
    """The published plan as JSON-able data (page, CSV and JSON share it)."""
    key = f"transparency:{version(plan, approval)}"
    found = cache.get(key)
    if found is not None:
        return found
    data = approval.data
    rows = [(s, row) for s in data.get("strategies", []) for row in s.get("rows", [])]
    ids = [row["project_id"] for _, row in rows]
    snapshots: dict[int, ProjectSnapshot] = {}
    for snapshot in ProjectSnapshot.objects.filter(
        project_id__in=ids, approved_at__lte=approval.approved_at
    ).order_by("project_id", "number"):
        snapshots[snapshot.project_id] = snapshot  # the last one approved before the plan
    progress = monitoring_figures.load_progress(plan, project_ids=ids)
    entries = {entry.project.pk: entry for entry in progress.projects}
    labels = {r.number: r.label for r in rounds.plan_rounds(plan)}
    projects = []
    for number, (strategy, row) in enumerate(rows, start=1):
        document = snapshots[row["project_id"]].data if row["project_id"] in snapshots else {}
        entry = entries.get(row["project_id"])
        results = []
        if entry is not None:
            for n, report in sorted(entry.reports.items()):
                if report.status != ReportStatus.ACCEPTED:
                    continue
                results.append(
                    {
                        "round": labels.get(n, str(n)),
                        "spent": _money(report.spent),
                        "indicators": [
                            {
                                "indicator": indicator.text_th,
                                "result": result.actual_text
                                or (
                                    _money(result.actual_value)
                                    if result.actual_value is not None
                                    else ""
                                ),
                            }
                            for indicator in entry.indicators
                            if (result := report.results.get(indicator.pk)) is not None
                        ],
                    }
                )
        projects.append(
            {
                "number": number,
                "name": row["name"],
                "strategy": strategy.get("title", ""),
                "group": row.get("unit", ""),
                "budget": row.get("total", ""),
                "funds": row.get("funds", {}),
                "start": _header(document, "start_date"),
                "end": _header(document, "end_date"),
                "indicators": [
                    {
                        "level": k.get("level", ""),
                        "text": k.get("text", ""),
                        "target": k.get("target", ""),
                    }
                    for k in document.get("indicators", [])
                ],
                "results": results,
            }
        )
    published = {
        "office": plan.office.name_th,
        "office_code": plan.office.code,
        "plan": plan.display_title,
        "fiscal_year": plan.fiscal_year.year_be,
        "approval": approval.number,
        "total": data.get("totals", {}).get("total", ""),
        "projects": projects,
    }
    cache.set(key, published, CACHE_SECONDS)
    return published
