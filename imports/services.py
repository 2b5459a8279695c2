"""Import a plan from a spreadsheet: check the file, read it, compare it with the database
(imports/planning.py), report, and on confirmation write everything in one transaction.

One function, `run_import`, serves the upload preview, the confirm step, `manage.py import_plan`
and the benchmark. A fixed number of queries whatever the row count: references and the plan's
existing projects are loaded once, every write is a bulk insert/update (docs/decisions/
import-pipeline.md). Only this module writes Plan.status/Project.status during an import.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from actionplan.models import Office, Plan, PlanStatus, PlanType, Programme, Strategy
from actionplan.services import get_fiscal_year
from actionplan.storage import disk_full
from actionplan.workbooks import (
    CheckedFile,
    RejectedFile,
    check_file,
    check_file_name,
    sha256_of,
)
from budgets import services as budget_services
from budgets.models import (
    BudgetCategory,
    BudgetLine,
    FundSource,
    QuarterAllocation,
)
from imports import parse, reader
from imports.headers import Vocabulary
from imports.models import GroupAlias, ImportBatch, ImportMode, ImportStatus
from imports.planned import ImportPlan, PlannedProject, load_context
from imports.planning import Planner
from imports.records import Issue, Loc, Parsed, Report
from indicators.models import ProjectIndicator
from projects import audit
from projects.models import Activity, EventAction, Project, ProjectItem, ProjectPerson

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """A confirm that cannot go ahead (the previewed file is gone or changed); Thai message."""


class StorageFull(ImportRefused):
    """The upload could not be kept for the confirm step (a full disk); Thai message."""


STORAGE_FULL = "พื้นที่จัดเก็บเต็ม บันทึกไฟล์ที่อัปโหลดไว้รอยืนยันไม่ได้ จึงยังไม่ได้นำเข้า กรุณาแจ้งผู้ดูแลระบบ แล้วอัปโหลดอีกครั้ง"
STORAGE_FAILED = "บันทึกไฟล์ที่อัปโหลดไว้รอยืนยันไม่ได้ จึงยังไม่ได้นำเข้า กรุณาแจ้งผู้ดูแลระบบ แล้วอัปโหลดอีกครั้ง"


# --- writing ----------------------------------------------------------------------------------


@contextmanager
def _sqlite_batch_limit():
    """Django 5.2 assumes SQLite's historic 999-variable limit and splits a 5,000-row insert into
    ~40 statements; ask the library for its real limit for the duration (as Django 6 does)."""
    features = connection.features
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    had = "max_query_params" in vars(features)
    previous = features.max_query_params
    features.max_query_params = max(previous, min(limit, 100_000))
    try:
        yield
    finally:
        if had:
            features.max_query_params = previous
        else:
            del features.max_query_params


def _write(result: ImportPlan, *, user) -> Plan:
    ctx = result.context
    now = timezone.now()
    plan = ctx.plan
    if plan is None:
        plan = Plan.objects.create(
            office=ctx.office,
            fiscal_year=get_fiscal_year(ctx.year_be),
            plan_type=ctx.plan_type,
            status=result.plan_status or PlanStatus.DRAFT,
        )
    elif result.plan_status and plan.status != result.plan_status:
        plan.status = result.plan_status
        plan.save(update_fields=["status"])
    strategies = dict(ctx.strategies)
    if result.new_strategies:
        for strategy in result.new_strategies.values():
            strategy.plan = plan
        Strategy.objects.bulk_create(result.new_strategies.values())
        strategies.update(result.new_strategies)
    if result.choices_used:
        GroupAlias.objects.bulk_create(
            [
                GroupAlias(
                    office=ctx.office, raw_key=key[:255], raw_text=raw[:255], org_unit_id=unit
                )
                for key, (raw, unit) in result.choices_used.items()
            ],
            update_conflicts=True,
            unique_fields=["office", "raw_key"],
            update_fields=["org_unit", "raw_text"],
        )
    if result.new_programmes:
        Programme.objects.bulk_create(result.new_programmes.values())
    new, changed, header_fields = [], [], set()
    for planned in result.projects:
        action = planned.outcome.action
        strategy = strategies.get(planned.strategy_number) if planned.strategy_number else None
        if action == "created":
            planned.obj = Project(
                plan=plan,
                name_th=planned.incoming.name,
                lead_unit_id=planned.unit_id,
                strategy=strategy,
                updated_by=user,
                **planned.header,
            )
            new.append(planned.obj)
        elif action == "updated":
            obj = planned.existing
            obj.lead_unit_id = planned.unit_id
            if strategy is not None:
                obj.strategy = strategy
            for key, value in planned.header.items():
                setattr(obj, key, value)
                header_fields.add(key)
            obj.version += 1
            obj.updated_at, obj.updated_by = now, user
            planned.obj = obj
            changed.append(obj)
    Project.objects.bulk_create(new)
    if changed:
        fields = {"lead_unit", "strategy", "version", "updated_at", "updated_by", *header_fields}
        Project.objects.bulk_update(changed, sorted(fields))
    rewrite = [p for p in result.projects if p.obj is not None and p.activities is not None]
    reindex = [p for p in result.projects if p.obj is not None and p.indicators is not None]
    replaced = [p.obj.pk for p in rewrite if p.existing is not None]
    if replaced:
        Activity.objects.filter(project_id__in=replaced).delete()
    replaced = [p.obj.pk for p in reindex if p.existing is not None]
    if replaced:
        ProjectIndicator.objects.filter(project_id__in=replaced).delete()
    _write_activities(rewrite)
    _write_narrative([p for p in result.projects if p.obj is not None])
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(
            project_id=p.obj.pk,
            order=i.order,
            result_level=i.result_level,
            measure_type=i.measure_type,
            text_th=i.text,
            comparator=i.comparator,
            target_value=i.target_value,
            target_unit_th=i.unit,
            target_text_th=i.target_text,
            method_th=i.method,
            tool_th=i.tool,
        )
        for p in reindex
        for i in p.indicators
    )
    return plan


def _write_narrative(projects: list[PlannedProject]) -> None:
    """Co-groups, alignments, narrative items and people of the projects whose file rows differ
    (None: leave them): a delete and a bulk insert per table, whatever the number of projects."""
    for attr, through, column in (
        ("co_units", Project.co_units.through, "orgunit_id"),
        ("alignments", Project.alignments.through, "policyitem_id"),
    ):
        todo = [p for p in projects if getattr(p, attr) is not None]
        replaced = [p.obj.pk for p in todo if p.existing is not None]
        if replaced:
            through.objects.filter(project_id__in=replaced).delete()
        through.objects.bulk_create(
            through(project_id=p.obj.pk, **{column: pk}) for p in todo for pk in getattr(p, attr)
        )
    todo = [p for p in projects if p.items is not None]
    replaced = [p.obj.pk for p in todo if p.existing is not None]
    if replaced:
        ProjectItem.objects.filter(project_id__in=replaced).delete()
    ProjectItem.objects.bulk_create(
        ProjectItem(project_id=p.obj.pk, kind=i.kind, order=i.order, text_th=i.text)
        for p in todo
        for i in p.items
    )
    todo = [p for p in projects if p.people is not None]
    replaced = [p.obj.pk for p in todo if p.existing is not None]
    if replaced:
        ProjectPerson.objects.filter(project_id__in=replaced).delete()
    ProjectPerson.objects.bulk_create(
        ProjectPerson(
            project_id=p.obj.pk,
            person_id=x.person_id,
            role=x.role,
            order=x.order,
            name_th=x.name,
            position_th=x.position,
        )
        for p in todo
        for x in p.people
    )


def _write_activities(projects: list[PlannedProject]) -> None:
    """Activities level by level (a child needs its parent's id), then lines, factors, quarters."""
    pending = [(p.obj, a) for p in projects for a in p.activities]
    while pending:
        ready = [(o, a) for o, a in pending if a.parent is None or a.parent.obj is not None]
        if not ready:
            raise RuntimeError("activity parents form a cycle")
        for project, activity in ready:
            activity.obj = Activity(
                project_id=project.pk,
                parent_id=activity.parent.obj.pk if activity.parent else None,
                order=activity.order,
                title_th=activity.title,
                period_th=activity.period,
                responsible_th=activity.responsible,
                steps_th=activity.steps,
                location_th=activity.location,
                target_group_th=activity.target_group,
                months=activity.months,
            )
        Activity.objects.bulk_create([a.obj for _, a in ready])
        done = {id(a) for _, a in ready}
        pending = [(o, a) for o, a in pending if id(a) not in done]
    activities = [a for p in projects for a in p.activities]
    lines = []
    for activity in activities:
        for planned in activity.lines:
            line = BudgetLine(
                activity_id=activity.obj.pk,
                order=planned.order,
                description_th=planned.description,
                category_id=planned.category_id,
                fund_source_id=planned.fund_id,
                plain_amount=planned.plain_amount,
                declared_amount=planned.declared_amount,
                formula_note_th=planned.formula_note,
            )
            lines.append((line, planned.factors))
    budget_services.create_lines(lines)
    QuarterAllocation.objects.bulk_create(
        QuarterAllocation(activity_id=a.obj.pk, quarter=q, amount=value)
        for a in activities
        for q, value in enumerate(a.quarters or (), start=1)
        if value
    )


# --- the one entry point ----------------------------------------------------------------------


def read_file(checked: CheckedFile, categories, funds, year_be: int | None = None) -> Parsed:
    vocab = Vocabulary.build(categories, funds)
    with reader.open_sheets(checked.data, checked.kind) as sheets:
        return parse.parse_sheets(sheets, vocab, year_be)


def run_import(
    *,
    name: str,
    data: bytes,
    office: Office,
    year_be: int,
    mode: str = ImportMode.DRAFT,
    plan_type: str = PlanType.ACTION_PLAN,
    user=None,
    choices: dict[str, int] | None = None,
    commit: bool = False,
    batch: ImportBatch | None = None,
    record: bool = True,
    keep: bool = False,
) -> Report:
    """Check, read and compare a file; with commit=True also write it, all or nothing.

    The preview (commit=False) writes nothing. With `record`, the outcome is kept in an
    ImportBatch (the audit history): a new one, or `batch` when confirming a preview. With
    `keep`, a preview that may be confirmed stores its bytes (store_pending) before the batch is
    recorded; if they cannot be stored the preview is an error, so no batch waits for a file
    that is not there.
    """
    try:
        checked = check_file(name, data)
    except RejectedFile as exc:
        report = Report(file_name=name, sha256=sha256_of(data), size=len(data))
        report.add_error(Issue(Loc(), str(exc)))
        if record:
            _record(
                report,
                office=office,
                year_be=year_be,
                mode=mode,
                user=user,
                batch=batch,
                plan=None,
                plan_type=plan_type,
            )
        return report
    report = Report(
        file_name=checked.name, sha256=checked.sha256, size=checked.size, kind=checked.kind
    )
    categories = list(BudgetCategory.objects.filter(is_active=True))
    funds = list(FundSource.objects.filter(is_active=True))
    try:
        parsed = read_file(checked, categories, funds, year_be)
    except RejectedFile as exc:
        report.add_error(Issue(Loc(), str(exc)))
        if record:
            _record(
                report,
                office=office,
                year_be=year_be,
                mode=mode,
                user=user,
                batch=batch,
                plan=None,
                plan_type=plan_type,
            )
        return report
    report.sheets = parsed.sheets
    if not commit:
        ctx = load_context(
            office=office,
            year_be=year_be,
            mode=mode,
            categories=categories,
            funds=funds,
            plan_type=plan_type,
        )
        Planner(parsed, ctx, report, choices).run()
        if keep and (report.ok or report.group_choices):
            try:
                store_pending(checked.name, data)
            except StorageFull as exc:
                report.add_error(Issue(Loc(), str(exc)))
        if record:
            _record(
                report,
                office=office,
                year_be=year_be,
                mode=mode,
                user=user,
                batch=batch,
                plan=ctx.plan,
                plan_type=plan_type,
            )
        return report
    with _sqlite_batch_limit(), transaction.atomic():
        ctx = load_context(
            office=office,
            year_be=year_be,
            mode=mode,
            categories=categories,
            funds=funds,
            lock=True,
            plan_type=plan_type,
        )
        result = Planner(parsed, ctx, report, choices).run()
        plan = ctx.plan
        if report.ok:
            changing = any(p.outcome.action in {"created", "updated"} for p in result.projects)
            if changing or result.plan_status:
                plan = _write(result, user=user)
            report.committed = True
        if record:
            batch = _record(
                report,
                office=office,
                year_be=year_be,
                mode=mode,
                user=user,
                batch=batch,
                plan=plan,
                plan_type=plan_type,
            )
        if report.committed:
            _record_project_events(result, report, user=user, batch=batch)
    return report


def _record_project_events(result, report: Report, *, user, batch) -> None:
    """One history record per created or updated project, in the import's own transaction."""
    changed = [p.obj for p in result.projects if p.outcome.action in {"created", "updated"}]
    audit.record_bulk(
        changed,
        by=user,
        action=EventAction.IMPORT,
        summary_th=f"นำเข้าจากไฟล์ {report.file_name} (SHA-256 {report.sha256[:12]}…)",
        details={
            "file_sha256": report.sha256,
            "batch": batch.pk if batch else None,
            "counts": report.counts,
        },
    )


def _record(
    report: Report, *, office, year_be, mode, user, batch, plan, plan_type=PlanType.ACTION_PLAN
) -> ImportBatch:
    """Keep the outcome in the audit history (a new batch, or the previewed one on confirm)."""
    if report.committed:
        status = ImportStatus.COMMITTED
    elif report.error_count:
        status = ImportStatus.REJECTED
    else:
        status = ImportStatus.PREVIEWED  # clean, or waiting only for group choices
    values = {
        "office": office,
        "year_be": year_be,
        "plan_type": plan_type,
        "plan": plan,
        "file_name": report.file_name[:255],
        "sha256": report.sha256,
        "size": report.size,
        "kind": report.kind,
        "mode": mode,
        "status": status,
        "counts": report.counts,
        "committed_at": timezone.now() if report.committed else None,
    }
    if batch is None:
        batch = ImportBatch(user=user, **values)
    else:
        for key, value in values.items():
            setattr(batch, key, value)
        batch.user = user or batch.user
    batch.report = report.as_json()
    batch.save()
    report.batch_id = batch.pk
    return batch


# --- pending uploads ------------------------------------------------------------------------------


def pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "pending"


def _suffix(kind: str) -> str:
    """The pending file's suffix by the checked kind (a .txt upload is kept as .csv)."""
    return {"csv": ".csv", "docx": ".docx"}.get(kind, ".xlsx")


def store_pending(checked_name: str, data: bytes) -> str:
    """Keep an upload until it is confirmed, under MEDIA_ROOT (shared by every app instance);
    then forget a few previews abandoned long ago (bounded, so an upload never waits on it)."""
    sha = sha256_of(data)
    suffix = _suffix(check_file_name(checked_name))
    folder = pending_dir()
    path = folder / f"{sha}{suffix}"
    tmp = path.with_suffix(path.suffix + ".part")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.exists():
            os.utime(path)  # in use again: a purge running now leaves it alone
        else:
            try:
                tmp.write_bytes(data)
                tmp.replace(path)
            except BaseException:
                tmp.unlink(missing_ok=True)  # never leave half a file behind
                raise
    except OSError as exc:
        logger.error("keeping an upload for its confirm step failed", exc_info=True)
        raise StorageFull(STORAGE_FULL if disk_full(exc) else STORAGE_FAILED) from exc
    try:
        purge_pending(limit=OPPORTUNISTIC_PURGE_LIMIT)
    except (OSError, DatabaseError):
        logger.warning("purging abandoned import previews failed", exc_info=True)
    return sha


def load_pending(batch: ImportBatch) -> bytes:
    """The bytes previewed for this batch; refused if they are gone or no longer match."""
    path = pending_dir() / f"{batch.sha256}{_suffix(batch.kind)}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused("ไม่พบไฟล์ที่ตรวจไว้ กรุณาอัปโหลดอีกครั้ง") from exc
    if sha256_of(data) != batch.sha256:
        raise ImportRefused("ไฟล์ที่ตรวจไว้ถูกเปลี่ยน กรุณาอัปโหลดอีกครั้ง")
    return data


def discard_pending(batch: ImportBatch) -> None:
    still_needed = ImportBatch.objects.filter(
        sha256=batch.sha256, status=ImportStatus.PREVIEWED
    ).exclude(pk=batch.pk)
    if still_needed.exists():
        return
    (pending_dir() / f"{batch.sha256}{_suffix(batch.kind)}").unlink(missing_ok=True)


OPPORTUNISTIC_PURGE_LIMIT = 20  # previews and files per upload; the cron job takes the rest


@dataclass
class Purged:
    batches: int = 0
    files: int = 0
    size: int = 0


def purge_pending(
    *, older_than: timedelta | None = None, limit: int | None = None, now=None
) -> Purged:
    """Forget import previews nobody confirmed within `older_than` (IMPORT_PENDING_HOURS): their
    ImportBatch rows still "previewed" and the uploaded files no younger preview uses (plus
    half-written `.part` files). Confirmed and rejected batches stay (the import history); so
    does everything younger than the limit. `limit` bounds the rows and the files removed."""
    if older_than is None:
        older_than = timedelta(hours=settings.IMPORT_PENDING_HOURS)
    cutoff = (now or timezone.now()) - older_than
    stale = ImportBatch.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff)
    if limit is not None:  # the state is checked again by the DELETE (a confirm may commit first)
        stale = stale.filter(
            pk__in=list(stale.order_by("created_at").values_list("pk", flat=True)[:limit])
        )
    purged = Purged(batches=stale.delete()[1].get(ImportBatch._meta.label, 0))
    folder = pending_dir()
    if not folder.is_dir():
        return purged
    in_use = set(
        ImportBatch.objects.filter(status=ImportStatus.PREVIEWED).values_list("sha256", flat=True)
    )
    oldest = cutoff.timestamp()
    with os.scandir(folder) as entries:
        for entry in entries:
            if limit is not None and purged.files >= limit:
                break
            if not entry.is_file() or entry.name.split(".", 1)[0] in in_use:
                continue
            try:
                stat = entry.stat()
                if stat.st_mtime >= oldest:
                    continue
                os.unlink(entry.path)
            except FileNotFoundError:  # another instance purged it first
                continue
            purged.files += 1
            purged.size += stat.st_size
    return purged
