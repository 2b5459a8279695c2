"""The import service: preview without writes, all-or-nothing commit, idempotent re-import,
statuses per mode, guarded approved data, remembered group choices, fixed query count."""

import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from actionplan.models import Plan, PlanStatus, StandardGroup
from budgets import services as budget_services
from budgets.figures import summarize
from budgets.formula import Factor
from budgets.models import BudgetLine, BudgetLineFactor, QuarterAllocation
from imports import export, services, template
from imports.models import GroupAlias, ImportBatch, ImportStatus
from indicators.models import ProjectIndicator
from projects import checks
from projects.models import Activity, Project, ProjectStatus
from projects.rollup import plan_projects
from tests import factories as f
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db

D = Decimal
SEEDS_001 = (wb.strategy6_summary, wb.p8_budget, wb.p3_budget, wb.p5_budget, wb.p9_budget)


def snapshot() -> str:
    """A hash of every row an import may touch."""
    digest = hashlib.sha256()
    for model in (
        Plan,
        Project,
        Activity,
        BudgetLine,
        BudgetLineFactor,
        QuarterAllocation,
        ProjectIndicator,
    ):
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def run(office, data, year=2563, name="plan.xlsx", **kwargs):
    return services.run_import(name=name, data=data, office=office, year_be=year, **kwargs)


def writes(queries) -> list[str]:
    return [
        q["sql"][:60]
        for q in queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        and "imports_importbatch" not in q["sql"]
    ]


@pytest.fixture
def office():
    return f.make_office("YST2")


class TestPreview:
    def test_writes_nothing_but_the_audit_record(self, office):
        before = snapshot()
        report = run(office, wb.workbook(*SEEDS_001))
        assert report.ok and not report.committed
        assert report.count("created") == 11
        assert snapshot() == before
        batch = ImportBatch.objects.get()
        assert (batch.status, batch.sha256, batch.counts["created"]) == (
            ImportStatus.PREVIEWED,
            report.sha256,
            11,
        )

    def test_dry_run_without_record_writes_nothing_at_all(
        self, office, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            run(office, wb.workbook(*SEEDS_001), record=False)
        assert callbacks == []
        assert ImportBatch.objects.count() == 0 and Plan.objects.count() == 0


class TestCommit:
    def test_historical_mode_lands_an_archived_plan_of_approved_projects(self, office):
        run(office, wb.workbook(*SEEDS_001), commit=True, mode="historical")
        plan = office.plans.get()
        assert plan.status == PlanStatus.ARCHIVED
        assert set(plan.projects.values_list("status", flat=True)) == {ProjectStatus.APPROVED}

    def test_draft_mode_lands_draft_projects(self, office):
        run(office, wb.workbook(*SEEDS_001), commit=True)
        plan = office.plans.get()
        assert plan.status == PlanStatus.DRAFT
        assert set(plan.projects.values_list("status", flat=True)) == {ProjectStatus.DRAFT}

    def test_records_the_import_with_sha256_and_counts(self, office):
        user = f.make_user(office, "plan_admin", f.group(office, StandardGroup.PLAN))
        report = run(office, wb.workbook(*SEEDS_001), commit=True, user=user)
        batch = ImportBatch.objects.get()
        assert batch.status == ImportStatus.COMMITTED and batch.committed_at is not None
        assert (batch.sha256, batch.user, batch.plan) == (report.sha256, user, office.plans.get())
        assert batch.counts["created"] == 11 and batch.report["ok"] is True

    def test_reimporting_the_same_file_changes_nothing(self, office):
        data = wb.workbook(*SEEDS_001)
        run(office, data, commit=True, mode="historical")
        before = snapshot()
        with CaptureQueriesContext(connection) as queries:
            report = run(office, data, commit=True, mode="historical")
        assert (report.count("created"), report.count("updated"), report.count("unchanged")) == (
            0,
            0,
            11,
        )
        assert writes(queries) == []
        assert snapshot() == before

    def test_a_changed_amount_updates_that_project_only(self, office):
        run(office, wb.workbook(wb.strategy6_summary, wb.p8_budget), commit=True)
        p8 = Project.objects.get(name_th="สภากาแฟ คุยกันเช้าวันพุธ")

        def p8_fixed(ws):
            wb.p8_budget(ws)
            ws["B5"] = "ค่าอาหารว่างและเครื่องดื่ม ผู้เข้าร่วมประชุม (จำนวน 42 คน*35 บาท*40 ครั้ง)"
            ws["C5"] = ws["E5"] = "58,800"

        report = run(office, wb.workbook(wb.strategy6_summary, p8_fixed), commit=True)
        assert (report.count("updated"), report.count("unchanged")) == (1, 10)
        assert [m for m in report.mismatches if m.kind == "project"] == []
        p8.refresh_from_db()
        assert p8.version == 2
        assert f.reload_project(p8).budget_total() == D("58800.00")

    def test_one_bad_cell_in_5000_lines_writes_nothing_and_is_reported_at_its_cell(self, office):
        run(office, wb.canonical_workbook(50), year=2567, commit=True)
        before = snapshot()
        data = wb.canonical_workbook(5000, bad={(2501, 13): "สิบ"})
        report = run(office, data, year=2567, commit=True)
        assert not report.ok and not report.committed
        assert [(e.loc.sheet, e.loc.row, e.loc.column) for e in report.errors] == [
            ("รายการงบประมาณ", 2501, "M")
        ]
        assert report.errors[0].message == "“สิบ” ไม่ใช่ตัวเลข"
        assert snapshot() == before
        assert ImportBatch.objects.latest("pk").status == ImportStatus.REJECTED

    def test_every_bad_row_is_reported_not_only_the_first(self, office):
        bad = {(r, 13): "หนึ่งพัน" for r in (10, 20, 30)} | {(40, 10): "ค่าเดินทางไกล"}
        report = run(office, wb.canonical_workbook(100, bad=bad), year=2567)
        assert [(e.loc.row, e.loc.column) for e in report.errors] == [
            (10, "M"),
            (20, "M"),
            (30, "M"),
            (40, "J"),
        ]
        assert "ไม่รู้จักหมวดรายจ่าย" in report.errors[-1].message

    def test_queries_do_not_grow_with_rows(self, office):
        counts = []
        for n, year in ((500, 2566), (5000, 2567)):
            Plan.objects.create(office=office, fiscal_year=f.get_fiscal_year(year))
            data = wb.canonical_workbook(n)
            with CaptureQueriesContext(connection) as queries:
                report = run(office, data, year=year, commit=True)
            assert report.committed and report.lines["budget_lines_to_write"] == n
            counts.append(len(queries))
        assert counts[0] == counts[1] <= 20

    def test_lines_with_matching_formulas_keep_their_factors(self, office):
        run(office, wb.canonical_workbook(10), year=2567, commit=True)
        line = BudgetLine.objects.filter(description_th="ค่าอาหารว่างและเครื่องดื่ม").first()
        assert line.formula_text == "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"
        assert (line.amount, line.plain_amount) == (D("1120.00"), None)


class TestGuards:
    def test_an_approved_plan_is_never_changed_by_an_import(self, office):
        run(office, wb.workbook(wb.strategy6_summary), commit=True)
        Plan.objects.update(status=PlanStatus.APPROVED)
        before = snapshot()
        report = run(office, wb.workbook(wb.strategy6_summary, wb.p8_budget), commit=True)
        assert not report.committed
        assert any("อนุมัติแล้ว" in e.message for e in report.errors)
        assert snapshot() == before

    def test_an_endorsed_project_is_not_overwritten_in_draft_mode(self, office):
        run(office, wb.workbook(wb.strategy6_summary), commit=True)
        Project.objects.filter(name_th__startswith="สภากาแฟ").update(status=ProjectStatus.ENDORSED)
        before = snapshot()
        report = run(office, wb.workbook(wb.strategy6_summary, wb.p8_budget), commit=True)
        assert [p.action for p in report.projects if p.name.startswith("สภากาแฟ")] == ["invalid"]
        assert "เห็นชอบแล้ว" in report.errors[0].message
        assert snapshot() == before

    def test_a_historical_plan_can_be_corrected_by_a_historical_reimport(self, office):
        run(office, wb.workbook(wb.strategy6_summary), commit=True, mode="historical")
        report = run(
            office, wb.workbook(wb.strategy6_summary, wb.p8_budget), commit=True, mode="historical"
        )
        assert report.committed and report.count("updated") == 1


def summary_with_group(group: str) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["กลยุทธ์ที่ 1 พัฒนาคุณภาพ"])
    ws.append(["ที่", "โครงการ", "กลุ่มที่รับผิดชอบ", "งบประมาณ (บาท)"])
    ws.append(["๑", "โครงการเสริมสร้างวินัย", group, "12,000.-"])
    ws.append([None, "รวมงบประมาณ", None, "12,000"])
    return wb.to_bytes(book)


class TestGroupChoices:
    def test_an_unknown_group_name_asks_the_user_and_blocks_the_commit(self, office):
        report = run(office, summary_with_group("งานวินัยและนิติการ"), year=2567, commit=True)
        assert not report.ok and not report.committed
        [choice] = report.group_choices
        assert choice.raw == "งานวินัยและนิติการ"
        assert {c[1] for c in choice.candidates} >= {"กลุ่มกฎหมายและคดี", "กลุ่มอำนวยการ"}
        assert report.as_json()["errors"][0]["message"].startswith("ต้องเลือกกลุ่ม")
        assert Project.objects.count() == 0

    def test_the_choice_is_applied_and_remembered(self, office):
        legal = f.group(office, StandardGroup.LEGAL)
        data = summary_with_group("งานวินัยและนิติการ")
        report = run(office, data, year=2567, commit=True, choices={"งานวินัยและนิติการ": legal.pk})
        assert report.committed
        assert Project.objects.get().lead_unit == legal
        assert GroupAlias.objects.get().org_unit == legal
        again = run(office, summary_with_group("งานวินัย และนิติการ"), year=2567)
        assert again.ok and again.group_choices == []

    @pytest.mark.parametrize(
        "raw, code",
        [
            ("กลุ่มนโยบาย\nและแผน", StandardGroup.PLAN),
            ("กลุ่มนิเทศฯ", StandardGroup.SUPERV),
            ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาหนองคาย เขต ๒ กลุ่มบริหารงานบุคคล", StandardGroup.HR),
            ("กลุ่มส่งเสริมการจัดการศึกษาทางไกลเทคโนโลยีสารสนเทศและการสื่อสาร", StandardGroup.ICT),
            ("กลุ่มส่งเสริม การจัดการศึกษา", StandardGroup.PROMO),
            ("กลุ่มอำนาจการ", StandardGroup.ADMIN),
        ],
    )
    def test_spelling_variants_match_without_asking(self, office, raw, code):
        report = run(office, summary_with_group(raw), year=2567, commit=True)
        assert report.committed
        assert Project.objects.get().lead_unit.standard_code == code


class TestRoundTrip:
    def test_the_exported_workbook_reimports_unchanged(self, office):
        run(office, wb.workbook(*SEEDS_001, wb.p10_budget, wb.p6_budget), commit=True)
        plan = office.plans.get()
        f.make_indicator(Project.objects.get(name_th__startswith="สภากาแฟ"))
        data = export.plan_workbook(plan, export.export_projects(plan))
        before = snapshot()
        report = run(office, data, commit=True)
        assert report.ok and report.count("unchanged") == 11
        assert snapshot() == before

    def test_the_exported_workbook_rebuilds_the_plan_in_another_year(self, office):
        run(office, wb.workbook(*SEEDS_001, wb.p10_budget), commit=True)
        plan = office.plans.get()
        f.make_indicator(Project.objects.get(name_th__startswith="สภากาแฟ"), target_value=D("80"))
        data = export.plan_workbook(plan, export.export_projects(plan))
        report = run(office, data, year=2564, commit=True)
        assert report.count("created") == 11
        copy = office.plans.get(fiscal_year__year_be=2564)
        original = summarize(plan, plan_projects(plan))[0]
        rebuilt = summarize(copy, plan_projects(copy))[0]
        assert rebuilt.total == original.total == D("754000.00")
        assert [b.total for b in rebuilt.categories] == [b.total for b in original.categories]
        assert ProjectIndicator.objects.filter(project__plan=copy).count() == 1
        again = export.plan_workbook(copy, export.export_projects(copy))
        assert run(office, again, year=2564).count("unchanged") == 11

    def test_the_exported_csv_of_lines_reimports_unchanged(self, office):
        run(office, wb.workbook(*SEEDS_001), commit=True)
        plan = office.plans.get()
        data = export.plan_csv(plan, export.export_projects(plan))
        before = snapshot()
        report = run(office, data, name="plan.csv", commit=True)
        assert report.ok and report.count("unchanged") == 11
        assert snapshot() == before

    def test_a_quarterly_table_fills_the_quarters_of_existing_activities(self, office):
        """A quarterly table for a project whose line items exist sets quarters, keeps the lines."""
        plan = f.make_plan(office, 2566)
        p4 = f.make_project(
            plan,
            name_th="ส่งเสริมและพัฒนาประสิทธิภาพการบริหารงานบุคคล",
            unit=f.group(office, StandardGroup.HR),
        )
        titles = [
            "กิจกรรมการวางแผนอัตรากำลัง การกำหนดตำแหน่งและวิทยฐานะ",
            "กิจกรรมการสรรหา บรรจุและแต่งตั้ง ย้าย โอนและการออกจากราชการของ ข้าราชการครูและบุคลากรทางการศึกษา",
            "กิจกรรมการดำเนินงานบำเหน็จ ความชอบและทะเบียนประวัติของ ข้าราชการครูและบุคลากรทางการศึกษา",
            "กิจกรรมส่งเสริมวิชาชีพ สมรรถนะเพิ่มขีดความสามารถและการสร้างขวัญ กำลังใจและความก้าวหน้าในสายงาน",
        ]
        for title, amount in zip(titles, ("4000", "8000", "8000", "506000"), strict=True):
            f.make_line(f.make_activity(p4, title), "ค่าใช้จ่ายในการประชุม", amount=amount)
        lines_before = sorted(BudgetLine.objects.values_list("description_th", "plain_amount"))
        report = run(office, wb.workbook(wb.p4_quarterly), year=2566, commit=True)
        assert report.count("updated") == 1
        assert (
            sorted(BudgetLine.objects.values_list("description_th", "plain_amount")) == lines_before
        )
        p4 = f.reload_project(p4)
        assert p4.quarter_totals() == [D("15000.00"), D("20000.00"), D("20000.00"), D("471000.00")]
        assert p4.budget_total() == D("526000.00")

    def test_a_corrected_quarterly_table_rebuilds_a_project_made_from_one(self, office):
        run(office, wb.workbook(wb.p4_quarterly), year=2566, commit=True)

        def p4_fixed(ws):
            wb.p4_quarterly(ws)
            ws["E16"] = "๔๙๖,๐๐๐"  # the one wrong cell of INC-11

        report = run(office, wb.workbook(p4_fixed), year=2566, commit=True)
        assert report.count("updated") == 1
        assert [m.kind for m in report.mismatches] == []
        assert f.reload_project(Project.objects.get()).budget_total() == D("556000.00")


class TestMistypedFormulasComeBackLocated:
    """Issue 14: a draft saved before the strict grammar (or imported as text) exports and
    re-imports with a warning or an error at its row, never as a made-up amount."""

    def test_export_of_a_mistyped_formula_reimports_with_its_row_reported(self, office):
        plan = f.make_plan(office, 2566)
        project = f.make_project(plan, name_th="โครงการที่มีสูตรพิมพ์ผิด")
        activity = f.make_activity(project, "ประชุมเชิงปฏิบัติการ")
        legacy = BudgetLine(
            activity=activity,
            order=1,
            description_th="ค่าอาหารกลางวัน",
            category=f.category("services"),
            fund_source=f.fund("esa"),
        )  # what the old reader made of "100 คน x 2OO บาท x 2 มื้อ": 400.00
        budget_services.create_lines(
            [(legacy, [Factor(D("100"), "คน"), Factor(D("2"), "OO"), Factor(D("2"), "มื้อ")])]
        )
        kept = BudgetLine(
            activity=activity,
            order=2,
            description_th="ค่าอาหารว่าง",
            category=f.category("services"),
            fund_source=f.fund("esa"),
            formula_note_th="100 คน x 5O บาท x 2 มื้อ",
        )
        budget_services.create_lines([(kept, [])])
        assert "R-B0" in {x.rule for x in checks.check_project(f.reload_project(project))}

        data = export.plan_workbook(plan, export.export_projects(plan))
        report = run(office, data, year=2567)
        lines_sheet = template.LINES.title
        located = [
            (issue.loc.sheet, issue.loc.row, issue.message)
            for issue in [*report.warnings, *report.errors]
            if issue.loc.sheet == lines_sheet
        ]
        warning = [m for _, _, m in located if "ค่าอาหารกลางวัน" in m]
        error = [e.message for e in report.errors if "ค่าอาหารว่าง" in e.message]
        assert warning and "ใช้จำนวนเงินตามเอกสาร" in warning[0] and "OO" in warning[0]
        assert error and "ไม่มีจำนวนเงิน" in error[0]
        assert {row for _, row, _ in located} == {2, 3}
        assert not report.ok  # the line without an amount blocks the import until it is fixed


# --- issue 16: the app's own exports come back in unchanged -----------------------------------


def edited_plan(client, office):
    """A plan typed in the editor as a planner would: main activities with sub-activities,
    several lines each (formulas with units such as บาท/คน/วัน, plain amounts with satang, Thai
    digits), quarters, KPIs, people and the whole narrative, text with quotes and commas."""
    from django.urls import reverse

    from actionplan.models import PolicyFramework, PolicyItem, Programme, Role
    from budgets.models import BudgetCategory, FundSource
    from tests.projects.test_views import editor_post

    plan = f.make_plan(office, 2567)
    strategy = f.make_strategy(plan, 2, "พัฒนาคุณภาพการบริหารจัดการ, ตามหลักธรรมาภิบาล")
    f.make_strategy(plan, 1, "ยกระดับคุณภาพการศึกษา")
    framework = PolicyFramework.objects.create(kind="moe_policy", title_th="นโยบาย ศธ. ปี 2567")
    items = [
        PolicyItem.objects.create(framework=framework, code=f"{n}.", title_th=title, order=n)
        for n, title in enumerate(("การเรียนรู้ตลอดชีวิต", "ลดภาระครูและบุคลากร"), start=1)
    ]
    programme = Programme.objects.create(office=office, name_th="แผนงานพื้นฐานด้านการพัฒนาคน")
    planner = f.make_user(office, Role.PLANNER, f.group(office, StandardGroup.ADMIN))
    client.force_login(planner)
    services_, materials = (
        BudgetCategory.objects.get(code=c).pk for c in ("services", "materials")
    )
    compensation = BudgetCategory.objects.get(code="compensation").pk
    esa, obec = (FundSource.objects.get(code=c).pk for c in ("esa", "obec"))

    def line(description, formula="", amount="", category=services_, fund=esa):
        return {
            "description_th": description,
            "formula": formula,
            "plain_amount": amount,
            "category": category,
            "fund_source": fund,
        }

    for n, name in enumerate(("โครงการอบรม “ครูแกนนำ” ด้านดิจิทัล, รุ่นที่ ๒", "โครงการสภากาแฟ")):
        activities = [
            (
                {
                    "title_th": 'ประชุมชี้แจง "แนวทาง" การดำเนินงาน, ครั้งที่ ๑',
                    "steps_th": "แต่งตั้งคณะทำงาน\nประชุมวางแผน",
                    "period_th": "ตุลาคม ๒๕๖๖",
                    "location_th": "ห้องประชุม สพป.",
                    "responsible_th": "กลุ่มอำนวยการ",
                    "target_group_th": "ผู้บริหารสถานศึกษา ๔๐ คน",
                    "months": ["1", "2"],
                    "q1": "2,620.50",
                },
                [
                    line("ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ = 1,120 บาท"),
                    line("ค่าวัสดุ, อุปกรณ์", amount="1500.50", category=materials),
                ],
            ),
            (
                {"title_th": "อบรมเชิงปฏิบัติการ รุ่นที่ 1", "is_sub": "on", "q2": "10,800"},
                [line("ค่าที่พัก", "30 คน x 180 บาท/คน/วัน x 2 วัน", fund=obec)],
            ),
            (
                {"title_th": "อบรมเชิงปฏิบัติการ รุ่นที่ 2", "is_sub": "on", "q3": "๖,๘๐๐"},
                [
                    line("ค่าอาหารกลางวัน", "๒๐ คน x ๑๒๐ บาท x ๒ มื้อ"),
                    line("ค่าตอบแทนวิทยากร", "3 ชั่วโมง x 600 บาท", category=compensation),
                    line('ค่าป้าย "ไวนิล"', amount="๑๙๐"),
                ],
            ),
            ({"title_th": "นิเทศ ติดตาม และรายงานผล"}, []),
            (
                {"title_th": "ติดตามผลในสถานศึกษา", "is_sub": "on", "q4": "3,751.50"},
                [line("ค่าพาหนะ", "3 วัน x 1,250.50 บาท")],
            ),
        ]
        indicators = [
            {
                "result_level": "output",
                "measure_type": "quantitative",
                "text_th": "จำนวนครูที่ผ่านการอบรม",
                "comparator": "gte",
                "target_value": "40",
                "target_unit_th": "คน",
                "method_th": "นับจำนวน",
                "tool_th": "แบบลงทะเบียน",
            },
            {
                "result_level": "outcome",
                "measure_type": "qualitative",
                "text_th": "ครูนำความรู้ไปใช้ในการจัดการเรียนรู้",
                "comparator": "text",
                "target_value": "",
                "target_unit_th": "",
                "target_text_th": "มีแผนการจัดการเรียนรู้ที่ใช้เทคโนโลยี",
                "method_th": "ตรวจแผน",
                "tool_th": "แบบประเมิน",
            },
        ]
        data = editor_post(
            name_th=name,
            code=f"ADM-๐{n + 1}",
            strategy=strategy.pk,
            programme=programme.pk,
            project_type="new" if n else "continuing",
            start_date="2023-10-01",
            end_date="2024-09-30",
            location_th="สำนักงานเขตพื้นที่การศึกษา, โรงเรียนในสังกัด",
            rationale_th='ย่อหน้าแรก "หลักการ" ของโครงการ, ต่อด้วยเหตุผล\n\nย่อหน้าที่สอง ๒๕๖๗',
            objectives="เพื่อพัฒนาครู\nเพื่อสร้างเครือข่าย, ขยายผล",
            targets_quant="ครู ๔๐ คน",
            targets_qual="ครูมีความรู้ความเข้าใจ",
            target_groups_th="ครูแกนนำ",
            outcomes="ผู้เรียนได้รับการพัฒนา",
            activities=activities,
            indicators=indicators,
            people=[
                {"name_th": "นางอัจฉราภรณ์ ณ พัทลุง", "position_th": "นักวิเคราะห์นโยบายและแผน"},
                {"name_th": "นายสมชาย ใจดี", "position_th": ""},
            ],
            co_units=[str(f.group(office, StandardGroup.PLAN).pk)],
            alignments=[str(items[n].pk)],
        )
        response = client.post(reverse("projects:project_create", args=[plan.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return plan


def imported(office, data, name, year=2567, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        report = run(office, data, year=year, name=name, commit=True, **kwargs)
    return report, writes(queries)


class TestOwnExportsComeBackUnchanged:
    """Issue 16: export → import reports everything unchanged and plans no write at all."""

    @pytest.mark.parametrize("kind", ["xlsx", "csv"])
    def test_a_plan_typed_in_the_editor(self, client, office, kind):
        plan = edited_plan(client, office)
        projects = export.export_projects(plan)
        data = (
            export.plan_workbook(plan, projects)
            if kind == "xlsx"
            else export.plan_csv(plan, projects)
        )
        before = snapshot()
        report, written = imported(office, data, f"plan.{kind}")
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert [p.action for p in report.projects] == ["unchanged", "unchanged"], [
            p.changes for p in report.projects
        ]
        assert report.error_count == report.warning_count == 0
        assert [m.as_json() for m in report.mismatches] == []
        counts = report.lines
        assert (
            counts["activities_to_write"],
            counts["budget_lines_to_write"],
            counts["indicators_to_write"],
        ) == (0, 0, 0)
        assert written == [] and snapshot() == before

    @pytest.mark.parametrize("kind", ["xlsx", "csv"])
    def test_the_demo_plan(self, settings, kind):
        from fixtures.demo import load_demo

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        demo = load_demo()
        projects = export.export_projects(demo.plan)
        data = (
            export.plan_workbook(demo.plan, projects)
            if kind == "xlsx"
            else export.plan_csv(demo.plan, projects)
        )
        before = snapshot()
        report, written = imported(
            demo.office, data, f"plan.{kind}", year=demo.plan.fiscal_year.year_be
        )
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert {p.action for p in report.projects} == {"unchanged"}, [
            (p.name, p.changes) for p in report.projects if p.action != "unchanged"
        ]
        assert report.count("unchanged") == len(projects)
        assert written == [] and snapshot() == before


def _page(project) -> dict:
    """What the project page shows of a project, without database ids and the office."""
    from projects import audit

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"id", "office", "version"}}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(audit.load_document(project.pk))


class TestExportIntoAnotherOffice:
    """Issue 16: a plan exported by one office and imported with another office's account
    (same template) reproduces its projects in full: everything the project page shows."""

    def test_every_field_of_the_project_page_comes_across(self, client, office):
        from actionplan.models import Programme

        plan = edited_plan(client, office)
        source = list(plan.projects.order_by("pk"))
        first = f.reload_project(source[0])
        assert first.co_units.count() == 1 and first.alignments.count() == 1
        assert [a.parent_id is not None for a in first.activities.all()].count(True) == 3
        data = export.plan_workbook(plan, export.export_projects(plan))
        other = f.make_office("OTHER")
        user = f.make_user(other, "plan_admin")
        report = run(other, data, year=2567, commit=True, user=user)
        assert report.ok and report.committed, [e.message for e in report.errors]
        assert report.count("created") == 2
        assert [w.message for w in report.warnings] == [
            "ยังไม่มีแผนงาน “แผนงานพื้นฐานด้านการพัฒนาคน” ในระบบ จะเพิ่มให้เมื่อนำเข้า"
        ]
        copies = list(other.plans.get().projects.order_by("pk"))
        assert Programme.objects.filter(office=other).count() == 1
        for original, copy in zip(source, copies, strict=True):
            assert _page(copy) == _page(original)
        again = export.plan_workbook(copies[0].plan, export.export_projects(copies[0].plan))
        assert run(other, again, year=2567).count("unchanged") == 2

    def test_a_policy_item_the_other_office_lacks_is_a_warning_not_a_guess(self, client, office):
        from actionplan.models import PolicyFramework

        plan = edited_plan(client, office)
        PolicyFramework.objects.update(office=office)  # the framework is the first office's own
        data = export.plan_workbook(plan, export.export_projects(plan))
        other = f.make_office("OTHER")
        report = run(other, data, year=2567, commit=True)
        assert report.committed
        warnings = [(w.loc.sheet, w.loc.column, w.message) for w in report.warnings]
        assert ("โครงการ", "N") in {(s, c) for s, c, _ in warnings}
        assert any("ไม่พบข้อนโยบาย" in m for _, _, m in warnings)
        assert not other.plans.get().projects.filter(alignments__isnull=False).exists()
