"""The plan book (เล่มแผนปฏิบัติการ): its context from prefetched rows, its chunks, its print
source and the layout of the whole book (front matter, stamp) through printing.renderer."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.files.storage import default_storage
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from weasyprint import CSS, HTML

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import (
    DirectionKind,
    OrgUnit,
    PlanStatus,
    PolicyFramework,
    StrategyIndicator,
)
from budgets.figures import activity_figures, summarize
from budgets.models import BudgetCategory, FundSource
from development import services as development_services
from monitoring.rounds import plan_rounds
from printing import parts
from printing.models import OFFICE_SCOPE, CancelledInBook
from printing.project import print_queryset, project_chunk, project_context, split_label
from printing.renderer import (
    CONTENT_PDF,
    FONT_FAMILY,
    RENDERER_VERSION,
    Bookmark,
    BookResult,
    Chunk,
    ChunkCache,
    DocumentInfo,
    PageMarks,
    PdfError,
    Progress,
    RenderedChunk,
    StampPage,
    TocEntry,
    _chunk,
    _hash_chunks,
    _overlay_and_join,
    _render_cached,
    _render_missing,
    _Renderer,
    _stamp,
    _stylesheet_text,
    amount,
    book_title,
    chunk_bookmarks,
    front_folio,
    localise_digits,
    number,
    paragraphs,
    print_settings_for,
    printable,
    watermark_image,
)
from projects.models import ProjectStatus
from projects.rollup import plan_projects

# --- Plan book context ---------------------------------------------------------------------


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def header_grid(rows: list[list[str]]) -> list[list[HeaderCell]]:
    """Header rows typed as a grid (as pasted from a spreadsheet) with spans worked out.

    An empty cell right of a text cell widens it (colspan) and empty cells below a text cell
    lengthen it (rowspan): the layout the seeds' tables print, e.g. "ขนาดโรงเรียน | อำเภอ [3] | รวม".
    """
    if not rows:
        return []
    width = max(len(row) for row in rows)
    grid = [[(row[i] if i < len(row) else "").strip() for i in range(width)] for row in rows]
    taken: set[tuple[int, int]] = set()
    result = []
    for r, row in enumerate(grid):
        cells = []
        for c in range(width):
            if (r, c) in taken:
                continue
            if not row[c]:
                cells.append(HeaderCell(""))
                taken.add((r, c))
                continue
            colspan = 1
            while c + colspan < width and not row[c + colspan] and (r, c + colspan) not in taken:
                colspan += 1
            rowspan = 1
            while r + rowspan < len(grid) and not any(grid[r + rowspan][c : c + colspan]):
                rowspan += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            cells.append(HeaderCell(row[c], colspan, rowspan))
        result.append(cells)
    return result


_NUMERIC_CELL = re.compile(r"^[-+]?\s*[\d๐-๙,.]+%?$|^-$")


def context_table(table) -> dict:
    """A Part-1 table as printed: header grid, body rows with total rows bold, numbers right."""
    header = header_grid(table.header_rows or [])
    width = max(
        [sum(cell.colspan for cell in header[0])] if header else [0],
    )
    width = max([width] + [len(row) for row in table.rows or []])
    body = []
    for row in table.rows or []:
        cells = [str(row[i]).strip() if i < len(row) else "" for i in range(width)]
        body.append(
            {
                "total": cells[0].startswith("รวม") if cells else False,
                "cells": [{"text": t, "num": bool(_NUMERIC_CELL.match(t))} for t in cells],
            }
        )
    return {
        "number": table.number,
        "caption": table.caption_th,
        "header": header,
        "rows": body,
        "note": paragraphs(table.note_th),
        "columns": width,
        "wide": width > 9,
        "anchor": f"toc-table-{table.pk}",
    }


def _strategy_part2(strategy, years: list[int]) -> dict:
    indicators = []
    for indicator in strategy.indicators.all():
        indicators.append(
            {
                "text": indicator.text_th,
                "unit": indicator.unit_th,
                "targets": [number(indicator.target_for(y)) or "-" for y in years],
                "level": indicator.level,
            }
        )
    guidelines = []
    heading = None
    for guideline in strategy.guidelines.all():
        if guideline.heading_th and guideline.heading_th != heading:
            guidelines.append({"heading": guideline.heading_th})
            heading = guideline.heading_th
        guidelines.append({"text": guideline.text_th, "responsible": guideline.responsible_th})
    count = 0
    for row in guidelines:
        if "text" in row:
            count += 1
            row["number"] = count
    return {
        "strategy": strategy,
        "title": str(strategy),
        "anchor": f"toc-direction-strategy-{strategy.pk}",
        "goals": [g.text_th for g in strategy.goals.all()],
        "indicators": indicators,
        "guidelines": guidelines,
    }


@in_thai
def plan_context(plan, scope: str = OFFICE_SCOPE) -> dict:
    """Everything the plan book prints, from a fixed number of queries (prefetched rows).
    A group scope prints only that group's projects, and its totals count only those."""
    office = plan.office
    digits = office.digit_style
    print_settings = print_settings_for(office)
    years = plan.horizon_years
    strategies = list(
        plan.strategies.prefetch_related(
            "goals",
            "guidelines",
            Prefetch("indicators", queryset=StrategyIndicator.objects.prefetch_related("targets")),
        )
    )
    direction = defaultdict(list)
    for item in plan.direction_items.all():
        direction[item.kind].append(item.text_th)
    listed = plan_projects(plan, scope_projects(print_queryset(), scope), cancelled=True)
    projects = [p for p in listed if p.status != ProjectStatus.CANCELLED]
    # Cancelled projects never count; the office chooses whether they still print, marked
    # ยกเลิก with a zero amount, in their strategy's table and as documents (print settings).
    marked = print_settings.cancelled_projects_in_book == CancelledInBook.MARKED
    cancelled = [p for p in listed if p.status == ProjectStatus.CANCELLED] if marked else []
    summary, figures, _ = summarize(plan, projects)
    categories = list(BudgetCategory.objects.all())
    amounts = activity_figures(plan=plan) if print_settings.include_project_documents else {}
    sections, strategy_table = parts.strategy_sections(
        summary,
        {s.pk: s for s in strategies},
        print_settings,
        list(FundSource.objects.all()),
        office,
        figures,
        cancelled=cancelled,
    )
    for section in sections:
        section["projects"] = [
            project_context(p, digits, print_settings, categories, amounts)
            for p in section["ranked"]
        ]
    frameworks = parts.frameworks_in_force(
        PolicyFramework.objects.filter(Q(office__isnull=True) | Q(office=office))
        .filter(is_active=True, kind__in=parts.POLICY_KINDS)
        .prefetch_related("items"),
        plan.fiscal_year.year_be,
    )
    units = OrgUnit.objects.filter(office=office, is_active=True)
    return {
        "plan": plan,
        "office": office,
        "digits": digits,
        "settings": print_settings,
        "scope_label": scope_label(plan, scope),
        "title": book_title(plan),
        "parts": dict(plan.kind.parts),
        "development": development_services.book_context(plan, projects)
        if development_services.has_development_parts(plan)
        else None,
        "is_draft": plan.status != PlanStatus.APPROVED,
        "logo_url": _media_url(plan.logo),
        "foreword": paragraphs(plan.foreword_th),
        "foreword_signatory": (plan.foreword_signatory_th or office.name_th).splitlines(),
        "part1": parts.part1_sections(plan, office, units, _media_url(plan.org_chart)),
        "context_tables": [context_table(t) for t in plan.context_tables.all()],
        "policies": parts.policy_frameworks(frameworks),
        "vision": plan.vision_th.strip(),
        "vision_definitions": parts.vision_definitions(plan.vision_definitions_th),
        "values": plan.values_th.strip(),
        "missions": direction[DirectionKind.MISSION],
        "goals": direction[DirectionKind.GOAL],
        "success_factors": direction[DirectionKind.SUCCESS_FACTOR],
        "years": years,
        "strategies": [_strategy_part2(s, years) for s in strategies],
        "summary": {
            "count": len(projects),
            "total": amount(summary.total),
            "total_text": amount(summary.total, zero="0"),
            "words": thai.bahttext(summary.total),
            "quarters": [amount(q) for q in summary.quarters],
            **parts.budget_summaries(summary),
            "cancelled": len(cancelled),
        },
        "strategy_sections": sections,
        "strategy_table": strategy_table,
        "durations": parts.durations(sections),
        "alignments": parts.alignment_matrices(frameworks, sections, figures, digits),
        "quarter_labels": [
            split_label(label) for label in plan.fiscal_year.quarter_labels(digits=digits)
        ],
        "management": paragraphs(plan.management_th or default_management_text(plan)),
        "calendar": parts.calendar_rows(plan.calendar_rows),
        "rounds": parts.report_rounds(plan_rounds(plan)),
        "months": [thai.MONTHS_ABBR[m] for _, m in thai.fiscal_months(plan.fiscal_year.year_be)],
        "appendices": [
            {
                "title": a.title_th,
                "body": paragraphs(a.body_th),
                "anchor": f"toc-appendix-{a.pk}",
                "file": a.file.name if a.file else "",
            }
            for a in plan.appendices.all()
        ],
    }


def default_management_text(plan) -> str:
    """Part 4 when the plan admin has written none: the standard clauses of the plan's kind
    (actionplan.plan_kinds) and its report rounds."""
    return "\n".join(plan.kind.management(plan))


def _media_url(field) -> str:
    """The file URL of an uploaded picture (cover logo, organisation chart), "" without one."""
    if not field:
        return ""
    try:
        path = Path(field.path).resolve()
    except (ValueError, NotImplementedError):
        return ""
    return path.as_uri() if path.is_file() else ""


def scope_projects(queryset, scope: str):
    """The projects of a render scope (printing.models.render_scope): every project for
    "office", else those a group role of unit <id> sees; the same rule as
    ProjectQuerySet.visible_to (a test holds them equal)."""
    if scope == OFFICE_SCOPE:
        return queryset
    kind, _, unit = scope.partition(":")
    if kind != "unit" or not unit.isdigit() or unit == "0":
        return queryset.none()
    unit_id = int(unit)
    return queryset.filter(Q(lead_unit_id=unit_id) | Q(co_units=unit_id)).distinct()


def scope_label(plan, scope: str) -> str:
    """What the cover of a group's extract of the book says it is ("" for the whole book)."""
    if scope == OFFICE_SCOPE:
        return ""
    unit = OrgUnit.objects.filter(office_id=plan.office_id, pk=scope.partition(":")[2] or 0)
    name = unit.values_list("name_th", flat=True).first() or ""
    return f"ฉบับเฉพาะโครงการของ{name}" if name else "ฉบับเฉพาะโครงการที่ท่านเข้าถึงได้"


DEVELOPMENT_SECTIONS = [
    ("needs", "ผลการสำรวจความต้องการในการพัฒนา"),
    ("targets", "กลุ่มเป้าหมายการพัฒนา"),
    ("methods", "รูปแบบการพัฒนา"),
    ("staff", "สถิติบุคลากรจำแนกตามตำแหน่งและวิทยฐานะ"),
]


@dataclass
class FileChunk:
    """An uploaded PDF placed into the book page for page (a signed appendix): its pages are
    counted in the contents and stamped like the laid-out ones. `key` changes with the file."""

    file: str  # storage name under MEDIA_ROOT
    toc: list[TocEntry] = field(default_factory=list)
    bookmark: str = ""
    key: str = ""


def plan_chunks(context: dict) -> list[Chunk | FileChunk]:
    """The body of the book, in order; each chunk starts a new page."""
    digits = context["digits"]
    settings_ = context["settings"]
    kind = context["plan"].kind
    parts, marks = kind.parts, kind.marks
    chunks: list[Chunk | FileChunk] = []
    if settings_.include_context:
        toc = [TocEntry(0, f"ส่วนที่ 1 {parts['1']}", "toc-part-1")]
        toc += [TocEntry(1, f"{s['number']}. {s['title']}", s["anchor"]) for s in context["part1"]]
        toc += [
            TocEntry(1, f"ตารางที่ {t['number']} {t['caption']}", t["anchor"])
            for t in context["context_tables"]
        ]
        chunks.append(_chunk("pdf/part1.html", context, digits, toc, f"ส่วนที่ 1 {marks['1']}"))
        if context.get("development"):  # the teacher plan's survey, targets, methods, staff
            toc = [
                TocEntry(1, title, f"toc-development-{key}")
                for key, title in DEVELOPMENT_SECTIONS
                if context["development"][key]
            ]
            chunks.append(_chunk("pdf/development.html", context, digits, toc, "ข้อมูลการพัฒนาบุคลากร"))
    if settings_.include_direction:
        toc = [TocEntry(0, f"ส่วนที่ 2 {parts['2']}", "toc-part-2")]
        toc += [TocEntry(1, f["title"], f["anchor"]) for f in context["policies"]]
        for key, title in (
            ("vision", "วิสัยทัศน์ (Vision)"),
            ("missions", "พันธกิจ (Mission)"),
            ("goals", "เป้าประสงค์ (Goals)"),
            ("values", "ค่านิยม (Values)"),
            ("success_factors", "ปัจจัยแห่งความสำเร็จ"),
        ):
            if context[key]:
                toc.append(TocEntry(1, title, f"toc-direction-{key}"))
        toc += [TocEntry(1, s["title"], s["anchor"]) for s in context["strategies"]]
        chunks.append(_chunk("pdf/part2.html", context, digits, toc, f"ส่วนที่ 2 {marks['2']}"))
    if settings_.include_projects:
        # The budget summaries, every strategy's project table, the duration table and the
        # policy alignment flow in one chunk (a strategy with no project needs no page of its
        # own); the project documents follow, strategy by strategy, and the contents lists
        # each under its strategy.
        toc = [
            TocEntry(0, f"ส่วนที่ 3 {parts['3']}", "toc-part-3"),
            TocEntry(1, "สรุปงบประมาณ", "toc-summary"),
        ]
        if context["durations"]:
            toc.append(TocEntry(1, "ระยะเวลาในการดำเนินการโครงการ", "toc-durations"))
        toc += [
            TocEntry(1, f"ความสอดคล้องกับ{m['title']}", m["anchor"]) for m in context["alignments"]
        ]
        projects = []
        for section in context["strategy_sections"]:
            toc.append(TocEntry(1, section["title"], section["anchor"]))
            if settings_.include_project_documents:
                for project in section["projects"]:
                    chunk = project_chunk(project)
                    toc += chunk.toc
                    chunk.toc = []
                    projects.append(chunk)
        part3 = _chunk("pdf/part3.html", context, digits, [], f"ส่วนที่ 3 {marks['3']}")
        part3.toc = toc
        chunks.append(part3)
        chunks += projects
    if settings_.include_management:
        toc = [TocEntry(0, f"ส่วนที่ 4 {marks['4-contents']}", "toc-part-4")]
        if context["calendar"]:
            toc.append(TocEntry(1, "ปฏิทินการดำเนินงาน", "toc-calendar"))
        toc.append(TocEntry(1, "รอบการรายงานผลการดำเนินงาน", "toc-rounds"))
        chunks.append(_chunk("pdf/part4.html", context, digits, toc, f"ส่วนที่ 4 {marks['4']}"))
    if settings_.include_appendices and context["appendices"]:
        toc = [TocEntry(0, "ภาคผนวก", "toc-appendices")]
        chunks.append(_chunk("pdf/appendices.html", context, digits, toc, "ภาคผนวก"))
        for appendix in context["appendices"]:
            entry = [TocEntry(1, appendix["title"], appendix["anchor"])]
            if appendix["file"]:
                chunks.append(FileChunk(appendix["file"], entry, appendix["title"]))
            else:
                chunks.append(
                    _chunk("pdf/appendix.html", {"a": appendix}, digits, entry, appendix["title"])
                )
    return chunks


def appendix_pdfs(chunks: list[Chunk | FileChunk]) -> list[FileChunk]:
    """The uploaded appendix PDFs of a book, in the order their pages go into it."""
    return [c for c in chunks if isinstance(c, FileChunk)]


def _appendix_path(name: str) -> Path:
    """Where an appendix PDF is: under MEDIA_ROOT only (the source names it; never elsewhere)."""
    root = Path(default_storage.location).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise PdfError(f"ไม่พบไฟล์ภาคผนวก {name} กรุณาอัปโหลดใหม่")
    return path


def _hash_files(chunks: list[FileChunk]) -> None:
    """A file chunk's key: its name, size and modification time (a re-uploaded file has a new
    name; reading every byte on each page view is not needed to see a change)."""
    for chunk in chunks:
        try:
            stat = _appendix_path(chunk.file).stat()
            stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
        except (PdfError, OSError):  # gone: the render says so in Thai, the pages still open
            stamp = "missing"
        chunk.key = hashlib.sha256(f"file:{chunk.file}:{stamp}".encode()).hexdigest()


def _hash_all(chunks: list[Chunk | FileChunk], css_text: str) -> None:
    _hash_chunks([c for c in chunks if isinstance(c, Chunk)], css_text)
    _hash_files(appendix_pdfs(chunks))


def _file_part(chunk: FileChunk) -> RenderedChunk:
    """An appendix PDF as a laid-out part: all its pages, its contents entries on the first."""
    path = _appendix_path(chunk.file)
    try:
        pages = PdfReader(str(path)).pages
        landscape = [float(p.mediabox.width) > float(p.mediabox.height) for p in pages]
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise PdfError(f"อ่านไฟล์ภาคผนวก {chunk.file} ไม่ได้") from exc
    anchors = {entry.anchor: 0 for entry in chunk.toc}
    return RenderedChunk(path, len(landscape), anchors, landscape, 0)


# --- The book: print source, version key, layout ---------------------------------------------


def plan_version_key(plan, context: dict | None = None, *, scope: str = OFFICE_SCOPE) -> str:
    """Content hash of a plan book (of what `scope` sees): equal keys print identical books
    (used as cache key)."""
    return source_version_key(book_source(plan, context, scope=scope))


def source_version_key(source: dict) -> str:
    """Content hash of a book's print source (see book_source)."""
    chunks = _source_chunks(source)
    _hash_all(chunks, _stylesheet_text())
    return _book_key(source, chunks)


def _book_key(source: dict, chunks: list[Chunk]) -> str:
    front = render_to_string("pdf/front.html", _front_context(source["front"], [], {}, "probe"))
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    digest.update(front.encode())
    digest.update(str(source["is_draft"]).encode())
    # What the stamp and the metadata print (absent from sources frozen before them).
    extra = [source.get("footer"), source.get("subject"), source.get("keywords")]
    digest.update(json.dumps(extra, ensure_ascii=False).encode())
    for chunk in chunks:
        digest.update(chunk.key.encode())
    return digest.hexdigest()


def _front_context(front: dict, toc: list, labels: dict, mode: str) -> dict:
    return {**front, "toc": toc, "labels": labels, "mode": mode}


def _front_source(context: dict) -> dict:
    """What the cover, foreword and contents print, as plain data."""
    office = context["office"]
    scoped = {"scope_label": context["scope_label"]} if context.get("scope_label") else {}
    return {
        **scoped,  # only in a group's extract: the whole book's source keeps its shape
        "title": context["title"],
        "logo_url": context["logo_url"],
        "office": {
            "name_th": office.name_th,
            "parent_agency_th": office.parent_agency_th,
            "ministry_th": office.ministry_th,
        },
        "foreword": [{"text": p.text, "indent": p.indent} for p in context["foreword"]],
        "foreword_signatory": list(context["foreword_signatory"]),
    }


@in_thai
def book_source(
    plan, context: dict | None = None, *, draft: bool | None = None, scope: str = OFFICE_SCOPE
) -> dict:
    """The plan book as print-ready data: every chunk's final HTML, the front matter's texts
    and the stamp's footer (templates only, no layout). JSON-able: a plan approval keeps it,
    so its official book can be laid out again at any time exactly as it was approved.
    `scope`: whose view of the plan (a group's extract holds only that group's projects)."""
    context = context or plan_context(plan, scope)
    office = context["office"]
    return {
        "renderer": RENDERER_VERSION,
        "digits": context["digits"],
        "title": context["title"],
        "author": office.name_th,
        "footer": f"{context['title']} {office.short_name_th}",
        # The PDF's Subject and Keywords (its information and XMP metadata).
        "subject": (
            f"{context['title']} ของ{office.name_th}: ทิศทางการพัฒนา กลยุทธ์ และโครงการ "
            f"{context['summary']['count']} โครงการ งบประมาณรวม {context['summary']['total']} บาท"
        ),
        "keywords": [
            "แผนปฏิบัติการประจำปี",
            f"ปีงบประมาณ พ.ศ. {context['plan'].fiscal_year.year_be}",
            office.name_th,
            office.short_name_th,
            "โครงการ",
            "งบประมาณ",
        ],
        "is_draft": context["is_draft"] if draft is None else draft,
        "front": _front_source(context),
        "chunks": [
            {
                **({"file": c.file} if isinstance(c, FileChunk) else {"html": c.html}),
                "toc": [[e.level, e.title, e.anchor] for e in c.toc],
                "bookmark": c.bookmark,
            }
            for c in plan_chunks(context)
        ],
    }


def _source_chunks(source: dict) -> list[Chunk | FileChunk]:
    return [
        FileChunk(c["file"], [TocEntry(*e) for e in c["toc"]], c["bookmark"])
        if "file" in c
        else Chunk(html=c["html"], toc=[TocEntry(*e) for e in c["toc"]], bookmark=c["bookmark"])
        for c in source["chunks"]
    ]


def render_plan(plan, progress: Progress | None = None, cache: ChunkCache | None = None):
    """The plan book as PDF bytes (see render_plan_book for the page count and cache use)."""
    return render_plan_book(plan, progress=progress, cache=cache).pdf


def render_plan_book(
    plan, progress: Progress | None = None, cache=None, *, scope: str = OFFICE_SCOPE
) -> BookResult:
    """Render the plan book (of what `scope` sees) from live rows (see render_book)."""
    (progress or (lambda percent, message: None))(1, "กำลังรวบรวมข้อมูลแผน")
    return render_book(book_source(plan, scope=scope), progress=progress, cache=cache)


def render_book(
    source: dict, progress: Progress | None = None, cache=None, *, archival: bool = False
) -> BookResult:
    """Lay out a book's print source: cached chunks reused, the rest laid out, front matter,
    stamp. The source is a live plan's (book_source) or the one an approval froze. Tagged
    PDF/UA-1 always; `archival` (an approval's official book) makes it PDF/A-3b as well."""
    report = progress or (lambda percent, message: None)
    digits = source["digits"]
    chunks = _source_chunks(source)
    renderer = _Renderer()
    _hash_all(chunks, renderer.css_text)
    version_key = _book_key(source, chunks)
    cache = cache or ChunkCache()
    # A finished book is cached under its content (what _book_key names, the contents' entries
    # and the kind of file): the same source joined again gives the same bytes.
    toc = [c["toc"] for c in source["chunks"]]
    finished = hashlib.sha256(
        json.dumps(["book", version_key, toc, archival], ensure_ascii=False).encode()
    ).hexdigest()
    done = cache.get(finished)
    if done:
        report(100, "เสร็จแล้ว (ไม่มีส่วนใดเปลี่ยน)")
        return BookResult(done.path.read_bytes(), done.pages, version_key, 0, len(chunks))
    laid_out = [c for c in chunks if isinstance(c, Chunk)]  # uploaded appendix PDFs are not
    known = {c.key: cache.get(c.key) for c in laid_out}
    hits = sum(1 for c in laid_out if known[c.key])
    report(5, f"ใช้ส่วนที่จัดหน้าไว้แล้ว {hits} จาก {len(laid_out)} ส่วน")
    expected = sum(known[c.key].pages if known[c.key] else 4 for c in laid_out)
    rendered = _render_missing(renderer, laid_out, cache, progress, expected)
    rendered |= {c.key: _file_part(c) for c in appendix_pdfs(chunks)}

    # Body page numbers: chunk by chunk, from the cached page counts and anchors.
    body_pages: list[StampPage] = []
    starts = []
    anchor_pages: dict[str, int] = {}
    anchor_chunk: dict[str, int] = {}
    for index, chunk in enumerate(chunks):
        done = rendered[chunk.key]
        start = len(body_pages) + 1
        starts.append(start)
        for name, offset in done.anchors.items():
            anchor_pages.setdefault(name, start + offset)
            anchor_chunk.setdefault(name, index)
        body_pages += [StampPage(str(start + i), land) for i, land in enumerate(done.landscape)]
    toc = [
        {"level": e.level, "title": e.title, "page": str(anchor_pages.get(e.anchor, ""))}
        for chunk in chunks
        for e in chunk.toc
    ]

    report(88, "กำลังจัดทำปก คำนำ และสารบัญ")
    front_pdf, front_pages, labels = _render_front(renderer, source, toc, cache)
    outline = _outline(front_pdf, len(front_pages), chunks, rendered, starts, anchor_chunk)
    outline = [replace(b, title=localise_digits(f">{b.title}<", digits)[1:-1]) for b in outline]

    report(94, "กำลังใส่เลขหน้าและรวมไฟล์")
    stamp_pages = front_pages + body_pages
    stamp = _stamp(renderer, stamp_pages, source["footer"], source["is_draft"], digits, cache)
    parts = [front_pdf] + [rendered[c.key] for c in chunks]
    pdf = _overlay_and_join(parts, stamp, book_info(source, version_key, archival), outline)
    cache.put(finished, cache.put_batch(pdf), 0, PageMarks({}, {}, [], [False] * len(stamp_pages)))
    report(100, "เสร็จแล้ว")
    return BookResult(
        pdf=pdf,
        pages=len(stamp_pages),
        version_key=version_key,
        chunks_rendered=len(laid_out) - hits,
        chunks_total=len(laid_out),
    )


def book_info(source: dict, version_key: str, archival: bool = False) -> DocumentInfo:
    """What the book's PDF says about itself: its title as the running footer prints it
    ("แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. ๒๕๖๖ สพป.พัทลุง เขต ๒"), the office, a Thai
    description and keywords (sources frozen before they were kept get them from the title)."""
    digits = source["digits"]

    def local(text: str) -> str:
        return localise_digits(f">{text}<", digits)[1:-1]

    title = source["footer"]
    if source["front"].get("scope_label"):
        title = f"{title} {source['front']['scope_label']}"
    subject = source.get("subject") or f"{source['title']} ของ{source['author']}"
    keywords = source.get("keywords") or ["แผนปฏิบัติการ", source["title"], source["author"]]
    return DocumentInfo(
        title=local(title),
        author=source["author"],
        subject=local(subject),
        keywords=[local(k) for k in keywords if k],
        version_key=version_key,
        archival=archival,
    )


def _outline(front, front_count, chunks, rendered, starts, anchor_chunk) -> list[Bookmark]:
    """The bookmarks: คำนำ and สารบัญ, then the contents' entries as a tree (part → its
    sections or strategies → projects), each chunk's own CSS bookmarks (a project document's
    numbered sections, bookmark-level in print.css) nested under the entry that opens it."""
    marks = [
        Bookmark(1, title, front.anchors[anchor], front.tops.get(anchor, 0))
        for anchor, title in (("toc-foreword", "คำนำ"), ("toc-contents", "สารบัญ"))
        if anchor in front.anchors
    ]
    placed: set[int] = set()
    for chunk in chunks:
        for entry in chunk.toc:
            index = anchor_chunk.get(entry.anchor)
            if index is None:
                continue
            done = rendered[chunks[index].key]
            first = front_count + starts[index] - 1
            page = first + done.anchors[entry.anchor]
            top = done.tops.get(entry.anchor, 0)
            marks.append(Bookmark(entry.level + 1, entry.title.lstrip("- "), page, top))
            if index not in placed and done.bookmarks:
                placed.add(index)
                # A project's sections start closed: the book lists a hundred projects.
                nested = chunk_bookmarks(done, first, entry.level + 1)
                marks += [replace(b, closed=True) for b in nested]
    return marks


def _render_front(renderer: _Renderer, source: dict, toc: list[dict], cache: ChunkCache):
    """Cover, foreword and contents; folios ก, ข … (re-rendered once if the contents grow)."""
    front = source["front"]
    labels = {"foreword": front_folio(0), "contents": front_folio(1 if front["foreword"] else 0)}
    for _attempt in range(3):
        html = render_to_string("pdf/front.html", _front_context(front, toc, labels, "numbers"))
        done = _render_cached(renderer, cache, localise_digits(printable(html), source["digits"]))
        # The cover (page 0) carries no folio; page i carries the i-th Thai letter.
        pages = [
            StampPage(front_folio(i - 1) if i else "", land, label="" if i else "ปก")
            for i, land in enumerate(done.landscape)
        ]
        found = {
            key: front_folio(done.anchors[f"toc-{key}"] - 1)
            for key in labels
            if done.anchors.get(f"toc-{key}")
        }
        if all(found.get(k, labels[k]) == labels[k] for k in labels):
            break
        labels.update(found)
    return done, pages, labels


def single_pass_html(source: dict) -> tuple[str, str]:
    """The same book as ONE WeasyPrint document, (HTML, extra CSS): folios and footer in @page
    margin boxes, the watermark a position:fixed picture, the contents by target-counter().
    No cache and no stamp: the floor bench/pdf_bench.py compares render_book() against."""
    digits = source["digits"]
    toc = [
        {"level": level, "title": title, "anchor": anchor}
        for chunk in source["chunks"]
        for level, title, anchor in chunk["toc"]
    ]
    front = render_to_string("pdf/front.html", _front_context(source["front"], toc, {}, "counters"))
    body = "".join(
        f'<section class="chunk">{c["html"]}</section>' for c in source["chunks"] if "html" in c
    )  # uploaded appendix PDFs are not WeasyPrint's work
    watermark = ""
    if source["is_draft"]:
        watermark = (
            f'<img src="{watermark_image().as_uri()}" alt="ฉบับร่าง" style="position: fixed; '
            'top: 9cm; left: 0; width: 15cm; transform: rotate(-40deg); z-index: -1">'
        )
    footer = localise_digits(f">{source['footer']}<", digits)[1:-1]
    counter = "thai" if digits == "thai" else "decimal"
    css = (
        "@page { "
        f"@top-center {{ content: '- ' counter(page, {counter}) ' -'; "
        f"font-family: {FONT_FAMILY}; font-size: 16pt; }} "
        f"@bottom-left {{ content: '{footer}'; font-family: {FONT_FAMILY}; "
        "font-size: 12pt; color: #444; border-top: 0.4pt solid #888; } }"
    )
    html = (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>{footer}</title>'
        f"</head><body>{watermark}{localise_digits(front, digits)}{body}</body></html>"
    )
    return html, css


def render_plan_single_pass(plan) -> bytes:
    """The plan's book as one WeasyPrint document, tagged like render_book's (single_pass_html)."""
    html, css = single_pass_html(book_source(plan))
    renderer = _Renderer()
    extra = CSS(string=css, font_config=renderer.font_config)
    return HTML(string=html, url_fetcher=renderer.fetcher, base_url="file:///").write_pdf(
        stylesheets=[renderer.css, extra], font_config=renderer.font_config, **CONTENT_PDF
    )
