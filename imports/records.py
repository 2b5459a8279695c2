"""Plain records the import pipeline passes along: what a file says (with where it says it) and
the report a user reads before confirming. No Django here, so parsing stays cheap and testable."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.utils import get_column_letter

from imports.template import LAYOUT_LABELS

MAX_LISTED = 200  # errors/warnings kept in a report; the rest are counted (quality.md IM-1)


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in the file as Excel shows it: sheet name, 1-based row and column letter.

    In a Word document (kind "table" or "paragraph") `sheet` names the table and its section
    ("ตารางที่ 3 (กลยุทธ์ที่ 6 …)") or the section of a paragraph, `row` is the table's row or
    the paragraph's number, `column` the 1-based cell number."""

    sheet: str = ""
    row: int = 0
    column: str = ""
    kind: str = ""  # "" (a sheet), "table" or "paragraph" (a Word document)

    @classmethod
    def at(cls, sheet: str, row: int, column_index: int | None = None) -> Loc:
        """Column given as a 0-based index into the row's values."""
        letter = get_column_letter(column_index + 1) if column_index is not None else ""
        return cls(sheet, row, letter)

    def with_column(self, column_index: int | None) -> Loc:
        """The same row, another column (0-based index), in the file's own notation."""
        if column_index is None:
            return Loc(self.sheet, self.row, "", self.kind)
        if self.kind:
            return Loc(self.sheet, self.row, str(column_index + 1), self.kind)
        return Loc.at(self.sheet, self.row, column_index)

    def describe(self) -> str:
        if self.kind == "paragraph":
            where = f"ย่อหน้าที่ {self.row}" if self.row else ""
            return f"{where} (ใต้หัวข้อ “{self.sheet}”)" if self.sheet else where
        parts = []
        if self.sheet:
            parts.append(self.sheet if self.kind == "table" else f"ชีต “{self.sheet}”")
        if self.row:
            parts.append(f"แถว {self.row}")
        if self.column:
            parts.append(f"คอลัมน์ {self.column}")
        return " ".join(parts)

    def as_json(self) -> dict:
        found = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.kind:
            found["place"] = self.describe()
        return found


@dataclass(frozen=True, slots=True)
class Issue:
    """An error or a warning, in Thai, at a place in the file."""

    loc: Loc
    message: str

    def as_json(self) -> dict:
        return {**self.loc.as_json(), "message": self.message}


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A total printed in the file that differs from the one computed from its parts."""

    where: str
    declared: Decimal
    computed: Decimal
    kind: str
    loc: Loc = Loc()

    def as_json(self) -> dict:
        return {
            "where": self.where,
            "declared": f"{self.declared:.2f}",
            "computed": f"{self.computed:.2f}",
            "difference": f"{self.declared - self.computed:.2f}",
            "kind": self.kind,
            **self.loc.as_json(),
        }


# --- what the file says -------------------------------------------------------------------------


@dataclass(slots=True)
class LineIn:
    """A budget line as read: text, formula, printed amount, category and fund source as written."""

    loc: Loc
    description: str
    formula: str = ""
    amount: Decimal | None = None
    declared: Decimal | None = None
    category_raw: str = ""
    fund_raw: str = ""
    category_loc: Loc | None = None
    fund_loc: Loc | None = None
    order: int | None = None
    formula_loc: Loc | None = None


@dataclass(slots=True)
class ActivityIn:
    """An activity row; `label` is its printed number in Arabic digits ("1.2"), if any."""

    loc: Loc
    title: str
    label: str = ""
    parent: ActivityIn | None = None
    period: str = ""
    responsible: str = ""
    quarters: list[Decimal] | None = None
    lines: list[LineIn] = field(default_factory=list)
    order: int = 0
    canonical: bool = False  # from the template: `order` is the activity's position
    # steps / location / target_group / months, only those the file has columns for
    extra: dict = field(default_factory=dict)

    @property
    def has_money(self) -> bool:
        return bool(self.lines) or any(self.quarters or ())


@dataclass(slots=True)
class IndicatorIn:
    loc: Loc
    text: str
    order: int = 0
    result_level: str = ""
    measure_type: str = ""
    comparator: str = ""
    target_value: Decimal | None = None
    unit: str = ""
    target_text: str = ""
    method: str = ""
    tool: str = ""
    locs: dict[str, Loc] = field(default_factory=dict)  # where each field was read

    def at(self, name: str) -> Loc:
        return self.locs.get(name, self.loc)


@dataclass(slots=True)
class ItemIn:
    """A narrative line: an objective, a target or an expected result (kind as written)."""

    loc: Loc
    kind_raw: str
    text: str
    order: int = 0
    kind_loc: Loc | None = None


@dataclass(slots=True)
class PersonIn:
    """A responsible person of a project as written: name, position and role."""

    loc: Loc
    name: str
    position: str = ""
    role_raw: str = ""
    order: int = 0
    role_loc: Loc | None = None


@dataclass(slots=True)
class ProjectIn:
    """Everything the file says about one project, merged from every sheet that mentions it.

    `fields` holds only the header fields the file gives (canonical sheets give all of theirs);
    `activities` is None when no sheet gives activities, so existing ones are left alone.
    """

    loc: Loc
    name: str
    key: str
    fields: dict = field(default_factory=dict)
    group_raw: str = ""
    group_loc: Loc | None = None
    strategy_number: int | None = None
    strategy_title: str = ""
    declared: Decimal | None = None
    declared_loc: Loc | None = None
    declared_given: bool = False
    funding: dict[str, tuple[Decimal, Loc]] | None = None
    activities: list[ActivityIn] | None = None
    # "complete": the file lists every activity (budget table, template's activity sheet);
    # "partial": only activities with lines (template's line sheet or a CSV of lines);
    # "quarters": only a quarterly plan. Partial and quarterly sources merge into what exists.
    activity_source: str = ""
    indicators: list[IndicatorIn] | None = None
    weak_group: bool = False
    locs: dict[str, Loc] = field(default_factory=dict)  # where each of `fields` was read
    items: list[ItemIn] | None = None  # None: the file has no narrative rows for the project
    people: list[PersonIn] | None = None

    def at(self, name: str) -> Loc:
        """Where the file gave field `name` (its own cell), else the project's name cell."""
        return self.locs.get(name, self.loc)


@dataclass(slots=True)
class StrategyIn:
    number: int
    label: str
    title: str
    loc: Loc
    declared: Decimal | None = None
    declared_loc: Loc | None = None
    # "มีโครงการรองรับกลยุทธ์ที่ N จำนวน X โครงการ งบประมาณ Y บาท", as printed
    sentence_count: int | None = None
    sentence_declared: Decimal | None = None
    sentence_loc: Loc | None = None


@dataclass(slots=True)
class Parsed:
    """The whole file read into records, plus what reading it found wrong."""

    projects: dict[str, ProjectIn] = field(default_factory=dict)
    strategies: dict[int, StrategyIn] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    sheets: list[tuple[str, str]] = field(default_factory=list)
    row_count: int = 0
    plan_declared: Decimal | None = None
    plan_declared_loc: Loc | None = None

    def error(self, loc: Loc, message: str) -> None:
        self.errors.append(Issue(loc, message))

    def warn(self, loc: Loc, message: str) -> None:
        self.warnings.append(Issue(loc, message))


# --- the report a user reads ---------------------------------------------------------------------


def layout_label(layout: str) -> str:
    """What a sheet was read as, in Thai ("canonical_projects, budget" → "แม่แบบ: โครงการ, …")."""
    return ", ".join(LAYOUT_LABELS.get(part, part) for part in layout.split(", "))


@dataclass(slots=True)
class GroupChoice:
    """A group name the importer could not place for sure; the user picks the group."""

    key: str
    raw: str
    loc: Loc
    candidates: list[tuple[int, str]]
    suggested: int | None = None

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "raw": self.raw,
            **self.loc.as_json(),
            "candidates": [{"id": pk, "name": name} for pk, name in self.candidates],
            "suggested": self.suggested,
        }


@dataclass(slots=True)
class ProjectOutcome:
    name: str
    action: str  # created / updated / unchanged / invalid
    group: str = ""
    strategy: int | None = None
    declared: Decimal | None = None
    computed: Decimal | None = None
    changes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "action": self.action,
            "group": self.group,
            "strategy": self.strategy,
            "declared": None if self.declared is None else f"{self.declared:.2f}",
            "computed": None if self.computed is None else f"{self.computed:.2f}",
            "changes": self.changes,
        }


@dataclass(slots=True)
class Report:
    """What an import found and would do (or did): the preview page and `import_plan --json`."""

    file_name: str = ""
    sha256: str = ""
    size: int = 0
    kind: str = ""
    sheets: list[tuple[str, str]] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    group_choices: list[GroupChoice] = field(default_factory=list)
    projects: list[ProjectOutcome] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    error_count: int = 0
    warning_count: int = 0
    committed: bool = False
    batch_id: int | None = None

    def add_error(self, issue: Issue) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(issue)

    def add_warning(self, issue: Issue) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(issue)

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and not self.group_choices

    def count(self, action: str) -> int:
        return sum(1 for p in self.projects if p.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "invalid": self.count("invalid"),
            "errors": self.error_count,
            "warnings": self.warning_count,
            **{f"{k}": v for k, v in self.lines.items()},
        }

    def as_json(self) -> dict:
        """One JSON object; keys beyond the issue's list are extra detail for the preview page."""
        pending = [
            {**c.loc.as_json(), "message": f"ต้องเลือกกลุ่มที่รับผิดชอบของ “{c.raw}”"}
            for c in self.group_choices
        ]
        return {
            "ok": self.ok,
            "committed": self.committed,
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "invalid": self.count("invalid"),
            "errors": [e.as_json() for e in self.errors] + pending,
            "error_count": self.error_count + len(pending),
            "total_mismatches": [m.as_json() for m in self.mismatches],
            "warnings": [w.as_json() for w in self.warnings],
            "warning_count": self.warning_count,
            "group_choices": [c.as_json() for c in self.group_choices],
            "projects": [p.as_json() for p in self.projects],
            "lines": self.lines,
            "sheets": [
                {"name": n, "layout": layout, "label": layout_label(layout)}
                for n, layout in self.sheets
            ],
            "file": {"name": self.file_name, "sha256": self.sha256, "size": self.size},
        }
