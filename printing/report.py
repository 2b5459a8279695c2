"""The report of a monitoring round (รายงานผลการดำเนินงาน รอบ ๓/๖/๙/๑๒ เดือน) and one project's
report of a round: their context, chunks and print source, laid out by printing.renderer."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date

from django.utils import timezone

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import Plan
from budgets import figures as plan_figures
from budgets.money import ZERO
from monitoring import figures as monitoring
from monitoring.models import ActivityState
from printing.renderer import (
    RENDERER_VERSION,
    Bookmark,
    BookResult,
    Chunk,
    ChunkCache,
    DocumentInfo,
    PdfError,
    Progress,
    StampPage,
    _chunk,
    _hash_chunks,
    _overlay_and_join,
    _render_missing,
    _Renderer,
    _stamp,
    _stylesheet_text,
    amount,
    book_title,
    localise_digits,
    number,
    paragraphs,
)

# --- Quarterly report (รายงานผลการดำเนินงาน รอบ ๓/๖/๙/๑๒ เดือน, issue 7) --------------------


def _pct(value) -> str:
    return f"{value:,.2f}" if value is not None else "-"


def _report_figures(f) -> dict:
    """One row of a report table (monitoring.Figures), formatted for print."""
    return {
        "label": f.label,
        "count": f.count,
        "budget": amount(f.budget, zero="0"),
        "planned": amount(f.planned, zero="0"),
        "actual": amount(f.actual, zero="0"),
        "target": amount(f.target, zero="0") if f.target is not None else "-",
        "pct_of_budget": _pct(f.pct_of_budget),
        "pct_of_plan": _pct(f.pct_of_plan),
        "sent": f.sent,
        "kpis": f"{f.kpis_met}/{f.kpis}",
        "activities": f"{f.activities_done}/{f.activities}",
    }


def _report_project(entry, figures, n: int, position: int) -> dict:
    """One project's part of a round's report (monitoring.ProjectProgress at round n), formatted
    for print: its figures, activities, KPI results, problems and suggestions."""

    project = entry.project
    sent = entry.sent_report(n)
    own = entry.reports.get(n)
    return {
        "number": position,
        "name": project.name_th,
        "unit": project.lead_unit.name_th,
        "figures": _report_figures(figures),
        "status": own.status_label if own else "ยังไม่ได้รายงาน",
        "late": bool(figures.late),
        "source_round": sent.number if sent and sent.number != n else None,
        "reported": sent is not None,
        "activities": [
            {
                "number": a.number,
                "title": a.title,
                "state": str(ActivityState(state).label) if state else "ยังไม่ได้รายงาน",
                "note": note,
                "spent": amount(sum((v for (act, _), v in sent.cells.items() if act == a.pk), ZERO))
                if sent
                else "-",
            }
            for a, state, note in entry.activity_states(n)
        ],
        "kpis": [
            {
                "text": indicator.text_th,
                "target": indicator.target_display,
                "actual": (
                    number(result.actual_value)
                    if result and result.actual_value is not None
                    else (result.actual_text if result else "")
                )
                or "-",
                "pct": _pct(assessment.pct),
                "met": {True: "บรรลุ", False: "ไม่บรรลุ"}.get(assessment.met, "-"),
            }
            for indicator, result, assessment in entry.assessments(n)
        ],
        "problems": paragraphs(sent.problems) if sent else [],
        "suggestions": paragraphs(sent.suggestions) if sent else [],
    }


def as_of_text(current, today: date) -> str:
    """ "ข้อมูล ณ วันที่ …": the day a closed round was closed (its figures no longer change
    after it), else today."""
    day = (
        timezone.localdate(current.closed_at) if current.is_closed and current.closed_at else today
    )
    return thai.format_thai_date(day, digits="arabic")


@in_thai
def report_context(plan, n: int, today: date | None = None) -> dict:
    """รายงานผลการดำเนินงาน of one round as prepared data (a fixed number of queries): the
    plan's figures, per strategy and group, every project's row, then per strategy each
    project's activities, KPI results, problems and suggestions as of the round."""

    plan = (
        Plan.objects.select_related("office", "fiscal_year")
        .prefetch_related("strategies")
        .get(pk=plan.pk)
    )
    today = today or date.today()
    progress = monitoring.load_progress(plan)
    current = progress.round(n)
    now = progress.at(n, today)
    office = plan.office
    sections: dict = {}
    for counter, (entry, figures) in enumerate(
        zip(progress.projects, now["projects"], strict=True), start=1
    ):
        project = entry.project
        key = project.strategy_id
        if key not in sections:
            strategy = project.strategy
            sections[key] = {
                "title": str(strategy) if strategy else "ไม่ระบุกลยุทธ์",
                "anchor": f"toc-report-strategy-{key or 0}",
                "projects": [],
            }
        sections[key]["projects"].append(_report_project(entry, figures, n, counter))
    total = now["total"]
    return {
        "digits": office.digit_style,
        "office": office,
        "plan_title": book_title(plan),
        "title": f"รายงานผลการดำเนินงาน {current.label}",
        "year": plan.fiscal_year.year_be,
        "round": current,
        "as_of": as_of_text(current, today),
        "is_draft": not current.is_closed,
        "total": _report_figures(total),
        "has_targets": progress.targets is not None,
        "missing": total.count - total.sent,
        "strategies": [_report_figures(s) for s in now["strategies"]],
        "groups": [_report_figures(g) for g in now["groups"]],
        "sections": list(sections.values()),
        "strategy_kpis": [
            {
                "strategy": k.indicator.strategy.number,
                "text": k.indicator.text_th,
                "unit": k.indicator.unit_th,
                "target": number(k.target) or "-",
                "actual": number(k.result.actual_value) if k.result else "-",
                "met": {True: "บรรลุ", False: "ไม่บรรลุ"}.get(k.assessment.met, "-"),
            }
            for k in monitoring.strategy_kpis(plan)
        ]
        if n == 4
        else [],
    }


def report_chunks(context: dict) -> list[Chunk]:
    """The summary, then one chunk per strategy's project details (each cached on its own)."""
    digits = context["digits"]
    chunks = [_chunk("pdf/report.html", context, digits, bookmark="สรุปผลการดำเนินงาน")]
    for section in context["sections"]:
        chunks.append(
            _chunk(
                "pdf/report_projects.html",
                {**context, "section": section},
                digits,
                bookmark=section["title"],
            )
        )
    return chunks


@in_thai
def report_source(plan, number: int, today: date | None = None) -> dict:
    """A round's report as print-ready data, like book_source: its chunks' final HTML and what
    the stamp prints (templates only, no layout). Its version key (report_version_key) names
    exactly what it prints, "as of" date included, so an unchanged report is served from its
    finished render and any change of a report, the plan or the round makes a new one."""
    context = report_context(plan, number, today)
    office = context["office"]
    return {
        "renderer": RENDERER_VERSION,
        "chunks": [{"html": c.html, "bookmark": c.bookmark} for c in report_chunks(context)],
        "digits": context["digits"],
        "title": context["title"],
        "author": office.name_th,
        "footer": f"{context['title']} {office.short_name_th}",
        "is_draft": context["is_draft"],
    }


def _report_key(source: dict, chunks: list[Chunk]) -> str:
    digest = hashlib.sha256(f"report|{RENDERER_VERSION}|{source['digits']}".encode())
    digest.update(f"{source['title']}|{source['footer']}|{source['is_draft']}".encode())
    for chunk in chunks:
        digest.update(chunk.key.encode())
    return digest.hexdigest()


def _report_chunks(source: dict) -> list[Chunk]:
    return [Chunk(html=c["html"], bookmark=c["bookmark"]) for c in source["chunks"]]


def report_version_key(source: dict) -> str:
    """Content hash of a round report's print source: equal keys print identical reports."""
    chunks = _report_chunks(source)
    _hash_chunks(chunks, _stylesheet_text())
    return _report_key(source, chunks)


def render_report_source(source: dict, progress: Progress | None = None, cache=None) -> BookResult:
    """Lay out a round's report: cached chunks reused, the rest laid out; folios from page 2,
    the running footer and the draft watermark until the plan administrator closes the round."""
    report = progress or (lambda percent, message: None)
    digits = source["digits"]
    chunks = _report_chunks(source)
    renderer = _Renderer()
    _hash_chunks(chunks, renderer.css_text)
    cache = cache or ChunkCache()
    hits = sum(1 for c in chunks if cache.get(c.key))
    report(5, f"ใช้ส่วนที่จัดหน้าไว้แล้ว {hits} จาก {len(chunks)} ส่วน")
    rendered = _render_missing(renderer, chunks, cache, progress, 3 * len(chunks))
    pages: list[StampPage] = []
    outline = []
    for chunk in chunks:
        title = localise_digits(f">{chunk.bookmark}<", digits)[1:-1]
        outline.append(Bookmark(1, title, len(pages)))
        for land in rendered[chunk.key].landscape:
            number = str(len(pages) + 1)
            pages.append(StampPage(number if pages else "", land, label=number))
    report(94, "กำลังใส่เลขหน้าและรวมไฟล์")
    stamp = _stamp(renderer, pages, source["footer"], source["is_draft"], digits, cache)
    version_key = _report_key(source, chunks)
    title = localise_digits(f">{source['footer']}<", digits)[1:-1]
    info = DocumentInfo(
        title=title,
        author=source["author"],
        subject=f"{title}: ผลการดำเนินงานและการเบิกจ่ายงบประมาณตามแผนปฏิบัติการ",
        keywords=["รายงานผลการดำเนินงาน", "แผนปฏิบัติการประจำปี", source["author"]],
        version_key=version_key,
    )
    data = _overlay_and_join([rendered[c.key] for c in chunks], stamp, info, outline)
    report(100, "เสร็จแล้ว")
    return BookResult(
        pdf=data,
        pages=len(pages),
        version_key=version_key,
        chunks_rendered=len(chunks) - hits,
        chunks_total=len(chunks),
    )


def render_report(plan, number: int, today: date | None = None) -> bytes:
    """The round's report as PDF bytes, laid out now (the web asks tasks.request_report_render,
    which lays it out in the background)."""
    return render_report_source(report_source(plan, number, today)).pdf


# --- One project's report of a round (the lead group prints its own) -------------------------


@in_thai
def project_report_context(project, n: int, today: date | None = None) -> dict:
    """One project's report of round n as prepared data: the round report's figures and
    project part (same rows, same formatting), plus its spending per budget category against
    the approved budget. Watermarked until the report is accepted or the round closed."""

    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=project.plan_id)
    today = today or date.today()
    progress = monitoring.load_progress(plan, project_ids=[project.pk])
    if not progress.projects:
        raise PdfError("โครงการนี้ยังไม่อยู่ในการติดตามผล (ต้องได้รับอนุมัติก่อน)")
    entry = progress.projects[0]
    current = progress.round(n)
    one = progress.project_figures(entry, n, today)
    sent = entry.sent_report(n)
    own = entry.reports.get(n)
    planned, refs, _ = plan_figures.project_figures(project_ids=[project.pk])
    actual: dict = defaultdict(lambda: ZERO)
    for (_, category_id), value in sent.cells.items() if sent else []:
        actual[category_id] += value
    categories = []
    for pk in sorted(
        set(planned[project.pk].by_category) | set(actual),
        key=lambda pk: (progress.categories[pk].order, pk),
    ):
        budget = planned[project.pk].by_category.get(pk, ZERO)
        categories.append(
            {
                "name": progress.categories[pk].name_th,
                "budget": amount(budget, zero="0"),
                "actual": amount(actual[pk], zero="0"),
                "pct": _pct(monitoring.percent(actual[pk], budget)),
            }
        )
    office = plan.office
    return {
        "digits": office.digit_style,
        "office": office,
        "plan_title": book_title(plan),
        "title": f"รายงานผลการดำเนินงานโครงการ {current.label}",
        "year": plan.fiscal_year.year_be,
        "round": current,
        "as_of": as_of_text(current, today),
        "strategy": str(entry.project.strategy) if entry.project.strategy else "ไม่ระบุกลยุทธ์",
        "p": _report_project(entry, one, n, 1),
        "categories": categories,
        "total": _report_figures(one),
        "submitted_at": thai.format_thai_date(timezone.localdate(own.submitted_at), digits="arabic")
        if own and own.submitted_at
        else "",
        "is_draft": not (current.is_closed or (own is not None and own.status == "accepted")),
    }


@in_thai
def render_project_report(project, number: int, today: date | None = None) -> bytes:
    """One project's report of a round as PDF bytes, laid out in the request like a project
    document (one project is a page or two): the plan book's typography, no folio on page 1."""
    context = project_report_context(project, number, today)
    digits = context["digits"]
    chunk = _chunk("pdf/report_project.html", context, digits)
    renderer = _Renderer()
    _hash_chunks([chunk], renderer.css_text)
    cache = ChunkCache()
    rendered = _render_missing(renderer, [chunk], cache, None, 3)[chunk.key]
    pages = [
        StampPage(str(i + 1) if i else "", land, label=str(i + 1))
        for i, land in enumerate(rendered.landscape)
    ]
    footer = f"{context['title']} {context['office'].short_name_th}"
    stamp = _stamp(renderer, pages, footer, context["is_draft"], digits, cache)
    name = localise_digits(f">{context['p']['name']}<", digits)[1:-1]
    heading = localise_digits(f">{context['title']}<", digits)[1:-1]
    info = DocumentInfo(
        title=f"{heading} {name}",
        author=context["office"].name_th,
        subject=f"รายงานผลการดำเนินงานของ{name}",
        keywords=["รายงานผลการดำเนินงาน", "โครงการ", context["office"].name_th],
    )
    return _overlay_and_join([rendered], stamp, info, [])
