"""A plan as an .xlsx workbook in the canonical template's shape (so it imports back unchanged)
or as one flat .csv of budget lines. Numbers stay numbers; text stays inert text: a project named
"=HYPERLINK(…)" is written as a string cell in .xlsx and with a leading ' in .csv (OWASP)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actionplan import thai
from actionplan.i18n import in_thai
from actionplan.workbooks import csv_value, text_cell
from budgets.formula import Factor, format_formula, product_of
from budgets.models import BudgetLine, BudgetLineFactor, QuarterAllocation
from budgets.money import ZERO, quantize
from imports import template
from projects.models import Activity, Project, ProjectStatus

_WIDTHS = {"ชื่อโครงการ": 50, "รายการ": 45, "กิจกรรม": 45, "ตัวชี้วัดความสำเร็จ": 50, "ชื่อกลยุทธ์": 40}


@dataclass(slots=True)
class LineRow:
    order: int
    description: str
    category: str
    fund: str
    amount: Decimal | None
    declared: Decimal | None
    formula: str


@dataclass(slots=True)
class ActivityRow:
    pk: int
    parent_id: int | None
    title: str
    period: str
    responsible: str
    quarters: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO, ZERO, ZERO])
    lines: list[LineRow] = field(default_factory=list)


@dataclass(slots=True)
class ProjectRows:
    project: Project
    activities: list[ActivityRow] = field(default_factory=list)
    total: Decimal = ZERO


def export_projects(plan, queryset=None) -> list[ProjectRows]:
    """The plan's projects (optionally only those a user may see) and everything under them, in
    seven queries read as plain values: an export touches every line, so model instances and
    prefetch caches would cost more than writing the workbook."""
    qs = (queryset if queryset is not None else Project.objects.all()).filter(plan=plan)
    projects = list(
        qs.select_related("strategy", "lead_unit")
        .prefetch_related("indicators")
        .order_by("strategy__number", "pk")
    )
    ids = [p.pk for p in projects]
    rows = {p.pk: ProjectRows(p) for p in projects}
    activities: dict[int, ActivityRow] = {}
    for pk, project_id, parent_id, title, period, responsible in (
        Activity.objects.filter(project_id__in=ids)
        .order_by("project", "order", "pk")
        .values_list("pk", "project_id", "parent_id", "title_th", "period_th", "responsible_th")
    ):
        activities[pk] = ActivityRow(pk, parent_id, title, period, responsible)
        rows[project_id].activities.append(activities[pk])
    factors: dict[int, list[Factor]] = defaultdict(list)
    for line_id, quantity, unit in (
        BudgetLineFactor.objects.filter(line__activity__project_id__in=ids)
        .order_by("line", "order", "pk")
        .values_list("line_id", "quantity", "unit_th")
    ):
        factors[line_id].append(Factor(quantity, unit))
    for pk, activity_id, order, description, category, fund, plain, declared, note in (
        BudgetLine.objects.filter(activity__project_id__in=ids)
        .order_by("activity", "order", "pk")
        .values_list(
            "pk",
            "activity_id",
            "order",
            "description_th",
            "category__name_th",
            "fund_source__name_th",
            "plain_amount",
            "declared_amount",
            "formula_note_th",
        )
    ):
        formula = factors.get(pk)
        # BudgetLine.amount: the factors' product when there is a formula, else the plain amount
        # a line with neither (a formula kept as text with no amount) leaves the cell empty, so
        # that the re-import says so at its row instead of reading a typed 0
        amount = (
            quantize(product_of(f.quantity for f in formula) if formula else plain)
            if formula or plain is not None
            else None
        )
        text = format_formula(formula) if formula else note
        activities[activity_id].lines.append(
            LineRow(order, description, category, fund, amount, declared, text)
        )
    for activity_id, quarter, value in QuarterAllocation.objects.filter(
        activity__project_id__in=ids
    ).values_list("activity_id", "quarter", "amount"):
        activities[activity_id].quarters[quarter - 1] = quantize(value)
    for row in rows.values():
        row.total = quantize(sum((x.amount or ZERO for a in row.activities for x in a.lines), ZERO))
    return list(rows.values())


def _date(value) -> str:
    return thai.format_thai_date(value, digits="arabic") if value else ""


def project_rows(projects: list[ProjectRows]) -> Iterator[list]:
    for row in projects:
        p = row.project
        yield [
            p.code,
            p.name_th,
            p.strategy.number if p.strategy else None,
            p.strategy.title_th if p.strategy else "",
            p.lead_unit.name_th,
            p.get_project_type_display(),
            _date(p.start_date),
            _date(p.end_date),
            p.declared_total,
            row.total,
            p.get_status_display(),
        ]


def activity_rows(projects: list[ProjectRows]) -> Iterator[list]:
    """Activities numbered 1..n in display order: the key lines and quarters refer to."""
    for row in projects:
        position = {a.pk: n for n, a in enumerate(row.activities, start=1)}
        for n, a in enumerate(row.activities, start=1):
            yield [
                row.project.name_th,
                n,
                position.get(a.parent_id),
                a.title,
                a.period,
                a.responsible,
            ]


def line_rows(plan, projects: list[ProjectRows]) -> Iterator[list]:
    office = plan.office.short_name_th
    for row in projects:
        p = row.project
        strategy = p.strategy.number if p.strategy else None
        for n, a in enumerate(row.activities, start=1):
            quarters = ", ".join(str(q) for q, amount in enumerate(a.quarters, start=1) if amount)
            for m, line in enumerate(a.lines, start=1):
                yield [
                    office,
                    p.lead_unit.name_th,
                    strategy,
                    p.name_th,
                    n,
                    a.title,
                    m,
                    line.description,
                    line.formula,
                    line.category,
                    line.fund,
                    quarters,
                    line.amount,
                    line.declared,
                ]


def quarter_rows(projects: list[ProjectRows]) -> Iterator[list]:
    for row in projects:
        for n, a in enumerate(row.activities, start=1):
            yield [row.project.name_th, n, a.title, *a.quarters, quantize(sum(a.quarters, ZERO))]


def indicator_rows(projects: list[ProjectRows]) -> Iterator[list]:
    for row in projects:
        for i in row.project.indicators.all():
            yield [
                row.project.name_th,
                i.order,
                i.get_result_level_display(),
                i.get_measure_type_display(),
                i.text_th,
                i.get_comparator_display(),
                i.target_value,
                i.target_unit_th,
                i.target_text_th,
                i.method_th,
                i.tool_th,
            ]


def summary_rows(plan, projects: list[ProjectRows]) -> Iterator[list]:
    """Projects and money per strategy, computed from the lines (never typed); a cancelled
    project is listed on the projects sheet with its status but counts in no total."""
    projects = [r for r in projects if r.project.status != ProjectStatus.CANCELLED]
    buckets: dict = {s.pk: [s, 0, ZERO] for s in plan.strategies.all()}
    for row in projects:
        bucket = buckets.setdefault(row.project.strategy_id, [row.project.strategy, 0, ZERO])
        bucket[1] += 1
        bucket[2] += row.total
    for strategy, count, total in buckets.values():
        yield [
            strategy.number if strategy else None,
            strategy.title_th if strategy else "ไม่ระบุกลยุทธ์",
            count,
            quantize(total),
        ]
    yield [None, "รวมทั้งสิ้น", len(projects), quantize(sum((r.total for r in projects), ZERO))]


# --- xlsx ---------------------------------------------------------------------------------------


def _sheet(wb: Workbook, spec: template.SheetSpec, rows: Iterable[list]) -> None:
    ws = wb.create_sheet(spec.title)
    for i, header in enumerate(spec.headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(header, 16)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in spec.headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([text_cell(ws, v) for v in row])


@in_thai  # the canonical Thai workbook, read back by the import
def plan_workbook(plan, projects) -> bytes:
    wb = Workbook(write_only=True)
    _sheet(wb, template.SUMMARY, summary_rows(plan, projects))
    _sheet(wb, template.PROJECTS, project_rows(projects))
    _sheet(wb, template.ACTIVITIES, activity_rows(projects))
    _sheet(wb, template.LINES, line_rows(plan, projects))
    _sheet(wb, template.QUARTERS, quarter_rows(projects))
    _sheet(wb, template.INDICATORS, indicator_rows(projects))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


HELP_ROWS = [
    ["แม่แบบนำเข้าแผนปฏิบัติการประจำปี"],
    ["กรอกหนึ่งรายการต่อหนึ่งแถว ห้ามเปลี่ยนชื่อหัวคอลัมน์ ชีตที่ไม่ใช้ลบทิ้งได้"],
    ["โครงการ: ชื่อโครงการต้องไม่ซ้ำกันในแผน ใช้จับคู่กับโครงการเดิมเมื่อนำเข้าซ้ำ"],
    ["กลุ่มที่รับผิดชอบ: ชื่อกลุ่มตามคำสั่งแบ่งส่วนราชการ (ระบบจับคู่ชื่อที่เขียนต่างกันให้ และถามเมื่อไม่แน่ใจ)"],
    ["วันที่: เช่น 1 ตุลาคม 2566 (พ.ศ.)"],
    [
        "รายการงบประมาณ: สูตรคำนวณ เช่น 32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง; ถ้าผลคูณไม่ตรงกับจำนวนเงิน ระบบใช้จำนวนเงินและแจ้งให้ตรวจ"
    ],
    ["หมวดรายจ่าย: ค่าตอบแทน ค่าใช้สอย ค่าวัสดุ …  แหล่งงบประมาณ: เช่น งบประมาณสำนักงานเขตพื้นที่การศึกษา"],
    ["ยอดรวมทุกระดับระบบคำนวณเอง ยอดที่พิมพ์ในเอกสารเดิมใส่ในคอลัมน์ “…ที่ระบุในเอกสาร” เพื่อให้ระบบแจ้งเมื่อไม่ตรง"],
]


def template_workbook() -> bytes:
    """The empty canonical workbook users download, fill in and upload."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("คำอธิบาย")
    ws.column_dimensions["A"].width = 120
    for row in HELP_ROWS:
        ws.append(row)
    for spec in (
        template.PROJECTS,
        template.ACTIVITIES,
        template.LINES,
        template.QUARTERS,
        template.INDICATORS,
    ):
        _sheet(wb, spec, [])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- csv ----------------------------------------------------------------------------------------


@in_thai
def plan_csv(plan, projects) -> bytes:
    """The flat budget lines (one row each), UTF-8 with the BOM Excel needs to read Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(template.LINES.headers)
    for row in line_rows(plan, projects):
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def file_name(plan, extension: str) -> str:
    """ASCII only: the office code is a slug, the year a number (no user text in headers)."""
    return f"plan-{plan.office.code}-{plan.fiscal_year.year_be}.{extension}"
