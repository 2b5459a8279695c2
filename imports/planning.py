"""Compare what a file says with the plan in the database, in memory: resolve names, apply the
domain's rules for printed totals and formulas, decide per project created / updated /
unchanged / invalid, and describe exactly what a commit would write (docs/decisions/
import-pipeline.md). Queries: a fixed handful in load_context(), none per row."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from actionplan import thai
from actionplan.i18n import thai_labels
from actionplan.models import PlanStatus, Strategy, StrategyLabel
from budgets.models import category_for
from budgets.money import ZERO, quantize
from imports import narrative, template
from imports.cells import CellProblem, check_amount, squash
from imports.choices import (
    COMPARATOR_SYNONYMS,
    MEASURE_TYPE_SYNONYMS,
    PROJECT_TYPE_SYNONYMS,
    RESULT_LEVEL_SYNONYMS,
    Choices,
)
from imports.planned import (
    Context,
    ImportPlan,
    PlannedActivity,
    PlannedIndicator,
    PlannedLine,
    PlannedProject,
    activities_signature,
    activities_signature_from_db,
    activity_lines,
    indicators_signature,
    indicators_signature_from_db,
    parse_line_formula,
    quantize_or_none,
)
from imports.records import (
    ActivityIn,
    GroupChoice,
    Issue,
    LineIn,
    Loc,
    Mismatch,
    Parsed,
    ProjectIn,
    ProjectOutcome,
    Report,
)
from imports.resolve import (
    categories_reference,
    funds_reference,
)
from indicators.models import Comparator, MeasureType, ResultLevel
from projects.audit import numbered
from projects.models import Activity, Project, ProjectStatus, ProjectType

DEFAULT_CATEGORY = "services"  # ค่าใช้สอย: the usual category of a line with no category column
DEFAULT_FUND = "esa"  # the office's own budget

PROJECT_TYPES = Choices.of(ProjectType, PROJECT_TYPE_SYNONYMS)
RESULT_LEVELS = Choices.of(ResultLevel, RESULT_LEVEL_SYNONYMS)
MEASURE_TYPES = Choices.of(MeasureType, MEASURE_TYPE_SYNONYMS)
COMPARATORS = Choices.of(Comparator, COMPARATOR_SYNONYMS)

# --- planning --------------------------------------------------------------------------------


class Planner:
    """Turns parsed records into a report and a write plan, comparing with the database in memory."""

    def __init__(self, parsed: Parsed, ctx: Context, report: Report, choices: dict[str, int]):
        self.parsed = parsed
        self.ctx = ctx
        self.report = report
        self.choices = {squash(k): int(v) for k, v in (choices or {}).items() if v}
        self.result = ImportPlan(report=report, context=ctx)
        self.cats = categories_reference(ctx.categories)
        self.funds = funds_reference(ctx.funds)
        self.default_category = self.cats.by_code.get(DEFAULT_CATEGORY) or (
            ctx.categories[0] if ctx.categories else None
        )
        self.default_fund = self.funds.by_code.get(DEFAULT_FUND) or (
            ctx.funds[0] if ctx.funds else None
        )
        self.pending_groups: dict[str, GroupChoice] = {}
        self._found: dict = {}
        self.alignment_choices = None  # imports.narrative builds these on first use
        self.programme_choices = None

    def _find(self, reference, raw: str):
        """Reference lookups by the text as written, memoised: files repeat the same few names."""
        key = (id(reference), raw)
        if key not in self._found:
            self._found[key] = reference.find(raw)
        return self._found[key]

    def error(self, loc: Loc, message: str) -> None:
        self.report.add_error(Issue(loc, message))

    def warn(self, loc: Loc, message: str) -> None:
        self.report.add_warning(Issue(loc, message))

    def run(self) -> ImportPlan:
        for issue in self.parsed.errors:
            self.report.add_error(issue)
        for issue in self.parsed.warnings:
            self.report.add_warning(issue)
        self.report.mismatches.extend(self.parsed.mismatches)
        if not self.parsed.projects:
            self.error(Loc(), "ไม่พบข้อมูลโครงการในไฟล์ (ตรวจหัวตารางว่าตรงกับแม่แบบหรือตารางที่รองรับ)")
        self._strategies()
        for incoming in self.parsed.projects.values():
            self.result.projects.append(self._project(incoming))
        self.report.group_choices = list(self.pending_groups.values())
        self._totals()
        self._plan_guard()
        self.report.projects = [p.outcome for p in self.result.projects]
        self.report.lines = self._line_counts()
        return self.result

    # strategies

    def _strategies(self) -> None:
        for number, incoming in self.parsed.strategies.items():
            existing = self.ctx.strategies.get(number)
            if existing is not None:
                if incoming.title and squash(incoming.title) != squash(existing.title_th):
                    self.warn(
                        incoming.loc,
                        f"ชื่อกลยุทธ์ที่ {number} ในไฟล์ (“{incoming.title[:60]}”) ไม่ตรงกับในระบบ "
                        f"(“{existing.title_th[:60]}”) ใช้ชื่อในระบบ",
                    )
                continue
            if not incoming.title:
                self.error(
                    incoming.loc,
                    f"แผนนี้ยังไม่มีกลยุทธ์ที่ {number} และไฟล์ไม่ได้ระบุชื่อกลยุทธ์ "
                    "(ใส่ชื่อในคอลัมน์ “ชื่อกลยุทธ์” หรือแถวหัวข้อกลยุทธ์)",
                )
                continue
            label = {
                "ยุทธศาสตร์": StrategyLabel.STRATEGIC_ISSUE,
                "ประเด็นกลยุทธ์": StrategyLabel.STRATEGY_ISSUE,
            }.get(incoming.label, StrategyLabel.STRATEGY)
            self.result.new_strategies[number] = Strategy(
                number=number, label=label, title_th=incoming.title
            )

    # projects

    def _group(self, incoming: ProjectIn, existing: Project | None) -> int | None:
        if not incoming.group_raw:
            if existing is not None:
                return existing.lead_unit_id
            self.error(incoming.loc, f"ไม่ได้ระบุกลุ่มที่รับผิดชอบโครงการ “{incoming.name}”")
            return None
        return self.unit(incoming.group_raw, incoming.group_loc or incoming.loc)

    def unit(self, raw: str, loc: Loc) -> int | None:
        """The office's group a name means, or None with a choice for the user to make."""
        key = squash(raw)
        chosen = self.choices.get(key)
        if chosen is not None and chosen in self.ctx.units:
            self.result.choices_used[key] = (raw, chosen)
            return chosen
        match = self.ctx.matcher.match(raw)
        if match.unit_id is not None:
            return match.unit_id
        if key not in self.pending_groups:
            self.pending_groups[key] = GroupChoice(
                key=key,
                raw=raw,
                loc=loc,
                candidates=match.candidates,
                suggested=match.suggested,
            )
        return None

    def _project(self, incoming: ProjectIn) -> PlannedProject:
        existing = self.ctx.existing.get(incoming.key)
        errors_before = self.report.error_count
        outcome = ProjectOutcome(name=incoming.name, action="created" if existing is None else "")
        planned = PlannedProject(incoming=incoming, existing=existing, outcome=outcome)
        if len(incoming.name) > 500:
            self.error(incoming.loc, "ชื่อโครงการยาวเกิน 500 ตัวอักษร")
        planned.unit_id = self._group(incoming, existing)
        if planned.unit_id is not None:
            outcome.group = self.ctx.units[planned.unit_id].name_th
        planned.strategy_number = incoming.strategy_number
        if planned.strategy_number is None and existing is not None and existing.strategy_id:
            planned.strategy_number = next(
                (n for n, s in self.ctx.strategies.items() if s.pk == existing.strategy_id), None
            )
        outcome.strategy = planned.strategy_number
        planned.header = self._header(incoming, existing)
        narrative.plan(self, incoming, planned)
        planned.activities = self._activities(incoming, existing)
        planned.indicators = self._indicators(incoming)
        if planned.activities is not None:
            planned.computed = quantize(
                sum((line.amount for a in planned.activities for line in a.lines), ZERO)
            )
        elif existing is not None:
            planned.computed = _existing_total(existing)
        outcome.computed = planned.computed
        declared = (
            incoming.declared
            if incoming.declared_given
            else (existing.declared_total if existing else None)
        )
        outcome.declared = declared
        if declared is not None and quantize(declared) != planned.computed:
            self.report.mismatches.append(
                Mismatch(
                    f"โครงการ “{incoming.name}”: งบประมาณที่ระบุ กับผลรวมรายการงบประมาณ",
                    quantize(declared),
                    planned.computed,
                    "project",
                    incoming.declared_loc or incoming.loc,
                )
            )
        if existing is not None:
            outcome.changes = self._changes(planned)
            outcome.action = "updated" if outcome.changes else "unchanged"
            if outcome.changes and not self._may_change(existing):
                self.error(
                    incoming.loc,
                    f"โครงการ “{incoming.name}” อยู่ในสถานะ “{existing.get_status_display()}” "
                    "จึงแก้ไขด้วยการนำเข้าไม่ได้",
                )
        if self.report.error_count > errors_before or planned.unit_id is None:
            outcome.action = "invalid"
        return planned

    def _may_change(self, existing: Project) -> bool:
        if existing.status == ProjectStatus.DRAFT:
            return True
        plan = self.ctx.plan
        return self.ctx.historical and plan is not None and plan.status == PlanStatus.ARCHIVED

    def _header(self, incoming: ProjectIn, existing: Project | None) -> dict:
        header: dict = {}
        fields = incoming.fields
        if "code" in fields:
            header["code"] = fields["code"][:30]
        if fields.get("project_type"):
            value = PROJECT_TYPES.find(fields["project_type"])
            if value is None:
                self.error(
                    incoming.at("project_type"),
                    f"ลักษณะโครงการ “{fields['project_type']}” ไม่รู้จัก "
                    f"(ใช้ได้: {', '.join(thai_labels(ProjectType).values())})",
                )
            else:
                header["project_type"] = value
        for key in ("start_date", "end_date"):
            if key in fields:
                header[key] = fields[key]
        start = header.get("start_date", existing.start_date if existing else None)
        end = header.get("end_date", existing.end_date if existing else None)
        if start and end and end < start:
            self.error(incoming.at("end_date"), f"โครงการ “{incoming.name}”: วันสิ้นสุดมาก่อนวันเริ่มต้น")
        if incoming.declared_given:
            try:  # a printed total summed from several money columns may still not fit
                if incoming.declared is not None:
                    check_amount(incoming.declared)
                header["declared_total"] = quantize_or_none(incoming.declared)
            except CellProblem as exc:
                self.error(incoming.declared_loc or incoming.loc, str(exc))
        header["status"] = (
            ProjectStatus.APPROVED
            if self.ctx.historical
            else (existing.status if existing else ProjectStatus.DRAFT)
        )
        return header

    def _activities(
        self, incoming: ProjectIn, existing: Project | None
    ) -> list[PlannedActivity] | None:
        """The activity list the project will have, or None to leave its activities alone."""
        current = [a for _, a in numbered(existing.activities.all())] if existing else []
        keep = bool(current) and not _only_generated(existing)
        if incoming.activities is not None:
            activities = [self._activity(a) for a in incoming.activities]
            parents = {id(a): p for a, p in zip(incoming.activities, activities, strict=True)}
            for source, planned in zip(incoming.activities, activities, strict=True):
                planned.parent = parents.get(id(source.parent)) if source.parent else None
            if incoming.activity_source != "complete" and keep:
                return self._merge_into(incoming, activities, current)
            if incoming.activity_source == "quarters":
                self._lump_sums(incoming, activities)
            if existing is not None:
                _carry_over(activities, incoming, existing)
            return activities
        if incoming.funding and (existing is None or _only_lump_sum(existing)):
            lines = []
            for n, (code, (value, loc)) in enumerate(incoming.funding.items(), start=1):
                fund = self.funds.find(code)
                if fund is None:
                    self.error(loc, f"ไม่พบแหล่งงบประมาณ “{code}” ในระบบ")
                    continue
                category = category_for(incoming.name, self.ctx.categories) or self.default_category
                if value:
                    lines.append(
                        PlannedLine(n, "งบประมาณโครงการ", category.pk, fund.pk, value, None, "", [])
                    )
            return [PlannedActivity(order=1, title=template.LUMP_SUM_TITLE, lines=lines)]
        return None

    def _lump_sums(self, incoming: ProjectIn, activities: list[PlannedActivity]) -> None:
        """A quarterly plan alone says how much, not on what: one line per funded activity."""
        for source, planned in zip(incoming.activities, activities, strict=True):
            total = sum(planned.quarters or (), ZERO)
            if total and not planned.lines:
                line = LineIn(source.loc, template.LUMP_SUM_DESCRIPTION, amount=total)
                made = self._line(line, 1, planned.title)
                if made is not None:
                    planned.lines.append(made)

    def _merge_into(
        self, incoming: ProjectIn, activities: list[PlannedActivity], current: list[Activity]
    ) -> list[PlannedActivity]:
        """Lines or quarters for some activities of a project that has others: change those,
        keep the rest (a CSV of lines does not list the activities without money)."""
        base = [_planned_from_db(a) for a in current]
        by_pk = {a.pk: p for a, p in zip(current, base, strict=True)}
        for a, p in zip(current, base, strict=True):
            p.parent = by_pk.get(a.parent_id)
        by_position = dict(enumerate(base, start=1))
        by_title: dict[str, list[PlannedActivity]] = defaultdict(list)
        for p in base:
            by_title[squash(p.title)].append(p)
        partial = incoming.activity_source == "partial"
        for source, planned in zip(incoming.activities, activities, strict=True):
            target = by_position.get(source.order) if source.canonical else None
            if target is None and by_title.get(squash(planned.title)):
                target = by_title[squash(planned.title)].pop(0)
            if target is None:
                if partial:
                    planned.order = max((p.order for p in base), default=0) + 1
                    base.append(planned)
                else:
                    self.warn(
                        source.loc,
                        f"ไม่พบกิจกรรม “{planned.title[:60]}” ในโครงการ “{incoming.name}” "
                        "จึงไม่ได้นำแผนรายไตรมาสของแถวนี้เข้า",
                    )
                continue
            if partial and source.lines:
                target.lines = planned.lines
                target.title = planned.title or target.title
            if planned.quarters is not None:
                target.quarters = planned.quarters
        return base

    def _activity(self, incoming: ActivityIn) -> PlannedActivity:
        activity = PlannedActivity(
            order=incoming.order,
            title=incoming.title,
            period=incoming.period[:255],
            responsible=incoming.responsible[:255],
            quarters=list(incoming.quarters) if incoming.quarters is not None else None,
            **incoming.extra,
        )
        for n, line in enumerate(incoming.lines, start=1):
            planned = self._line(line, line.order or n, incoming.title)
            if planned is not None:
                activity.lines.append(planned)
        activity.lines.sort(key=lambda line: line.order)
        return activity

    def _line(self, line: LineIn, order: int, activity_title: str) -> PlannedLine | None:
        if line.category_raw:
            category = self._find(self.cats, line.category_raw)
            if category is None:
                self.error(line.category_loc or line.loc, f"ไม่รู้จักหมวดรายจ่าย “{line.category_raw}”")
                return None
        else:
            text = f"{line.description} {activity_title if line.description == template.LUMP_SUM_DESCRIPTION else ''}"
            category = category_for(text, self.ctx.categories) or self.default_category
        if line.fund_raw:
            fund = self._find(self.funds, line.fund_raw)
            if fund is None:
                self.error(line.fund_loc or line.loc, f"ไม่รู้จักแหล่งงบประมาณ “{line.fund_raw}”")
                return None
        else:
            fund = self.default_fund
        if category is None or fund is None:
            self.error(line.loc, "ระบบยังไม่มีหมวดรายจ่ายหรือแหล่งงบประมาณ")
            return None
        description = line.description or "รายการ"
        if len(description) > 500:
            self.warn(line.loc, "ชื่อรายการยาวเกิน 500 ตัวอักษร ตัดส่วนเกินออก")
            description = description[:500]
        planned = PlannedLine(order, description, category.pk, fund.pk, None, line.declared, "", [])
        if not line.formula:
            planned.plain_amount = line.amount
            return planned
        formula = parse_line_formula(line.formula)
        printed = line.amount
        if formula.error and formula.error != "mismatch":
            # The grammar refuses it (budgets/formula.py): never an amount made up from it.
            planned.formula_note = line.formula[:500]
            if printed is None:
                self.error(
                    line.formula_loc or line.loc,
                    f"“{description[:60]}”: สูตร “{line.formula[:80]}” ใช้ไม่ได้: {formula.message} "
                    "และเอกสารไม่มีจำนวนเงิน กรุณาแก้สูตรหรือใส่จำนวนเงิน",
                )
                return None
            planned.plain_amount = printed
            self.warn(
                line.formula_loc or line.loc,
                f"“{description[:60]}”: อ่านสูตร “{line.formula[:80]}” ไม่ได้ ({formula.message}) "
                "ใช้จำนวนเงินตามเอกสาร และเก็บสูตรไว้เป็นข้อความ",
            )
            return planned
        product = formula.product
        if printed is None:  # the formula's own "= amount" is the document's amount
            printed = formula.declared
        if printed is None or quantize(product) == quantize(printed):
            planned.factors = [(f.quantity, f.unit) for f in formula.factors]
            return planned
        # The printed amount wins (domain.md §4: the importer keeps the printed value and reports).
        planned.plain_amount = printed
        planned.formula_note = line.formula[:500]
        self.report.mismatches.append(
            Mismatch(
                f"“{description[:60]}”: สูตร {line.formula}",
                quantize(printed),
                quantize(product),
                "line",
                line.loc,
            )
        )
        return planned

    def _indicators(self, incoming: ProjectIn) -> list[PlannedIndicator] | None:
        if incoming.indicators is None:
            return None
        result = []
        for item in incoming.indicators:
            comparator = COMPARATORS.find(item.comparator) if item.comparator else ""
            if comparator is None:
                self.error(
                    item.at("comparator"),
                    f"ไม่รู้จักเงื่อนไขค่าเป้าหมาย “{item.comparator}” "
                    f"(ใช้ได้: {', '.join(thai_labels(Comparator).values())})",
                )
                continue
            value, unit, text_target = item.target_value, item.unit, item.target_text
            if value is None and not comparator and text_target:
                target = thai.parse_target(text_target)
                value, unit, comparator = target.value, target.unit or unit, target.comparator
                text_target = text_target if target.comparator == "text" else ""
            comparator = comparator or (Comparator.TEXT if value is None else Comparator.GTE)
            level = (
                RESULT_LEVELS.find(item.result_level) if item.result_level else ResultLevel.OUTPUT
            )
            kind = (
                MEASURE_TYPES.find(item.measure_type)
                if item.measure_type
                else MeasureType.QUANTITATIVE
            )
            for found, raw, field, enum in (
                (level, item.result_level, "result_level", ResultLevel),
                (kind, item.measure_type, "measure_type", MeasureType),
            ):
                if found is None:
                    self.error(
                        item.at(field),
                        f"ไม่รู้จัก{'ระดับผล' if field == 'result_level' else 'ประเภทตัวชี้วัด'} “{raw}” "
                        f"(ใช้ได้: {', '.join(thai_labels(enum).values())})",
                    )
            if level is None or kind is None:
                continue
            result.append(
                PlannedIndicator(
                    order=item.order,
                    result_level=level,
                    measure_type=kind,
                    text=item.text,
                    comparator=comparator,
                    target_value=value,
                    unit=unit[:50],
                    target_text=text_target[:255],
                    method=item.method[:255],
                    tool=item.tool[:255],
                )
            )
        return result

    def _changes(self, planned: PlannedProject) -> list[str]:
        existing = planned.existing
        changes = []
        if planned.unit_id is not None and planned.unit_id != existing.lead_unit_id:
            changes.append("กลุ่มที่รับผิดชอบ")
        strategy = (
            self.ctx.strategies.get(planned.strategy_number) if planned.strategy_number else None
        )
        if planned.strategy_number is not None and (
            strategy is None or strategy.pk != existing.strategy_id
        ):
            changes.append("กลยุทธ์")
        for key, value in planned.header.items():
            if not narrative.same_header_value(existing, key, value):
                changes.append(Project._meta.get_field(key).verbose_name)
        if planned.activities is not None:
            if activities_signature_from_db(existing) != activities_signature(planned.activities):
                changes.append("กิจกรรม/รายการงบประมาณ/แผนรายไตรมาส")
            else:
                planned.activities = None  # nothing to rewrite
        if planned.indicators is not None:
            if indicators_signature_from_db(existing) != indicators_signature(planned.indicators):
                changes.append("ตัวชี้วัด")
            else:
                planned.indicators = None
        changes += narrative.changes(planned)
        return [str(c) for c in changes]

    # totals and plan-level guards

    def _totals(self) -> None:
        by_strategy: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
        in_file = set()
        for planned in self.result.projects:
            by_strategy[planned.strategy_number] += planned.computed
            if planned.existing is not None:
                in_file.add(planned.existing.pk)
        numbers = {s.pk: n for n, s in self.ctx.strategies.items()}
        for project in self.ctx.existing.values():
            if project.pk not in in_file:
                by_strategy[numbers.get(project.strategy_id)] += _existing_total(project)
        for number, strategy in self.parsed.strategies.items():
            if strategy.declared is not None and quantize(strategy.declared) != by_strategy[number]:
                self.report.mismatches.append(
                    Mismatch(
                        f"กลยุทธ์ที่ {number}: งบประมาณรวมที่พิมพ์ไว้ กับผลรวมของโครงการ",
                        quantize(strategy.declared),
                        quantize(by_strategy[number]),
                        "strategy",
                        strategy.declared_loc or strategy.loc,
                    )
                )
            printed = strategy.sentence_declared
            if printed is not None and quantize(printed) != by_strategy[number]:
                self.report.mismatches.append(
                    Mismatch(
                        f"กลยุทธ์ที่ {number}: งบประมาณในข้อความ “มีโครงการรองรับ…” กับผลรวมของโครงการ",
                        quantize(printed),
                        quantize(by_strategy[number]),
                        "sentence",
                        strategy.sentence_loc or strategy.loc,
                    )
                )
        if self.parsed.plan_declared is not None:
            total = quantize(sum(by_strategy.values(), ZERO))
            if quantize(self.parsed.plan_declared) != total:
                self.report.mismatches.append(
                    Mismatch(
                        "ทั้งแผน: งบประมาณรวมที่พิมพ์ไว้ กับผลรวมของโครงการ",
                        quantize(self.parsed.plan_declared),
                        total,
                        "plan",
                        self.parsed.plan_declared_loc or Loc(),
                    )
                )

    def _plan_guard(self) -> None:
        plan = self.ctx.plan
        changing = any(p.outcome.action in {"created", "updated"} for p in self.result.projects)
        if plan is not None and plan.status == PlanStatus.APPROVED and changing:
            self.error(Loc(), "แผนปีนี้อนุมัติแล้ว จึงนำเข้าเพื่อแก้ไขไม่ได้")
        if (
            plan is not None
            and plan.status == PlanStatus.ARCHIVED
            and not self.ctx.historical
            and changing
        ):
            self.error(Loc(), "แผนปีนี้เป็นแผนประวัติ (นำเข้าจากแผนเดิม) กรุณาเลือกนำเข้าเป็นแผนประวัติ")
        if self.ctx.historical and (plan is None or plan.status != PlanStatus.ARCHIVED):
            self.result.plan_status = PlanStatus.ARCHIVED
        elif plan is None:
            self.result.plan_status = PlanStatus.DRAFT

    def _line_counts(self) -> dict[str, int]:
        written = [p for p in self.result.projects if p.outcome.action in {"created", "updated"}]
        return {
            "rows_read": self.parsed.row_count,
            "budget_lines_in_file": sum(
                len(a.lines) for p in self.parsed.projects.values() for a in p.activities or ()
            ),
            "activities_to_write": sum(len(p.activities or ()) for p in written),
            "budget_lines_to_write": sum(len(a.lines) for p in written for a in p.activities or ()),
            "indicators_to_write": sum(len(p.indicators or ()) for p in written),
        }


def _existing_total(project: Project) -> Decimal:
    return quantize(
        sum((line.amount for a in project.activities.all() for line in a.budget_lines.all()), ZERO)
    )


def _planned_from_db(activity: Activity) -> PlannedActivity:
    return PlannedActivity(
        order=activity.order,
        title=activity.title_th,
        period=activity.period_th,
        responsible=activity.responsible_th,
        lines=[
            PlannedLine(
                line.order,
                line.description_th,
                line.category_id,
                line.fund_source_id,
                line.plain_amount,
                line.declared_amount,
                line.formula_note_th,
                [(f.quantity, f.unit_th) for f in line.factors.all()],
            )
            for line in activity_lines(activity)
        ],
        quarters=activity.quarter_amounts(),
        steps=activity.steps_th,
        location=activity.location_th,
        target_group=activity.target_group_th,
        months=list(activity.months),
    )


def _only_generated(project: Project) -> bool:
    """Its activities and lines all came from a summary or a quarterly table (no line items
    anyone typed), so a newer such table may rebuild them."""
    lines = [line for a in project.activities.all() for line in a.budget_lines.all()]
    return _only_lump_sum(project) or (
        bool(lines) and all(line.description_th == template.LUMP_SUM_DESCRIPTION for line in lines)
    )


def _only_lump_sum(project: Project) -> bool:
    activities = list(project.activities.all())
    return not activities or (
        len(activities) == 1 and activities[0].title_th == template.LUMP_SUM_TITLE
    )


def _carry_over(activities: list[PlannedActivity], incoming: ProjectIn, existing: Project) -> None:
    """Keep what the file does not say (steps, place, target group, months when the activity
    sheet has no such column) and, if the file has no quarterly plan, the quarters, from the
    existing activity of the same title."""
    pool: dict[str, list[Activity]] = defaultdict(list)
    for activity in existing.activities.all():
        pool[squash(activity.title_th)].append(activity)
    for source, planned in zip(incoming.activities, activities, strict=True):
        candidates = pool.get(squash(planned.title))
        if not candidates:
            continue
        old = candidates.pop(0)
        given = source.extra
        if "steps" not in given:
            planned.steps = old.steps_th
        if "location" not in given:
            planned.location = old.location_th
        if "target_group" not in given:
            planned.target_group = old.target_group_th
        if "months" not in given:
            planned.months = list(old.months)
        if planned.quarters is None:
            planned.quarters = old.quarter_amounts()
