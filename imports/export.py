"""A plan as an .xlsx workbook in the canonical template's shape, narrative included, with the
template's instruction sheet and dropdowns (so it imports back unchanged, here or into another
office), or as one flat .csv of budget lines. Numbers stay numbers; text stays inert text: a project named
"=HYPERLINK(…)" is written as a string cell in .xlsx and with a leading ' in .csv (OWASP)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actionplan import thai
from actionplan.i18n import in_thai, thai_labels
from actionplan.models import PolicyFramework, PolicyItem, Programme
from actionplan.workbooks import csv_value, text_cell
from budgets.formula import Factor, format_formula, product_of
from budgets.models import (
    BudgetCategory,
    BudgetLine,
    BudgetLineFactor,
    FundSource,
    QuarterAllocation,
)
from budgets.money import ZERO, quantize
from imports import template
from imports.cells import months_text
from imports.narrative import alignment_label
from indicators.models import Comparator, MeasureType, ResultLevel
from projects.audit import numbered
from projects.models import (
    Activity,
    ItemKind,
    Project,
    ProjectPersonRole,
    ProjectStatus,
    ProjectType,
)

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
    order: int
    title: str
    period: str
    responsible: str
    steps: str = ""
    location: str = ""
    target_group: str = ""
    months: list[int] = field(default_factory=list)
    quarters: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO, ZERO, ZERO])
    lines: list[LineRow] = field(default_factory=list)


@dataclass(slots=True)
class ProjectRows:
    project: Project
    activities: list[ActivityRow] = field(default_factory=list)
    total: Decimal = ZERO


def export_projects(plan, queryset=None) -> list[ProjectRows]:
    """The plan's projects (optionally only those a user may see) and everything under them, in
    eleven queries read as plain values: an export touches every line, so model instances and
    prefetch caches would cost more than writing the workbook."""
    qs = (queryset if queryset is not None else Project.objects.all()).filter(plan=plan)
    projects = list(
        qs.select_related("strategy", "lead_unit", "programme")
        .prefetch_related(
            "indicators",
            "items",
            "people",
            "co_units",
            Prefetch("alignments", PolicyItem.objects.select_related("framework")),
        )
        .order_by("strategy__number", "pk")
    )
    ids = [p.pk for p in projects]
    rows = {p.pk: ProjectRows(p) for p in projects}
    activities: dict[int, ActivityRow] = {}
    for project_id, *values in (
        Activity.objects.filter(project_id__in=ids)
        .order_by("project", "order", "pk")
        .values_list(
            "project_id",
            "pk",
            "parent_id",
            "order",
            "title_th",
            "period_th",
            "responsible_th",
            "steps_th",
            "location_th",
            "target_group_th",
            "months",
        )
    ):
        activity = ActivityRow(*values)
        activities[activity.pk] = activity
        rows[project_id].activities.append(activity)
    for row in rows.values():
        # Numbered as the project page numbers them: a main activity, its subs, the next main
        # (the editor restarts `order` under each main activity).
        row.activities = [a for _, a in numbered(row.activities)]
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
            p.programme.name_th if p.programme else "",
            "\n".join(u.name_th for u in p.co_units.all()),
            "\n".join(alignment_label(i) for i in p.alignments.all()),
            p.location_th,
            p.rationale_th,
            p.target_groups_th,
            template.YES if p.allow_reallocation else template.NO,
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
                a.steps,
                a.location,
                a.target_group,
                months_text(a.months or ()),
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


def item_rows(projects: list[ProjectRows]) -> Iterator[list]:
    """Objectives, targets and expected results, numbered within their heading."""
    labels = thai_labels(ItemKind)
    for row in projects:
        by_kind: dict[str, list[str]] = {}
        for item in row.project.items.all():
            by_kind.setdefault(item.kind, []).append(item.text_th)
        for kind in ItemKind.values:
            for n, body in enumerate(by_kind.get(kind, ()), start=1):
                yield [row.project.name_th, labels[kind], n, body]


def people_rows(projects: list[ProjectRows]) -> Iterator[list]:
    roles = thai_labels(ProjectPersonRole)
    for row in projects:
        for n, person in enumerate(row.project.people.all(), start=1):
            yield [row.project.name_th, n, person.name_th, person.position_th, roles[person.role]]


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


@dataclass
class Lists:
    """The values of every closed list (template.LIST_TITLES) for one office and plan."""

    values: dict[str, list] = field(default_factory=dict)
    strategy_titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, office=None, plan=None) -> Lists:
        mine = Q(office=office) | Q(office__isnull=True)
        strategies = list(plan.strategies.all()) if plan else []
        items = (
            PolicyItem.objects.filter(
                framework__is_active=True,
                framework__in=PolicyFramework.objects.filter(mine),
            )
            .select_related("framework")
            .order_by("framework__order", "framework_id", "order", "pk")
        )
        values = {
            "project_type": list(thai_labels(ProjectType).values()),
            "group": [],
            "strategy": [s.number for s in strategies],
            "programme": [],
            "alignment": [],
            "yes_no": [template.YES, template.NO],
            "category": [c.name_th for c in BudgetCategory.objects.filter(is_active=True)],
            "fund": [f.name_th for f in FundSource.objects.filter(is_active=True)],
            "result_level": list(thai_labels(ResultLevel).values()),
            "measure_type": list(thai_labels(MeasureType).values()),
            "comparator": list(thai_labels(Comparator).values()),
            "item_kind": list(thai_labels(ItemKind).values()),
            "person_role": list(thai_labels(ProjectPersonRole).values()),
        }
        if office is not None:
            values["group"] = [u.name_th for u in office.units.filter(is_active=True)]
            values["programme"] = [
                p.name_th for p in Programme.objects.filter(mine, is_active=True)
            ]
            values["alignment"] = [alignment_label(i) for i in items]
        return cls(values, {s.number: s.title_th for s in strategies})

    def column_of(self, key: str) -> str:
        return get_column_letter(list(template.LIST_TITLES).index(key) + 1)

    def described(self, key: str) -> str:
        """A list's values as the instruction sheet shows them, one a line."""
        if key == "strategy":
            return "\n".join(
                f"{n} {self.strategy_titles.get(n, '')}".strip() for n in self.values[key]
            )
        return "\n".join(str(v) for v in self.values.get(key, ()))


_LIST_FIRST_ROW = 3  # the lists sheet: marker, list titles, then the values
_VALIDATED_ROWS = 5000


def _dropdowns(ws, spec: template.SheetSpec, lists: Lists) -> None:
    """An Excel dropdown on every closed-list column, its values on the lists sheet (so that a
    list longer than Excel's 255-character inline limit still works)."""
    for n, column in enumerate(spec.columns, start=1):
        key = column.choices
        if not key or column.multi or not lists.values.get(key):
            continue
        letter, count = lists.column_of(key), len(lists.values[key])
        source = f"'{template.LISTS_TITLE}'!${letter}${_LIST_FIRST_ROW}:${letter}${_LIST_FIRST_ROW + count - 1}"
        open_list = key in template.OPEN_LISTS
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if open_list else "stop",
            errorTitle=column.header,
            error=(
                "ค่านี้ไม่อยู่ในรายการ ระบบจะจับคู่ให้เมื่อนำเข้าและถามเมื่อไม่แน่ใจ"
                if open_list
                else "กรุณาเลือกจากรายการ (ดูชีตคำอธิบาย)"
            ),
        )
        col = get_column_letter(n)
        validation.add(f"{col}2:{col}{_VALIDATED_ROWS}")
        ws.data_validations.append(validation)


def _sheet(wb: Workbook, spec: template.SheetSpec, rows: Iterable[list], lists: Lists) -> None:
    ws = wb.create_sheet(spec.title)
    for i, header in enumerate(spec.headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(header, 16)
    ws.freeze_panes = "A2"
    _dropdowns(ws, spec, lists)
    bold = Font(bold=True)
    header_cells = []
    for header in spec.headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([text_cell(ws, v) for v in row])


HELP_ROWS = [
    "กรอกหนึ่งรายการต่อหนึ่งแถว ห้ามเปลี่ยนชื่อหัวคอลัมน์ สลับลำดับคอลัมน์ได้ ชีตที่ไม่ใช้ลบทิ้งได้",
    "ชื่อโครงการต้องไม่ซ้ำกันในแผน ใช้จับคู่กับโครงการเดิมเมื่อนำเข้าซ้ำ ทุกชีตอ้างถึงโครงการด้วยชื่อโครงการ",
    "ชื่อกลุ่มตามคำสั่งแบ่งส่วนราชการ ระบบจับคู่ชื่อที่เขียนต่างกันให้ และถามเมื่อไม่แน่ใจ",
    "วันที่ใช้ปี พ.ศ. เช่น 1 ตุลาคม 2566",
    "คอลัมน์ที่มีรายการให้เลือก (ดูคอลัมน์ “ค่าที่เลือกได้” ด้านล่าง) รับคำที่เขียนต่างกันเล็กน้อยได้ เช่น “ต่อเนื่อง” “ผลผลิต” “output” “เชิงปริมาณ”",
    "ยอดรวมทุกระดับระบบคำนวณเอง ยอดที่พิมพ์ในเอกสารเดิมใส่ในคอลัมน์ “…ที่ระบุในเอกสาร” เพื่อให้ระบบแจ้งเมื่อไม่ตรง",
    f"ชีต “{template.INSTRUCTIONS_TITLE}” และ “{template.LISTS_TITLE}” เป็นส่วนของแม่แบบ ไม่ถูกนำเข้า",
]


def _instructions(wb: Workbook, lists: Lists) -> None:
    ws = wb.create_sheet(template.INSTRUCTIONS_TITLE)
    for letter, width in zip("ABCD", (22, 30, 70, 50), strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    title = WriteOnlyCell(ws, value=template.INSTRUCTIONS_MARKER)
    title.font = bold
    ws.append([title])
    for line in HELP_ROWS:
        ws.append([line])
    ws.append([])
    heads = []
    for label in ("ชีต", "คอลัมน์", "คำอธิบาย", "ค่าที่เลือกได้"):
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        heads.append(cell)
    ws.append(heads)
    for spec in template.DATA_SHEETS:
        for column in spec.columns:
            allowed = lists.described(column.choices) if column.choices else ""
            ws.append([spec.title, column.header, column.note, allowed or None])


def _lists(wb: Workbook, lists: Lists) -> None:
    ws = wb.create_sheet(template.LISTS_TITLE)
    ws.sheet_state = "hidden"
    ws.append([template.LISTS_MARKER])
    ws.append(list(template.LIST_TITLES.values()))
    columns = [lists.values.get(key, []) for key in template.LIST_TITLES]
    for n in range(max((len(c) for c in columns), default=0)):
        ws.append([text_cell(ws, c[n]) if n < len(c) else None for c in columns])


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@in_thai  # the canonical Thai workbook, read back by the import
def plan_workbook(plan, projects, lists: Lists | None = None) -> bytes:
    lists = lists or Lists.load(plan.office, plan)
    wb = Workbook(write_only=True)
    _sheet(wb, template.SUMMARY, summary_rows(plan, projects), lists)
    _sheet(wb, template.PROJECTS, project_rows(projects), lists)
    _sheet(wb, template.ACTIVITIES, activity_rows(projects), lists)
    _sheet(wb, template.LINES, line_rows(plan, projects), lists)
    _sheet(wb, template.QUARTERS, quarter_rows(projects), lists)
    _sheet(wb, template.INDICATORS, indicator_rows(projects), lists)
    _sheet(wb, template.ITEMS, item_rows(projects), lists)
    _sheet(wb, template.PEOPLE, people_rows(projects), lists)
    _instructions(wb, lists)
    _lists(wb, lists)
    return _save(wb)


@in_thai
def template_workbook(office=None, plan=None) -> bytes:
    """The empty canonical workbook users download, fill in and upload: the instructions, the
    data sheets with their dropdowns and the (hidden) lists the dropdowns offer."""
    lists = Lists.load(office, plan)
    wb = Workbook(write_only=True)
    _instructions(wb, lists)
    for spec in template.DATA_SHEETS:
        _sheet(wb, spec, [], lists)
    _lists(wb, lists)
    return _save(wb)


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
    """ASCII only: the office code is a slug, the year a number, a plan kind other than the
    action plan its PlanType value (no user text in headers)."""
    kind = "" if plan.plan_type == "action_plan" else f"-{plan.plan_type}"
    return f"plan-{plan.office.code}-{plan.fiscal_year.year_be}{kind}.{extension}"
