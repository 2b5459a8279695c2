"""Read a workbook's rows into records: detect each table by its header words (never by position),
then follow the table's rows. Four kinds of sheet are understood (domain.md §2.12, §2.16, §6.3):

- the canonical template sheets (imports/template.py), recognised by their exact headers;
- strategy summary tables: strategy heading rows, then ที่ | โครงการ | กลุ่ม/ผู้รับผิดชอบ | งบประมาณ
  (possibly split into สพป. / สพฐ. / หน่วยงานอื่น) and "รวม…" rows;
- a project's budget table: กิจกรรม/รายการ with category and fund columns, formulas in the text;
- a project's quarterly spending table: ไตรมาสที่ ๑ … ๔ and รวม.

Project tables belong to the project named by the nearest "โครงการ …" row above them; the rows
around it may also give the responsible group, the strategy and the printed total.
Nothing here touches the database: reference names come in through a Vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from actionplan import thai
from imports import template
from imports.canonical import CanonicalTable
from imports.cells import (
    CONTINUED,
    DECLARED_RE,
    GROUP_KEYS,
    STRATEGY_RE,
    CellProblem,
    date_value,
    is_amount,
    non_empty,
    project_key,
    row_text,
    squash,
    strip_project_word,
    text,
)
from imports.headers import Header, Vocabulary, classify, columns_for, layout_of
from imports.paragraphs import (
    BUDGET_START_RE,
    ParagraphBudget,
    form_field,
    group_in,
    item_text,
    section_of,
    split_form_line,
    target_kind,
)
from imports.reader import RawSheet
from imports.records import ActivityIn, ItemIn, Loc, Mismatch, Parsed, ProjectIn, StrategyIn
from imports.tables import TABLES, DurationRow, SummaryTable, Table

_SECTION_ENDS = ("โครงการ", "ชื่อโครงการ", "ผู้เสนอ", "ผู้เห็นชอบ", "ผู้อนุมัติ", "ลงชื่อ", "(")

# "มีโครงการรองรับกลยุทธ์ที่ 6 จำนวน 11 โครงการ งบประมาณ 763,800 บาท" (a plan book's part 3)
SENTENCE_RE = re.compile(
    r"มีโครงการรองรับ\s*(กลยุทธ์|ยุทธศาสตร์|ประเด็นกลยุทธ์)\s*ที่\s*(\d+)\s*"
    r"(?:จำนวน\s*(\d+)\s*โครงการ)?\s*(?:รวม)?\s*(?:งบประมาณ)?\s*(?:จำนวน|รวม)?\s*"
    r"(\d[\d,]*(?:\.\d+)?)?\s*(?:บาท)?"
)

# --- the sheet walker --------------------------------------------------------------------------


class _Rows:
    """A row stream one can peek into (to read a header block of up to three rows)."""

    def __init__(self, rows: Iterator[tuple[int, list]]):
        self._rows = rows
        self._ahead: list[tuple[int, list]] = []

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list]:
        if self._ahead:
            return self._ahead.pop(0)
        return next(self._rows)

    def peek(self, n: int) -> list[tuple[int, list]]:
        while len(self._ahead) < n:
            try:
                self._ahead.append(next(self._rows))
            except StopIteration:
                break
        return self._ahead[:n]

    def skip(self, n: int) -> None:
        del self._ahead[:n]


_HELP_LOOKAHEAD = 5


class SheetWalker:
    """Follows one sheet row by row: preamble rows, header blocks, then a table's rows."""

    def __init__(self, file: FileParser, sheet: RawSheet):
        self.file = file
        self.parsed = file.parsed
        self.name = sheet.name
        self.rows = _Rows(sheet.rows)
        self.table: Table | None = None
        self.project: ProjectIn | None = None
        self.project_has_table = False
        self.declared_seen = False
        self.strategy: StrategyIn | None = None
        self.layouts: list[str] = []
        self.locate = sheet.locate
        self.word = sheet.locate is not None  # a Word document (imports/document.py)
        self.paragraph_rows = sheet.paragraphs
        self.budget: ParagraphBudget | None = None
        self.narrative: str | None = None  # the form's section being read (rationale, objective…)
        self.narrative_paragraphs = 0
        for loc, message in sheet.notes:
            self.parsed.warn(loc, message)

    def loc(self, row: int, index: int | None = None) -> Loc:
        if self.locate is not None:
            return self.locate(row, index)
        return Loc.at(self.name, row, index)

    def run(self) -> None:
        if self._is_template_help():
            self.parsed.sheets.append((self.name, "template_help"))
            return
        for excel_row, values in self.rows:
            self.parsed.row_count += 1
            if self.word and self._document_row(excel_row, values):
                continue
            if self._header(excel_row, values):
                continue
            if self.table is not None and self.table.row(excel_row, values):
                continue
            self._preamble(excel_row, values)
        self._end_table()
        self._end_budget()
        layout = ", ".join(dict.fromkeys(self.layouts)) or "unknown"
        self.parsed.sheets.append((self.name, layout))

    def _is_template_help(self) -> bool:
        """The template's instruction or lists sheet: never data. Its first cell carries the
        marker (kept when the sheet is renamed or moved); a sheet under one of its names whose
        first rows hold no template header is one too (the marker row deleted)."""
        ahead = self.rows.peek(_HELP_LOOKAHEAD)
        if ahead and any(template.is_template_marker(v) for v in ahead[0][1][:3]):
            return True
        if self.name.strip() not in template.TEMPLATE_SHEET_NAMES:
            return False
        return not any(self.file.canonical_header(values) for _, values in ahead)

    # header blocks

    def _header(self, excel_row: int, values: list) -> bool:
        if self.file.may_be_canonical(values):
            canonical = self.file.canonical_header(values)
            if canonical is not None:
                self._end_table()
                self.layouts.append(canonical.layout)
                self.table = CanonicalTable(self, canonical, values, excel_row)
                return True
        if isinstance(self.table, CanonicalTable):
            return False
        cells = non_empty(values)
        if any(isinstance(v, int | float | Decimal) or is_amount(v) for _, v in cells):
            return False  # header cells are words; a row with numbers is data
        if len(cells) < 2 and not (cells and self._starts_header(values)):
            return False
        block = [values]
        anchor = cells[0][0]
        for _, next_values in self.rows.peek(2):
            following = non_empty(next_values)
            if any(i <= anchor for i, _ in following) or any(is_amount(v) for _, v in following):
                break
            block.append(next_values)
        columns = columns_for(block, self.file.vocab)
        layout = layout_of(columns)
        if layout is None or len(columns) < 2 or (layout == "kpi" and not self.word):
            return False
        self.rows.skip(len(block) - 1)
        header = Header(layout, columns, self.loc(excel_row))
        if self.table is not None and self.table.continues(header):
            return True  # the header repeated on a continuation page (Q8)
        self._end_table()
        self.layouts.append(layout)
        self.table = TABLES[layout](self, header)
        return True

    # Word documents

    def _document_row(self, excel_row: int, values: list) -> bool:
        """A paragraph ends the table above it (two tables with only blank lines or a page break
        between them are one table split over pages); paragraphs are never a table's header
        and may be budget lines. True when the row was used here."""
        paragraph = excel_row in self.paragraph_rows
        if not paragraph:
            self._end_budget()
            self.narrative = None
            return False
        self._end_table()
        value = " ".join(text(v) for v in values if v is not None).strip()
        if self.budget is not None:
            if self.budget.row(excel_row, value):
                return True
            self._end_budget()  # and the paragraph is read afresh: it may start a section
        if self.project is not None and self._narrative(excel_row, value):
            return True
        if self.project is not None and BUDGET_START_RE.search(value) and len(value) < 200:
            self.budget = ParagraphBudget(self)
            self.budget.row(excel_row, value)
            return True
        self._preamble(excel_row, values)
        return True

    def _narrative(self, excel_row: int, value: str) -> bool:
        """หลักการและเหตุผล, วัตถุประสงค์, เป้าหมาย, ผลที่คาดว่าจะได้รับ: the paragraphs under
        each numbered heading, until the next heading of the form."""
        if value.startswith(_SECTION_ENDS) or STRATEGY_RE.match(value):
            self.narrative = None  # the next project's page, the signatures
            return False
        kind, heading = section_of(value)
        if heading:
            self.narrative = kind
            return kind is not None
        if self.narrative is None:
            return False
        project, loc = self.project, self.loc(excel_row, 0)
        if self.narrative == "rationale":
            previous = project.fields.get("rationale_th", "")
            project.fields["rationale_th"] = f"{previous}\n{value}".strip()
            project.locs.setdefault("rationale_th", loc)
            return True
        if self.narrative in {"target_quant", "target_qual"}:
            sub = target_kind(value)
            if sub is not None:
                self.narrative = sub
                return True
        if project.items is None:
            project.items = []
        # kind_raw is the item kind's code, which imports.narrative's choices accept as written
        project.items.append(
            ItemIn(loc, self.narrative, item_text(value), len(project.items) + 1, loc)
        )
        return True

    def _end_budget(self) -> None:
        if self.budget is not None:
            self.budget.finish()
            self.budget = None

    def _form_line(self, excel_row: int, cells: list) -> bool:
        """A header line of a project form (label and value in two cells, or "label: value")."""
        if len(cells) == 2:
            label, value, index = text(cells[0][1]), text(cells[1][1]), cells[1][0]
        elif len(cells) == 1:
            found = split_form_line(text(cells[0][1]))
            if found is None:
                return False
            (label, value), index = found, cells[0][0]
        else:
            return False
        name = form_field(label)
        if name is None or not value:
            return False
        project, loc = self.project, self.loc(excel_row, index)
        if name == "project_type":
            strategy = STRATEGY_RE.search(value)  # "โครงการต่อเนื่อง กลยุทธ์ที่ ๓ …" (Q18)
            if strategy:
                self._strategy_heading(excel_row, strategy)
                value = value[: strategy.start()].strip()
            if value:
                project.fields["project_type"], project.locs["project_type"] = value, loc
        elif name == "group":
            group = group_in(value)
            if group:
                self.file.set_group(project, group, loc)
        elif name == "period":
            self._period(project, value, loc)
        return True

    def _period(self, project: ProjectIn, value: str, loc: Loc) -> None:
        value = value.split(" ณ ")[0].strip()
        try:
            period = thai.parse_period(value, self.file.year_be)
        except thai.YearOutOfRange as exc:
            self.parsed.warn(loc, f"ระยะเวลา “{value[:60]}”: {exc}")
            return
        if period is None:
            return  # "ทุกครั้งที่มีการประชุม…": a period in words, not dates
        self.file.set_period(project, period[0], period[1], loc, loc)

    def _starts_header(self, values: list) -> bool:
        found = classify(row_text(values), self.file.vocab)
        return found is not None and found[0] in {"item", "project"}

    def _end_table(self) -> None:
        if self.table is not None:
            self.table.finish()
            self.table = None

    # rows outside tables

    def _preamble(self, excel_row: int, values: list) -> None:
        cells = non_empty(values)
        if not cells:
            return
        joined = row_text(values)
        first_text = text(cells[0][1])
        if first_text.startswith(("หมายเหตุ", "**หมายเหตุ")):
            return
        numeric = any(isinstance(v, int | float | Decimal) for _, v in cells)
        sentence = SENTENCE_RE.search(thai.to_arabic_digits(joined))
        if sentence and not numeric:
            self._strategy_sentence(excel_row, cells, sentence)
            return
        if first_text.startswith(("โครงการ", "ชื่อโครงการ")) and len(cells) <= 2 and not numeric:
            name = strip_project_word(first_text)
            if not name and len(cells) == 2:
                name = text(cells[1][1])
            if name:
                self._end_table()
                self.project = self.file.project(name, self.loc(excel_row, cells[0][0]))
                self.project_has_table = self.declared_seen = False
                return
        if self.word and self.project is not None and self._form_line(excel_row, cells):
            return
        strategy = STRATEGY_RE.search(joined)
        if strategy and not numeric and len(cells) <= 3 and len(joined) < 400:
            self._strategy_heading(excel_row, strategy)
            return
        if self.project is None:
            return
        if squash(first_text).startswith(GROUP_KEYS):
            raw = text(cells[1][1]) if len(cells) > 1 else first_text
            index = cells[1][0] if len(cells) > 1 else cells[0][0]
            self.file.set_group(self.project, raw, self.loc(excel_row, index))
            return
        if "งบประมาณ" in joined and not (self.project_has_table or self.declared_seen):
            declared = DECLARED_RE.search(joined)
            if declared:
                try:
                    value = thai.parse_number(declared[1])
                except ValueError:
                    return
                self.declared_seen = True  # the first "… จำนวน(ทั้งสิ้น) X บาท" is the total
                self.file.set_declared(self.project, value, self.loc(excel_row, cells[0][0]))

    def _strategy_sentence(self, excel_row: int, cells: list, match: re.Match) -> None:
        """The printed count and budget of a strategy's projects: kept as declared figures, to
        be checked against the rows (count here, amount by the planner), never trusted."""
        loc = self.loc(excel_row, cells[0][0])
        strategy = self.file.strategy(int(match[2]), match[1], "", loc)
        if match[3]:
            strategy.sentence_count = int(match[3])
        if match[4]:
            try:
                strategy.sentence_declared = thai.parse_number(match[4])
            except ValueError:
                return
        strategy.sentence_loc = loc
        if self.table is None and self.project is None:
            self.strategy = strategy

    def _strategy_heading(self, excel_row: int, match: re.Match) -> None:
        number = int(match[2])
        title = match[3].replace(CONTINUED, "").strip()
        loc = self.loc(excel_row)
        strategy = self.file.strategy(number, match[1], title, loc)
        if self.table is not None and isinstance(self.table, SummaryTable):
            self.table.set_strategy(strategy)
        elif self.project is not None:
            self.file.set_strategy(self.project, number, title, loc)
        else:
            self.strategy = strategy


# --- the whole file ------------------------------------------------------------------------------


_CANONICAL_WORDS = {h for spec in template.CANONICAL for h in spec.required}


class FileParser:
    """Reads every sheet, then merges what the sheets said about each project."""

    def __init__(self, vocab: Vocabulary, year_be: int | None = None):
        self.vocab = vocab
        self.year_be = year_be  # the plan's fiscal year: typed years are BE or CE around it
        self.parsed = Parsed()
        self.canonical_acts: dict[tuple[str, int], ActivityIn] = {}
        self.canonical_parents: list[tuple[ProjectIn, ActivityIn, int, Loc]] = []
        self.quarter_sources: dict[str, list[ActivityIn]] = {}
        self.complete_keys: set[str] = set()  # projects whose every activity the file lists
        self.lines_keys: set[str] = set()  # projects given budget lines by the template
        self.numbered: dict[tuple[int | None, str], ProjectIn] = {}  # summary rows by number
        self.durations: list[DurationRow] = []
        self._canonical = [
            (spec, {squash(h) for h in spec.required}) for spec in template.CANONICAL
        ]

    def parse(self, sheets: list[RawSheet]) -> Parsed:
        for sheet in sheets:
            SheetWalker(self, sheet).run()
        self._finish()
        return self.parsed

    def may_be_canonical(self, values: list) -> bool:
        """Cheap test run on every row: does any cell read exactly like a template header?"""
        return any(isinstance(v, str) and v.strip() in _CANONICAL_WORDS for v in values)

    def canonical_header(self, values: list) -> template.SheetSpec | None:
        if len(values) < 3:
            return None
        keys = {squash(text(v)) for v in values if v is not None}
        for spec, required in self._canonical:
            if required <= keys:
                return spec
        return None

    # merging facts about a project

    def project(self, name: str, loc: Loc) -> ProjectIn:
        key = project_key(name)
        project = self.parsed.projects.get(key)
        if project is None:
            project = ProjectIn(loc=loc, name=name, key=key)
            self.parsed.projects[key] = project
        return project

    def set_group(self, project: ProjectIn, raw: str, loc: Loc, weak: bool = False) -> None:
        if project.group_raw and not project.weak_group:
            if squash(raw) != squash(project.group_raw) and not weak:
                self.parsed.warn(
                    loc,
                    f"กลุ่มที่รับผิดชอบโครงการ “{project.name}” ไม่ตรงกับที่ระบุไว้ก่อน "
                    f"(“{project.group_raw}”) ใช้ค่าแรก",
                )
            return
        project.group_raw, project.group_loc, project.weak_group = raw, loc, weak

    def set_strategy(self, project: ProjectIn, number: int, title: str, loc: Loc) -> None:
        if project.strategy_number is not None and project.strategy_number != number:
            self.parsed.warn(
                loc,
                f"โครงการ “{project.name}” ระบุกลยุทธ์ที่ {number} "
                f"แต่ก่อนหน้านี้ระบุกลยุทธ์ที่ {project.strategy_number} ใช้ค่าแรก",
            )
            return
        project.strategy_number = number
        project.strategy_title = project.strategy_title or title

    def set_declared(self, project: ProjectIn, value: Decimal, loc: Loc) -> None:
        if project.declared_given:
            if project.declared is not None and value != project.declared:
                self.parsed.mismatches.append(
                    Mismatch(
                        f"โครงการ “{project.name}”: งบประมาณที่พิมพ์ไว้สองแห่งไม่ตรงกัน "
                        f"({project.declared_loc.describe() if project.declared_loc else ''})",
                        value,
                        project.declared,
                        "declared",
                        loc,
                    )
                )
            return
        project.declared, project.declared_loc, project.declared_given = value, loc, True

    def set_period(
        self, project: ProjectIn, start, end, start_loc: Loc, end_loc: Loc, *, warn_early=False
    ) -> None:
        fields, locs = project.fields, project.locs
        if "start_date" in fields and (fields["start_date"], fields["end_date"]) != (start, end):
            self.parsed.warn(
                start_loc,
                f"ระยะเวลาของโครงการ “{project.name}” ไม่ตรงกับที่ระบุไว้ก่อน "
                f"({locs['start_date'].describe()}) ใช้ค่าล่าสุด",
            )
        fields["start_date"], fields["end_date"] = start, end
        locs["start_date"], locs["end_date"] = start_loc, end_loc
        if warn_early and self.year_be and start is not None:
            first_day = thai.fiscal_year_bounds(self.year_be)[0]
            if start < first_day:
                self.parsed.warn(
                    start_loc,
                    f"โครงการ “{project.name}” เริ่ม {thai.format_thai_date(start)} "
                    f"ก่อนปีงบประมาณ {self.year_be} (เริ่ม {thai.format_thai_date(first_day)})",
                )

    def _apply_durations(self) -> None:
        """Each duration row sets the period of the project it names: by name, else by its
        number in the same strategy's list (a name that differs is a warning)."""
        for row in self.durations:
            project = self.parsed.projects.get(project_key(row.name)) if row.name else None
            if project is None and row.label:
                project = self.numbered.get((row.strategy, row.label))
                if project is None:
                    matches = [p for (_, n), p in self.numbered.items() if n == row.label]
                    project = matches[0] if len(matches) == 1 else None
                if project is not None:
                    self.parsed.warn(
                        row.loc,
                        f"ชื่อโครงการลำดับ {row.label} ในตารางระยะเวลา (“{row.name[:60]}”) "
                        f"ไม่ตรงกับ “{project.name[:60]}” ใช้ตามลำดับที่",
                    )
            if project is None:
                self.parsed.warn(
                    row.loc,
                    f"ไม่พบโครงการ “{row.name[:60]}” ในเอกสาร จึงไม่ได้ใช้ระยะเวลาของแถวนี้",
                )
                continue
            try:
                start = date_value(row.start, self.year_be)
                end = date_value(row.end, self.year_be)
            except CellProblem as exc:
                self.parsed.error(row.start_loc, str(exc))
                continue
            if start is None or end is None:
                self.parsed.warn(row.loc, f"โครงการ “{project.name}”: ระยะเวลาไม่ครบ (เริ่มต้น/สิ้นสุด)")
                continue
            self.set_period(project, start, end, row.start_loc, row.end_loc, warn_early=True)

    def _check_sentences(self) -> None:
        for number, strategy in self.parsed.strategies.items():
            if strategy.sentence_count is None:
                continue
            count = sum(1 for p in self.parsed.projects.values() if p.strategy_number == number)
            if count != strategy.sentence_count:
                self.parsed.mismatches.append(
                    Mismatch(
                        f"กลยุทธ์ที่ {number}: จำนวนโครงการที่พิมพ์ไว้ในข้อความ",
                        Decimal(strategy.sentence_count),
                        Decimal(count),
                        "count",
                        strategy.sentence_loc or strategy.loc,
                    )
                )

    def strategy(self, number: int, label: str, title: str, loc: Loc) -> StrategyIn:
        strategy = self.parsed.strategies.get(number)
        if strategy is None:
            strategy = StrategyIn(number, label, title, loc)
            self.parsed.strategies[number] = strategy
        elif title and not strategy.title:
            strategy.title = title
        elif title and squash(title) != squash(strategy.title):
            self.parsed.warn(
                loc,
                f"ชื่อกลยุทธ์ที่ {number} ไม่ตรงกับที่พบก่อนหน้า (“{strategy.title[:60]}”) ใช้ชื่อแรก",
            )
        if label and not strategy.label:
            strategy.label = label
        return strategy

    def add_activities(
        self, project: ProjectIn, activities: list[ActivityIn], *, quarterly: bool
    ) -> None:
        if quarterly:
            self.quarter_sources.setdefault(project.key, []).extend(activities)
            return
        self.complete_keys.add(project.key)
        if project.activities is None:
            project.activities = []
        project.activities.extend(activities)

    def canonical_activity(
        self, project: ProjectIn, order: int, title: str, loc: Loc
    ) -> ActivityIn:
        key = (project.key, order)
        activity = self.canonical_acts.get(key)
        if activity is None:
            activity = ActivityIn(
                loc=loc,
                title=title or f"กิจกรรมที่ {order}",
                label=str(order),
                order=order,
                canonical=True,
            )
            self.canonical_acts[key] = activity
            if project.activities is None:
                project.activities = []
            project.activities.append(activity)
        return activity

    def _finish(self) -> None:
        self._apply_durations()
        self._check_sentences()
        for project, activity, parent_order, loc in self.canonical_parents:
            parent = self.canonical_acts.get((project.key, parent_order))
            if parent is None or parent is activity:
                self.parsed.error(loc, f"ไม่พบกิจกรรมลำดับ {parent_order} ของโครงการ “{project.name}”")
            else:
                activity.parent = parent
        for project in self.parsed.projects.values():
            key = project.key
            if project.activities and project.activities[0].canonical:
                project.activities.sort(key=lambda a: a.order)
            quarterly = self.quarter_sources.get(key)
            if quarterly and project.activities:
                self._merge_quarters(project, quarterly)
            elif quarterly:
                project.activities = quarterly
            if project.activities is not None:
                if key in self.complete_keys:
                    project.activity_source = "complete"
                elif key in self.lines_keys:
                    project.activity_source = "partial"
                else:
                    project.activity_source = "quarters"
            for n, activity in enumerate(project.activities or (), start=1):
                activity.order = activity.order or n

    def _merge_quarters(self, project: ProjectIn, quarterly: list[ActivityIn]) -> None:
        """Quarter rows join the same project's budget-table activities, by number, else title."""
        by_label = {a.label: a for a in project.activities if a.label}
        by_title = {squash(a.title): a for a in project.activities}
        for row in quarterly:
            target = by_label.get(row.label) if row.label else None
            target = target or by_title.get(squash(row.title)) or _containing(by_title, row.title)
            if target is None:
                if any(row.quarters or ()):
                    self.parsed.warn(
                        row.loc,
                        f"ไม่พบกิจกรรม “{row.title[:60]}” ในตารางงบประมาณของโครงการ “{project.name}” "
                        "จึงไม่ได้นำแผนรายไตรมาสของแถวนี้เข้า",
                    )
                continue
            target.quarters = row.quarters


def _containing(by_title: dict[str, ActivityIn], title: str) -> ActivityIn | None:
    """The one activity whose title contains (or is contained in) this one (a Word form's
    quarterly table writes "จัดกิจกรรม…" for its budget's "กิจกรรม …")."""
    key = squash(title)
    if len(key) < 20:
        return None
    found = [a for k, a in by_title.items() if len(k) >= 20 and (k in key or key in k)]
    return found[0] if len(found) == 1 else None


def parse_sheets(sheets: list[RawSheet], vocab: Vocabulary, year_be: int | None = None) -> Parsed:
    """The records of a file for the plan of fiscal year `year_be` (dates must lie near it)."""
    return FileParser(vocab, year_be).parse(sheets)
