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
