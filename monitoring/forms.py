"""Forms of quarterly monitoring: a project's report of one round (and the sheet it is built from),
the plan's monitoring settings and the yearly results of strategy KPIs. Fields parse what people
type ("๕,๐๐๐", "1,500.-")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django import forms

from actionplan import thai
from actionplan.forms import BEDateField, CleanTextMixin
from budgets.models import BudgetCategory
from budgets.money import ZERO, quantize
from indicators.models import Comparator, ProjectIndicator
from monitoring import figures, rounds
from monitoring.models import ActivityState, ProjectReport, ReportRound
from monitoring.services import ReportEntry
from projects.audit import numbered
from projects.forms import ThaiDecimalField
from projects.models import Activity, Project

NUMBER_ERROR = {"invalid": "กรุณากรอกตัวเลข เช่น 80 หรือ ๘๐"}

# --- The report of one project and round ----------------------------------------------------


@dataclass
class SheetActivity:
    activity: Activity
    number: str
    is_heading: bool
    budget: dict[int, Decimal]  # approved budget per category
    planned_to: Decimal  # the approved quarterly plan, cumulative to the round
    previous: dict[int, Decimal]  # cumulative spending per category reported before

    @property
    def has_budget(self) -> bool:
        return bool(self.budget)


@dataclass
class Sheet:
    """Everything the report form of one project and round shows and validates."""

    project: Project
    round: rounds.Round
    report: ProjectReport | None
    previous: ProjectReport | None
    activities: list[SheetActivity]
    categories: list[BudgetCategory]
    indicators: list[ProjectIndicator]
    bounds: dict[tuple[int, int], figures.Bound]
    reports: list[ProjectReport]

    def initial(self) -> dict:
        """The form's values: this round's report, else the round before carried forward."""
        source = self.report or self.previous
        initial: dict = {"version": self.report.version if self.report else None}
        if source is None:
            return initial
        for p in source.activity_progress.all():
            initial[f"state-{p.activity_id}"] = p.state
            initial[f"note-{p.activity_id}"] = p.note_th
        for s in source.spending.all():
            initial[f"spend-{s.activity_id}-{s.category_id}"] = s.amount
        for r in source.indicator_results.all():
            initial[f"kpi-{r.indicator_id}-value"] = r.actual_value
            initial[f"kpi-{r.indicator_id}-text"] = r.actual_text_th
            initial[f"kpi-{r.indicator_id}-met"] = (
                "" if r.judged_met is None else ("1" if r.judged_met else "0")
            )
            initial[f"kpi-{r.indicator_id}-note"] = r.note_th
        if self.report:
            initial["problems_th"] = self.report.problems_th
            initial["suggestions_th"] = self.report.suggestions_th
        return initial


def report_sheet(project, number: int) -> Sheet:
    """The form data of one project and round. `project` needs `with_budget()` and indicators
    prefetched (the view's `_prefetched`)."""
    plan = project.plan
    reports = figures.project_reports(project)
    report = next((r for r in reports if r.round.number == number), None)
    previous = max(
        (r for r in reports if r.round.number < number), key=lambda r: r.round.number, default=None
    )
    # The round's row even when this project has no report in it: closed, due date set.
    row = (
        ReportRound.objects.filter(plan=plan, number=number)
        .select_related("closed_by__person", "reopened_by__person")
        .first()
    )
    bounds = figures.spending_bounds(reports, number)
    used: set[int] = set()
    activities = []
    ordered = numbered(project.activities.all())
    parents = {a.parent_id for _, a in ordered if a.parent_id}
    for number_text, activity in ordered:
        budget: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line in activity.budget_lines.all():
            budget[line.category_id] += line.amount
            used.add(line.category_id)
        activities.append(
            SheetActivity(
                activity=activity,
                number=number_text,
                is_heading=activity.pk in parents,
                budget=dict(budget),
                planned_to=quantize(sum(activity.quarter_amounts()[:number], ZERO)),
                previous={c: b.floor for (a, c), b in bounds.items() if a == activity.pk},
            )
        )
    # Columns: the categories the project budgets, and any it reported spending in before.
    used |= {c for (_, c) in bounds}
    categories = list(BudgetCategory.objects.filter(pk__in=used).order_by("order", "pk"))
    return Sheet(
        project=project,
        round=rounds.make_round(plan, number, row),
        report=report,
        previous=previous,
        activities=activities,
        categories=categories,
        indicators=list(project.indicators.all()),
        bounds=bounds,
        reports=reports,
    )


MET_CHOICES = [("", "ยังไม่ประเมิน"), ("1", "บรรลุค่าเป้าหมาย"), ("0", "ไม่บรรลุค่าเป้าหมาย")]


def _met(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class ReportForm(CleanTextMixin, forms.Form):
    """One project's report of one round, with fields built from its sheet: a state and note per
    activity, a cumulative amount per activity and budget category, a result per KPI."""

    problems_th = forms.CharField(
        label="ปัญหา อุปสรรค", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    suggestions_th = forms.CharField(
        label="ข้อเสนอแนะ", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, sheet: Sheet, **kwargs):
        super().__init__(data, initial=sheet.initial(), **kwargs)
        self.sheet = sheet
        for row in sheet.activities:
            a = row.activity
            self.fields[f"state-{a.pk}"] = forms.ChoiceField(
                label=f"สถานะกิจกรรม {row.number}", choices=ActivityState.choices
            )
            self.fields[f"note-{a.pk}"] = forms.CharField(
                label=f"หมายเหตุกิจกรรม {row.number}", max_length=500, required=False
            )
            if row.has_budget:
                for c in sheet.categories:
                    self.fields[self.spend_name(a.pk, c.pk)] = ThaiDecimalField(
                        label=f"กิจกรรม {row.number} {c.name_th} (สะสม)",
                        required=False,
                        min_value=Decimal(0),
                        max_digits=14,
                        decimal_places=2,
                    )
        for i in sheet.indicators:
            if i.comparator == Comparator.TEXT or i.target_value is None:
                self.fields[f"kpi-{i.pk}-met"] = forms.ChoiceField(
                    label=f"ผลการประเมิน: {i.text_th[:60]}", choices=MET_CHOICES, required=False
                )
            else:
                self.fields[f"kpi-{i.pk}-value"] = ThaiDecimalField(
                    label=f"ผล: {i.text_th[:60]}",
                    required=False,
                    min_value=Decimal(0),
                    max_digits=14,
                    decimal_places=2,
                    error_messages=NUMBER_ERROR,
                )
            self.fields[f"kpi-{i.pk}-text"] = forms.CharField(
                label=f"ผล (ข้อความ): {i.text_th[:60]}", max_length=500, required=False
            )
            self.fields[f"kpi-{i.pk}-note"] = forms.CharField(
                label=f"หลักฐาน/หมายเหตุ: {i.text_th[:60]}", max_length=500, required=False
            )

    @staticmethod
    def spend_name(activity_id: int, category_id: int) -> str:
        return f"spend-{activity_id}-{category_id}"

    def spending(self) -> dict[tuple[int, int], Decimal]:
        cd = self.cleaned_data
        return {
            (row.activity.pk, c.pk): cd.get(self.spend_name(row.activity.pk, c.pk)) or Decimal(0)
            for row in self.sheet.activities
            if row.has_budget
            for c in self.sheet.categories
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            errors = figures.spending_errors(self.sheet.bounds, self.spending())
            for (activity_id, category_id), message in errors.items():
                name = self.spend_name(activity_id, category_id)
                if name in self.fields:
                    self.add_error(name, message)
                else:  # a category no longer budgeted still carries last round's money
                    self.add_error(None, message)
        return cleaned

    def entry(self) -> ReportEntry:
        cd = self.cleaned_data
        return ReportEntry(
            problems=cd["problems_th"].strip(),
            suggestions=cd["suggestions_th"].strip(),
            states={
                row.activity.pk: (cd[f"state-{row.activity.pk}"], cd[f"note-{row.activity.pk}"])
                for row in self.sheet.activities
            },
            spending=self.spending(),
            results={
                i.pk: (
                    cd.get(f"kpi-{i.pk}-value"),
                    cd[f"kpi-{i.pk}-text"].strip(),
                    _met(cd.get(f"kpi-{i.pk}-met", "")),
                    cd[f"kpi-{i.pk}-note"].strip(),
                )
                for i in self.sheet.indicators
            },
        )

    def activity_rows(self):
        """(sheet row, state field, note field, [(category, amount field, previous)]) per activity."""
        rows = []
        for row in self.sheet.activities:
            pk = row.activity.pk
            cells = []
            if row.has_budget:
                cells = [
                    (c, self[self.spend_name(pk, c.pk)], row.previous.get(c.pk))
                    for c in self.sheet.categories
                ]
            rows.append((row, self[f"state-{pk}"], self[f"note-{pk}"], cells))
        return rows

    def indicator_rows(self):
        """(indicator, value or met field, text field, note field) per KPI."""
        rows = []
        for i in self.sheet.indicators:
            main = f"kpi-{i.pk}-value" if f"kpi-{i.pk}-value" in self.fields else f"kpi-{i.pk}-met"
            rows.append((i, self[main], self[f"kpi-{i.pk}-text"], self[f"kpi-{i.pk}-note"]))
        return rows


class MonitoringSettingsForm(CleanTextMixin, forms.Form):
    """When reports are due and how far below plan spending may fall before it is flagged."""

    due_days = forms.IntegerField(
        label="กำหนดส่งรายงานผล (จำนวนวันหลังสิ้นไตรมาส)", min_value=0, max_value=90
    )
    margin_pct = forms.CharField(label="ยอมให้ผลการใช้จ่ายต่ำกว่าแผนสะสมได้ไม่เกิน (ร้อยละของแผน)")

    def clean_margin_pct(self):
        try:
            value = thai.parse_number(self.cleaned_data["margin_pct"])
        except ValueError as exc:
            raise forms.ValidationError("กรุณากรอกตัวเลขร้อยละ เช่น 10 หรือ ๑๐") from exc
        if not 0 <= value <= 100:
            raise forms.ValidationError("ร้อยละต้องอยู่ระหว่าง 0 ถึง 100")
        return value.quantize(Decimal("0.01"))


class RoundDueDateForm(CleanTextMixin, forms.Form):
    """A round's due date set by the plan administrator; empty puts the plan's rule back."""

    due_date = BEDateField(
        label="กำหนดส่งรายงานของรอบนี้",
        required=False,
        help_text="วัน/เดือน/ปี พ.ศ. เช่น 31/01/2567 เว้นว่างเพื่อใช้กำหนดตามจำนวนวันหลังสิ้นไตรมาสที่ตั้งไว้ในแผน",
    )
    reason = forms.CharField(label="เหตุผล (ถ้ามี)", required=False, max_length=500)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # A typed year is read in either era near the plan's year, as in the project editor.
        self.fields["due_date"].fiscal_year_be = plan.fiscal_year.year_be


class RoundReopenForm(CleanTextMixin, forms.Form):
    """Reopening a closed round needs a reason: it goes into every project's history."""

    reason = forms.CharField(
        label="เหตุผลที่เปิดรอบอีกครั้ง",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "กรุณาระบุเหตุผลที่เปิดรอบรายงานอีกครั้ง"},
    )


class StrategyResultsForm(CleanTextMixin, forms.Form):
    """This year's actual value (and a note) of each strategy KPI of the plan."""

    def __init__(self, data=None, *, kpis: list[figures.StrategyKPI], **kwargs):
        super().__init__(data, **kwargs)
        self.kpis = kpis
        for kpi in kpis:
            pk, result = kpi.indicator.pk, kpi.result
            self.fields[f"value-{pk}"] = ThaiDecimalField(
                label=f"ผลการดำเนินงาน: {kpi.indicator.text_th[:60]}",
                required=False,
                min_value=Decimal(0),
                max_digits=9,
                decimal_places=2,
                initial=result.actual_value if result else None,
                error_messages=NUMBER_ERROR,
            )
            self.fields[f"note-{pk}"] = forms.CharField(
                label=f"หมายเหตุ: {kpi.indicator.text_th[:60]}",
                max_length=500,
                required=False,
                initial=result.note_th if result else "",
            )

    def values(self) -> dict[int, tuple[Decimal | None, str]]:
        cd = self.cleaned_data
        return {
            k.indicator.pk: (cd[f"value-{k.indicator.pk}"], cd[f"note-{k.indicator.pk}"].strip())
            for k in self.kpis
        }
