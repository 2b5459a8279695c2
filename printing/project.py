"""The project document (เอกสารโครงการ): its context from prefetched rows, its chunk, and its
print source, laid out by printing.renderer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import (
    Plan,
    PolicyItem,
)
from budgets.figures import ActivityFigures, activity_figures, fold_activity_figures
from budgets.models import BudgetCategory
from budgets.money import ZERO
from printing.columns import Column, Fit, fit_columns
from printing.models import OfficePrintSettings
from printing.renderer import (
    RENDERER_VERSION,
    Chunk,
    ChunkCache,
    DocumentInfo,
    PdfError,
    StampPage,
    TocEntry,
    _chunk,
    _hash_chunks,
    _overlay_and_join,
    _render_missing,
    _Renderer,
    _stamp,
    amount,
    chunk_bookmarks,
    localise_digits,
    paragraphs,
    period_text,
    print_settings_for,
)
from projects import frozen as frozen_rows
from projects.audit import numbered
from projects.models import (
    ItemKind,
    Project,
    ProjectPersonRole,
    ProjectStatus,
    SignatureRole,
)
from projects.rollup import plan_projects

CATEGORY_COLUMNS = ("compensation", "services", "materials")  # always printed, in this order
WIDE_TABLE_COLUMNS = 7  # a budget/quarter table with more columns goes on a landscape page

# --- Project document context --------------------------------------------------------------


def print_queryset():
    """Projects with every relation the project document prints (use with plan_projects)."""
    return Project.objects.select_related("programme").prefetch_related(
        "items",
        "people",
        "signatures",
        "indicators",
        "co_units",
        Prefetch("alignments", queryset=PolicyItem.objects.select_related("framework")),
    )


def fetch_project(pk: int) -> Project:
    """One project prefetched for printing (the same queries as one project of a plan)."""
    plan = Plan.objects.select_related("office", "fiscal_year").get(projects=pk)
    return plan_projects(plan, print_queryset().filter(pk=pk), cancelled=True)[0]


@dataclass
class ActivityRow:
    """An activity as a row of the activity, budget, quarter and Gantt tables; a main activity
    (is_group) carries the totals of its sub-activities, which follow it (level 1)."""

    number: str
    title: str
    is_group: bool
    level: int
    steps: list[str]
    cells: dict[str, str]  # the activity table's optional columns: period, location, …
    months: set[int]
    long: bool = False  # taller than half a page: its row may split across pages
    shown: list[str] = field(default_factory=list)  # the optional columns that print
    lines: list[dict] = field(default_factory=list)
    total: str = ""
    categories: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    quarters: list[str] = field(default_factory=list)
    quarter_total: str = ""


def _ordered_activities(project) -> list[tuple[str, object, bool]]:
    """(number, activity, is_group) depth first: "1", "1.1", "1.2", "2" …"""
    ordered = numbered(project.activities.all())
    parents = {activity.parent_id for _, activity in ordered}
    return [(label, activity, activity.pk in parents) for label, activity in ordered]


PORTRAIT_WIDTH_CM = 16.0  # 21 cm - 3 cm left - 2 cm right
LANDSCAPE_WIDTH_CM = 25.7  # 29.7 cm - 2 cm - 2 cm
PORTRAIT_SIZES = (14, 13, 12)  # below 12 pt a table rather goes on a landscape page
AMOUNT_CM = 2.1  # an amount column's width when there is room (a heading word per line)
LONG_ROW_LINES = 24  # a row of more lines than this may split across pages (half a page)

# The activity table's optional columns, printed only when some activity fills them (L14,
# L15), and their widths (cm) by how many of them print; the activity takes the rest.
ACTIVITY_COLUMNS = (
    ("period", "ระยะเวลาดำเนินการ"),
    ("location", "สถานที่"),
    ("target_group", "กลุ่มเป้าหมาย"),
    ("responsible", "ผู้รับผิดชอบ"),
)
ACTIVITY_COLUMN_CM = {0: 0, 1: 3.6, 2: 3.6, 3: 3.0, 4: 2.6}


def fit_table(
    columns: list[Column], columns_portrait_max: int, digits: str, **options
) -> tuple[Fit, bool]:
    """A table's font size and widths, and whether it needs a landscape page: a portrait page
    while it has at most `columns_portrait_max` columns and fits at 12 pt or more. `options`
    go to fit_columns."""
    if len(columns) <= columns_portrait_max:
        try:
            fit = fit_columns(
                columns, PORTRAIT_WIDTH_CM, sizes=PORTRAIT_SIZES, digits=digits, **options
            )
            return fit, False
        except PdfError:
            pass
    return fit_columns(columns, LANDSCAPE_WIDTH_CM, digits=digits, **options), True


def estimated_lines(texts: list[str], chars_per_line: int = 55) -> int:
    """How many printed lines some paragraphs take in a table cell, roughly."""
    return sum(max(1, -(-len(t) // chars_per_line)) for t in texts if t)


def _categories(project, all_categories: list) -> list:
    """The standard three category columns plus any other category the project uses."""
    used = {line.category_id for line in project.all_lines()}
    return [c for c in all_categories if c.code in CATEGORY_COLUMNS or c.pk in used]


def _signature_blocks(project, print_settings) -> list[dict]:
    titles = {
        SignatureRole.PROPOSER: print_settings.proposer_title_th,
        SignatureRole.ENDORSER: print_settings.endorser_title_th,
        SignatureRole.APPROVER: print_settings.approver_title_th,
    }
    signed = {s.role: s for s in project.signatures.all()}
    blocks = []
    for role in (SignatureRole.PROPOSER, SignatureRole.ENDORSER, SignatureRole.APPROVER):
        signature = signed.get(role)
        position = signature.position_th if signature else ""
        blocks.append(
            {
                "role": role.value,
                "title": titles[role],
                "name": signature.name_th if signature else "",
                # The approver's line is the full office-director title, without "ตำแหน่ง".
                "position": position,
                "position_prefix": "" if role == SignatureRole.APPROVER else "ตำแหน่ง ",
            }
        )
    return blocks


def split_label(label: str) -> list[str]:
    """A column heading as runs kept on one line each: "ไตรมาสที่ 1 (ต.ค.-ธ.ค. 65)" wraps
    before the parenthesis only, never inside "(ต.ค.-ธ.ค. 65)"."""
    head, sep, tail = label.partition(" (")
    return [head, f"({tail}"] if sep else [label]


def _activity_rows(project, amounts: dict, columns: list, sources: list) -> list[ActivityRow]:
    rows = []
    for label, activity, is_group in _ordered_activities(project):
        entry = amounts.get(activity.pk) or ActivityFigures()
        steps = activity.steps
        row = ActivityRow(
            number=label,
            title=activity.title_th,
            is_group=is_group,
            level=label.count("."),
            steps=steps,
            cells={
                "period": activity.period_th,
                "location": activity.location_th,
                "target_group": activity.target_group_th,
                "responsible": activity.responsible_th,
            },
            months=set(activity.months or []),
            long=estimated_lines([activity.title_th, *steps]) > LONG_ROW_LINES,
            total=amount(entry.total),
            categories=[amount(entry.by_category.get(c.pk, ZERO)) for c in columns],
            sources=[amount(entry.by_fund.get(s.pk, ZERO)) for s in sources],
            quarters=[amount(q) for q in entry.quarters],
            quarter_total=amount(entry.quarter_total),
        )
        for line in activity.budget_lines.all():
            row.lines.append(
                {
                    "description": line.description_th,
                    "formula": line.formula_text or line.formula_note_th,
                    "amount": amount(line.amount),
                    "categories": [
                        amount(line.amount) if line.category_id == c.pk else "" for c in columns
                    ],
                    "sources": [
                        amount(line.amount) if line.fund_source_id == s.pk else "" for s in sources
                    ],
                }
            )
        rows.append(row)
    return rows


@in_thai
def project_context(
    project, digits: str = "thai", print_settings=None, categories=None, amounts=None
) -> dict:
    """Everything the project document prints, prepared and formatted (no queries when the
    project comes from `plan_projects(plan, print_queryset())` and `categories` and `amounts`
    (budgets.figures.activity_figures of its plan) are given)."""
    plan = project.plan
    office = plan.office
    fiscal_year = plan.fiscal_year
    print_settings = print_settings or OfficePrintSettings(office=office)
    if categories is None:
        categories = list(BudgetCategory.objects.all())
    if amounts is None:
        amounts = activity_figures(project_ids=[project.pk])
    columns = _categories(project, categories)
    sources = list(project.totals_by_fund_source())
    show_sources = len(sources) > 1
    rows = _activity_rows(project, amounts, columns, sources)

    total = project.budget_total()
    by_category = project.totals_by_category()
    by_source = project.totals_by_fund_source()
    budget = {
        "total": amount(total),
        "total_text": amount(total, zero="0"),  # in the sentence: "รวม 0 บาท", never "รวม - บาท"
        "words": thai.bahttext(total),
        "columns": [c.name_th for c in columns],
        "category_totals": [amount(by_category.get(c, ZERO)) for c in columns],
        "show_sources": show_sources,
        "sources": [s.short_th or s.name_th for s in sources],
        "source_totals": [amount(by_source[s]) for s in sources],
        "source_lines": [(s.name_th, amount(by_source[s], zero="0")) for s in sources],
        "allow_reallocation": project.allow_reallocation,
    }
    quarter_labels = fiscal_year.quarter_labels(digits=digits)
    total_label = (
        thai.year_total_label(fiscal_year.year_be, digits=digits) if digits == "thai" else "รวม"
    )
    quarters = {
        "labels": [split_label(label) for label in quarter_labels],
        "total_label": split_label(total_label),
        "totals": [amount(q) for q in project.quarter_totals()],
        "total": amount(project.quarter_plan_total()),
    }
    budget_fit, budget["wide"] = fit_table(
        _budget_columns(rows, budget, show_sources), WIDE_TABLE_COLUMNS, digits
    )
    quarter_fit, quarters["wide"] = fit_table(
        _quarter_columns(rows, budget, quarters, show_sources), WIDE_TABLE_COLUMNS, digits
    )
    shown = [(key, title) for key, title in ACTIVITY_COLUMNS if any(row.cells[key] for row in rows)]
    for row in rows:
        row.shown = [row.cells[key] for key, _ in shown]
    months = [thai.MONTHS_ABBR[m] for _, m in thai.fiscal_months(fiscal_year.year_be)]
    first_ce = thai.be_to_ce(fiscal_year.year_be) - 1

    items = defaultdict(list)
    for item in project.items.all():
        items[item.kind].append(item.text_th)
    indicators = []
    previous_level = None
    for indicator in project.indicators.all():
        indicators.append(
            {
                "level": indicator.get_result_level_display()
                if indicator.result_level != previous_level
                else "",
                "text": indicator.text_th,
                "target": indicator.target_display,
                "method": indicator.method_th,
                "tool": indicator.tool_th,
            }
        )
        previous_level = indicator.result_level

    target_groups = paragraphs(project.target_groups_th)
    part1 = ["rationale", "objectives", "targets"]
    part1 += ["target_groups"] if target_groups else []
    part1 += ["outcomes", "indicators"]
    has_gantt = any(row.months for row in rows)
    part2 = ["activities"] + (["gantt"] if has_gantt else [])
    numbers = {key: str(i) for i, key in enumerate(part1, start=1)}
    numbers |= {key: str(i) for i, key in enumerate(part2, start=1)}
    numbers |= {"estimate": "1", "quarters": "2"}

    people = [p for p in project.people.all() if p.role == ProjectPersonRole.RESPONSIBLE]
    team = [p for p in project.people.all() if p.role == ProjectPersonRole.TEAM]
    extra_cm = ACTIVITY_COLUMN_CM[len(shown)]
    return {
        "project": project,
        "cancelled": project.status == ProjectStatus.CANCELLED,
        "anchor": f"toc-project-{project.pk}",
        "digits": digits,
        "office": office,
        "year_be": fiscal_year.year_be,
        "header": {
            "name": project.name_th,
            "code": project.code,
            "programme": str(project.programme or ""),
            "strategy_label": f"{project.strategy.label if project.strategy else 'กลยุทธ์'} "
            f"{office.short_name_th}",
            "strategy": str(project.strategy or ""),
            "alignments": [f"{a.framework}: {a}" for a in project.alignments.all()],
            "project_type": project.get_project_type_display(),
            "units": ", ".join(
                [project.lead_unit.name_th] + [u.name_th for u in project.co_units.all()]
            ),
            "people": [
                f"{p.name_th} ตำแหน่ง {p.position_th}" if p.position_th else p.name_th
                for p in people
            ],
            "team": [p.name_th for p in team],
            "period": period_text(project.start_date, project.end_date),
            "location": project.location_th,
        },
        "rationale": paragraphs(project.rationale_th),
        "objectives": items[ItemKind.OBJECTIVE],
        "targets_quantitative": items[ItemKind.TARGET_QUANTITATIVE],
        "targets_qualitative": items[ItemKind.TARGET_QUALITATIVE],
        "outcomes": items[ItemKind.EXPECTED_OUTCOME],
        "target_groups": target_groups,
        "n": numbers,
        "indicators": indicators,
        "rows": rows,
        "activity_columns": [
            {"key": key, "title": title, "width": f"{extra_cm:.2f}cm"} for key, title in shown
        ],
        "activity_width": f"{PORTRAIT_WIDTH_CM - extra_cm * len(shown):.2f}cm",
        "has_gantt": has_gantt,
        "gantt_years": [(f"พ.ศ. {first_ce + 543}", 3), (f"พ.ศ. {first_ce + 544}", 9)],
        "months": months,
        "budget_fit": budget_fit,
        "quarter_fit": quarter_fit,
        "budget": budget,
        "quarters": quarters,
        "signatures": _signature_blocks(project, print_settings),
        "sign_line": print_settings.print_sign_line,
    }


def _budget_columns(rows: list[ActivityRow], budget: dict, show_sources: bool) -> list[Column]:
    """ที่ | กิจกรรม/รายการ | งบประมาณ (บาท) | categories … | fund sources …"""
    lines = [line for row in rows for line in row.lines]
    bold = [row.total for row in rows if row.level == 0] + [budget["total"]]
    plain = [row.total for row in rows if row.level > 0] + [ln["amount"] for ln in lines]
    columns = [
        Column(header="ที่", cells=[row.number for row in rows], preferred=0.9),
        Column(header="กิจกรรม/รายการ", flexible=True),
        Column(header="งบประมาณ (บาท)", cells=plain, bold_cells=bold, preferred=AMOUNT_CM),
    ]
    for i, name in enumerate(budget["columns"]):
        columns.append(
            Column(
                header=name,
                cells=[r.categories[i] for r in rows if r.level]
                + [ln["categories"][i] for ln in lines],
                bold_cells=[r.categories[i] for r in rows if not r.level]
                + [budget["category_totals"][i]],
                preferred=AMOUNT_CM,
            )
        )
    if show_sources:
        for i, name in enumerate(budget["sources"]):
            columns.append(
                Column(
                    header=name,
                    cells=[r.sources[i] for r in rows if r.level]
                    + [ln["sources"][i] for ln in lines],
                    bold_cells=[r.sources[i] for r in rows if not r.level]
                    + [budget["source_totals"][i]],
                    preferred=AMOUNT_CM,
                )
            )
    return columns


def _quarter_columns(rows, budget: dict, quarters: dict, show_sources: bool) -> list[Column]:
    """แผนการปฏิบัติงาน (กิจกรรม) | Q1 … Q4 | รวม | fund sources …"""
    columns = [Column(header="แผนการปฏิบัติงาน (กิจกรรม)", flexible=True)]
    for i, label in enumerate(quarters["labels"]):
        columns.append(
            Column(
                header=label,
                cells=[r.quarters[i] for r in rows],
                bold_cells=[quarters["totals"][i]],
                preferred=AMOUNT_CM,
            )
        )
    columns.append(
        Column(
            header=quarters["total_label"],
            cells=[r.quarter_total for r in rows],
            bold_cells=[quarters["total"]],
            preferred=AMOUNT_CM,
        )
    )
    if show_sources:
        for i, name in enumerate(budget["sources"]):
            columns.append(
                Column(
                    header=name,
                    cells=[r.sources[i] for r in rows],
                    bold_cells=[budget["source_totals"][i]],
                    preferred=AMOUNT_CM,
                )
            )
    return columns


def project_chunk(context: dict) -> Chunk:
    header = context["header"]
    name = f"{header['name']} (ยกเลิก)" if context.get("cancelled") else header["name"]
    return _chunk(
        "pdf/project.html",
        context,
        context["digits"],
        toc=[TocEntry(2, f"- {name}", context["anchor"])],
        bookmark=name,
    )


def render_project(project) -> bytes:
    """One project document as PDF bytes (draft watermark unless the project is approved)."""
    return render_project_source(project_source(project))


@in_thai
def project_source(project, *, draft: bool | None = None, frozen: dict | None = None) -> dict:
    """One project document as print-ready data: its final HTML and what the stamp prints
    (templates only, no layout). JSON-able: an approved version (ProjectSnapshot) keeps it,
    so its PDF can be laid out again at any time exactly as it was approved.

    With `frozen` (projects.frozen rows of `project`, with its office's "print_settings"), the
    source keeps those rows and the activity figures instead of the HTML (one query): what an
    approval freezes in its transaction; project_html() renders it later, in the worker."""
    if frozen is not None:
        return _frozen_source(project, frozen, draft=draft)
    project = fetch_project(project.pk)
    office = project.plan.office
    context = project_context(project, office.digit_style, print_settings_for(office))
    return {
        "renderer": RENDERER_VERSION,
        "html": project_chunk(context).html,
        "digits": office.digit_style,
        "title": project.name_th,
        "author": office.name_th,
        # A cancelled project was approved first: its document is marked ยกเลิก, not ร่าง.
        "is_draft": project.status not in {ProjectStatus.APPROVED, ProjectStatus.CANCELLED}
        if draft is None
        else draft,
    }


def _frozen_source(project, rows: dict, *, draft: bool | None) -> dict:
    office = project.plan.office
    settings_rows = rows.get("print_settings") or []
    defaults = OfficePrintSettings(office_id=office.pk)
    settings = (
        settings_rows[0]
        if settings_rows
        else {
            f.attname: f.value_from_object(defaults)
            for f in OfficePrintSettings._meta.concrete_fields
        }
    )
    amounts = fold_activity_figures(rows["figure_line"] + rows["figure_quarter"])
    return {
        "renderer": RENDERER_VERSION,
        "frozen": {k: v for k, v in rows.items() if k != "print_settings"},
        "print_settings": settings,
        "figures": {
            str(pk): {
                "total": str(entry.total),
                "by_category": {str(k): str(v) for k, v in entry.by_category.items()},
                "by_fund": {str(k): str(v) for k, v in entry.by_fund.items()},
                "quarters": [str(q) for q in entry.quarters],
            }
            for pk, entry in amounts.items()
        },
        "digits": office.digit_style,
        "title": project.name_th,
        "author": office.name_th,
        "is_draft": project.status not in {ProjectStatus.APPROVED, ProjectStatus.CANCELLED}
        if draft is None
        else draft,
    }


def _figures(frozen: dict) -> dict[int, ActivityFigures]:
    figures = {}
    for pk, entry in frozen.items():
        figure = ActivityFigures(total=Decimal(entry["total"]))
        figure.by_category.update({int(k): Decimal(v) for k, v in entry["by_category"].items()})
        figure.by_fund.update({int(k): Decimal(v) for k, v in entry["by_fund"].items()})
        figure.quarters = [Decimal(q) for q in entry["quarters"]]
        figures[int(pk)] = figure
    return figures


@in_thai
def project_html(source: dict) -> str:
    """The final HTML of a print source: kept as it is, or rendered from the frozen rows (no
    queries: the rows, print settings and figures are all in the source)."""
    if "html" in source:
        return source["html"]
    project = frozen_rows.thaw(source["frozen"])
    settings = frozen_rows.instance(OfficePrintSettings, source["print_settings"])
    context = project_context(
        project,
        source["digits"],
        settings,
        categories=project.frozen_categories,
        amounts=_figures(source["figures"]),
    )
    return project_chunk(context).html


def render_project_source(source: dict) -> bytes:
    """Lay out a project document from its print source (see project_source)."""
    chunk = Chunk(html=project_html(source))
    renderer = _Renderer()
    _hash_chunks([chunk], renderer.css_text)
    cache = ChunkCache()
    rendered = _render_missing(renderer, [chunk], cache, None, 3)[chunk.key]
    # Page 1 of a document carries no folio (Thai official style); "- ๒ -" from page 2.
    pages = [
        StampPage(str(i + 1) if i else "", land, label=str(i + 1))
        for i, land in enumerate(rendered.landscape)
    ]
    stamp = _stamp(renderer, pages, "", source["is_draft"], source["digits"], cache)
    return _overlay_and_join([rendered], stamp, project_info(source), chunk_bookmarks(rendered, 0))


def project_info(source: dict) -> DocumentInfo:
    """What a project document's PDF says about itself."""
    digits = source["digits"]
    title = localise_digits(f">{source['title']}<", digits)[1:-1]
    return DocumentInfo(
        title=title,
        author=source["author"],
        subject=f"เอกสารโครงการ {title} ของ{source['author']}",
        keywords=["เอกสารโครงการ", "แผนปฏิบัติการประจำปี", source["author"]],
    )
