"""Official Thai PDFs: the plan book and the project document. The only module importing WeasyPrint.

How a book is made (docs/decisions/pdf-rendering.md):

1. `plan_context()` / `project_context()` turn prefetched rows into prepared, formatted data
   (a fixed number of queries whatever the plan's size).
2. Templates under templates/pdf/ turn it into HTML *chunks*: part 1, part 2, the part-3
   overview, one per strategy summary, one per project document, part 4, appendices. Every
   chunk starts on a new page and prints no page number, so its pages do not depend on where
   it lands in the book.
3. Each chunk is cached as its own PDF under the SHA-256 of its HTML; only the chunks that
   changed are laid out again (in batches, one WeasyPrint document per batch).
4. The front matter (cover, foreword, contents) is rendered last, with the page numbers that
   the cached chunks' page counts and anchors give.
5. A *stamp* document carries what depends on the page's position: the folio ("- ๑๒ -"),
   the running footer and the draft watermark. pypdf overlays it on every page and joins the
   parts into the returned bytes.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import mimetypes
import os
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    StreamObject,
)
from weasyprint import CSS, HTML
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.models import (
    OFFICE_SCOPE,
    DirectionKind,
    OfficePrintSettings,
    OrgUnit,
    Plan,
    PlanStatus,
    PlanType,
    PolicyItem,
    StrategyIndicator,
)
from budgets.figures import summarize
from budgets.models import BudgetCategory
from budgets.money import ZERO
from projects.audit import numbered
from projects.models import (
    ItemKind,
    Project,
    ProjectPersonRole,
    ProjectStatus,
    SignatureRole,
)
from projects.rollup import plan_projects, strategy_sentence

logger = logging.getLogger(__name__)

# Bump when templates or CSS change in a way the chunk HTML does not show (it is hashed anyway).
RENDERER_VERSION = "pdf-6"
FONT_DIR = "fonts/thsarabunpsk"
FONT_FILES = {
    ("normal", "normal"): "THSarabun-Regular.ttf",
    ("bold", "normal"): "THSarabun-Bold.ttf",
    ("normal", "italic"): "THSarabun-Italic.ttf",
    ("bold", "italic"): "THSarabun-Bold-Italic.ttf",
}
FONT_FAMILY = "GovSarabun"  # private name: fontconfig maps "TH Sarabun*" to a scaled Laksaman
# Thai letters used as front-matter folios (ก ข ค …), without the obsolete ฃ and ฅ.
THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"
CATEGORY_COLUMNS = ("compensation", "services", "materials")  # always printed, in this order
BATCH_PAGES = 120  # pages laid out per WeasyPrint document: bounds memory (~2 MB a page)
WIDE_TABLE_COLUMNS = 7  # a budget/quarter table with more columns goes on a landscape page

Progress = Callable[[int, str], None]


class PdfError(Exception):
    """A document could not be rendered (the message is Thai and shown to the user)."""


# --- Local-only resources ------------------------------------------------------------------


def allowed_roots() -> list[Path]:
    """Directories a document may load files from: the static dirs and MEDIA_ROOT (logos)."""
    roots = [Path(d) for d in getattr(settings, "STATICFILES_DIRS", [])]
    roots += [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT), cache_root()]
    return [root.resolve() for root in roots]


class LocalFileFetcher(URLFetcher):
    """Serves file:// URLs under the allowed roots and refuses everything else (no network).

    A refused or missing resource stops the render (fail_on_errors): a font that silently
    falls back prints the wrong glyphs, and a PDF must never fetch anything from outside.
    """

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(fail_on_errors=True)
        self.roots = roots if roots is not None else allowed_roots()

    def local_path(self, url: str) -> Path:
        """The file a URL names, or PermissionError when it is not an allowed local file."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise PermissionError(f"refused non-local URL: {url[:200]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise PermissionError(f"refused file outside static/media: {path}")
        if not path.is_file():
            raise FileNotFoundError(str(path))
        return path

    def fetch(self, url, headers=None):
        path = self.local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def font_faces() -> list[dict]:
    """The four vendored TH SarabunPSK styles as @font-face data (absolute file URLs)."""
    faces = []
    for (weight, style), name in FONT_FILES.items():
        found = finders.find(f"{FONT_DIR}/{name}")
        path = Path(found) if found else Path(settings.STATIC_ROOT) / FONT_DIR / name
        if not path.is_file():
            raise PdfError(f"ไม่พบไฟล์ฟอนต์ {name} (static/{FONT_DIR})")
        faces.append({"weight": weight, "style": style, "url": path.resolve().as_uri()})
    return faces


# --- Formatting ----------------------------------------------------------------------------

_TEXT_NODE = re.compile(r">([^<]+)<")
_DIGIT_OR_ENTITY = re.compile(r"&#?\w+;|[0-9๐-๙]")
_TO_THAI = str.maketrans(thai.ARABIC_DIGITS, thai.THAI_DIGITS)
_TO_ARABIC = str.maketrans(thai.THAI_DIGITS, thai.ARABIC_DIGITS)


def localise_digits(html: str, digits: str) -> str:
    """Every digit of the text (never of tags, attributes or entities) in the office's style.

    One pass at the end guarantees a document is never mixed (domain.md §6.1), whatever the
    user typed: "พ.ศ. 2560" prints "พ.ศ. ๒๕๖๐" in a Thai-digit document and "๒๕๖๐" prints
    "2560" in an Arabic-digit one.
    """
    table = _TO_THAI if digits == "thai" else _TO_ARABIC

    def digit(match: re.Match) -> str:
        token = match.group()
        return token if len(token) > 1 else token.translate(table)

    return _TEXT_NODE.sub(lambda m: ">" + _DIGIT_OR_ENTITY.sub(digit, m.group(1)) + "<", html)


def amount(value, zero: str = "-") -> str:
    """Baht for a table cell: "6,820", "1,234.50" when there are satang; zero prints `zero`."""
    value = Decimal(value or 0)
    decimals = 0 if value == value.to_integral_value() else 2
    return thai.format_money(value, digits="arabic", decimals=decimals, zero=zero)


def number(value) -> str:
    """A KPI value without trailing zeros: 80, 72.5."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def period_text(start: date | None, end: date | None) -> str:
    """ "เมษายน 2566" for a whole month, "ตุลาคม 2565 - กันยายน 2566" for whole months, else dates."""
    if not start:
        return ""
    end = end or start
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_months:
        first = thai.format_month_year(start.year, start.month, digits="arabic")
        if (start.year, start.month) == (end.year, end.month):
            return first
        return f"{first} - {thai.format_month_year(end.year, end.month, digits='arabic')}"
    if start == end:
        return thai.format_thai_date(start, digits="arabic")
    return (
        f"{thai.format_thai_date(start, digits='arabic')} - "
        f"{thai.format_thai_date(end, digits='arabic')}"
    )


@dataclass
class Paragraph:
    text: str
    indent: bool


_LIST_START = re.compile(r"^\s*(?:[\d๐-๙]+[.)]|[-•●▶·]|\([ก-ฮ\d๐-๙]+\)|[ก-ฮ][.)])")


def paragraphs(text: str) -> list[Paragraph]:
    """Free text as printed paragraphs: a line per paragraph; numbered lines get no indent."""
    return [
        Paragraph(line.strip(), not _LIST_START.match(line))
        for line in (text or "").splitlines()
        if line.strip()
    ]


def book_title(plan) -> str:
    """ "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2566" as printed on the cover and the footer."""
    year = plan.fiscal_year.year_be
    if plan.title_th:
        base = plan.title_th.strip()
        return base if "ปีงบประมาณ" in base else f"{base} ประจำปีงบประมาณ พ.ศ. {year}"
    if plan.plan_type == PlanType.TEACHER_DEV:
        return f"แผนพัฒนาครูและบุคลากรทางการศึกษา ประจำปีงบประมาณ พ.ศ. {year}"
    return f"แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {year}"


def print_settings_for(office) -> OfficePrintSettings:
    """The office's print settings, or the defaults (unsaved) when it has none."""
    found = OfficePrintSettings.objects.filter(office=office).first()
    return found or OfficePrintSettings(office=office)


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


def scope_projects(queryset, scope: str):
    """The projects of a render scope (actionplan.models.render_scope): every project for
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
    projects = plan_projects(plan, scope_projects(print_queryset(), scope))
    summary, _, _ = summarize(plan, projects)
    categories = list(BudgetCategory.objects.all())
    by_strategy = {s.pk: s for s in strategies}

    strategy_sections = []
    number_in_plan = 0
    for bucket in summary.strategies:
        rows = []
        for project in bucket.projects:
            number_in_plan += 1
            rows.append(
                {
                    "number": len(rows) + 1,
                    "name": project.name_th,
                    "unit": project.lead_unit.name_th,
                    "total": amount(project.budget_total()),
                    "anchor": f"toc-project-{project.pk}",
                }
            )
        strategy = by_strategy.get(bucket.key.pk) if bucket.key else None
        strategy_sections.append(
            {
                "title": str(strategy) if strategy else bucket.label,
                "anchor": f"toc-strategy-{bucket.key.pk if bucket.key else 0}",
                "sentence": strategy_sentence(bucket, lambda v: amount(v, zero="0")) + " ดังนี้",
                "rows": rows,
                "total": amount(bucket.total, zero="0"),
                "count": bucket.count,
                "share": f"{(bucket.total / summary.total * 100):.2f}" if summary.total else "-",
                "projects": [
                    project_context(p, digits, print_settings, categories) for p in bucket.projects
                ],
            }
        )
    return {
        "plan": plan,
        "office": office,
        "digits": digits,
        "settings": print_settings,
        "scope_label": scope_label(plan, scope),
        "title": book_title(plan),
        "is_draft": plan.status != PlanStatus.APPROVED,
        "logo_url": _logo_url(plan),
        "foreword": paragraphs(plan.foreword_th),
        "foreword_signatory": (plan.foreword_signatory_th or office.name_th).splitlines(),
        "context_intro": paragraphs(plan.context_intro_th),
        "context_tables": [context_table(t) for t in plan.context_tables.all()],
        "vision": plan.vision_th.strip(),
        "values": plan.values_th.strip(),
        "missions": direction[DirectionKind.MISSION],
        "goals": direction[DirectionKind.GOAL],
        "success_factors": direction[DirectionKind.SUCCESS_FACTOR],
        "years": years,
        "strategies": [_strategy_part2(s, years) for s in strategies],
        "summary": {
            "count": len(projects),
            "total": amount(summary.total, zero="0"),
            "words": thai.bahttext(summary.total),
            "quarters": [amount(q) for q in summary.quarters],
            "categories": [(b.label, amount(b.total)) for b in summary.categories],
            "groups": [(b.label, b.count, amount(b.total)) for b in summary.groups],
        },
        "strategy_sections": strategy_sections,
        "quarter_labels": plan.fiscal_year.quarter_labels(digits=digits),
        "management": paragraphs(plan.management_th or default_management_text(plan)),
        "calendar": [
            {"title": row.get("title", ""), "months": set(row.get("months") or [])}
            for row in (plan.calendar_rows or [])
            if isinstance(row, dict)
        ],
        "months": [thai.MONTHS_ABBR[m] for _, m in thai.fiscal_months(plan.fiscal_year.year_be)],
        "appendices": [
            {"title": a.title_th, "body": paragraphs(a.body_th), "anchor": f"toc-appendix-{a.pk}"}
            for a in plan.appendices.all()
        ],
    }


def default_management_text(plan) -> str:
    """Part 4 when the plan admin has written none: the standard clauses and report rounds."""
    year = plan.fiscal_year.year_be
    rounds = [thai.report_round(year, n, digits="arabic") for n in (1, 2, 3, 4)]
    lines = [
        "1. การบริหารแผนสู่การปฏิบัติ",
        f"{plan.office.name_th} ดำเนินงานตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {year} "
        "โดยกลุ่ม/หน่วยที่รับผิดชอบโครงการขออนุมัติดำเนินโครงการตามระยะเวลาที่กำหนดไว้ในแผน "
        "ใช้จ่ายงบประมาณตามแผนการใช้จ่ายรายไตรมาส และถัวจ่ายได้ภายในวงเงินของโครงการ",
        "2. การติดตามและประเมินผล",
        "กลุ่มนโยบายและแผนกำกับ ติดตาม และประเมินผลการดำเนินงานตามแผนเป็น 3 ระยะ คือ "
        "ก่อนดำเนินการ ระหว่างดำเนินการ และหลังการดำเนินการ เปรียบเทียบผลกับตัวชี้วัดและค่าเป้าหมาย",
        "3. การรายงานผล",
        "กลุ่ม/หน่วยรายงานผลการดำเนินงานและการใช้จ่ายงบประมาณเป็นรายไตรมาส ดังนี้",
    ]
    lines += [f"- {r.label} {r.period_label}" for r in rounds]
    return "\n".join(lines)


def _logo_url(plan) -> str:
    if not plan.logo:
        return ""
    try:
        path = Path(plan.logo.path).resolve()
    except (ValueError, NotImplementedError):
        return ""
    return path.as_uri() if path.is_file() else ""


# --- Chunks ----------------------------------------------------------------------------------


@dataclass
class TocEntry:
    level: int
    title: str
    anchor: str


@dataclass
class Chunk:
    """A run of whole pages rendered (and cached) on its own."""

    html: str
    toc: list[TocEntry] = field(default_factory=list)
    bookmark: str = ""
    key: str = ""


@dataclass
class RenderedChunk:
    path: Path  # the batch PDF the chunk's pages are in
    pages: int
    anchors: dict[str, int]  # toc-* anchor -> page offset within the chunk
    landscape: list[bool]
    first: int = 0  # index of the chunk's first page in the batch PDF


def _stylesheet_text(name: str = "pdf/print.css") -> str:
    return render_to_string(name, {"faces": font_faces(), "family": FONT_FAMILY})


def _chunk(template: str, context: dict, digits: str, toc=(), bookmark: str = "") -> Chunk:
    html = localise_digits(render_to_string(template, context), digits)
    return Chunk(html=html, toc=list(toc), bookmark=bookmark)


def project_chunk(context: dict) -> Chunk:
    header = context["header"]
    return _chunk(
        "pdf/project.html",
        context,
        context["digits"],
        toc=[TocEntry(2, f"- {header['name']}", context["anchor"])],
        bookmark=header["name"],
    )


def plan_chunks(context: dict) -> list[Chunk]:
    """The body of the book, in order; each chunk starts a new page."""
    digits = context["digits"]
    settings_ = context["settings"]
    chunks = []
    if settings_.include_context:
        toc = [TocEntry(0, "ส่วนที่ 1 ข้อมูลทั่วไป", "toc-part-1")]
        toc += [
            TocEntry(1, f"ตารางที่ {t['number']} {t['caption']}", t["anchor"])
            for t in context["context_tables"]
        ]
        chunks.append(_chunk("pdf/part1.html", context, digits, toc, "ส่วนที่ 1 ข้อมูลทั่วไป"))
    if settings_.include_direction:
        toc = [TocEntry(0, "ส่วนที่ 2 ทิศทางการพัฒนาการศึกษา", "toc-part-2")]
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
        chunks.append(_chunk("pdf/part2.html", context, digits, toc, "ส่วนที่ 2 ทิศทางการพัฒนา"))
    if settings_.include_projects:
        # The overview and every strategy's summary table flow in one chunk (a strategy with
        # no project needs no page of its own); the project documents follow, strategy by
        # strategy, and the contents lists each under its strategy.
        toc = [TocEntry(0, "ส่วนที่ 3 รายละเอียดโครงการ", "toc-part-3")]
        projects = []
        for section in context["strategy_sections"]:
            toc.append(TocEntry(1, section["title"], section["anchor"]))
            if settings_.include_project_documents:
                for project in section["projects"]:
                    chunk = project_chunk(project)
                    toc += chunk.toc
                    chunk.toc = []
                    projects.append(chunk)
        part3 = _chunk("pdf/part3.html", context, digits, [], "ส่วนที่ 3 รายละเอียดโครงการ")
        part3.toc = toc
        chunks.append(part3)
        chunks += projects
    if settings_.include_management:
        toc = [TocEntry(0, "ส่วนที่ 4 การบริหารแผนสู่การปฏิบัติ", "toc-part-4")]
        if context["calendar"]:
            toc.append(TocEntry(1, "ปฏิทินการดำเนินงาน", "toc-calendar"))
        chunks.append(_chunk("pdf/part4.html", context, digits, toc, "ส่วนที่ 4 การบริหารแผน"))
    if settings_.include_appendices and context["appendices"]:
        toc = [TocEntry(0, "ภาคผนวก", "toc-appendices")]
        toc += [TocEntry(1, a["title"], a["anchor"]) for a in context["appendices"]]
        chunks.append(_chunk("pdf/appendices.html", context, digits, toc, "ภาคผนวก"))
    return chunks


# --- Cache -----------------------------------------------------------------------------------


def cache_root() -> Path:
    """Where rendered chunks live (content-addressed; safe to delete at any time)."""
    configured = getattr(settings, "PDF_CACHE_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "pdf-cache"


class ChunkCache:
    """Rendered chunks on disk: the PDFs of the batches they were laid out in (`batches/`) and
    one JSON per chunk content hash naming its batch file, first page, page count, anchors.

    A batch's PDF is written once by WeasyPrint and its chunks point into it, so the fonts of a
    batch are subset and stored once (writing each chunk as its own PDF cost a font subsetting
    per chunk: a third of a 150-project render)."""

    def __init__(self, root: Path | None = None):
        self.root = root or cache_root()

    def _meta_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> RenderedChunk | None:
        meta_path = self._meta_path(key)
        try:
            meta = json.loads(meta_path.read_text())
            pdf_path = self.root / meta["file"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not pdf_path.is_file():
            return None
        os.utime(meta_path)  # recently used: kept by prune()
        return RenderedChunk(
            pdf_path, meta["pages"], meta["anchors"], meta["landscape"], meta["first"]
        )

    def put_batch(self, pdf: bytes) -> Path:
        """Store a laid-out batch; returns its path (named by the hash of its bytes)."""
        path = self.root / "batches" / f"{hashlib.sha256(pdf).hexdigest()}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            atomic_write(path, pdf)
        return path

    def put(
        self, key: str, batch: Path, first: int, anchors: dict, landscape: list[bool]
    ) -> RenderedChunk:
        meta_path = self._meta_path(key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "file": str(batch.relative_to(self.root)),
            "first": first,
            "pages": len(landscape),
            "anchors": anchors,
            "landscape": landscape,
        }
        atomic_write(meta_path, json.dumps(meta).encode())
        return RenderedChunk(batch, len(landscape), anchors, landscape, first)

    def prune(self, max_age_days: int = 30) -> int:
        """Forget chunks unused for max_age_days and delete batches no chunk points into."""
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        used = set()
        for meta_path in self.root.glob("*/*.json"):
            if meta_path.stat().st_mtime < cutoff:
                meta_path.unlink(missing_ok=True)
                removed += 1
                continue
            try:
                used.add(json.loads(meta_path.read_text())["file"])
            except (OSError, ValueError, KeyError):
                continue
        for batch in self.root.glob("batches/*.pdf"):
            if str(batch.relative_to(self.root)) not in used and batch.stat().st_mtime < cutoff:
                batch.unlink(missing_ok=True)
        return removed


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed into place; a failed write (a full disk) leaves
    neither the temporary file nor a half-written `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- WeasyPrint ------------------------------------------------------------------------------


class _Renderer:
    """One font configuration and stylesheet shared by every WeasyPrint document of a job."""

    def __init__(self):
        self.fetcher = LocalFileFetcher()
        self.font_config = FontConfiguration()
        self.css_text = _stylesheet_text()
        self.css = CSS(string=self.css_text, font_config=self.font_config, url_fetcher=self.fetcher)
        self.stamp_css_text = _stylesheet_text("pdf/stamp.css")
        self.stamp_css = CSS(
            string=self.stamp_css_text, font_config=self.font_config, url_fetcher=self.fetcher
        )

    def document(self, body: str, title: str = "", lang: str = "th", css=None):
        html = (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>{body}</body></html>"
        )
        try:
            return HTML(string=html, url_fetcher=self.fetcher, base_url="file:///").render(
                stylesheets=[css or self.css], font_config=self.font_config
            )
        except FatalURLFetchingError as exc:
            raise PdfError(f"โหลดไฟล์ประกอบเอกสารไม่ได้: {exc.__cause__ or exc}") from exc


def _hash_chunks(chunks: list[Chunk], css_text: str) -> None:
    css_hash = hashlib.sha256((RENDERER_VERSION + css_text).encode()).hexdigest()
    for chunk in chunks:
        chunk.key = hashlib.sha256((css_hash + chunk.html).encode()).hexdigest()


@contextmanager
def _layout_progress(callback: Callable[[int], None] | None) -> Iterator[None]:
    """Report each page WeasyPrint lays out (its progress logger) to callback(page)."""
    if callback is None:
        yield
        return

    class Handler(logging.Handler):
        def emit(self, record):
            if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
                callback(int(record.args[0]))

    handler = Handler(logging.INFO)
    old_level, old_propagate = PROGRESS_LOGGER.level, PROGRESS_LOGGER.propagate
    PROGRESS_LOGGER.addHandler(handler)
    PROGRESS_LOGGER.setLevel(logging.INFO)
    PROGRESS_LOGGER.propagate = False  # the page-by-page messages are for us, not the log
    try:
        yield
    finally:
        PROGRESS_LOGGER.removeHandler(handler)
        PROGRESS_LOGGER.setLevel(old_level)
        PROGRESS_LOGGER.propagate = old_propagate


def _render_missing(
    renderer: _Renderer,
    chunks: list[Chunk],
    cache: ChunkCache,
    progress: Progress | None,
    expected_pages: int,
) -> dict[str, RenderedChunk]:
    """Cached chunks as they are; the others laid out in batches and stored."""
    rendered: dict[str, RenderedChunk] = {}
    missing: list[Chunk] = []
    for chunk in chunks:
        hit = cache.get(chunk.key)
        if hit:
            rendered[chunk.key] = hit
        elif chunk.key not in {c.key for c in missing}:
            missing.append(chunk)
    if not missing:
        return rendered
    done_pages = 0
    total_pages = max(expected_pages, 1)
    batch: list[Chunk] = []
    batches = []
    estimate = 0
    for chunk in missing:
        batch.append(chunk)
        estimate += 3
        if estimate >= BATCH_PAGES:
            batches.append(batch)
            batch, estimate = [], 0
    if batch:
        batches.append(batch)
    for batch in batches:

        def on_page(page: int, base=done_pages) -> None:
            share = min(1.0, (base + page) / total_pages)
            progress(5 + int(80 * share), f"กำลังจัดหน้าเอกสาร หน้าที่ {base + page}")

        body = "".join(
            f'<section class="chunk" id="chunk-{c.key}">{c.html}</section>' for c in batch
        )
        with _layout_progress(on_page if progress else None):
            document = renderer.document(body)
        starts = []
        for chunk in batch:
            starts.append(_anchor_page(document, f"chunk-{chunk.key}"))
        starts.append(len(document.pages))
        batch_path = cache.put_batch(document.write_pdf())
        for index, chunk in enumerate(batch):
            pages = document.pages[starts[index] : starts[index + 1]]
            anchors = {}
            for offset, page in enumerate(pages):
                for name in page.anchors:
                    if name.startswith("toc-") and name not in anchors:
                        anchors[name] = offset
            landscape = [page.width > page.height for page in pages]
            rendered[chunk.key] = cache.put(
                chunk.key, batch_path, starts[index], anchors, landscape
            )
        done_pages += len(document.pages)
    return rendered


def _anchor_page(document, anchor: str) -> int:
    for index, page in enumerate(document.pages):
        if anchor in page.anchors:
            return index
    raise PdfError(f"ไม่พบจุดเริ่มต้นของส่วน {anchor}")


def front_folio(index: int) -> str:
    """Front-matter folio: ก, ข, ค … (then กก, กข …)."""
    letters = THAI_LETTERS
    if index < len(letters):
        return letters[index]
    return letters[index // len(letters) - 1] + letters[index % len(letters)]


WATERMARK_TEXT = "ฉบับร่าง"


def watermark_image() -> Path:
    """The draft watermark as a PNG (drawn once, cached).

    A picture, not text: rotated watermark text would be interleaved with the body text by
    copy/paste, search and pdftotext. Pillow shapes Thai with raqm, so the tone mark sits right.
    """
    from PIL import Image, ImageDraw, ImageFont

    path = cache_root() / f"watermark-{RENDERER_VERSION}.png"
    if path.is_file():
        return path
    font_path = finders.find(f"{FONT_DIR}/{FONT_FILES[('bold', 'normal')]}")
    font = ImageFont.truetype(font_path, 360)
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox(
        (0, 0), WATERMARK_TEXT, font=font
    )
    pad = 40
    # Opaque (white background, no alpha channel) and drawn beneath the content: poppler drew
    # a soft-masked picture far too dark once content was painted over it.
    image = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 255)
    ImageDraw.Draw(image).text((pad - left, pad - top), WATERMARK_TEXT, font=font, fill=222)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    atomic_write(path, buffer.getvalue())
    return path


@dataclass
class StampPage:
    folio: str
    landscape: bool


def _render_cached(renderer: _Renderer, cache: ChunkCache, body: str, stamp: bool = False):
    """A whole small document (front matter, stamp) through the chunk cache."""
    css_text = renderer.stamp_css_text if stamp else renderer.css_text
    key = hashlib.sha256((RENDERER_VERSION + css_text + body).encode()).hexdigest()
    hit = cache.get(key)
    if hit:
        return hit
    document = renderer.document(body, css=renderer.stamp_css if stamp else renderer.css)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith("toc-"):
                anchors.setdefault(name, index)
    landscape = [page.width > page.height for page in document.pages]
    return cache.put(key, cache.put_batch(document.write_pdf()), 0, anchors, landscape)


def _stamp(
    renderer: _Renderer,
    pages: list[StampPage],
    footer: str,
    watermark: bool,
    digits: str,
    cache: ChunkCache,
) -> RenderedChunk:
    html = render_to_string(
        "pdf/stamp.html",
        {
            "pages": pages,
            "footer": footer,
            "watermark_url": watermark_image().as_uri() if watermark else "",
        },
    )
    return _render_cached(renderer, cache, localise_digits(html, digits), stamp=True)


def _overlay_and_join(
    parts: list[RenderedChunk],
    stamp: RenderedChunk,
    metadata: dict,
    outline: list[tuple[str, int]],
) -> bytes:
    """Join the parts' pages, put each stamp page beneath its page, add bookmarks, metadata.

    The stamp page becomes a form XObject drawn first ("q /GovStamp Do Q"), so no content
    stream is parsed or rewritten: pypdf's merge_page renames clashing resources by parsing
    every content stream, which cost more than laying the stamp out.
    """
    writer = PdfWriter()
    # Every reader stays referenced until the writer is written: pypdf maps copied objects by
    # id(reader), and a collected reader's id reused by the next one mixes up their objects.
    readers: dict[Path, PdfReader] = {}
    for part in [*parts, stamp]:
        if part.path not in readers:
            readers[part.path] = PdfReader(str(part.path))
    for part in parts:
        pages = readers[part.path].pages
        for index in range(part.first, part.first + part.pages):
            writer.add_page(pages[index])
    stamp_pages = readers[stamp.path].pages[stamp.first : stamp.first + stamp.pages]
    call = DecodedStreamObject()
    call.set_data(b"q /GovStamp Do Q\n")
    call_ref = writer._add_object(call)
    for page, overlay in zip(writer.pages, stamp_pages, strict=True):
        form_ref = writer._add_object(_form_xobject(overlay, writer))
        _own_resources(page)
        resources = page["/Resources"]
        xobjects = resources.get("/XObject")
        xobjects = DictionaryObject(xobjects.get_object()) if xobjects else DictionaryObject()
        xobjects[NameObject("/GovStamp")] = form_ref
        resources[NameObject("/XObject")] = xobjects
        contents = page.raw_get("/Contents")
        existing = (
            list(contents.get_object())
            if isinstance(contents.get_object(), ArrayObject)
            else [contents]
        )
        page[NameObject("/Contents")] = ArrayObject([call_ref, *existing])
    for title, page_index in outline:
        writer.add_outline_item(title=title, page_number=page_index)
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    del readers
    return out.getvalue()


def _form_xobject(page, writer) -> StreamObject:
    """A stamp page as a form XObject owned by the writer."""
    form = DecodedStreamObject()
    contents = page["/Contents"]
    if isinstance(contents, ArrayObject):
        form.set_data(b"\n".join(part.get_object().get_data() for part in contents))
    else:
        form.set_data(contents.get_data())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(page.mediabox)
    form[NameObject("/Resources")] = page.raw_get("/Resources").clone(writer)
    return form.flate_encode()


def _own_resources(page) -> None:
    """Give a page its own resource dictionary before adding to it.

    WeasyPrint shares one /Resources dictionary between all pages of a document; adding the
    page's stamp to it would add every stamp to every page."""
    resources = page["/Resources"].get_object()
    copy = DictionaryObject()
    for name, value in resources.items():
        target = value.get_object()
        copy[NameObject(name)] = (
            DictionaryObject(target) if isinstance(target, DictionaryObject) else value
        )
    page[NameObject("/Resources")] = copy


# --- Public API ------------------------------------------------------------------------------


@dataclass
class BookResult:
    pdf: bytes
    pages: int
    version_key: str
    chunks_rendered: int
    chunks_total: int


def plan_version_key(plan, context: dict | None = None, *, scope: str = OFFICE_SCOPE) -> str:
    """Content hash of a plan book (of what `scope` sees): equal keys print identical books
    (used as cache key)."""
    return source_version_key(book_source(plan, context, scope=scope))


def source_version_key(source: dict) -> str:
    """Content hash of a book's print source (see book_source)."""
    chunks = _source_chunks(source)
    _hash_chunks(chunks, _stylesheet_text())
    return _book_key(source, chunks)


def _book_key(source: dict, chunks: list[Chunk]) -> str:
    front = render_to_string("pdf/front.html", _front_context(source["front"], [], {}, "probe"))
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    digest.update(front.encode())
    digest.update(str(source["is_draft"]).encode())
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
        "is_draft": context["is_draft"] if draft is None else draft,
        "front": _front_source(context),
        "chunks": [
            {
                "html": c.html,
                "toc": [[e.level, e.title, e.anchor] for e in c.toc],
                "bookmark": c.bookmark,
            }
            for c in plan_chunks(context)
        ],
    }


def _source_chunks(source: dict) -> list[Chunk]:
    return [
        Chunk(html=c["html"], toc=[TocEntry(*e) for e in c["toc"]], bookmark=c["bookmark"])
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


def render_book(source: dict, progress: Progress | None = None, cache=None) -> BookResult:
    """Lay out a book's print source: cached chunks reused, the rest laid out, front matter,
    stamp. The source is a live plan's (book_source) or the one an approval froze."""
    report = progress or (lambda percent, message: None)
    digits = source["digits"]
    chunks = _source_chunks(source)
    renderer = _Renderer()
    _hash_chunks(chunks, renderer.css_text)
    version_key = _book_key(source, chunks)
    cache = cache or ChunkCache()
    known = {c.key: cache.get(c.key) for c in chunks}
    hits = sum(1 for c in chunks if known[c.key])
    report(5, f"ใช้ส่วนที่จัดหน้าไว้แล้ว {hits} จาก {len(chunks)} ส่วน")
    expected = sum(known[c.key].pages if known[c.key] else 4 for c in chunks)
    rendered = _render_missing(renderer, chunks, cache, progress, expected)

    # Body page numbers: chunk by chunk, from the cached page counts and anchors.
    outline: list[tuple[str, int]] = []
    body_pages: list[StampPage] = []
    starts = []
    anchor_pages: dict[str, int] = {}
    for chunk in chunks:
        done = rendered[chunk.key]
        start = len(body_pages) + 1
        starts.append(start)
        for name, offset in done.anchors.items():
            anchor_pages.setdefault(name, start + offset)
        body_pages += [StampPage(str(start + i), land) for i, land in enumerate(done.landscape)]
    toc = [
        {"level": e.level, "title": e.title, "page": str(anchor_pages.get(e.anchor, ""))}
        for chunk in chunks
        for e in chunk.toc
    ]

    report(88, "กำลังจัดทำปก คำนำ และสารบัญ")
    front_pdf, front_pages, labels = _render_front(renderer, source, toc, cache)
    for chunk, start in zip(chunks, starts, strict=True):
        if chunk.bookmark:
            title = localise_digits(f">{chunk.bookmark}<", digits)[1:-1]
            outline.append((title, len(front_pages) + start - 1))

    report(94, "กำลังใส่เลขหน้าและรวมไฟล์")
    stamp_pages = front_pages + body_pages
    stamp = _stamp(renderer, stamp_pages, source["footer"], source["is_draft"], digits, cache)
    metadata = {
        "/Title": localise_digits(f">{source['title']}<", digits)[1:-1],
        "/Author": source["author"],
        "/Subject": version_key,
    }
    parts = [front_pdf] + [rendered[c.key] for c in chunks]
    pdf = _overlay_and_join(parts, stamp, metadata, outline)
    report(100, "เสร็จแล้ว")
    return BookResult(
        pdf=pdf,
        pages=len(stamp_pages),
        version_key=version_key,
        chunks_rendered=len(chunks) - hits,
        chunks_total=len(chunks),
    )


def _render_front(renderer: _Renderer, source: dict, toc: list[dict], cache: ChunkCache):
    """Cover, foreword and contents; folios ก, ข … (re-rendered once if the contents grow)."""
    front = source["front"]
    labels = {"foreword": front_folio(0), "contents": front_folio(1 if front["foreword"] else 0)}
    for _attempt in range(3):
        html = render_to_string("pdf/front.html", _front_context(front, toc, labels, "numbers"))
        done = _render_cached(renderer, cache, localise_digits(html, source["digits"]))
        # The cover (page 0) carries no folio; page i carries the i-th Thai letter.
        pages = [
            StampPage(front_folio(i - 1) if i else "", land)
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
    pages = [StampPage(str(i + 1) if i else "", land) for i, land in enumerate(rendered.landscape)]
    stamp = _stamp(renderer, pages, "", source["is_draft"], source["digits"], cache)
    metadata = {"/Title": source["title"], "/Author": source["author"]}
    return _overlay_and_join([rendered], stamp, metadata, [])


def render_plan_single_pass(plan) -> bytes:
    """The same book as ONE WeasyPrint document: folios and footer in @page margin boxes,
    the watermark a position:fixed picture, the contents by target-counter(). No cache and no
    stamp: the baseline bench/pdf_bench.py compares render_plan_book() against."""
    context = plan_context(plan)
    digits = context["digits"]
    chunks = plan_chunks(context)
    toc = [{"level": e.level, "title": e.title, "anchor": e.anchor} for c in chunks for e in c.toc]
    front_context = _front_context(_front_source(context), toc, {}, "counters")
    front = render_to_string("pdf/front.html", front_context)
    body = "".join(f'<section class="chunk">{c.html}</section>' for c in chunks)
    watermark = ""
    if context["is_draft"]:
        watermark = (
            f'<img src="{watermark_image().as_uri()}" alt="" style="position: fixed; '
            'top: 9cm; left: 0; width: 15cm; transform: rotate(-40deg); z-index: -1">'
        )
    footer = localise_digits(f">{context['title']} {context['office'].short_name_th}<", digits)
    counter = "thai" if digits == "thai" else "decimal"
    renderer = _Renderer()
    extra = CSS(
        string="@page { "
        f"@top-center {{ content: '- ' counter(page, {counter}) ' -'; "
        f"font-family: {FONT_FAMILY}; font-size: 16pt; }} "
        f"@bottom-left {{ content: '{footer[1:-1]}'; font-family: {FONT_FAMILY}; "
        "font-size: 12pt; color: #444; border-top: 0.4pt solid #888; } }",
        font_config=renderer.font_config,
    )
    html = watermark + localise_digits(front, digits) + body
    document = HTML(
        string=f"<html><body>{html}</body></html>", url_fetcher=renderer.fetcher
    ).render(stylesheets=[renderer.css, extra], font_config=renderer.font_config)
    return document.write_pdf()


# --- Concurrency -----------------------------------------------------------------------------


@contextmanager
def render_slot(
    wait_seconds: float = 3600, waiting: Callable[[], None] | None = None
) -> Iterator[int]:
    """Hold one of os.cpu_count() render slots (file locks): at most one book render per core,
    whatever runs it (workers, commands). Waits for a free slot up to wait_seconds, calling
    `waiting()` between attempts (a render's heartbeat: waiting is not being stuck)."""
    folder = cache_root() / "slots"
    folder.mkdir(parents=True, exist_ok=True)
    slots = max(1, os.cpu_count() or 1)
    deadline = time.monotonic() + wait_seconds
    while True:
        for slot in range(slots):
            handle = open(folder / f"slot-{slot}.lock", "w")  # noqa: SIM115 (held while rendering)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield slot
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise PdfError("เครื่องกำลังจัดทำเอกสารอื่นอยู่ครบทุกหน่วยประมวลผล กรุณาลองใหม่ภายหลัง")
        if waiting:
            waiting()
        time.sleep(0.5)


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
    from projects.models import ActivityState

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


@in_thai
def report_context(plan, n: int, today: date | None = None) -> dict:
    """รายงานผลการดำเนินงาน of one round as prepared data (a fixed number of queries): the
    plan's figures, per strategy and group, every project's row, then per strategy each
    project's activities, KPI results, problems and suggestions as of the round."""
    from projects import monitoring

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
        "as_of": thai.format_thai_date(today, digits="arabic"),
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
        outline.append((localise_digits(f">{chunk.bookmark}<", digits)[1:-1], len(pages)))
        for land in rendered[chunk.key].landscape:
            pages.append(StampPage(str(len(pages) + 1) if pages else "", land))
    report(94, "กำลังใส่เลขหน้าและรวมไฟล์")
    stamp = _stamp(renderer, pages, source["footer"], source["is_draft"], digits, cache)
    version_key = _report_key(source, chunks)
    metadata = {
        "/Title": localise_digits(f">{source['title']}<", digits)[1:-1],
        "/Author": source["author"],
        "/Subject": version_key,
    }
    data = _overlay_and_join([rendered[c.key] for c in chunks], stamp, metadata, outline)
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
    from budgets import figures as plan_figures
    from projects import monitoring

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
        "as_of": thai.format_thai_date(today, digits="arabic"),
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
    pages = [StampPage(str(i + 1) if i else "", land) for i, land in enumerate(rendered.landscape)]
    footer = f"{context['title']} {context['office'].short_name_th}"
    stamp = _stamp(renderer, pages, footer, context["is_draft"], digits, cache)
    metadata = {
        "/Title": localise_digits(f">{context['p']['name']}<", digits)[1:-1],
        "/Author": context["office"].name_th,
    }
    return _overlay_and_join([rendered], stamp, metadata, [])
