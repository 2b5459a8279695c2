"""Background rendering of a plan's long documents (django-tasks): the web process only enqueues.

Two documents go this way, both as PlanRender rows of one model, run by one runner and shown
on one progress page: the plan book (`request_plan_render()`) and the report of a monitoring
round (`request_report_render()`, รายงานผลการดำเนินงาน รอบ ๓/๖/๙/๑๒ เดือน). A view calls
one of them: an unchanged version is served from its finished render at once; otherwise a
PlanRender row is queued and the task renders it in a worker (`manage.py db_worker`), holding
one of os.cpu_count() render slots, updating the row's progress so the page can show it.
The row, not the job, is what runs once: a queue that was down or lost the job (Redis) gets it
again from requeue_lost_renders, and a job handed out twice finds the row taken.

Approved versions (docs/decisions/approved-pdfs.md) are laid out once, after their approval
commits, from the print source frozen with them, and stored: `render_snapshot_pdf` for a
project version, `request_approval_render()` for a plan approval's official book.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from actionplan.models import Plan, PlanStatus
from actionplan.storage import disk_full
from notify import services as notify_services
from notify.models import EventKind
from plans import services as plan_services
from plans.models import PlanApproval
from printing import book, renderer, report
from printing import project as project_doc
from printing.models import OFFICE_SCOPE, PlanRender, RenderKind, RenderStatus
from projects import audit
from workflow.models import ProjectSnapshot

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)  # a queued/running render older than this is abandoned
PROGRESS_INTERVAL = 1.0  # seconds between progress writes
STALLED = (
    "การจัดทำเอกสารหยุดค้าง ไม่มีความคืบหน้าเกิน {minutes} นาที (เครื่องประมวลผลอาจหยุดทำงาน) กรุณากดลองอีกครั้ง"
)
DISK_FULL = "พื้นที่จัดเก็บไฟล์เต็ม บันทึกไฟล์ PDF ไม่ได้ กรุณาแจ้งผู้ดูแลระบบ แล้วกดลองอีกครั้ง"
FAILED = "จัดทำเอกสารไม่สำเร็จ"


def stale_seconds() -> int:
    return int(getattr(settings, "RENDER_STALE_SECONDS", 300))


def fail_stalled_renders(queryset=None) -> int:
    """Mark failed every running render (of `queryset`) whose worker has shown no progress for
    RENDER_STALE_SECONDS (killed, out of memory, machine restarted): its page then says so
    and offers the retry, and the next request queues a new render instead of returning it.
    A worker that later wakes up finds its row failed and keeps nothing (see run_render)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None, started_at__lt=cutoff)
    queryset = PlanRender.objects.all() if queryset is None else queryset
    return queryset.filter(silent, status=RenderStatus.RUNNING).update(
        status=RenderStatus.FAILED,
        message=FAILED,
        error=STALLED.format(minutes=max(1, round(stale_seconds() / 60))),
        finished_at=now,
    )


def _document(round_number: int | None, scope: str = OFFICE_SCOPE) -> dict:
    """The lookup naming one document of a plan: its book as one scope sees it, or the report
    of one round (round reports are for office-wide roles: always the office scope)."""
    if round_number is None:
        return {"kind": RenderKind.BOOK, "round_number": None, "scope": scope}
    return {"kind": RenderKind.REPORT, "round_number": round_number, "scope": OFFICE_SCOPE}


def find_current_render(
    plan: Plan, version_key: str, *, round_number: int | None = None, scope: str = OFFICE_SCOPE
) -> PlanRender | None:
    """The finished render of exactly this version of the plan book as `scope` sees it (or of
    the report of round `round_number`), if its file is still there."""
    for render in PlanRender.objects.filter(
        plan=plan,
        approval=None,
        version_key=version_key,
        status=RenderStatus.DONE,
        **_document(round_number, scope),
    ).order_by("-finished_at")[:3]:
        if _stored(render.file):
            return render
    return None


def find_latest_render(plan: Plan, *, scope: str = OFFICE_SCOPE) -> PlanRender | None:
    """The newest finished live book of `scope` whose file is there, whatever its version: what
    stays on offer while a newer render is pending or failed (a full disk, a dead worker)."""
    for render in PlanRender.objects.filter(
        plan=plan, approval=None, status=RenderStatus.DONE, **_document(None, scope)
    ).order_by("-finished_at")[:3]:
        if _stored(render.file):
            return render
    return None


def find_pending_render(
    plan: Plan,
    approval: PlanApproval | None = None,
    *,
    round_number: int | None = None,
    scope: str = OFFICE_SCOPE,
) -> PlanRender | None:
    """A render of this plan's book (of its live rows as `scope` sees them, or of one
    approval) or of its report of round `round_number`, queued or running and not abandoned:
    a running one silent for RENDER_STALE_SECONDS is marked failed first, never returned."""
    pending = PlanRender.objects.filter(
        plan=plan,
        approval=approval,
        **_document(round_number, OFFICE_SCOPE if approval else scope),
        status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    )
    fail_stalled_renders(pending)
    return pending.order_by("-created_at").first()


def _stored(field) -> bool:
    return bool(field) and field.storage.exists(field.name)


def request_plan_render(*, plan: Plan, by=None, scope: str = OFFICE_SCOPE) -> PlanRender:
    """Return a finished render of the plan's current version as `scope` sees it, a pending
    one, or queue one."""
    version_key = book.plan_version_key(plan, scope=scope)
    current = find_current_render(plan, version_key, scope=scope)
    if current:
        return current
    pending = find_pending_render(plan, scope=scope)
    if pending and pending.version_key == version_key:
        return pending
    render = PlanRender.objects.create(
        plan=plan,
        scope=scope,
        version_key=version_key,
        requested_by=by,
        message="รอคิวจัดทำเอกสาร",
    )
    _queue_render(render)
    return render


def request_report_render(
    *, plan: Plan, number: int, by=None, today=None, queue: bool = True
) -> PlanRender | None:
    """The report of a monitoring round: the finished render of its current version (what it
    prints today: reports, plan, round), a pending one of the same version, or queue one
    (None instead when `queue` is false: a GET never starts work). Working out the version
    costs the report's queries and templates, never a layout."""
    version_key = report.report_version_key(
        report.report_source(plan, number, today or timezone.localdate())
    )
    current = find_current_render(plan, version_key, round_number=number)
    if current:
        return current
    pending = find_pending_render(plan, round_number=number)
    if pending and pending.version_key == version_key:
        return pending
    if not queue:
        return None
    render = PlanRender.objects.create(
        plan=plan,
        kind=RenderKind.REPORT,
        round_number=number,
        version_key=version_key,
        requested_by=by,
        message="รอคิวจัดทำรายงาน",
    )
    _queue_render(render)
    return render


def _queue_render(render: PlanRender) -> bool:
    """Queue the job of a render and note its id on the row. A queue that is down (Redis
    restarting) must not fail the request that asked: the row stays queued without a job id,
    and requeue_lost_renders (the render's status page, `manage.py requeue_renders`) queues
    it once the queue answers again."""
    try:
        result = render_plan_book.enqueue(render.pk)
    except Exception as exc:  # any backend's "cannot reach the queue"; the row is safe
        logger.warning(
            "%s render %s not queued (%s: %s); requeue_renders will queue it",
            render.kind,
            render.pk,
            type(exc).__name__,
            exc,
        )
        return False
    render.task_id = result.id
    PlanRender.objects.filter(pk=render.pk).update(task_id=result.id)
    return True


LOST_AFTER = timedelta(seconds=5)  # a queued render younger than this is still being queued
WAITING = {TaskResultStatus.READY, TaskResultStatus.RUNNING}


def requeue_lost_renders(queryset=None) -> int:
    """Queue again every queued render (of `queryset`) that no job will run: its enqueue failed
    (no job id), or the queue no longer knows its job (Redis restarted without its data), or
    its job ended without taking the row (the database was down when it started). A job
    queued twice still renders once: run_render claims the row (queued -> running) in one
    conditional UPDATE. Returns how many were queued again; a queue still down queues none."""
    queryset = PlanRender.objects.all() if queryset is None else queryset
    now = timezone.now()
    lost = queryset.filter(
        status=RenderStatus.QUEUED,
        created_at__lt=now - LOST_AFTER,
        created_at__gte=now - STALE_AFTER,
    )
    backend = None
    requeued = 0
    for render in lost.order_by("created_at"):
        if render.task_id:
            backend = backend or render_plan_book.get_backend()
            if not backend.supports_get_result:
                continue  # a backend that cannot say: trust it
            try:
                if render_plan_book.get_result(render.task_id).status in WAITING:
                    continue
            except TaskResultDoesNotExist:
                pass  # the queue lost it
            except Exception as exc:  # the queue is still down: next time
                logger.warning("render %s: queue not reachable (%s)", render.pk, exc)
                return requeued
        if not _queue_render(render):
            return requeued
        logger.warning("%s render %s had no job in the queue: queued again", render.kind, render.pk)
        requeued += 1
    return requeued


@task()
def render_plan_book(render_id: int) -> int | None:
    """Render one queued PlanRender, book or round report (run by the task worker); returns its
    page count. (The name stays: queued jobs name their task by import path.)"""
    return run_render(render_id)


class _Abandoned(Exception):
    """The row is no longer this job's (marked failed as stalled, or claimed elsewhere)."""


def run_render(render_id: int) -> int | None:
    """The job itself, callable without the task framework (commands, tests). It claims the
    row (queued -> running) in one conditional UPDATE, so a render runs at most once at a
    time whoever picks it up; every later write is conditional on the row still running, so
    a job whose render was given up as stalled stops at its next step and keeps nothing."""
    render = PlanRender.objects.select_related("plan__office", "plan__fiscal_year", "approval").get(
        pk=render_id
    )
    if render.is_finished:
        return render.pages
    started = time.monotonic()
    now = timezone.now()
    claimed = PlanRender.objects.filter(pk=render.pk, status=RenderStatus.QUEUED).update(
        status=RenderStatus.RUNNING, started_at=now, heartbeat_at=now, message="รอหน่วยประมวลผลว่าง"
    )
    if not claimed:  # running elsewhere (or given up meanwhile): never twice at once
        logger.info("%s render %s is not queued any more: not run again", render.kind, render.pk)
        return None
    running = PlanRender.objects.filter(pk=render.pk, status=RenderStatus.RUNNING)
    last_write = [time.monotonic()]

    def beat(interval: float, **fields) -> None:
        moment = time.monotonic()
        if moment - last_write[0] < interval:
            return
        last_write[0] = moment
        if not running.update(heartbeat_at=timezone.now(), **fields):
            raise _Abandoned

    def progress(percent: int, message: str) -> None:
        beat(PROGRESS_INTERVAL, progress=max(0, min(percent, 99)), message=message[:255])

    def waiting() -> None:  # queued behind other renders for a slot: alive, not stuck
        beat(min(30.0, stale_seconds() / 4))

    try:
        with renderer.render_slot(waiting=waiting):
            if render.kind == RenderKind.REPORT:  # as of the day it is laid out
                progress(1, "กำลังรวบรวมข้อมูลรายงาน")
                source = report.report_source(
                    render.plan, render.round_number, timezone.localdate()
                )
                result = report.render_report_source(source, progress=progress)
            elif render.approval_id:  # the official book, archived: frozen source, PDF/A-3b
                source = approval_print_source(render.approval)
                result = book.render_book(source, progress=progress, archival=True)
            else:  # the live book as its scope sees it (a group: its own projects only)
                result = book.render_plan_book(render.plan, progress=progress, scope=render.scope)
        plan = render.plan
        approved = f"approval-{render.approval.number}-" if render.approval_id else ""
        if render.kind == RenderKind.REPORT:
            approved = f"report-r{render.round_number}-"
        elif render.scope != OFFICE_SCOPE:
            approved = f"{render.scope.replace(':', '')}-"
        render.refresh_from_db()  # (clears the cached approval: its source is megabytes)
        name = (
            f"{plan.office.code}-{plan.fiscal_year.year_be}-{approved}{result.version_key[:12]}.pdf"
        )
        _store_file(render.file, name, result.pdf)
    except _Abandoned:
        logger.warning(
            "%s render %s was given up while running: result dropped", render.kind, render.pk
        )
        return None
    except Exception as exc:  # the page shows the failure; the log keeps the traceback
        logger.exception("%s render %s failed", render.kind, render.pk)
        running.update(
            status=RenderStatus.FAILED,
            error=DISK_FULL if disk_full(exc) else f"{type(exc).__name__}: {exc}"[:2000],
            message=FAILED,
            finished_at=timezone.now(),
        )
        return None
    finished = running.update(
        file=render.file.name,
        version_key=result.version_key,  # the plan may have changed since it was queued
        status=RenderStatus.DONE,
        progress=100,
        pages=result.pages,
        seconds=round(time.monotonic() - started, 2),
        message=(
            f"เสร็จแล้ว {result.pages} หน้า (จัดหน้าใหม่ {result.chunks_rendered} "
            f"จาก {result.chunks_total} ส่วน)"
        ),
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not finished:  # given up as stalled meanwhile: its retry is the render that counts
        render.file.storage.delete(render.file.name)
        return None
    _announce_done(render, result.pages)
    return result.pages


def _announce_done(render: PlanRender, pages: int) -> None:
    """E-mail/LINE to whoever asked for the document, as they chose (notify)."""
    if render.requested_by_id is None:
        return
    plan = render.plan
    what = "รายงานผล" if render.kind == "report" else "เล่มแผน"
    notify_services.announce(
        EventKind.RENDER_DONE,
        [render.requested_by],
        f"จัดทำไฟล์ PDF {what} {plan.display_title} เสร็จแล้ว ({pages} หน้า)",
        office=plan.office,
        url=reverse("print:render_status", args=[plan.pk, render.pk]),
    )


def _store_file(field, name: str, data: bytes) -> None:
    """Store `data` as the file of `field` under its upload path, all or nothing: on a local
    disk through a temporary file renamed into place, so a full disk leaves neither a
    half-written PDF nor a temporary file behind (and any previous render untouched)."""
    storage = field.storage
    name = storage.get_available_name(field.field.generate_filename(field.instance, name))
    try:
        path = Path(storage.path(name))
    except NotImplementedError:  # a remote storage stores whole objects
        field.name = storage.save(name, ContentFile(data))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    renderer.atomic_write(path, data)
    os.chmod(path, storage.file_permissions_mode or 0o644)  # as the storage itself would
    field.name = name


# --- Approved versions: the official PDFs, laid out once and kept -----------------------------

NO_SOURCE = (
    "ฉบับที่อนุมัตินี้ไม่มีต้นฉบับสำหรับพิมพ์ และข้อมูลปัจจุบันไม่ตรงกับที่อนุมัติแล้ว "
    "ระบบจึงไม่จัดทำ PDF ที่อาจไม่ตรงกับฉบับที่อนุมัติ กรุณาเปิดหน้าฉบับที่อนุมัติแล้วสั่งพิมพ์จากเบราว์เซอร์"
)


def snapshot_print_source(snapshot: ProjectSnapshot) -> dict:
    """What an approved project version prints: the source frozen in its approval's
    transaction. A version without one (approved before sources were kept, or whose capture
    failed) takes the live project's only while the live document is provably the approved one
    (the same SHA-256 as the snapshot: same version, texts, figures, names), and keeps it."""
    if snapshot.print_source:
        return snapshot.print_source
    if audit.digest(audit.load_document(snapshot.project_id)) != snapshot.sha256:
        raise renderer.PdfError(NO_SOURCE)
    source = project_doc.project_source(snapshot.project, draft=False)
    ProjectSnapshot.objects.filter(pk=snapshot.pk).update(print_source=source)
    snapshot.print_source = source
    return source


def store_snapshot_pdf(snapshot_id: int) -> ProjectSnapshot:
    """Lay out an approved project version from its print source and store the PDF with it,
    unless a stored file is already there (an issued document is never replaced)."""
    snapshot = ProjectSnapshot.objects.select_related(
        "project__plan__office", "project__plan__fiscal_year"
    ).get(pk=snapshot_id)
    if _stored(snapshot.pdf):
        return snapshot
    data = project_doc.render_project_source(snapshot_print_source(snapshot))
    plan = snapshot.project.plan
    missing = snapshot.pdf.name or ""
    name = f"{plan.office.code}-{plan.fiscal_year.year_be}-{snapshot.project_id}-v{snapshot.number}.pdf"
    snapshot.pdf.save(name, ContentFile(data), save=False)
    snapshot.pdf_sha256 = hashlib.sha256(data).hexdigest()
    claimed = ProjectSnapshot.objects.filter(pk=snapshot.pk, pdf=missing).update(
        pdf=snapshot.pdf.name, pdf_sha256=snapshot.pdf_sha256
    )
    if not claimed:  # a worker or another request stored one meanwhile: theirs stays
        snapshot.pdf.storage.delete(snapshot.pdf.name)
        snapshot.refresh_from_db()
    elif missing:
        logger.warning("approved PDF %s was missing: laid out again from its source", missing)
    return snapshot


def snapshot_pdf(snapshot: ProjectSnapshot) -> bytes:
    """The stored PDF of an approved project version, laid out now if it is missing."""
    if not _stored(snapshot.pdf):
        snapshot = store_snapshot_pdf(snapshot.pk)
    with snapshot.pdf.open("rb") as handle:
        return handle.read()


@task()
def render_snapshot_pdf(snapshot_id: int) -> str:
    """Store the official PDF of an approved project version (queued when the approval
    commits); returns the file's SHA-256."""
    with renderer.render_slot():
        return store_snapshot_pdf(snapshot_id).pdf_sha256


def approval_print_source(approval: PlanApproval) -> dict:
    """What a plan approval's official book prints: the source frozen with the approval. An
    approval without one takes the live plan's only while the plan is still approved by it and
    its approval data, recomputed from live rows, has the same SHA-256; and keeps it."""
    if approval.print_source:
        return approval.print_source

    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=approval.plan_id)
    latest = plan.approvals.values_list("pk", flat=True).first()
    if plan.status != PlanStatus.APPROVED or latest != approval.pk or not approval.approved_by:
        raise renderer.PdfError(NO_SOURCE)
    projects = list(audit.document_queryset().filter(plan=plan).order_by("strategy__number", "pk"))
    live = plan_services.plan_snapshot(
        plan, projects, by=approval.approved_by, at=approval.approved_at
    )
    if audit.digest(live) != approval.sha256:
        raise renderer.PdfError(NO_SOURCE)
    source = book.book_source(plan, draft=False)
    PlanApproval.objects.filter(pk=approval.pk).update(print_source=source)
    approval.print_source = source
    return source


def find_approval_render(approval: PlanApproval) -> PlanRender | None:
    """The finished official book of a plan approval, if its file is still there."""
    for render in PlanRender.objects.filter(approval=approval, status=RenderStatus.DONE).order_by(
        "-finished_at"
    )[:3]:
        if _stored(render.file):
            return render
    return None


def approval_renders(plan: Plan) -> dict[int, PlanRender]:
    """{approval id: its finished official book} for every approval of the plan (one query)."""
    found: dict[int, PlanRender] = {}
    for render in PlanRender.objects.filter(
        plan=plan, approval__isnull=False, status=RenderStatus.DONE
    ).order_by("-finished_at"):
        if render.approval_id not in found and _stored(render.file):
            found[render.approval_id] = render
    return found


def request_approval_render(*, approval: PlanApproval, by=None) -> PlanRender:
    """The official book of a plan approval: its finished render, a pending one, or queue one
    (after the approval commits, and when its file is missing)."""
    done = find_approval_render(approval)
    if done:
        return done
    pending = find_pending_render(approval.plan_id, approval=approval)
    if pending:
        return pending
    render = PlanRender.objects.create(
        plan_id=approval.plan_id,
        approval=approval,
        version_key=f"approval-{approval.number}",  # the content key once rendered
        requested_by=by,
        message="รอคิวจัดทำเล่มแผนฉบับอนุมัติ",
    )
    _queue_render(render)
    return render


# --- Housekeeping ------------------------------------------------------------------------------


def purge_superseded_renders(*, older_than: timedelta, now=None) -> tuple[int, int]:
    """Delete the files and rows of live renders that are no longer anyone's current document:
    finished ones a newer finished render of the same document (plan book of one scope, or report of the
    same round) replaced, failed ones and abandoned queued/running ones, all created before
    `older_than` ago. Never an approval's official book, never the newest finished render of a
    document (a download link may point at it). Returns (rows deleted, files deleted)."""
    now = now or timezone.now()
    newest: dict[tuple, int] = {}
    for pk, plan_id, kind, number, scope in (
        PlanRender.objects.filter(approval=None, status=RenderStatus.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("pk", "plan_id", "kind", "round_number", "scope")
    ):
        newest.setdefault((plan_id, kind, number, scope), pk)
    doomed = (
        PlanRender.objects.filter(approval=None, created_at__lt=now - older_than)
        .filter(created_at__lt=now - STALE_AFTER)  # never one a worker may still be writing
        .exclude(pk__in=newest.values())
    )
    files = 0
    for render in doomed.only("pk", "file"):
        if render.file and render.file.storage.exists(render.file.name):
            render.file.storage.delete(render.file.name)
            files += 1
    rows, _ = doomed.delete()
    return rows, files
