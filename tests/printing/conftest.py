"""Printing fixtures: the EX-01 project (domain.md §5.1) and a small plan book, built with the
factories; PDF helpers around poppler (pdftotext, pdffonts).

Renders are slow (~0.5 s a project, a few seconds a book), so the module-scoped fixtures render
once and share the bytes; their rows live in a transaction rolled back after the module.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from actionplan.models import (
    DirectionItem,
    DirectionKind,
    PlanStatus,
    Programme,
    StandardGroup,
    StrategyIndicator,
    StrategyIndicatorTarget,
)
from indicators.models import Comparator, ResultLevel
from printing.models import ContextTable
from projects.models import (
    ItemKind,
    ProjectItem,
    ProjectPerson,
    ProjectSignature,
    SignatureRole,
)
from tests import factories as f

EX01_NAME = "โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา"
EX01_ACTIVITY = "จัดกิจกรรม ส่งเสริมความร่วมมือในการพัฒนาการศึกษาของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒"
EX01_SIGNERS = {
    SignatureRole.PROPOSER: ("นางสาวศินัญญา ศรีเกตุ", "ผู้อำนวยการกลุ่มอำนวยการ"),
    SignatureRole.ENDORSER: (
        "นางอำภา เวชสารศรี",
        "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒",
    ),
    SignatureRole.APPROVER: (
        "นางกอบขวัญ แดงบำรุง",
        "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒",
    ),
}
# Words with ำ, tone marks, above/below vowels and Thai digits, typed as a user would.
TRICKY_TEXT = "สำนักงานเขตพื้นที่การศึกษาจัดทำแผน ปี ๒๕๖๖ น้ำใจ ผู้ใหญ่ ญี่ปุ่น ฤๅษี ปั่นป่วน ร้อยละ ๘๐"


def pdftotext(data: bytes, *args: str, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8", *args]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run(
        [*cmd, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def pdffonts(data: bytes, tmp_path: Path) -> list[dict]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    fonts = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type... emb sub uni object ID: read the yes/no columns from the right.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return fonts


def page_count(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    return int(re.search(rb"Pages:\s+(\d+)", out.stdout).group(1))


def squash(text: str) -> str:
    """Text without layout whitespace (pdftotext breaks lines where the PDF wraps them)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Rows for the whole module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def build_ex01(office=None, *, digit_style: str = "thai"):
    """EX-01: one activity with sub-steps, lines 1,120 + 4,200 + 1,500 = 6,820, all in Q3."""
    office = office or f.make_office(
        "PTL2T",
        name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒",
        short_name_th="สพป.พัทลุง เขต ๒",
    )
    office.digit_style = digit_style
    office.save(update_fields=["digit_style"])
    plan = f.make_plan(office, 2566)
    strategy = f.make_strategy(plan, 5, "พัฒนาประสิทธิภาพการบริหารจัดการองค์กรแห่งนวัตกรรม")
    programme = Programme.objects.create(
        office=office, name_th="พื้นฐานด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์"
    )
    project = f.make_project(
        plan,
        unit=f.group(office, StandardGroup.ADMIN),
        strategy=strategy,
        name_th=EX01_NAME,
        programme=programme,
        start_date=date(2023, 4, 1),
        end_date=date(2023, 4, 30),
        rationale_th=f"{TRICKY_TEXT}\nย่อหน้าที่สองของหลักการและเหตุผล",
    )
    activity = f.make_activity(
        project,
        EX01_ACTIVITY,
        steps_th="ประชุมผู้บริหารการศึกษา\nแต่งตั้งคณะทำงาน\nจัดกิจกรรม\nสรุปผลการดำเนินงาน",
        period_th="เมษายน ๒๕๖๖",
        responsible_th="นางอัจฉราภรณ์ ณ พัทลุง",
        months=[7],
    )
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "120 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
    f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials")
    f.set_quarters(activity, 0, 0, 6820, 0)
    ProjectItem.objects.bulk_create(
        [
            ProjectItem(
                project=project,
                kind=ItemKind.OBJECTIVE,
                order=1,
                text_th="เพื่อสร้างความร่วมมือจากทุกภาคส่วน",
            ),
            ProjectItem(
                project=project,
                kind=ItemKind.TARGET_QUANTITATIVE,
                order=1,
                text_th="ผู้เข้าร่วมกิจกรรม จำนวน ๑๒๐ คน จำนวน ๑ ครั้ง",
            ),
            ProjectItem(
                project=project,
                kind=ItemKind.TARGET_QUALITATIVE,
                order=1,
                text_th="ผู้เข้าร่วมกิจกรรมมีความรู้ความเข้าใจ",
            ),
            ProjectItem(
                project=project,
                kind=ItemKind.EXPECTED_OUTCOME,
                order=1,
                text_th="ภาคีเครือข่ายมีส่วนร่วมในการจัดการศึกษา",
            ),
        ]
    )
    f.make_indicator(
        project,
        "จำนวนผู้เข้าร่วมกิจกรรม",
        result_level=ResultLevel.OUTPUT,
        target_value=Decimal("120"),
        target_unit_th="คน",
        comparator=Comparator.GTE,
        method_th="นับจำนวน",
        tool_th="บัญชีลงเวลา",
        order=1,
    )
    f.make_indicator(
        project,
        result_level=ResultLevel.OUTCOME,
        method_th="แบบประเมินความพึงพอใจ",
        tool_th="แบบสอบถาม",
        order=2,
    )
    ProjectPerson.objects.create(
        project=project, name_th="นางอัจฉราภรณ์ ณ พัทลุง", position_th="นักจัดการงานทั่วไปชำนาญการ"
    )
    ProjectSignature.objects.bulk_create(
        ProjectSignature(project=project, role=role, name_th=name, position_th=position)
        for role, (name, position) in EX01_SIGNERS.items()
    )
    return project


def build_small_plan(office=None, *, projects_per_strategy: int = 2):
    """A plan with every part: context table, direction, two strategies with projects."""
    office = office or f.make_office("BOOK")
    plan = f.make_plan(
        office,
        2567,
        foreword_th="แผนปฏิบัติการฉบับนี้จัดทำขึ้นเพื่อใช้เป็นแนวทางการดำเนินงาน",
        vision_th="องค์กรคุณภาพ สร้างคนดี มีความสุข",
        values_th="มุ่งเน้นบริการ ประสานความร่วมมือ",
        management_th="๑. การบริหารแผนสู่การปฏิบัติ\nกลุ่มนโยบายและแผนกำกับติดตามทุกไตรมาส",
        calendar_rows=[
            {"title": "จัดทำแผนปฏิบัติการ", "months": [1, 2]},
            {"title": "ติดตามผล", "months": [6, 9, 12]},
        ],
        horizon_start_be=2566,
        horizon_end_be=2570,
    )
    DirectionItem.objects.bulk_create(
        [
            DirectionItem(
                plan=plan, kind=DirectionKind.MISSION, order=1, text_th="ส่งเสริมการจัดการศึกษาให้มีคุณภาพ"
            ),
            DirectionItem(
                plan=plan, kind=DirectionKind.GOAL, order=1, text_th="ผู้เรียนได้รับโอกาสทางการศึกษา"
            ),
        ]
    )
    ContextTable.objects.create(
        plan=plan,
        number=1,
        caption_th="แสดงจำนวนโรงเรียนจำแนกตามขนาด",
        header_rows=[["ขนาดโรงเรียน", "อำเภอ", "", "รวม"], ["", "เมือง", "ควนขนุน", ""]],
        rows=[["เล็ก", "๓๒", "๒๐", "๕๒"], ["รวม", "๓๒", "๒๐", "๕๒"]],
        note_th="ที่มา : ระบบ DMC ณ วันที่ ๑๐ มิถุนายน ๒๕๖๖",
    )
    projects = []
    for number in (1, 2):
        strategy = f.make_strategy(plan, number, f"กลยุทธ์ทดสอบที่ {number} ยกระดับคุณภาพการศึกษา")
        indicator = StrategyIndicator.objects.create(
            strategy=strategy, order=1, text_th="ร้อยละของสถานศึกษาที่ผ่านเกณฑ์"
        )
        StrategyIndicatorTarget.objects.bulk_create(
            StrategyIndicatorTarget(indicator=indicator, year_be=y, target_value=80 + y - 2566)
            for y in range(2566, 2571)
        )
        for k in range(projects_per_strategy):
            project = f.make_project(
                plan,
                strategy=strategy,
                name_th=f"โครงการทดสอบ กลยุทธ์ {number} ลำดับ {k + 1} การพัฒนาครู",
            )
            activity = f.make_activity(project, "ประชุมเชิงปฏิบัติการ", months=[3, 4])
            f.make_line(activity, "ค่าอาหารกลางวัน", "40 คน x 120 บาท x 1 มื้อ")
            f.set_quarters(activity, 0, 4800, 0, 0)
            projects.append(project)
    plan.status = PlanStatus.DRAFT
    plan.save()
    return plan, projects


CATEGORY_CODES = ("compensation", "services", "materials", "equipment", "utilities")
FUND_CODES = ("esa", "obec", "other_agency", "external", "off_budget")


def build_wide_project(plan=None, *, lines: int = 60):
    """The document that overflowed: `lines` budget lines over 5 categories and 5 fund sources
    (13 budget columns, 11 of them amounts), millions in the totals, an activity with
    sub-activities (1.1, 1.2) and every activity column filled."""
    plan = plan or f.make_plan(f.make_office("WIDE"), 2567)
    project = f.make_project(
        plan, name_th="โครงการพัฒนาระบบสาธารณูปโภคและครุภัณฑ์ของสำนักงานและสถานศึกษาในสังกัด"
    )
    parent = f.make_activity(project, "จัดหาครุภัณฑ์และปรับปรุงระบบสาธารณูปโภค", months=[1, 2, 3])
    subs = [
        f.make_activity(
            project,
            title,
            parent=parent,
            period_th="ตุลาคม - ธันวาคม ๒๕๖๖",
            location_th="สำนักงานเขตพื้นที่การศึกษา",
            target_group_th="ข้าราชการครู ๑๒๐ คน",
            responsible_th="กลุ่มอำนวยการ",
            months=[1, 2],
        )
        for title in ("ประชุมวางแผนการจัดหา", "จัดซื้อจัดจ้างตามระเบียบ")
    ]
    other = f.make_activity(
        project,
        "สรุปและรายงานผลการดำเนินงาน",
        period_th="กันยายน ๒๕๖๗",
        location_th="ห้องประชุมสำนักงาน",
        target_group_th="คณะทำงาน",
        responsible_th="กลุ่มนโยบายและแผน",
        months=[12],
    )
    holders = [*subs, other]
    for i in range(lines):
        activity = holders[i % len(holders)]
        f.make_line(
            activity,
            f"รายการที่ {i + 1} ค่าใช้จ่ายในการดำเนินงานตามโครงการ",
            amount=str(123456 + i * 1111) + ".50",
            category_code=CATEGORY_CODES[i % 5],
            fund_code=FUND_CODES[(i // 5) % 5],
        )
    for activity in holders:
        total = activity.budget_lines.aggregate(
            t=__import__("django.db.models", fromlist=["Sum"]).Sum("amount")
        )["t"]
        f.set_quarters(activity, total, 0, 0, 0)
    return project


def build_tall_row_project(plan=None):
    """An activity whose steps cell holds ~80 lines of text: a row taller than a page."""
    plan = plan or f.make_plan(f.make_office("TALL"), 2567)
    project = f.make_project(plan, name_th="โครงการที่มีขั้นตอนการดำเนินงานยาวมาก")
    steps = "\n".join(f"ขั้นตอนที่ {i} ดำเนินการตามแผนงานและรายงานผลต่อผู้บริหาร" for i in range(1, 81))
    activity = f.make_activity(
        project,
        "ดำเนินการตามแผน",
        steps_th=steps,
        period_th="ตลอดปีงบประมาณ",
        responsible_th="คณะทำงาน",
    )
    f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "40 คน x 35 บาท x 2 มื้อ")
    f.set_quarters(activity, 2800, 0, 0, 0)
    return project


def build_full_plan(office=None, *, media_root=None):
    """build_small_plan() with every new part of the book filled in: Part 1's headings and
    duties, an organisation chart, policy frameworks with projects aligned, group ceilings,
    a plan calendar, vision definitions, an empty strategy, a guideline headed "●" and a
    signed appendix PDF (when media_root is given)."""
    from actionplan.models import DevelopmentGuideline, FrameworkKind, PolicyFramework, PolicyItem
    from printing.models import PlanAppendix

    plan, projects = build_small_plan(office)
    office = plan.office
    office.duties_th = (
        "จัดทำนโยบาย แผนพัฒนาการศึกษา\nวิเคราะห์การจัดตั้งงบประมาณอุดหนุน\nประสาน ส่งเสริม สนับสนุน"
    )
    office.save(update_fields=["duties_th"])
    admin_group = f.group(office, StandardGroup.ADMIN)
    admin_group.duties_th = "ดำเนินการเกี่ยวกับงานสารบรรณ\nประสานงานทั่วไป"
    admin_group.budget_ceiling = Decimal("5000")
    admin_group.save(update_fields=["duties_th", "budget_ceiling"])
    plan_group = f.group(office, StandardGroup.PLAN)
    plan_group.budget_ceiling = Decimal("20000")
    plan_group.save(update_fields=["budget_ceiling"])
    projects[3].lead_unit = plan_group
    projects[3].save(update_fields=["lead_unit"])
    plan.context_intro_th = "สำนักงานจัดทำแผนปฏิบัติการตามพระราชบัญญัติการศึกษาแห่งชาติ"
    plan.objectives_th = "๑. เพื่อใช้เป็นกรอบการดำเนินงาน\n๒. เพื่อใช้ติดตามผล"
    plan.targets_th = "โครงการทุกโครงการดำเนินการตามแผน"
    plan.scope_th = "แผนนี้ครอบคลุมโครงการของทุกกลุ่มในสำนักงาน"
    plan.vision_definitions_th = (
        "องค์กรคุณภาพ หมายถึง สำนักงานที่บริหารงานตามมาตรฐาน\nคนดี หมายถึง ผู้เรียนมีคุณธรรม"
    )
    plan.save()
    f.make_strategy(plan, 3, "กลยุทธ์ที่ยังไม่มีโครงการรองรับ")
    DevelopmentGuideline.objects.create(
        strategy=plan.strategies.get(number=1),
        order=1,
        heading_th="● คุณภาพผู้เรียน",
        text_th="ส่งเสริมการอ่าน",
    )
    moe = PolicyFramework.objects.create(
        kind=FrameworkKind.MOE_POLICY, title_th="นโยบายและจุดเน้นกระทรวงศึกษาธิการ", order=1
    )
    obec = PolicyFramework.objects.create(
        kind=FrameworkKind.OBEC_POLICY,
        title_th="นโยบาย สพฐ. ปีงบประมาณ พ.ศ. ๒๕๖๗",
        period_start_be=2567,
        period_end_be=2567,
    )
    PolicyFramework.objects.create(
        kind=FrameworkKind.OBEC_POLICY,
        title_th="นโยบาย สพฐ. ปีงบประมาณ พ.ศ. ๒๕๖๖",
        period_start_be=2566,
        period_end_be=2566,
    )
    own = PolicyFramework.objects.create(
        office=office, kind=FrameworkKind.ESA_POLICY, title_th="นโยบาย สพป. ๒ ลด ๒ เพิ่ม"
    )
    safety = PolicyItem.objects.create(framework=obec, code="1", title_th="ด้านความปลอดภัย", order=1)
    chance = PolicyItem.objects.create(
        framework=obec, code="2", title_th="ด้านโอกาสและความเสมอภาคทางการศึกษา", order=2
    )
    sub = PolicyItem.objects.create(
        framework=obec, parent=chance, code="2.1", title_th="ลดความเหลื่อมล้ำ", order=1
    )
    PolicyItem.objects.create(framework=obec, code="3", title_th="ด้านคุณภาพการศึกษา", order=3)
    PolicyItem.objects.create(
        framework=moe, code="1", title_th="การจัดการศึกษาเพื่อความปลอดภัย", order=1
    )
    reduce_ = PolicyItem.objects.create(framework=own, code="๒ ลด", title_th="ลดภาระครู", order=1)
    projects[0].alignments.add(safety, sub)
    projects[1].alignments.add(sub, reduce_)
    projects[2].alignments.add(safety)
    if media_root is not None:
        _add_org_chart(plan, media_root)
        appendix = PlanAppendix(plan=plan, order=1, title_th="คำสั่งแต่งตั้งคณะทำงานจัดทำแผนปฏิบัติการ")
        appendix.file.name = _signed_pdf(media_root, pages=2)
        appendix.save()
        PlanAppendix.objects.create(
            plan=plan, order=2, title_th="ประกาศใช้แผนปฏิบัติการ", body_th="ประกาศ ณ วันที่ ๑ ตุลาคม ๒๕๖๖"
        )
    return plan, projects


def _add_org_chart(plan, media_root) -> None:
    from PIL import Image, ImageDraw

    (Path(media_root) / "plan-org-charts").mkdir(exist_ok=True)
    image = Image.new("RGB", (900, 500), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((350, 40, 550, 120), outline="black", width=4)
    for x in (60, 360, 660):
        draw.rectangle((x, 300, x + 180, 380), outline="black", width=4)
        draw.line((450, 120, x + 90, 300), fill="black", width=3)
    image.save(Path(media_root) / "plan-org-charts" / "chart.png")
    plan.org_chart.name = "plan-org-charts/chart.png"
    plan.save(update_fields=["org_chart"])


SIGNED_TEXT = "คำสั่งสำนักงานเขตพื้นที่การศึกษา ที่ ๑๒๓/๒๕๖๖ เรื่อง แต่งตั้งคณะทำงาน"


def _signed_pdf(media_root, pages: int = 2) -> str:
    """A 'scanned' signed order: a PDF of `pages` pages made outside the book."""
    from printing.renderer import _Renderer

    body = "".join(
        f'<section style="break-before: page"><p>{SIGNED_TEXT} หน้า {n}</p></section>'
        for n in range(1, pages + 1)
    )
    data = _Renderer().document(body).write_pdf()
    folder = Path(media_root) / "plan-appendices"
    folder.mkdir(exist_ok=True)
    (folder / "order.pdf").write_bytes(data)
    return "plan-appendices/order.pdf"
