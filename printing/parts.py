"""The plan book's parts as prepared, formatted data (printing.book.plan_context assembles them):
Part 1's structure, the policy frameworks and their alignment with the projects, the budget
summaries directors read first, the per-strategy project tables, the duration table and Part
4's calendar and report rounds. Pure functions over rows already loaded: no queries here.

Amounts come from budgets.figures (the one money path) and print with one rule: a zero amount
in a table is "-", in a sentence "0" (docs/decisions/zero-amounts.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from actionplan import thai
from actionplan.models import FrameworkKind
from budgets.figures import bucket_of, ceilings
from printing.columns import Column, fit_columns
from printing.models import StrategyTable
from printing.project import fit_table
from printing.renderer import amount, paragraphs
from projects.rollup import strategy_sentence

PORTRAIT_CM = 16.0
LANDSCAPE_CM = 25.7
MATRIX_COLUMNS = 18  # policy items per alignment table; more continue in the next table
CHECK = "√"  # the vendored font has no ✓ (U+2713): √ never falls back to another font

# The frameworks Part 2 prints, in the order 004 prints them (government, ministry, OBEC with
# its focus points and Quick Wins, then the office's own).
POLICY_KINDS = (
    FrameworkKind.GOVERNMENT_POLICY,
    FrameworkKind.MOE_POLICY,
    FrameworkKind.OBEC_POLICY,
    FrameworkKind.OBEC_FOCUS,
    FrameworkKind.OBEC_QUICK_WIN,
    FrameworkKind.ESA_POLICY,
)


def share(part: Decimal, whole: Decimal) -> str:
    """A percentage of the plan's total with two decimals ("-" of a zero total)."""
    return f"{(part / whole * 100):.2f}" if whole else "-"


_ITEM_NUMBER = re.compile(r"^\s*(?:[\d๐-๙]+(?:\.[\d๐-๙]+)*[.)]|\([\d๐-๙ก-ฮ]+\)|[-•●▶·])\s*")


def numbered_lines(text: str) -> list[str]:
    """A field typed one item per line, without the numbers the user may have typed (the
    template numbers them)."""
    return [
        _ITEM_NUMBER.sub("", line).strip() for line in (text or "").splitlines() if line.strip()
    ]


# --- Part 1 ----------------------------------------------------------------------------------


def part1_sections(plan, office, units, org_chart_url: str) -> list[dict]:
    """Part 1's numbered headings with their content, only those the plan fills in: ความเป็นมา,
    วัตถุประสงค์, เป้าหมาย, ขอบเขต, the office's duties, its structure (chart and each group's
    duties). The context tables follow under ข้อมูลพื้นฐาน (numbered by the template)."""
    sections = []

    def add(key: str, title: str, **content) -> None:
        sections.append({"key": key, "title": title, "anchor": f"toc-part1-{key}", **content})

    if plan.context_intro_th.strip():
        add("background", "ความเป็นมา", paragraphs=paragraphs(plan.context_intro_th))
    if plan.objectives_th.strip():
        add("objectives", "วัตถุประสงค์", entries=numbered_lines(plan.objectives_th))
    if plan.targets_th.strip():
        add("targets", "เป้าหมาย", entries=numbered_lines(plan.targets_th))
    if plan.scope_th.strip():
        add("scope", "ขอบเขต", paragraphs=paragraphs(plan.scope_th))
    if office.duties_th.strip():
        add("duties", f"อำนาจหน้าที่ของ{office.name_th}", entries=numbered_lines(office.duties_th))
    groups = [
        {"name": unit.name_th, "entries": numbered_lines(unit.duties_th)}
        for unit in units
        if unit.duties_th.strip()
    ]
    if org_chart_url or groups:
        add(
            "structure",
            "โครงสร้างการแบ่งส่วนราชการ",
            chart=org_chart_url,
            groups=groups,
        )
    for number, section in enumerate(sections, start=1):
        section["number"] = number
    return sections


# --- Part 2: the policy frameworks -------------------------------------------------------------


def frameworks_in_force(frameworks, year_be: int) -> list:
    """The active frameworks of Part 2's kinds whose period covers the fiscal year (an open
    end covers every year), in the order of POLICY_KINDS, then their own order."""
    rank = {kind: i for i, kind in enumerate(POLICY_KINDS)}
    found = [
        f
        for f in frameworks
        if f.is_active
        and f.kind in rank
        and (f.period_start_be is None or f.period_start_be <= year_be)
        and (f.period_end_be is None or f.period_end_be >= year_be)
    ]
    return sorted(found, key=lambda f: (rank[f.kind], f.office_id is not None, f.order, f.pk))


def _tree(framework) -> tuple[list, dict]:
    """The framework's top items and {item id: its top item}, from its prefetched items."""
    items = list(framework.items.all())
    by_id = {item.pk: item for item in items}
    tops = [item for item in items if item.parent_id is None or item.parent_id not in by_id]
    top_of = {}
    for item in items:
        current, seen = item, set()
        while current.parent_id in by_id and current.pk not in seen:
            seen.add(current.pk)
            current = by_id[current.parent_id]
        top_of[item.pk] = current
    return tops, top_of


def _item_label(item, index: int) -> str:
    return item.code.strip() or str(index)


def policy_frameworks(frameworks) -> list[dict]:
    """Each framework with its items as an indented list, depth first (any depth; printed
    indented up to four levels)."""
    printed = []
    for framework in frameworks:
        items = list(framework.items.all())
        ids = {item.pk for item in items}
        children = defaultdict(list)
        for item in items:
            children[item.parent_id if item.parent_id in ids else None].append(item)
        rows = []
        stack = [(item, 0) for item in reversed(children[None])]
        while stack:
            item, depth = stack.pop()
            rows.append({"code": item.code, "text": item.title_th, "depth": min(depth, 3)})
            stack += [(child, depth + 1) for child in reversed(children[item.pk])]
        printed.append(
            {
                "title": framework.title_th,
                "anchor": f"toc-policy-{framework.pk}",
                "items": rows,
            }
        )
    return printed


def vision_definitions(text: str) -> list[dict]:
    """ "องค์กรคุณภาพ หมายถึง …" lines as {term, meaning} (a line without หมายถึง is a meaning)."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        term, sep, meaning = line.partition("หมายถึง")
        found.append(
            {"term": term.strip(), "meaning": meaning.strip()}
            if sep
            else {"term": "", "meaning": line}
        )
    return found


def alignment_matrices(frameworks, sections: list[dict], figures: dict, digits: str) -> list:
    """Per framework: its top items with the projects aligned with each (an item's own or any
    of its sub-items) and their budget, and the matrix of projects × items marked √. Only
    projects aligned with the framework are rows; the table says how many of the plan's."""
    projects = [p for section in sections for p in section["rows"]]
    matrices = []
    for framework in frameworks:
        tops, top_of = _tree(framework)
        if not tops:
            continue
        aligned = defaultdict(list)  # top item id -> projects
        marks = {}
        for row in projects:
            hits = {top_of[a.pk].pk for a in row["project"].alignments.all() if a.pk in top_of}
            if hits:
                marks[row["project"].pk] = hits
                for pk in hits:
                    aligned[pk].append(row["project"])
        labels = [_item_label(item, i) for i, item in enumerate(tops, start=1)]
        items = []
        for item, label in zip(tops, labels, strict=True):
            bucket = bucket_of(item, label, aligned[item.pk], figures)
            items.append(
                {
                    "label": label,
                    "text": item.title_th,
                    "count": bucket.count,
                    "total": amount(bucket.total),
                }
            )
        groups = []
        for section in sections:
            rows = [
                {
                    "number": row["number"],
                    "name": row["name"],
                    "marks": [
                        CHECK if item.pk in marks[row["project"].pk] else "" for item in tops
                    ],
                }
                for row in section["rows"]
                if row["project"].pk in marks
            ]
            if rows:
                groups.append({"title": section["title"], "rows": rows})
        tables = []
        for start in range(0, len(tops), MATRIX_COLUMNS):
            part = slice(start, start + MATRIX_COLUMNS)
            width = len(labels[part])
            columns = [
                Column(header="ที่", cells=[r["number"] for g in groups for r in g["rows"]]),
                Column(header="โครงการ", flexible=True),
                *[Column(header=[label], preferred=1.0) for label in labels[part]],
            ]
            wide = width > 8
            fit = fit_columns(columns, LANDSCAPE_CM if wide else PORTRAIT_CM, digits=digits)
            tables.append(
                {
                    "labels": labels[part],
                    "groups": [
                        {
                            "title": g["title"],
                            "rows": [{**r, "marks": r["marks"][part]} for r in g["rows"]],
                        }
                        for g in groups
                    ],
                    "fit": fit,
                    "wide": wide,
                    "span": width + 2,
                }
            )
        matrices.append(
            {
                "title": framework.title_th,
                "anchor": f"toc-alignment-{framework.pk}",
                "items": items,
                "aligned": len(marks),
                "of": len(projects),
                "tables": tables,
            }
        )
    return matrices


# --- Part 3: budget summaries, strategy tables, durations --------------------------------------


def budget_summaries(summary) -> dict:
    """The plan's budget by group (with each group's ceiling and what is left of it, when
    ceilings are set), by category and by fund source; zero prints "-"."""
    rows, ceiling_total, balance_total = ceilings(summary.groups)
    has_ceiling = ceiling_total is not None
    return {
        "has_ceiling": has_ceiling,
        "groups": [
            {
                "label": row.bucket.label,
                "count": row.bucket.count,
                "total": amount(row.bucket.total),
                "ceiling": amount(row.ceiling) if row.ceiling is not None else "",
                "balance": _signed(row.balance),
                "over": row.over,
                "share": share(row.bucket.total, summary.total),
            }
            for row in rows
        ],
        "ceiling_total": amount(ceiling_total) if has_ceiling else "",
        "balance_total": _signed(balance_total),
        "categories": [
            {"label": b.label, "total": amount(b.total), "share": share(b.total, summary.total)}
            for b in summary.categories
        ],
        "funds": [
            {"label": b.label, "total": amount(b.total), "share": share(b.total, summary.total)}
            for b in summary.fund_sources
        ],
    }


def _signed(value: Decimal | None) -> str:
    """What is left of a ceiling: "-" when nothing, "(1,200)" when over it (in parentheses,
    the accountants' negative), "" without a ceiling."""
    if value is None:
        return ""
    if value < 0:
        return f"({amount(-value)})"
    return amount(value)


def fund_label(source, office) -> str:
    """A fund source's column heading: the office's own (สพท.) prints as its level (สพป. or
    สพม.), as the seeds print it; the others their short name."""
    if source.code == "esa":
        return office.get_level_display()
    return source.short_th or source.name_th


def strategy_sections(
    summary, by_strategy: dict, settings_, fund_sources, office, figures, cancelled=()
):
    """The per-strategy tables of Part 3 (L25, or L4 with fund-source columns and priority
    order when the office prints them), projects ordered by their priority within the
    strategy (unranked ones after, in the plan's order). Returns (sections, columns)."""
    with_funds = settings_.strategy_table == StrategyTable.FUND_SOURCES
    used = {b.key.pk for b in summary.fund_sources}
    columns = [
        s for s in fund_sources if (s.is_active and s.money_type == "in_budget") or s.pk in used
    ]
    sections = []
    for bucket in summary.strategies:
        ranked = sorted(bucket.projects, key=lambda p: (p.priority is None, p.priority or 0))
        rows = []
        for number, project in enumerate(ranked, start=1):
            entry = figures.get(project.pk)
            rows.append(
                {
                    "project": project,
                    "number": number,
                    "name": project.name_th,
                    "cancelled": False,
                    "unit": project.lead_unit.name_th,
                    "total": amount(entry.total if entry else 0),
                    "funds": [amount(entry.by_fund.get(s.pk, 0) if entry else 0) for s in columns],
                    "anchor": f"toc-project-{project.pk}",
                }
            )
        strategy = by_strategy.get(bucket.key.pk) if bucket.key else None
        sections.append(
            {
                "title": str(strategy) if strategy else bucket.label,
                "anchor": f"toc-strategy-{bucket.key.pk if bucket.key else 0}",
                "sentence": strategy_sentence(bucket, lambda v: amount(v, zero="0")) + " ดังนี้",
                "empty": not ranked,
                "ranked": ranked,
                "rows": rows,
                "total": amount(bucket.total),
                "total_text": amount(bucket.total, zero="0"),
                "fund_totals": [amount(bucket.by_fund.get(s.pk, 0)) for s in columns],
                "count": bucket.count,
                "share": share(bucket.total, summary.total),
            }
        )
    _add_cancelled(sections, cancelled, by_strategy, columns)
    labels = [fund_label(s, office) for s in columns]
    layout = {"with_funds": with_funds, "funds": labels, "fund_span": len(columns)}
    if with_funds:
        rows = [row for section in sections for row in section["rows"]]
        table = [
            Column(header="ลำดับความสำคัญ", cells=[str(r["number"]) for r in rows]),
            Column(header="โครงการ", flexible=True),
            *[
                Column(
                    header=label,
                    cells=[r["funds"][i] for r in rows],
                    bold_cells=[sec["fund_totals"][i] for sec in sections],
                    preferred=1.8,
                )
                for i, label in enumerate(labels)
            ],
            Column(
                header="รวม",
                cells=[r["total"] for r in rows],
                bold_cells=[sec["total"] for sec in sections],
                preferred=1.9,
            ),
            Column(header="ผู้รับผิดชอบ", preferred=3.0),
        ]
        layout["fit"], layout["wide"] = fit_table(
            table, len(table), office.digit_style, flexible_comfort_cm=4.5
        )
    return sections, layout


def _add_cancelled(sections: list[dict], cancelled, by_strategy: dict, columns) -> None:
    """Projects cancelled after approval, when the office prints them: in their strategy's
    table marked ยกเลิก with a zero amount, and as documents; never in any total."""
    by_anchor = {section["anchor"]: section for section in sections}
    for project in cancelled:
        anchor = f"toc-strategy-{project.strategy_id or 0}"
        section = by_anchor.get(anchor)
        if section is None:  # a strategy whose every project was cancelled
            strategy = by_strategy.get(project.strategy_id) or project.strategy
            section = {
                "title": str(strategy) if strategy else "ไม่ระบุกลยุทธ์",
                "anchor": anchor,
                "sentence": "",
                "empty": False,
                "ranked": [],
                "rows": [],
                "total": amount(0),
                "total_text": "0",
                "fund_totals": [amount(0) for _ in columns],
                "count": 0,
                "share": "-",
            }
            sections.append(section)
            by_anchor[anchor] = section
        section["empty"] = False
        section["ranked"].append(project)
        section["rows"].append(
            {
                "project": project,
                "number": len(section["rows"]) + 1,
                "name": project.name_th,
                "cancelled": True,
                "unit": project.lead_unit.name_th,
                "total": amount(0, zero="0"),
                "funds": [amount(0) for _ in columns],
                "anchor": f"toc-project-{project.pk}",
            }
        )


def durations(sections: list[dict]) -> list[dict]:
    """ระยะเวลาในการดำเนินการโครงการ (L26): each strategy's projects with their start and end
    dates in Buddhist Era ("1 ตุลาคม 2566"; digits are localised with the document)."""
    groups = []
    for section in sections:
        rows = [
            {
                "number": row["number"],
                "name": row["name"],
                "start": _date(row["project"].start_date),
                "end": _date(row["project"].end_date),
            }
            for row in section["rows"]
        ]
        if rows:
            groups.append({"title": section["title"], "rows": rows})
    return groups


def _date(value) -> str:
    return thai.format_thai_date(value, digits="arabic") if value else "-"


# --- Part 4 ----------------------------------------------------------------------------------


def calendar_rows(rows) -> list[dict]:
    """The plan's calendar rows (Plan.calendar_rows) as printed: title and months 1..12."""
    printed = []
    for row in rows or []:
        if not isinstance(row, dict) or not str(row.get("title", "")).strip():
            continue
        months = {m for m in row.get("months") or [] if isinstance(m, int) and 1 <= m <= 12}
        printed.append({"title": str(row["title"]).strip(), "months": months})
    return printed


def report_rounds(rounds) -> list[dict]:
    """monitoring.rounds' four rounds: label, the months reported and the due date."""
    return [
        {
            "number": r.number,
            "label": r.label,
            "cumulative": r.cumulative_label,
            "due": thai.format_thai_date(r.due_date, digits="arabic"),
        }
        for r in rounds
    ]
