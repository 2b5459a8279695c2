"""The tables a sheet may hold, each following its own rows: strategy summaries, a project's
budget table and a project's quarterly plan (the template's own sheets: imports/canonical.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from actionplan import thai
from imports.cells import (
    CONTINUED,
    DASH_RE,
    STRATEGY_RE,
    ZERO,
    CellProblem,
    amount,
    lines_of,
    non_empty,
    parent_label,
    row_text,
    split_formula,
    split_label,
    strip_project_word,
    text,
)
from imports.headers import Column, Header
from imports.records import ActivityIn, IndicatorIn, LineIn, Loc, Mismatch, ProjectIn, StrategyIn

if TYPE_CHECKING:
    from imports.parse import SheetWalker

# --- tables ----------------------------------------------------------------------------------


class Table:
    """A table under a recognised header; row() returns True when the row was its own."""

    def __init__(self, walker: SheetWalker, header: Header):
        self.walker = walker
        self.file = walker.file
        self.parsed = walker.parsed
        self.header = header

    def continues(self, header: Header) -> bool:
        return header.layout == self.header.layout and header.signature == self.header.signature

    def row(self, excel_row: int, values: list) -> bool:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def cell(self, values: list, column: Column | None):
        if column is None or column.index >= len(values):
            return None
        return values[column.index]

    def money(self, excel_row: int, values: list, column: Column | None) -> Decimal | None:
        try:
            return amount(self.cell(values, column))
        except CellProblem as exc:
            self.parsed.error(self.walker.loc(excel_row, column.index), str(exc))
            return None


class SummaryTable(Table):
    """Strategy summary: one project per row, "รวม…" rows close a strategy."""

    def __init__(self, walker: SheetWalker, header: Header):
        super().__init__(walker, header)
        self.strategy = walker.strategy
        self.name_col = header.first("project")
        self.no_col = header.first("no")
        self.group_col = header.first("group")
        self.money_cols = [c for c in header.columns if c.role in {"fund", "amount"}]
        if not self.money_cols:
            self.money_cols = header.by_role("total")
        self.last: ProjectIn | None = None

    def set_strategy(self, strategy: StrategyIn) -> None:
        self.strategy = strategy
        self.walker.strategy = strategy

    def row(self, excel_row: int, values: list) -> bool:
        name = text(self.cell(values, self.name_col))
        label = text(self.cell(values, self.no_col))
        if name.startswith("รวม") or label.startswith("รวม"):
            self._total(excel_row, values)
            return True
        if STRATEGY_RE.search(row_text(values)) and not name:
            return False
        amounts = {c: self.money(excel_row, values, c) for c in self.money_cols}
        given = {c: a for c, a in amounts.items() if a is not None}
        if not name:
            return not given  # stray numbers without a project are preamble text
        if not given and not label and self.last is not None:
            self.parsed.warn(
                self.walker.loc(excel_row, self.name_col.index),
                f"แถวนี้ไม่มีเลขที่และงบประมาณ จึงถือเป็นข้อความต่อจากโครงการ “{self.last.name}”",
            )
            return True
        loc = self.walker.loc(excel_row, self.name_col.index)
        project = self.file.project(strip_project_word(name), loc)
        if self.group_col is not None:
            raw = text(self.cell(values, self.group_col))
            if raw:
                self.file.set_group(project, raw, self.walker.loc(excel_row, self.group_col.index))
        if self.strategy is not None:
            self.file.set_strategy(project, self.strategy.number, self.strategy.title, loc)
        if label:
            number = self.strategy.number if self.strategy is not None else None
            self.file.numbered.setdefault((number, _number_key(label)), project)
        funding: dict[str, tuple[Decimal, Loc]] = {}
        for column, value in given.items():
            code = column.arg or "esa"
            previous = funding.get(code, (ZERO, None))[0]
            funding[code] = (previous + value, self.walker.loc(excel_row, column.index))
        project.funding = {**(project.funding or {}), **funding}
        total = sum((v for v, _ in funding.values()), ZERO)
        first_money = min(given, key=lambda c: c.index) if given else self.name_col
        self.file.set_declared(project, total, self.walker.loc(excel_row, first_money.index))
        self.last = project
        return True

    def _total(self, excel_row: int, values: list) -> None:
        amounts = [self.money(excel_row, values, c) for c in self.money_cols]
        total = sum((a for a in amounts if a is not None), ZERO)
        first = min(self.money_cols, key=lambda c: c.index)
        loc = self.walker.loc(excel_row, first.index)
        if self.strategy is None:
            self.parsed.plan_declared, self.parsed.plan_declared_loc = total, loc
        elif self.strategy.declared is None:
            self.strategy.declared, self.strategy.declared_loc = total, loc
        else:  # a second "รวม" for the same strategy: the whole plan's total
            self.parsed.plan_declared, self.parsed.plan_declared_loc = total, loc


@dataclass
class _Record:
    label: str
    heads: list[tuple[str, str]]
    description: str
    amounts: dict[int, Decimal | None]
    loc: Loc


@dataclass
class _Totals:
    """Printed totals rows of a table and the running sums to check them against."""

    overall: dict[int, Decimal] = field(default_factory=dict)
    segment: dict[int, Decimal] = field(default_factory=dict)
    printed: list[tuple[int, dict[int, Decimal | None], dict[int, Decimal]]] = field(
        default_factory=list
    )

    def add(self, index: int, value: Decimal | None) -> None:
        if value:
            self.overall[index] = self.overall.get(index, ZERO) + value
            self.segment[index] = self.segment.get(index, ZERO) + value

    def close(self, excel_row: int, printed: dict[int, Decimal | None]) -> None:
        self.printed.append((excel_row, printed, dict(self.segment)))
        self.segment = {}

    def check(self, walker: SheetWalker, where: str, names: dict[int, str]) -> None:
        """The last totals row covers the table; earlier ones are page subtotals (Q10)."""
        for n, (excel_row, printed, segment) in enumerate(self.printed):
            computed = self.overall if n == len(self.printed) - 1 else segment
            for index, value in printed.items():
                if value is None:
                    continue
                expected = computed.get(index, ZERO)
                if value != expected:
                    walker.parsed.mismatches.append(
                        Mismatch(
                            f"{where}: แถวรวม คอลัมน์ {names.get(index, '')}".strip(),
                            value,
                            expected,
                            "column",
                            walker.loc(excel_row, index),
                        )
                    )


class ProjectTable(Table):
    """A table that belongs to the project named above it."""

    def __init__(self, walker: SheetWalker, header: Header):
        super().__init__(walker, header)
        self.project = walker.project
        if self.project is None:
            self.parsed.error(
                header.loc,
                "ไม่พบชื่อโครงการก่อนตารางนี้ กรุณาใส่แถว “โครงการ …” เหนือตาราง",
            )
        walker.project_has_table = True
        self.item_col = header.first("item") or header.first("project")
        self.no_col = header.first("no")
        self.activities: list[ActivityIn] = []
        self.by_label: dict[str, ActivityIn] = {}
        self.current: ActivityIn | None = None

    def continues(self, header: Header) -> bool:
        return super().continues(header) and self.walker.project is self.project

    def activity(self, label: str, title: str, loc: Loc) -> ActivityIn:
        if label and label in self.by_label:
            return self.by_label[label]
        activity = ActivityIn(
            loc=loc,
            title=title or (f"กิจกรรมที่ {label}" if label else "กิจกรรม"),
            label=label,
            parent=self.by_label.get(parent_label(label)) if label else None,
        )
        self.activities.append(activity)
        if label:
            self.by_label[label] = activity
        self.current = activity
        return activity

    def where(self) -> str:
        return f"โครงการ “{self.project.name}”" if self.project else f"ชีต “{self.walker.name}”"

    def is_skipped_row(self, first: str) -> bool:
        return first.startswith(("หมายเหตุ", "**หมายเหตุ")) or first.endswith(CONTINUED)


class BudgetTable(ProjectTable):
    """A project's budget table: activities, line items with formulas, category/fund columns."""

    def __init__(self, walker: SheetWalker, header: Header):
        super().__init__(walker, header)
        self.total_col = header.first("total") or header.first("amount")
        self.category_cols = header.by_role("category")
        self.fund_cols = header.by_role("fund")
        self.money_cols = [
            c for c in header.columns if c.role in {"total", "amount", "category", "fund"}
        ]
        self.totals = _Totals()

    def row(self, excel_row: int, values: list) -> bool:
        if self.project is None:
            return True
        item_raw = self.cell(values, self.item_col)
        label_raw = self.cell(values, self.no_col)
        first = text(label_raw) or text(item_raw)
        if not first and not any(self.cell(values, c) is not None for c in self.money_cols):
            return True
        if first.startswith("รวม"):
            printed = {c.index: self.money(excel_row, values, c) for c in self.money_cols}
            self.totals.close(excel_row, printed)
            return True
        if self.is_skipped_row(first):
            return True
        if STRATEGY_RE.match(first) or first.startswith("โครงการ"):
            return False
        columns = {c.index: self._lines(excel_row, values, c) for c in self.money_cols}
        depth = max((len(v) for v in columns.values()), default=0)
        has_money = any(value for values_ in columns.values() for value in values_)
        item_lines = lines_of(item_raw)
        labels = [split_label(t)[0] or t for t in lines_of(label_raw)]
        loc = self.walker.loc(excel_row, self.item_col.index if self.item_col else None)
        if not has_money:
            self._headings(labels, item_lines, loc)
            return True
        records = self._records(excel_row, labels, item_lines, columns, depth, loc)
        for record in records:
            self._apply(record)
        return True

    def _lines(self, excel_row: int, values: list, column: Column) -> list[Decimal]:
        raw = self.cell(values, column)
        pieces = lines_of(raw) if isinstance(raw, str) else ([raw] if raw is not None else [])
        result = []
        for piece in pieces:
            try:
                value = amount(piece)
            except CellProblem as exc:
                self.parsed.error(self.walker.loc(excel_row, column.index), str(exc))
                value = None
            result.append(value if value is not None else ZERO)
        return result

    def _headings(self, labels: list[str], item_lines: list[str], loc: Loc) -> None:
        entries = _entries(item_lines)
        if labels and entries and not entries[0][1]:
            entries[0] = ("num", labels[0], entries[0][2])
        created = False
        for kind, label, body in entries:
            if kind == "num" or (label and not created):
                self.activity(label, body, loc)
                created = True
            elif not created and self.current is not None:
                self.current.title = f"{self.current.title} {body}".strip()
            elif not created:
                self.activity("", body, loc)
                created = True

    def _records(self, excel_row, labels, item_lines, columns, depth, loc) -> list[_Record]:
        entries = _entries(item_lines)
        dashes = [e for e in entries if e[0] == "dash"]
        if depth <= 1:
            amounts = {i: (v[0] if v else None) for i, v in columns.items()}
            if dashes:
                cut = entries.index(dashes[0])
                heads = [(e[1], e[2]) for e in entries[:cut]]
                description = " ".join(e[2] for e in dashes)
            else:
                heads = []
                description = " ".join(item_lines)
            label = labels[0] if labels else ""
            if not label and not heads:
                label, rest = split_label(description)
                if label and rest != description:
                    description = rest
            return [_Record(label, heads, description, amounts, loc)]
        if len(labels) == depth and len(item_lines) == depth:
            pieces = [(labels[i], [], item_lines[i]) for i in range(depth)]
        elif len(dashes) == depth:
            cut = entries.index(dashes[0])
            heads = [(e[1], e[2]) for e in entries[:cut]]
            if labels and heads and not heads[0][0]:
                heads[0] = (labels[0], heads[0][1])
            elif labels and not heads:
                heads = [(labels[0], "")]
            pieces = [("", heads if i == 0 else [], d[2]) for i, d in enumerate(dashes)]
        elif len(item_lines) == depth:
            pieces = [("", [], line) for line in item_lines]
        else:
            self.parsed.error(
                loc,
                f"จับคู่บรรทัดในเซลล์ไม่ได้: รายการมี {len(item_lines)} บรรทัด "
                f"แต่จำนวนเงินมี {depth} บรรทัด กรุณาแยกแต่ละรายการเป็นหนึ่งแถว",
            )
            return []
        aligned = self._align(columns, depth, loc)
        if aligned is None:
            return []
        return [
            _Record(label, heads, description, {i: aligned[i][n] for i in aligned}, loc)
            for n, (label, heads, description) in enumerate(pieces)
        ]

    def _align(self, columns, depth, loc) -> dict[int, list] | None:
        """Money lines per record; a column with fewer lines is matched by value to the totals."""
        result: dict[int, list] = {}
        totals = columns.get(self.total_col.index) if self.total_col else None
        for index, values in columns.items():
            if len(values) == depth:
                result[index] = list(values)
            elif not values:
                result[index] = [None] * depth
            elif totals is not None and len(totals) == depth and len(values) < depth:
                slots: list = [None] * depth
                used: set[int] = set()
                for value in values:
                    match = next(
                        (n for n in range(depth) if n not in used and totals[n] == value), None
                    )
                    if match is None:
                        if value:
                            self.parsed.error(loc, "จับคู่จำนวนเงินกับรายการในเซลล์เดียวกันไม่ได้")
                            return None
                        continue
                    used.add(match)
                    slots[match] = value
                result[index] = slots
            else:
                self.parsed.error(loc, "จำนวนบรรทัดของจำนวนเงินแต่ละคอลัมน์ไม่เท่ากัน กรุณาแยกเป็นแถว")
                return None
        return result

    def _apply(self, record: _Record) -> None:
        activity = None
        for label, body in record.heads:
            activity = self.activity(label, body, record.loc)
        description, formula = split_formula(record.description)
        if activity is None:
            if record.label:
                activity = self.activity(record.label, description, record.loc)
            elif self.current is not None:
                activity = self.current
            else:
                activity = self.activity("", description, record.loc)
        for column in self.money_cols:
            self.totals.add(column.index, record.amounts.get(column.index))
        for line in self._make_lines(record, description, formula):
            if line.formula:
                line.declared = line.amount  # the amount printed after the formula
            activity.lines.append(line)

    def _make_lines(self, record: _Record, description: str, formula: str) -> list[LineIn]:
        amounts = record.amounts
        cats = [(c, amounts.get(c.index)) for c in self.category_cols if amounts.get(c.index)]
        funds = [(c, amounts.get(c.index)) for c in self.fund_cols if amounts.get(c.index)]
        total = amounts.get(self.total_col.index) if self.total_col else None
        loc = record.loc
        where = f"{self.where()} รายการ “{description[:60]}”"
        if cats and total is not None and sum(v for _, v in cats) != total:
            self.parsed.mismatches.append(
                Mismatch(f"{where}: ผลรวมตามหมวดรายจ่าย", total, sum(v for _, v in cats), "row", loc)
            )
        if self.fund_cols and total:
            fund_sum = sum((amounts.get(c.index) or ZERO for c in self.fund_cols), ZERO)
            if fund_sum != total:
                names = " + ".join(c.label.split()[-1] for c in self.fund_cols)
                at = loc.with_column(self.fund_cols[0].index)
                self.parsed.mismatches.append(
                    Mismatch(f"{where}: {names} กับรวมทั้งสิ้นของแถว", fund_sum, total, "row", at)
                )
        fund = funds[0][0].arg if len(funds) == 1 else ""
        if cats:
            if len(funds) > 1 and len(cats) > 1:
                self.parsed.error(loc, "แยกจำนวนเงินตามหมวดและแหล่งงบประมาณพร้อมกันไม่ได้ กรุณาแยกแถว")
                return []
            if len(funds) > 1:
                return [
                    LineIn(
                        loc,
                        description,
                        formula,
                        value,
                        category_raw=cats[0][0].arg,
                        fund_raw=c.arg,
                    )
                    for c, value in funds
                ]
            return [
                LineIn(
                    loc,
                    description,
                    formula if len(cats) == 1 else "",
                    value,
                    category_raw=column.arg,
                    fund_raw=fund,
                )
                for column, value in cats
            ]
        if total:
            if len(funds) > 1:
                return [LineIn(loc, description, "", value, fund_raw=c.arg) for c, value in funds]
            return [LineIn(loc, description, formula, total, fund_raw=fund)]
        if funds:
            return [
                LineIn(loc, description, formula if len(funds) == 1 else "", value, fund_raw=c.arg)
                for c, value in funds
            ]
        return []

    def finish(self) -> None:
        if self.project is None:
            return
        names = {c.index: c.label.split()[-1] if c.label else "" for c in self.money_cols}
        self.totals.check(self.walker, f"{self.where()} ตารางงบประมาณ", names)
        self.file.add_activities(self.project, self.activities, quarterly=False)


def _entries(item_lines: list[str]) -> list[tuple[str, str, str]]:
    """Group a cell's lines into entries: numbered headings, "- " items and their continuations."""
    entries: list[list] = []
    for line in item_lines:
        dash = DASH_RE.match(line)
        label, rest = split_label(line)
        if dash and len(line) > dash.end():
            entries.append(["dash", "", line[dash.end() :]])
        elif label:
            entries.append(["num", label, rest])
        elif entries and (line.startswith("(") or entries[-1][0] in {"dash", "num"}):
            entries[-1][2] = f"{entries[-1][2]} {line}".strip()
        else:
            entries.append(["text", "", line])
    return [tuple(e) for e in entries]


class QuarterlyTable(ProjectTable):
    """A project's quarterly spending table; group rows without money become parent activities."""

    def __init__(self, walker: SheetWalker, header: Header):
        super().__init__(walker, header)
        self.quarter_cols = sorted(header.by_role("quarter"), key=lambda c: c.arg)[:4]
        self.total_col = header.first("total")
        self.money_cols = [*self.quarter_cols, *([self.total_col] if self.total_col else [])]
        self.totals = _Totals()
        self.printed_row_sum = ZERO
        self.any_printed_row = False

    def row(self, excel_row: int, values: list) -> bool:
        if self.project is None:
            return True
        first = text(self.cell(values, self.item_col)) or text(self.cell(values, self.no_col))
        if first.startswith("รวม"):
            printed = {c.index: self.money(excel_row, values, c) for c in self.money_cols}
            self.totals.close(excel_row, printed)
            return True
        if not first:
            return not any(self.cell(values, c) is not None for c in self.money_cols)
        if self.is_skipped_row(first):
            return True
        if first.startswith("โครงการ") and len(non_empty(values)) <= 2:
            return False
        quarters = [self.money(excel_row, values, c) or ZERO for c in self.quarter_cols]
        printed = self.money(excel_row, values, self.total_col) if self.total_col else None
        label, title = split_label(first)
        if not label and self.no_col is not None:
            label = split_label(text(self.cell(values, self.no_col)))[0]
        loc = self.walker.loc(excel_row, self.item_col.index if self.item_col else 0)
        if not any(quarters) and not printed:
            parent = self.by_label.get(parent_label(label)) if label else None
            target = parent if label else self.current
            if target is not None and any(target.quarters or ()):
                target.title = f"{target.title} {first}"  # a row broken across pages (Q9)
                return True
            self.activity(label, title, loc).quarters = [ZERO] * 4
            return True
        activity = self.activity(label, title, loc)
        activity.quarters = quarters
        computed = sum(quarters, ZERO)
        for column, value in zip(self.quarter_cols, quarters, strict=False):
            self.totals.add(column.index, value)
        if self.total_col is not None:
            self.totals.add(self.total_col.index, computed)
        if printed is not None:
            self.any_printed_row = True
            self.printed_row_sum += printed
            if printed != computed:
                self.parsed.mismatches.append(
                    Mismatch(
                        f"{self.where()} แผนรายไตรมาส “{title[:60]}”: รวมของแถว",
                        printed,
                        computed,
                        "row",
                        self.walker.loc(excel_row, self.total_col.index),
                    )
                )
        else:
            self.printed_row_sum += computed
        return True

    def finish(self) -> None:
        if self.project is None:
            return
        names = {c.index: f"ไตรมาสที่ {c.arg}" for c in self.quarter_cols}
        if self.total_col:
            names[self.total_col.index] = "รวม"
        where = f"{self.where()} แผนรายไตรมาส"
        self.totals.check(self.walker, where, names)
        if self.totals.printed:
            excel_row, printed, _ = self.totals.printed[-1]
            quarters = [printed.get(c.index) for c in self.quarter_cols]
            grand = printed.get(self.total_col.index) if self.total_col else None
            loc = self.walker.loc(excel_row, self.total_col.index if self.total_col else None)
            if grand is not None and None not in quarters and sum(quarters) != grand:
                self.parsed.mismatches.append(
                    Mismatch(f"{where}: ผลรวมไตรมาสในแถวรวม", grand, sum(quarters), "grand", loc)
                )
            if grand is not None and self.any_printed_row and self.printed_row_sum != grand:
                self.parsed.mismatches.append(
                    Mismatch(
                        f"{where}: ผลรวมคอลัมน์รวมของทุกแถว", grand, self.printed_row_sum, "grand", loc
                    )
                )
        self.file.add_activities(self.project, self.activities, quarterly=True)


def _number_key(label: str) -> str:
    return thai.to_arabic_digits(label).strip(" .")


@dataclass(slots=True)
class DurationRow:
    """A row of a duration table: which project (number, name) runs from when to when."""

    strategy: int | None
    label: str
    name: str
    start: str
    end: str
    loc: Loc
    start_loc: Loc
    end_loc: Loc


class DurationTable(Table):
    """ที่ | โครงการ | เริ่มต้น | สิ้นสุด: every project's period. Rows are matched to the
    file's projects once the whole file is read (FileParser._apply_durations), so the table
    may come before or after the part 3 tables that list the projects."""

    def __init__(self, walker: SheetWalker, header: Header):
        super().__init__(walker, header)
        self.name_col = header.first("project") or header.first("item")
        self.no_col = header.first("no")
        self.start_col = header.first("start")
        self.end_col = header.first("end")

    def row(self, excel_row: int, values: list) -> bool:
        name = text(self.cell(values, self.name_col))
        label = text(self.cell(values, self.no_col))
        start = text(self.cell(values, self.start_col))
        end = text(self.cell(values, self.end_col))
        if name.startswith("รวม") or label.startswith("รวม"):
            return True
        if STRATEGY_RE.search(row_text(values)) and not (start or end):
            return False  # a strategy heading row inside the table
        if not name:
            return not (start or end)
        if not label:
            label, name = split_label(name)
        strategy = self.walker.strategy.number if self.walker.strategy is not None else None
        self.file.durations.append(
            DurationRow(
                strategy,
                _number_key(label),
                strip_project_word(name),
                start,
                end,
                self.walker.loc(excel_row, self.name_col.index),
                self.walker.loc(excel_row, self.start_col.index),
                self.walker.loc(excel_row, self.end_col.index),
            )
        )
        return True


_LEVELS = (("ผลผลิต", "output"), ("output", "output"), ("ผลลัพธ์", "outcome"), ("outcome", "outcome"))


def _level(value: str) -> str:
    lower = value.lower()
    return next((level for word, level in _LEVELS if word in lower), "")


class KpiTable(Table):
    """A Word form's KPI table: ตัวชี้วัดความสำเร็จ | วิธีการประเมิน | เครื่องมือที่ใช้. A cell of
    numbered lines is one indicator a line; a level heading ("ผลผลิต (Outputs)") alone in its
    cell gives the level (and its method and tool) to the indicators under it."""

    def __init__(self, walker: SheetWalker, header: Header):
        super().__init__(walker, header)
        self.project = walker.project
        self.text_col = header.first("indicator")
        self.method_col = header.first("method")
        self.tool_col = header.first("tool")
        self.level = ""
        self.inherited = ("", "")
        if self.project is not None and self.project.indicators is None:
            self.project.indicators = []

    def row(self, excel_row: int, values: list) -> bool:
        if self.project is None:
            return True
        raw = self.cell(values, self.text_col)
        method = " ".join(lines_of(self.cell(values, self.method_col)))
        tool = " ".join(lines_of(self.cell(values, self.tool_col)))
        lines = lines_of(raw)
        if not lines:
            return not (method or tool)
        level = _level(lines[0])
        if level and len(lines) == 1 and len(lines[0]) < 30:
            self.level, self.inherited = level, (method, tool)
            return True
        if level and len(lines[0]) < 30:
            self.level, lines = level, lines[1:]
        method, tool = method or self.inherited[0], tool or self.inherited[1]
        loc = self.walker.loc(excel_row, self.text_col.index)
        for line in lines:
            label, rest = split_label(thai.to_arabic_digits(line))
            body = (rest if label and rest else line).strip()
            for word in ("ด้านผลผลิต (Output)", "ด้านผลลัพธ์ (Outcome)"):
                body = body.removeprefix(word).strip()
            if not body:
                continue
            self.project.indicators.append(
                IndicatorIn(
                    loc,
                    body,
                    order=len(self.project.indicators) + 1,
                    result_level=_level(line) or self.level,
                    method=method,
                    tool=tool,
                )
            )
        return True


TABLES = {
    "kpi": KpiTable,
    "summary": SummaryTable,
    "budget": BudgetTable,
    "quarterly": QuarterlyTable,
    "duration": DurationTable,
}
