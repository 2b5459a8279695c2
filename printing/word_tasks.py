"""The plan book as a Word file, laid out in the background with progress (issue 19): a
PlanRender of kind BOOK_DOCX, claimed once like the PDF renders (printing/tasks.py), stored in
the render cache and downloaded from the same pages. A project's .docx is made in the request
(well under a second)."""

from __future__ import annotations

import logging
import time

from django.utils import timezone
from django_tasks import task

from actionplan.models import Plan, PlanStatus
from plans import services as plan_services
from printing import book, tasks, word
from printing.models import OFFICE_SCOPE, PlanRender, RenderKind, RenderStatus
from projects import audit
from projects.rollup import plan_projects

logger = logging.getLogger(__name__)


def book_data(plan: Plan, *, by) -> dict:
    """An approved plan's book as approved (its latest approval's frozen data); a draft's as
    it stands now, built exactly as an approval would freeze it."""
    if plan.status == PlanStatus.APPROVED:
        approval = plan.approvals.defer("print_source").order_by("-number").first()
        if approval is not None:
            return approval.data
    listed = plan_projects(plan)
    documents = {p.pk: p for p in audit.document_queryset().filter(pk__in=[p.pk for p in listed])}
    projects = [documents[p.pk] for p in listed if p.pk in documents]
    return plan_services.plan_snapshot(plan, projects, by=by, at=timezone.now())


def request_book_docx(*, plan: Plan, by) -> PlanRender:
    version_key = "docx-" + book.plan_version_key(plan, scope=OFFICE_SCOPE)[:59]
    for render in PlanRender.objects.filter(
        plan=plan, kind=RenderKind.BOOK_DOCX, version_key=version_key
    ).exclude(status=RenderStatus.FAILED)[:3]:
        if render.status != RenderStatus.DONE or tasks._stored(render.file):
            return render
    render = PlanRender.objects.create(
        plan=plan,
        kind=RenderKind.BOOK_DOCX,
        scope=OFFICE_SCOPE,
        version_key=version_key,
        requested_by=by,
        message="รอคิวจัดทำไฟล์ Word",
    )
    render_book_docx.enqueue(render.pk)
    return render


@task()
def render_book_docx(render_id: int) -> int | None:
    return run_docx(render_id)


def run_docx(render_id: int) -> int | None:
    render = PlanRender.objects.select_related(
        "plan__office", "plan__fiscal_year", "requested_by"
    ).get(pk=render_id)
    now = timezone.now()
    claimed = PlanRender.objects.filter(pk=render.pk, status=RenderStatus.QUEUED).update(
        status=RenderStatus.RUNNING, started_at=now, heartbeat_at=now, message="กำลังรวบรวมข้อมูล"
    )
    if not claimed:
        return None
    running = PlanRender.objects.filter(pk=render.pk, status=RenderStatus.RUNNING)
    started = time.monotonic()

    def progress(percent: int) -> None:
        running.update(
            progress=max(1, min(percent, 99)),
            heartbeat_at=timezone.now(),
            message=f"กำลังจัดทำไฟล์ Word {percent}%",
        )

    plan = render.plan
    try:
        data = book_data(plan, by=render.requested_by)
        content = word.book_docx(data, digits=plan.office.digit_style, progress=progress)
        name = f"{plan.office.code}-{plan.fiscal_year.year_be}-{render.version_key[5:17]}.docx"
        tasks._store_file(render.file, name, content)
    except Exception as exc:
        logger.exception("docx render %s failed", render.pk)
        running.update(
            status=RenderStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            message="จัดทำไฟล์ Word ไม่สำเร็จ",
            finished_at=timezone.now(),
        )
        return None
    projects = len(data.get("projects", []))
    running.update(
        file=render.file.name,
        status=RenderStatus.DONE,
        progress=100,
        pages=None,
        seconds=round(time.monotonic() - started, 2),
        message=f"เสร็จแล้ว {projects} โครงการ",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return projects
