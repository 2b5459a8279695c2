"""Background rendering of plan books (django-tasks): the web process only enqueues.

`request_plan_render()` is what a view calls: an unchanged version is served from its finished
render at once; otherwise a PlanRender row is queued and the task renders it in a worker
(`manage.py db_worker`), holding one of os.cpu_count() render slots, updating the row's
progress so the page can show it.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from actionplan.models import Plan, PlanRender, RenderStatus
from projects import pdf

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)  # a queued/running render older than this is abandoned
PROGRESS_INTERVAL = 1.0  # seconds between progress writes


def find_current_render(plan: Plan, version_key: str) -> PlanRender | None:
    """The finished render of exactly this version, if its file is still there."""
    for render in PlanRender.objects.filter(
        plan=plan, version_key=version_key, status=RenderStatus.DONE
    ).order_by("-finished_at")[:3]:
        if render.file and render.file.storage.exists(render.file.name):
            return render
    return None


def find_pending_render(plan: Plan) -> PlanRender | None:
    """A render of this plan that is queued or running and not abandoned."""
    return (
        PlanRender.objects.filter(
            plan=plan,
            status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-created_at")
        .first()
    )


def request_plan_render(*, plan: Plan, by=None) -> PlanRender:
    """Return a finished render of the plan's current version, a pending one, or queue one."""
    version_key = pdf.plan_version_key(plan)
    current = find_current_render(plan, version_key)
    if current:
        return current
    pending = find_pending_render(plan)
    if pending and pending.version_key == version_key:
        return pending
    render = PlanRender.objects.create(
        plan=plan, version_key=version_key, requested_by=by, message="รอคิวจัดทำเอกสาร"
    )
    render_plan_book.enqueue(render.pk)
    return render


@task()
def render_plan_book(render_id: int) -> int | None:
    """Render one queued PlanRender (run by the task worker); returns its page count."""
    return run_render(render_id)


def run_render(render_id: int) -> int | None:
    """The job itself, callable without the task framework (commands, tests)."""
    render = PlanRender.objects.select_related("plan__office", "plan__fiscal_year").get(
        pk=render_id
    )
    if render.is_finished:
        return render.pages
    started = time.monotonic()
    PlanRender.objects.filter(pk=render.pk).update(
        status=RenderStatus.RUNNING, started_at=timezone.now(), message="รอหน่วยประมวลผลว่าง"
    )
    last_write = [0.0]

    def progress(percent: int, message: str) -> None:
        now = time.monotonic()
        if now - last_write[0] < PROGRESS_INTERVAL:
            return
        last_write[0] = now
        PlanRender.objects.filter(pk=render.pk).update(
            progress=max(0, min(percent, 99)), message=message[:255]
        )

    try:
        with pdf.render_slot():
            result = pdf.render_plan_book(render.plan, progress=progress)
    except Exception as exc:  # the page shows the failure; the log keeps the traceback
        logger.exception("plan book render %s failed", render.pk)
        PlanRender.objects.filter(pk=render.pk).update(
            status=RenderStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            message="จัดทำเอกสารไม่สำเร็จ",
            finished_at=timezone.now(),
        )
        return None
    plan = render.plan
    render.refresh_from_db()
    name = f"{plan.office.code}-{plan.fiscal_year.year_be}-{result.version_key[:12]}.pdf"
    render.file.save(name, ContentFile(result.pdf), save=False)
    render.version_key = result.version_key  # the plan may have changed since it was queued
    render.status = RenderStatus.DONE
    render.progress = 100
    render.pages = result.pages
    render.seconds = round(time.monotonic() - started, 2)
    render.message = (
        f"เสร็จแล้ว {result.pages} หน้า (จัดหน้าใหม่ {result.chunks_rendered} "
        f"จาก {result.chunks_total} ส่วน)"
    )
    render.finished_at = timezone.now()
    render.save()
    return result.pages
