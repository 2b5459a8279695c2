"""The canonical workbook: sheet names and Thai column headers shared by the export, the
downloadable template and the importer (which recognises these sheets by their headers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SheetSpec:
    layout: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (field, Thai header)
    required: frozenset[str]  # headers that identify the sheet
    export_only: frozenset[str] = frozenset()  # written for reading, ignored on import

    @property
    def headers(self) -> list[str]:
        return [label for _, label in self.columns]

    def field_of(self) -> dict[str, str]:
        return {label: name for name, label in self.columns}


PROJECTS = SheetSpec(
    "canonical_projects",
    "โครงการ",
    (
        ("code", "รหัสโครงการ"),
        ("name", "ชื่อโครงการ"),
        ("strategy_number", "กลยุทธ์ที่"),
        ("strategy_title", "ชื่อกลยุทธ์"),
        ("group", "กลุ่มที่รับผิดชอบ"),
        ("project_type", "ลักษณะโครงการ"),
        ("start_date", "วันเริ่มต้น"),
        ("end_date", "วันสิ้นสุด"),
        ("declared_total", "งบประมาณที่ระบุในเอกสาร"),
        ("computed_total", "งบประมาณรวม (คำนวณ)"),
        ("status", "สถานะ"),
    ),
    frozenset({"ชื่อโครงการ", "กลุ่มที่รับผิดชอบ", "กลยุทธ์ที่", "วันเริ่มต้น"}),
    frozenset({"computed_total", "status"}),
)

ACTIVITIES = SheetSpec(
    "canonical_activities",
    "กิจกรรม",
    (
        ("project", "ชื่อโครงการ"),
        ("order", "ลำดับกิจกรรม"),
        ("parent", "อยู่ภายใต้กิจกรรมลำดับ"),
        ("title", "กิจกรรม"),
        ("period", "ระยะเวลาดำเนินการ"),
        ("responsible", "ผู้รับผิดชอบ"),
    ),
    frozenset({"ชื่อโครงการ", "ลำดับกิจกรรม", "อยู่ภายใต้กิจกรรมลำดับ", "กิจกรรม"}),
)

LINES = SheetSpec(
    "canonical_lines",
    "รายการงบประมาณ",
    (
        ("office", "สำนักงาน"),
        ("group", "กลุ่มที่รับผิดชอบ"),
        ("strategy_number", "กลยุทธ์ที่"),
        ("project", "ชื่อโครงการ"),
        ("activity_order", "ลำดับกิจกรรม"),
        ("activity", "กิจกรรม"),
        ("order", "ลำดับรายการ"),
        ("description", "รายการ"),
        ("formula", "สูตรคำนวณ"),
        ("category", "หมวดรายจ่าย"),
        ("fund", "แหล่งงบประมาณ"),
        ("quarters", "ไตรมาสที่ใช้จ่าย"),
        ("amount", "จำนวนเงิน"),
        ("declared", "ยอดที่ระบุในเอกสาร"),
    ),
    frozenset({"ชื่อโครงการ", "ลำดับกิจกรรม", "รายการ", "จำนวนเงิน"}),
    frozenset({"office", "quarters"}),
)

QUARTERS = SheetSpec(
    "canonical_quarters",
    "แผนรายไตรมาส",
    (
        ("project", "ชื่อโครงการ"),
        ("activity_order", "ลำดับกิจกรรม"),
        ("activity", "กิจกรรม"),
        ("q1", "ไตรมาสที่ 1"),
        ("q2", "ไตรมาสที่ 2"),
        ("q3", "ไตรมาสที่ 3"),
        ("q4", "ไตรมาสที่ 4"),
        ("total", "รวม"),
    ),
    frozenset({"ชื่อโครงการ", "ลำดับกิจกรรม", "ไตรมาสที่ 1", "ไตรมาสที่ 4"}),
)

INDICATORS = SheetSpec(
    "canonical_indicators",
    "ตัวชี้วัด",
    (
        ("project", "ชื่อโครงการ"),
        ("order", "ลำดับ"),
        ("result_level", "ระดับผล"),
        ("measure_type", "ประเภท"),
        ("text", "ตัวชี้วัดความสำเร็จ"),
        ("comparator", "เงื่อนไข"),
        ("target_value", "ค่าเป้าหมาย"),
        ("unit", "หน่วย"),
        ("target_text", "ค่าเป้าหมาย (ข้อความ)"),
        ("method", "วิธีการประเมิน"),
        ("tool", "เครื่องมือที่ใช้"),
    ),
    frozenset({"ชื่อโครงการ", "ตัวชี้วัดความสำเร็จ", "ค่าเป้าหมาย"}),
)

SUMMARY = SheetSpec(
    "export_summary",
    "สรุปตามกลยุทธ์",
    (
        ("strategy_number", "กลยุทธ์ที่"),
        ("strategy_title", "ชื่อกลยุทธ์"),
        ("projects", "จำนวนโครงการ"),
        ("total", "งบประมาณรวม"),
    ),
    frozenset({"กลยุทธ์ที่", "จำนวนโครงการ", "งบประมาณรวม"}),
)

CANONICAL = (PROJECTS, ACTIVITIES, LINES, QUARTERS, INDICATORS, SUMMARY)

LAYOUT_LABELS = {
    PROJECTS.layout: "แม่แบบ: โครงการ",
    ACTIVITIES.layout: "แม่แบบ: กิจกรรม",
    LINES.layout: "แม่แบบ: รายการงบประมาณ",
    QUARTERS.layout: "แม่แบบ: แผนรายไตรมาส",
    INDICATORS.layout: "แม่แบบ: ตัวชี้วัด",
    SUMMARY.layout: "สรุปตามกลยุทธ์ (ไม่นำเข้า คำนวณใหม่เสมอ)",
    "summary": "ตารางสรุปโครงการตามกลยุทธ์",
    "budget": "ตารางรายละเอียดงบประมาณของโครงการ",
    "quarterly": "ตารางแผนการใช้จ่ายงบประมาณรายไตรมาส",
    "unknown": "ไม่พบตารางที่รู้จัก (ข้าม)",
}

LUMP_SUM_TITLE = "งบประมาณโครงการ (จากตารางสรุป)"
LUMP_SUM_DESCRIPTION = "ค่าใช้จ่ายตามแผนการใช้จ่ายงบประมาณ"
