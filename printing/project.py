"""The project document (เอกสารโครงการ): its context from prefetched rows, its chunk, and its
print source, laid out by printing.renderer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import (
    Plan,
    PolicyItem,
)
from budgets.models import BudgetCategory
from budgets.money import ZERO
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
    return plan_projects(plan, print_queryset().filter(pk=pk))[0]


@dataclass
class ActivityRow:
    """An activity as a row of the activity, budget, quarter and Gantt tables."""

    number: str
    title: str
    is_group: bool
    steps: list[str]
    period: str
    responsible: str
    months: set[int]
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


def column_widths(wide: bool, fixed: list[float | None]) -> list[str]:
    """Explicit <col> widths for a fixed-layout table; None columns share what is left."""
    total = LANDSCAPE_WIDTH_CM if wide else PORTRAIT_WIDTH_CM
    flexible = [w for w in fixed if w is None]
    rest = (total - sum(w for w in fixed if w is not None)) / max(len(flexible), 1)
    if rest < 2.5:
        raise PdfError("ตารางกว้างเกินหน้ากระดาษ")
    return [f"{(w if w is not None else rest):.2f}cm" for w in fixed]


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


@in_thai
def project_context(project, digits: str = "thai", print_settings=None, categories=None) -> dict:
    """Everything the project document prints, prepared and formatted (no queries when the
    project comes from `plan_projects(plan, print_queryset())` and `categories` is given)."""
    plan = project.plan
    office = plan.office
    fiscal_year = plan.fiscal_year
    print_settings = print_settings or OfficePrintSettings(office=office)
    if categories is None:
        categories = list(BudgetCategory.objects.all())
    columns = _categories(project, categories)
    sources = list(project.totals_by_fund_source())
    show_sources = len(sources) > 1

    rows = []
    for label, activity, is_group in _ordered_activities(project):
        row = ActivityRow(
            number=label,
            title=activity.title_th,
            is_group=is_group,
            steps=activity.steps,
            period=activity.period_th,
            responsible=activity.responsible_th,
            months=set(activity.months or []),
        )
        lines = list(activity.budget_lines.all())
        for line in lines:
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
        if not is_group:
            total = activity.budget_total()
            row.total = amount(total)
            row.categories = [
                amount(sum((ln.amount for ln in lines if ln.category_id == c.pk), ZERO))
                for c in columns
            ]
            row.sources = [
                amount(sum((ln.amount for ln in lines if ln.fund_source_id == s.pk), ZERO))
                for s in sources
            ]
            row.quarters = [amount(q) for q in activity.quarter_amounts()]
            row.quarter_total = amount(activity.quarter_total())
        rows.append(row)

    total = project.budget_total()
    by_category = project.totals_by_category()
    by_source = project.totals_by_fund_source()
    budget_columns = 3 + len(columns) + (len(sources) if show_sources else 0)
    quarter_columns = 6 + (len(sources) if show_sources else 0)
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
    return {
        "project": project,
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
        "has_gantt": has_gantt,
        "gantt_years": [(f"พ.ศ. {first_ce + 543}", 3), (f"พ.ศ. {first_ce + 544}", 9)],
        "months": months,
        "budget_widths": column_widths(
            budget_columns > WIDE_TABLE_COLUMNS,
            [0.9, None, 2.1] + [1.9] * (budget_columns - 3),
        ),
        "quarter_widths": column_widths(
            quarter_columns > WIDE_TABLE_COLUMNS, [None] + [2.1] * (quarter_columns - 1)
        ),
        "budget": {
            "total": amount(total, zero="0"),
            "words": thai.bahttext(total),
            "columns": [c.name_th for c in columns],
            "category_totals": [amount(by_category.get(c, ZERO)) for c in columns],
            "show_sources": show_sources,
            "sources": [s.short_th or s.name_th for s in sources],
            "source_totals": [amount(by_source[s]) for s in sources],
            "source_lines": [(s.name_th, amount(by_source[s], zero="0")) for s in sources],
            "allow_reallocation": project.allow_reallocation,
            "wide": budget_columns > WIDE_TABLE_COLUMNS,
        },
        "quarters": {
            "labels": fiscal_year.quarter_labels(digits=digits),
            "total_label": thai.year_total_label(fiscal_year.year_be, digits=digits)
            if digits == "thai"
            else "รวม",
            "totals": [amount(q) for q in project.quarter_totals()],
            "total": amount(project.quarter_plan_total()),
            "wide": quarter_columns > WIDE_TABLE_COLUMNS,
        },
        "signatures": _signature_blocks(project, print_settings),
        "sign_line": print_settings.print_sign_line,
    }


def project_chunk(context: dict) -> Chunk:
    header = context["header"]
    return _chunk(
        "pdf/project.html",
        context,
        context["digits"],
        toc=[TocEntry(2, f"- {header['name']}", context["anchor"])],
        bookmark=header["name"],
    )


def render_project(project) -> bytes:
    """One project document as PDF bytes (draft watermark unless the project is approved)."""
    return render_project_source(project_source(project))


@in_thai
def project_source(project, *, draft: bool | None = None) -> dict:
    """One project document as print-ready data: its final HTML and what the stamp prints
    (templates only, no layout). JSON-able: an approved version (ProjectSnapshot) keeps it,
    so its PDF can be laid out again at any time exactly as it was approved."""
    project = fetch_project(project.pk)
    office = project.plan.office
    context = project_context(project, office.digit_style, print_settings_for(office))
    return {
        "renderer": RENDERER_VERSION,
        "html": project_chunk(context).html,
        "digits": office.digit_style,
        "title": project.name_th,
        "author": office.name_th,
        "is_draft": project.status != ProjectStatus.APPROVED if draft is None else draft,
    }


def render_project_source(source: dict) -> bytes:
    """Lay out a project document from its print source (see project_source)."""
    chunk = Chunk(html=source["html"])
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
