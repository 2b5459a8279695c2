"""Background rendering of a plan's long documents (django-tasks): the web process only enqueues.

Two documents go this way, both as PlanRender rows of one model, run by one runner and shown
on one progress page: the plan book (`request_plan_render()`) and the report of a monitoring
round (`request_report_render()`, รายงานผลการดำเนินงาน รอบ ๓/๖/๙/๑๒ เดือน). A view calls
one of them: an unchanged version is served from its finished render at once; otherwise a
PlanRender row is queued and the task renders it in a worker (`manage.py db_worker`), holding
one of os.cpu_count() render slots, updating the row's progress so the page can show it.

Approved versions (docs/decisions/approved-pdfs.md) are laid out once, after their approval
commits, from the print source frozen with them, and stored: `render_snapshot_pdf` for a
project version, `request_approval_render()` for a plan approval's official book.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from actionplan.models import Plan, PlanRender, PlanStatus, RenderKind, RenderStatus
from projects import audit, pdf
from projects.models import PlanApproval, ProjectSnapshot

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)  # a queued/running render older than this is abandoned
PROGRESS_INTERVAL = 1.0  # seconds between progress writes


def _document(round_number: int | None) -> dict:
    """The lookup naming one document of a plan: its book, or the report of one round."""
    if round_number is None:
        return {"kind": RenderKind.BOOK, "round_number": None}
    return {"kind": RenderKind.REPORT, "round_number": round_number}


def find_current_render(
    plan: Plan, version_key: str, *, round_number: int | None = None
) -> PlanRender | None:
    """The finished render of exactly this version of the plan book (or of the report of
    round `round_number`), if its file is still there."""
    for render in PlanRender.objects.filter(
        plan=plan,
        approval=None,
        version_key=version_key,
        status=RenderStatus.DONE,
        **_document(round_number),
    ).order_by("-finished_at")[:3]:
        if _stored(render.file):
            return render
    return None


def find_pending_render(
    plan: Plan, approval: PlanApproval | None = None, *, round_number: int | None = None
) -> PlanRender | None:
    """A render of this plan's book (of its live rows, or of one approval) or of its report of
    round `round_number`, queued or running and not abandoned."""
    return (
        PlanRender.objects.filter(
            plan=plan,
            approval=approval,
            **_document(round_number),
            status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-created_at")
        .first()
    )


def _stored(field) -> bool:
    return bool(field) and field.storage.exists(field.name)


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


def request_report_render(
    *, plan: Plan, number: int, by=None, today=None, queue: bool = True
) -> PlanRender | None:
    """The report of a monitoring round: the finished render of its current version (what it
    prints today: reports, plan, round), a pending one of the same version, or queue one
    (None instead when `queue` is false: a GET never starts work). Working out the version
    costs the report's queries and templates, never a layout."""
    version_key = pdf.report_version_key(
        pdf.report_source(plan, number, today or timezone.localdate())
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
    render_plan_book.enqueue(render.pk)
    return render


@task()
def render_plan_book(render_id: int) -> int | None:
    """Render one queued PlanRender, book or round report (run by the task worker); returns its
    page count. (The name stays: queued jobs name their task by import path.)"""
    return run_render(render_id)


def run_render(render_id: int) -> int | None:
    """The job itself, callable without the task framework (commands, tests)."""
    render = PlanRender.objects.select_related("plan__office", "plan__fiscal_year", "approval").get(
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
            if render.kind == RenderKind.REPORT:  # as of the day it is laid out
                progress(1, "กำลังรวบรวมข้อมูลรายงาน")
                source = pdf.report_source(render.plan, render.round_number, timezone.localdate())
                result = pdf.render_report_source(source, progress=progress)
            elif render.approval_id:  # the official book: the approval's frozen source
                source = approval_print_source(render.approval)
                result = pdf.render_book(source, progress=progress)
            else:
                result = pdf.render_plan_book(render.plan, progress=progress)
    except Exception as exc:  # the page shows the failure; the log keeps the traceback
        logger.exception("%s render %s failed", render.kind, render.pk)
        PlanRender.objects.filter(pk=render.pk).update(
            status=RenderStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            message="จัดทำเอกสารไม่สำเร็จ",
            finished_at=timezone.now(),
        )
        return None
    plan = render.plan
    approved = f"approval-{render.approval.number}-" if render.approval_id else ""
    if render.kind == RenderKind.REPORT:
        approved = f"report-r{render.round_number}-"
    render.refresh_from_db()  # (clears the cached approval: its source is megabytes)
    name = f"{plan.office.code}-{plan.fiscal_year.year_be}-{approved}{result.version_key[:12]}.pdf"
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
        raise pdf.PdfError(NO_SOURCE)
    source = pdf.project_source(snapshot.project, draft=False)
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
    data = pdf.render_project_source(snapshot_print_source(snapshot))
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
    with pdf.render_slot():
        return store_snapshot_pdf(snapshot_id).pdf_sha256


def approval_print_source(approval: PlanApproval) -> dict:
    """What a plan approval's official book prints: the source frozen with the approval. An
    approval without one takes the live plan's only while the plan is still approved by it and
    its approval data, recomputed from live rows, has the same SHA-256; and keeps it."""
    if approval.print_source:
        return approval.print_source
    from projects import services

    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=approval.plan_id)
    latest = plan.approvals.values_list("pk", flat=True).first()
    if plan.status != PlanStatus.APPROVED or latest != approval.pk or not approval.approved_by:
        raise pdf.PdfError(NO_SOURCE)
    projects = list(audit.document_queryset().filter(plan=plan).order_by("strategy__number", "pk"))
    live = services.plan_snapshot(plan, projects, by=approval.approved_by, at=approval.approved_at)
    if audit.digest(live) != approval.sha256:
        raise pdf.PdfError(NO_SOURCE)
    source = pdf.book_source(plan, draft=False)
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
    render_plan_book.enqueue(render.pk)
    return render


# --- Housekeeping ------------------------------------------------------------------------------


def purge_superseded_renders(*, older_than: timedelta, now=None) -> tuple[int, int]:
    """Delete the files and rows of live renders that are no longer anyone's current document:
    finished ones a newer finished render of the same document (plan book, or report of the
    same round) replaced, failed ones and abandoned queued/running ones, all created before
    `older_than` ago. Never an approval's official book, never the newest finished render of a
    document (a download link may point at it). Returns (rows deleted, files deleted)."""
    now = now or timezone.now()
    newest: dict[tuple, int] = {}
    for pk, plan_id, kind, number in (
        PlanRender.objects.filter(approval=None, status=RenderStatus.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("pk", "plan_id", "kind", "round_number")
    ):
        newest.setdefault((plan_id, kind, number), pk)
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
