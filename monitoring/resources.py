"""Spreadsheet exports of monitoring: the quarterly report (รายงานผลการดำเนินงาน) as .xlsx.

Numbers are written as numbers (amounts, percentages, counts) so offices can pivot and sum them;
text is written through the exporter's `text_cell`, so a project named "=HYPERLINK(…)" stays an
inert string cell (quality.md EX-1)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actionplan.i18n import in_thai
from actionplan.workbooks import text_cell
from monitoring.models import ActivityState

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURE_HEADERS = [
    "จำนวนโครงการ",
    "งบประมาณ (บาท)",
    "แผนการใช้จ่ายสะสม (บาท)",
    "เป้าหมายการเบิกจ่ายสะสม (บาท)",
    "ผลการเบิกจ่ายสะสม (บาท)",
    "ร้อยละของงบประมาณ",
    "ร้อยละของแผน",
    "ส่งรายงานแล้ว",
]


def report_file_name(plan, number: int, extension: str) -> str:
    """ASCII only: the office code is a slug, the year and round are numbers."""
    return f"report-{plan.office.code}-{plan.fiscal_year.year_be}-r{number}.{extension}"


def _figures(f) -> list:
    return [
        f.count,
        f.budget,
        f.planned,
        f.target,
        f.actual,
        f.pct_of_budget,
        f.pct_of_plan,
        f.sent,
    ]


def _sheet(wb: Workbook, title: str, headers: list[str], rows: Iterable[list]) -> None:
    ws = wb.create_sheet(title)
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (
            45 if i == 1 or "โครงการ" == header else 18
        )
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append([text_cell(ws, v) for v in row])


def _met(value) -> str:
    return {True: "บรรลุ", False: "ไม่บรรลุ"}.get(value, "")


@in_thai  # a Thai document whatever the page language, like the round's PDF
def report_workbook(progress, number: int) -> bytes:
    """The round's report: per strategy, per group, per project, spending per activity and
    category, activity states and KPI results (from monitoring.load_progress, no queries)."""
    now = progress.at(number)
    wb = Workbook(write_only=True)
    _sheet(
        wb,
        "สรุปรายกลยุทธ์",
        ["กลยุทธ์", *FIGURE_HEADERS],
        [[f.label, *_figures(f)] for f in [*now["strategies"], now["total"]]],
    )
    _sheet(
        wb,
        "สรุปรายกลุ่ม",
        ["กลุ่ม/หน่วย", *FIGURE_HEADERS],
        [[f.label, *_figures(f)] for f in now["groups"]],
    )
    projects, spending, states, kpis = [], [], [], []
    for entry, f in zip(progress.projects, now["projects"], strict=True):
        project = entry.project
        own = entry.reports.get(number)
        sent = entry.sent_report(number)
        name = project.name_th
        projects.append(
            [
                name,
                project.code,
                project.lead_unit.name_th,
                project.strategy.number if project.strategy else None,
                *_figures(f)[1:7],
                own.status_label if own else "ยังไม่ได้รายงาน",
                timezone.localtime(own.submitted_at).replace(tzinfo=None)
                if own and own.submitted_at
                else None,
                "ใช่" if f.late else "",
                f.activities_done,
                f.activities,
                f.kpis_met,
                f.kpis,
                sent.problems if sent else "",
                sent.suggestions if sent else "",
            ]
        )
        if sent is None:
            continue
        titles = {a.pk: (a.number, a.title) for a in entry.activities}
        for (activity_id, category_id), value in sorted(
            sent.cells.items(), key=lambda kv: (titles.get(kv[0][0], ("~", ""))[0], kv[0][1])
        ):
            number_text, title = titles.get(activity_id, ("", sent.titles.get(activity_id, "")))
            category = progress.categories.get(category_id)
            spending.append([name, number_text, title, category.name_th if category else "", value])
        for activity, state, note in entry.activity_states(number):
            label = str(ActivityState(state).label) if state else "ยังไม่ได้รายงาน"
            states.append([name, activity.number, activity.title, label, note])
        for indicator, result, assessment in entry.assessments(number):
            kpis.append(
                [
                    name,
                    indicator.text_th,
                    indicator.target_display,
                    indicator.target_value,
                    result.actual_value if result else None,
                    result.actual_text if result else "",
                    assessment.pct,
                    _met(assessment.met),
                    result.note if result else "",
                ]
            )
    _sheet(
        wb,
        "รายโครงการ",
        [
            "โครงการ",
            "รหัสโครงการ",
            "กลุ่มที่รับผิดชอบ",
            "กลยุทธ์ที่",
            *FIGURE_HEADERS[1:7],
            "สถานะรายงาน",
            "ส่งเมื่อ",
            "เลยกำหนดส่ง",
            "กิจกรรมแล้วเสร็จ",
            "กิจกรรมทั้งหมด",
            "ตัวชี้วัดที่บรรลุ",
            "ตัวชี้วัดทั้งหมด",
            "ปัญหา อุปสรรค",
            "ข้อเสนอแนะ",
        ],
        projects,
    )
    _sheet(
        wb,
        "การเบิกจ่ายรายกิจกรรม",
        ["โครงการ", "ที่", "กิจกรรม", "หมวดรายจ่าย", "ผลการเบิกจ่ายสะสม (บาท)"],
        spending,
    )
    _sheet(wb, "สถานะกิจกรรม", ["โครงการ", "ที่", "กิจกรรม", "สถานะ", "หมายเหตุ"], states)
    _sheet(
        wb,
        "ตัวชี้วัด",
        [
            "โครงการ",
            "ตัวชี้วัดความสำเร็จ",
            "ค่าเป้าหมาย",
            "ค่าเป้าหมาย (ตัวเลข)",
            "ผลการดำเนินงาน",
            "ผลการดำเนินงาน (ข้อความ)",
            "ร้อยละของค่าเป้าหมาย",
            "ผล",
            "หมายเหตุ/หลักฐาน",
        ],
        kpis,
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
