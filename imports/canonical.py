"""The template's own sheets (imports/template.py): one record per row under its exact headers,
whatever the order of the columns and the row the header is on. Every value keeps the cell it
came from, so that a problem found later (imports/planning.py) is reported at that cell."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from imports import template
from imports.cells import (
    MAX_INTEGER,
    ZERO,
    CellProblem,
    amount,
    date_value,
    first_not_none,
    lines_of,
    long_text,
    months_value,
    non_empty,
    squash,
    text,
)
from imports.headers import Header
from imports.records import IndicatorIn, ItemIn, LineIn, Loc, Mismatch, PersonIn
from imports.tables import Table

if TYPE_CHECKING:
    from imports.parse import SheetWalker

# Narrative columns of the project sheet: field -> (ProjectIn.fields key, how the cell is read).
_PROJECT_TEXT = {
    "programme": ("programme", text),
    "co_units": ("co_units", lines_of),
    "alignments": ("alignments", lines_of),
    "location": ("location_th", long_text),
    "rationale": ("rationale_th", long_text),
    "target_groups": ("target_groups_th", long_text),
    "allow_reallocation": ("allow_reallocation", text),
}


class CanonicalTable(Table):
    """A sheet of the downloadable template: one record per row under exact headers."""

    def __init__(self, walker: SheetWalker, spec: template.SheetSpec, values: list, excel_row: int):
        header = Header(spec.layout, [], walker.loc(excel_row))
        super().__init__(walker, header)
        self.spec = spec
        # Headers are compared without spacing, as the sheet itself was recognised.
        fields = {squash(c.header): c.field for c in spec.columns}
        self.index: dict[str, int] = {}
        for i, value in enumerate(values):
            name = fields.get(squash(text(value)))
            if name and name not in spec.export_only:
                self.index.setdefault(name, i)

    def continues(self, header: Header) -> bool:
        return False

    def has(self, name: str) -> bool:
        return name in self.index

    def get(self, values: list, name: str):
        i = self.index.get(name)
        return values[i] if i is not None and i < len(values) else None

    def loc_of(self, excel_row: int, name: str) -> Loc:
        return self.walker.loc(excel_row, self.index.get(name))

    def number(self, excel_row: int, values: list, name: str) -> Decimal | None:
        try:
            return amount(self.get(values, name))
        except CellProblem as exc:
            self.parsed.error(self.loc_of(excel_row, name), str(exc))
            return None

    def integer(self, excel_row: int, values: list, name: str) -> int | None:
        value = self.number(excel_row, values, name)
        if value is None:
            return None
        if value != value.to_integral_value():
            self.parsed.error(self.loc_of(excel_row, name), f"“{value}” ต้องเป็นจำนวนเต็ม")
            return None
        if value > MAX_INTEGER:
            self.parsed.error(
                self.loc_of(excel_row, name), f"“{value:,.0f}” มากเกินไป (ไม่เกิน {MAX_INTEGER:,})"
            )
            return None
        return int(value)

    def row(self, excel_row: int, values: list) -> bool:
        if self.spec is template.SUMMARY:
            return True
        key = "project" if "project" in self.index else "name"
        name = text(self.get(values, key))
        if not name:
            if non_empty(values):
                self.parsed.error(self.loc_of(excel_row, key), "ไม่ได้ระบุชื่อโครงการ")
            return True
        loc = self.loc_of(excel_row, key)
        handler = getattr(self, f"_{self.spec.layout.removeprefix('canonical_')}")
        handler(excel_row, values, name, loc)
        return True

    def _projects(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        fields, locs = project.fields, project.locs
        for key in ("code", "project_type"):
            if self.has(key):
                fields[key] = text(self.get(values, key))
                locs[key] = self.loc_of(excel_row, key)
        for key in ("start_date", "end_date"):
            if not self.has(key):
                continue
            locs[key] = self.loc_of(excel_row, key)
            try:
                fields[key] = date_value(self.get(values, key), self.file.year_be)
            except CellProblem as exc:
                self.parsed.error(self.loc_of(excel_row, key), str(exc))
        for column, (key, read) in _PROJECT_TEXT.items():
            if self.has(column):
                fields[key] = read(self.get(values, column))
                locs[key] = self.loc_of(excel_row, column)
        group = text(self.get(values, "group"))
        if group:
            self.file.set_group(project, group, self.loc_of(excel_row, "group"))
        number = self.integer(excel_row, values, "strategy_number")
        if number is not None:
            title = text(self.get(values, "strategy_title"))
            self.file.strategy(number, "", title, self.loc_of(excel_row, "strategy_number"))
            self.file.set_strategy(
                project, number, title, self.loc_of(excel_row, "strategy_number")
            )
        if "declared_total" in self.index:
            declared = self.number(excel_row, values, "declared_total")
            project.declared, project.declared_given = declared, True
            project.declared_loc = self.loc_of(excel_row, "declared_total")

    def _activity(self, excel_row, values, project, title_field: str):
        key = "activity_order" if "activity_order" in self.index else "order"
        order = self.integer(excel_row, values, key)
        if order is None:
            self.parsed.error(self.loc_of(excel_row, key), "ไม่ได้ระบุลำดับกิจกรรม")
            return None
        return self.file.canonical_activity(
            project,
            order,
            text(self.get(values, title_field)),
            self.loc_of(excel_row, title_field),
        )

    def _activities(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        self.file.complete_keys.add(project.key)
        activity = self._activity(excel_row, values, project, "title")
        if activity is None:
            return
        activity.title = text(self.get(values, "title")) or activity.title
        activity.period = text(self.get(values, "period"))
        activity.responsible = text(self.get(values, "responsible"))
        if self.has("steps"):
            activity.extra["steps"] = long_text(self.get(values, "steps"))
        for key in ("location", "target_group"):
            if self.has(key):
                activity.extra[key] = text(self.get(values, key))[:255]  # CharField(255)
        if self.has("months"):
            try:
                activity.extra["months"] = months_value(self.get(values, "months"))
            except CellProblem as exc:
                self.parsed.error(self.loc_of(excel_row, "months"), str(exc))
        parent = self.integer(excel_row, values, "parent")
        if parent:
            self.file.canonical_parents.append(
                (project, activity, parent, self.loc_of(excel_row, "parent"))
            )

    def _lines(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        group = text(self.get(values, "group"))
        if group and not project.group_raw:
            self.file.set_group(project, group, self.loc_of(excel_row, "group"), weak=True)
        number = self.integer(excel_row, values, "strategy_number")
        if number is not None and project.strategy_number is None:
            project.strategy_number = number
            self.file.strategy(number, "", "", self.loc_of(excel_row, "strategy_number"))
        activity = self._activity(excel_row, values, project, "activity")
        if activity is None:
            return
        self.file.lines_keys.add(project.key)
        line = LineIn(
            loc=self.loc_of(excel_row, "amount"),
            description=text(self.get(values, "description")),
            formula=text(self.get(values, "formula")),
            amount=self.number(excel_row, values, "amount"),
            declared=self.number(excel_row, values, "declared"),
            category_raw=text(self.get(values, "category")),
            fund_raw=text(self.get(values, "fund")),
            category_loc=self.loc_of(excel_row, "category"),
            fund_loc=self.loc_of(excel_row, "fund"),
            order=self.integer(excel_row, values, "order"),
            formula_loc=self.loc_of(excel_row, "formula"),
        )
        if not line.description:
            self.parsed.error(self.loc_of(excel_row, "description"), "ไม่ได้ระบุชื่อรายการ")
        if self.get(values, "amount") is None and not line.formula:
            self.parsed.error(line.loc, "ไม่ได้ระบุจำนวนเงิน")
        activity.lines.append(line)

    def _quarters(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        activity = self._activity(excel_row, values, project, "activity")
        if activity is None:
            return
        quarters = [self.number(excel_row, values, f"q{q}") or ZERO for q in (1, 2, 3, 4)]
        activity.quarters = quarters
        printed = self.number(excel_row, values, "total")
        if printed is not None and printed != sum(quarters, ZERO):
            self.parsed.mismatches.append(
                Mismatch(
                    f"โครงการ “{project.name}” แผนรายไตรมาส กิจกรรมลำดับ {activity.order}: รวมของแถว",
                    printed,
                    sum(quarters, ZERO),
                    "row",
                    self.loc_of(excel_row, "total"),
                )
            )

    def _indicators(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        if project.indicators is None:
            project.indicators = []
        item = IndicatorIn(
            loc=self.loc_of(excel_row, "text"),
            text=text(self.get(values, "text")),
            order=first_not_none(
                self.integer(excel_row, values, "order"), len(project.indicators) + 1
            ),
            result_level=text(self.get(values, "result_level")),
            measure_type=text(self.get(values, "measure_type")),
            comparator=text(self.get(values, "comparator")),
            target_value=self.number(excel_row, values, "target_value"),
            unit=text(self.get(values, "unit")),
            target_text=text(self.get(values, "target_text")),
            method=text(self.get(values, "method")),
            tool=text(self.get(values, "tool")),
            locs={
                key: self.loc_of(excel_row, key)
                for key in ("result_level", "measure_type", "comparator", "target_value")
                if self.has(key)
            },
        )
        if not item.text:
            self.parsed.error(item.loc, "ไม่ได้ระบุตัวชี้วัด")
        project.indicators.append(item)

    def _items(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        if project.items is None:
            project.items = []
        item = ItemIn(
            loc=self.loc_of(excel_row, "text"),
            kind_raw=text(self.get(values, "kind")),
            text=long_text(self.get(values, "text")),
            order=self.integer(excel_row, values, "order") or 0,
            kind_loc=self.loc_of(excel_row, "kind"),
        )
        if not item.text:
            self.parsed.error(item.loc, "ไม่ได้ระบุข้อความ")
            return
        project.items.append(item)

    def _people(self, excel_row, values, name, loc) -> None:
        project = self.file.project(name, loc)
        if project.people is None:
            project.people = []
        person = PersonIn(
            loc=self.loc_of(excel_row, "name"),
            name=text(self.get(values, "name")),
            position=text(self.get(values, "position")),
            role_raw=text(self.get(values, "role")),
            order=self.integer(excel_row, values, "order") or 0,
            role_loc=self.loc_of(excel_row, "role"),
        )
        if not person.name:
            self.parsed.error(person.loc, "ไม่ได้ระบุชื่อ-สกุล")
            return
        project.people.append(person)
