"""The canonical workbook: sheet names and Thai column headers shared by the export, the
downloadable template and the importer (which recognises these sheets by their headers), what
each column means, which closed list it takes its values from (a dropdown in the workbook,
imports/choices.py on the way in) and how the template's own instruction sheets are told apart
from data (docs/decisions/import-template.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    field: str
    header: str
    note: str = ""
    choices: str = ""  # the closed list (LIST_TITLES) the column takes its values from
    multi: bool = False  # several values, one a line: listed, but no dropdown


@dataclass(frozen=True)
class SheetSpec:
    layout: str
    title: str
    columns: tuple[Col, ...]
    required: frozenset[str]  # headers that identify the sheet
    export_only: frozenset[str] = frozenset()  # written for reading, ignored on import

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def field_of(self) -> dict[str, str]:
        return {c.header: c.field for c in self.columns}


# Closed lists: their values are written to the lists sheet, offered as dropdowns and listed on
# the instruction sheet; the importer reads common spellings of each (imports/choices.py).
LIST_TITLES = {
    "project_type": "ลักษณะโครงการ",
    "group": "กลุ่มที่รับผิดชอบ",
    "strategy": "กลยุทธ์ที่",
    "programme": "แผนงาน",
    "alignment": "ความสอดคล้อง (สนอง)",
    "yes_no": "ใช่/ไม่",
    "category": "หมวดรายจ่าย",
    "fund": "แหล่งงบประมาณ",
    "result_level": "ระดับผล",
    "measure_type": "ประเภทตัวชี้วัด",
    "comparator": "เงื่อนไข",
    "item_kind": "หัวข้อ",
    "person_role": "บทบาท",
}
# Lists whose values may be new or spelled otherwise in a file: a dropdown suggests, never refuses.
OPEN_LISTS = frozenset({"group", "strategy", "programme", "alignment"})

YES, NO = "ใช่", "ไม่"

MULTI = "หลายรายการได้ ขึ้นบรรทัดใหม่ (Alt+Enter) ระหว่างรายการ"

PROJECTS = SheetSpec(
    "canonical_projects",
    "โครงการ",
    (
        Col("code", "รหัสโครงการ", "ไม่บังคับ"),
        Col("name", "ชื่อโครงการ", "ต้องไม่ซ้ำกันในแผน ใช้จับคู่กับโครงการเดิมเมื่อนำเข้าซ้ำ"),
        Col(
            "strategy_number",
            "กลยุทธ์ที่",
            "เลขกลยุทธ์ของแผน เช่น 1 (กลยุทธ์ใหม่ใส่ชื่อในคอลัมน์ถัดไป)",
            "strategy",
        ),
        Col("strategy_title", "ชื่อกลยุทธ์", "ใส่เมื่อแผนยังไม่มีกลยุทธ์นี้"),
        Col("group", "กลุ่มที่รับผิดชอบ", "ชื่อกลุ่มตามคำสั่งแบ่งส่วนราชการ", "group"),
        Col("project_type", "ลักษณะโครงการ", "", "project_type"),
        Col("start_date", "วันเริ่มต้น", "เช่น 1 ตุลาคม 2566 (พ.ศ.)"),
        Col("end_date", "วันสิ้นสุด", "เช่น 30 กันยายน 2567 (พ.ศ.)"),
        Col("declared_total", "งบประมาณที่ระบุในเอกสาร", "ยอดที่พิมพ์ในเอกสารเดิม ระบบแจ้งเมื่อไม่ตรงกับผลรวม"),
        Col("computed_total", "งบประมาณรวม (คำนวณ)", "ระบบคำนวณเอง ไม่นำเข้า"),
        Col("status", "สถานะ", "ไม่นำเข้า"),
        Col("programme", "แผนงาน", "แผนงานที่ได้รับงบประมาณ", "programme"),
        Col("co_units", "กลุ่มที่ร่วมรับผิดชอบ", MULTI, "group", multi=True),
        Col(
            "alignments",
            "ความสอดคล้อง (สนอง)",
            f"“กรอบนโยบาย: ข้อ” {MULTI}",
            "alignment",
            multi=True,
        ),
        Col("location", "สถานที่ดำเนินการ"),
        Col("rationale", "หลักการและเหตุผล", "ขึ้นย่อหน้าใหม่ด้วย Alt+Enter"),
        Col("target_groups", "กลุ่มเป้าหมาย/ผู้ที่ได้รับประโยชน์"),
        Col("allow_reallocation", "ขอถัวจ่ายทุกรายการ", "", "yes_no"),
    ),
    frozenset({"ชื่อโครงการ", "กลุ่มที่รับผิดชอบ", "กลยุทธ์ที่", "วันเริ่มต้น"}),
    frozenset({"computed_total", "status"}),
)

ACTIVITIES = SheetSpec(
    "canonical_activities",
    "กิจกรรม",
    (
        Col("project", "ชื่อโครงการ"),
        Col(
            "order", "ลำดับกิจกรรม", "1, 2, 3 … ตามลำดับที่แสดง ใช้อ้างถึงในชีตรายการงบประมาณและแผนรายไตรมาส"
        ),
        Col("parent", "อยู่ภายใต้กิจกรรมลำดับ", "ว่างไว้สำหรับกิจกรรมหลัก กิจกรรมย่อยใส่ลำดับของกิจกรรมหลัก"),
        Col("title", "กิจกรรม"),
        Col("period", "ระยะเวลาดำเนินการ", "เช่น ตุลาคม 2566 - มีนาคม 2567"),
        Col("responsible", "ผู้รับผิดชอบ"),
        Col("steps", "ขั้นตอน/กิจกรรมย่อย", "บรรทัดละหนึ่งขั้นตอน (Alt+Enter)"),
        Col("location", "สถานที่"),
        Col("target_group", "กลุ่มเป้าหมาย"),
        Col("months", "เดือนที่ดำเนินการ", "ชื่อเดือนย่อ คั่นด้วยจุลภาค เช่น ต.ค., พ.ย., ม.ค."),
    ),
    frozenset({"ชื่อโครงการ", "ลำดับกิจกรรม", "อยู่ภายใต้กิจกรรมลำดับ", "กิจกรรม"}),
)

LINES = SheetSpec(
    "canonical_lines",
    "รายการงบประมาณ",
    (
        Col("office", "สำนักงาน", "ไม่นำเข้า"),
        Col("group", "กลุ่มที่รับผิดชอบ", "ใช้เมื่อชีตโครงการไม่ได้ระบุ", "group"),
        Col("strategy_number", "กลยุทธ์ที่", "ใช้เมื่อชีตโครงการไม่ได้ระบุ", "strategy"),
        Col("project", "ชื่อโครงการ"),
        Col("activity_order", "ลำดับกิจกรรม", "ลำดับกิจกรรมตามชีตกิจกรรม"),
        Col("activity", "กิจกรรม"),
        Col("order", "ลำดับรายการ", "1, 2, 3 … ภายในกิจกรรม"),
        Col("description", "รายการ"),
        Col(
            "formula",
            "สูตรคำนวณ",
            "เช่น 32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง หรือ 30 คน x 180 บาท/คน/วัน x 2 วัน "
            "ถ้าผลคูณไม่ตรงกับจำนวนเงิน ระบบใช้จำนวนเงินและแจ้งให้ตรวจ",
        ),
        Col("category", "หมวดรายจ่าย", "", "category"),
        Col("fund", "แหล่งงบประมาณ", "", "fund"),
        Col("quarters", "ไตรมาสที่ใช้จ่าย", "ไม่นำเข้า (ใช้ชีตแผนรายไตรมาส)"),
        Col("amount", "จำนวนเงิน", "บาท ทศนิยมไม่เกิน 2 ตำแหน่ง"),
        Col("declared", "ยอดที่ระบุในเอกสาร", "ยอดที่พิมพ์ในเอกสารเดิม (ถ้ามี)"),
    ),
    frozenset({"ชื่อโครงการ", "ลำดับกิจกรรม", "รายการ", "จำนวนเงิน"}),
    frozenset({"office", "quarters"}),
)

QUARTERS = SheetSpec(
    "canonical_quarters",
    "แผนรายไตรมาส",
    (
        Col("project", "ชื่อโครงการ"),
        Col("activity_order", "ลำดับกิจกรรม"),
        Col("activity", "กิจกรรม"),
        Col("q1", "ไตรมาสที่ 1", "ต.ค. - ธ.ค. (บาท)"),
        Col("q2", "ไตรมาสที่ 2", "ม.ค. - มี.ค. (บาท)"),
        Col("q3", "ไตรมาสที่ 3", "เม.ย. - มิ.ย. (บาท)"),
        Col("q4", "ไตรมาสที่ 4", "ก.ค. - ก.ย. (บาท)"),
        Col("total", "รวม", "ระบบตรวจกับผลรวมของไตรมาส"),
    ),
    frozenset({"ชื่อโครงการ", "ลำดับกิจกรรม", "ไตรมาสที่ 1", "ไตรมาสที่ 4"}),
)

INDICATORS = SheetSpec(
    "canonical_indicators",
    "ตัวชี้วัด",
    (
        Col("project", "ชื่อโครงการ"),
        Col("order", "ลำดับ"),
        Col("result_level", "ระดับผล", "", "result_level"),
        Col("measure_type", "ประเภท", "", "measure_type"),
        Col("text", "ตัวชี้วัดความสำเร็จ"),
        Col("comparator", "เงื่อนไข", "", "comparator"),
        Col("target_value", "ค่าเป้าหมาย", "ตัวเลข เช่น 80"),
        Col("unit", "หน่วย", "เช่น ร้อยละ คน โรงเรียน"),
        Col("target_text", "ค่าเป้าหมาย (ข้อความ)", "ใช้เมื่อเป้าหมายเป็นข้อความ"),
        Col("method", "วิธีการประเมิน"),
        Col("tool", "เครื่องมือที่ใช้"),
    ),
    frozenset({"ชื่อโครงการ", "ตัวชี้วัดความสำเร็จ", "ค่าเป้าหมาย"}),
)

ITEMS = SheetSpec(
    "canonical_items",
    "รายละเอียดโครงการ",
    (
        Col("project", "ชื่อโครงการ"),
        Col("kind", "หัวข้อ", "", "item_kind"),
        Col("order", "ลำดับ", "1, 2, 3 … ภายในหัวข้อ"),
        Col("text", "ข้อความ"),
    ),
    frozenset({"ชื่อโครงการ", "หัวข้อ", "ข้อความ"}),
)

PEOPLE = SheetSpec(
    "canonical_people",
    "ผู้รับผิดชอบโครงการ",
    (
        Col("project", "ชื่อโครงการ"),
        Col("order", "ลำดับ"),
        Col("name", "ชื่อ-สกุล", "เช่น นางอัจฉราภรณ์ ณ พัทลุง"),
        Col("position", "ตำแหน่ง"),
        Col("role", "บทบาท", "", "person_role"),
    ),
    frozenset({"ชื่อโครงการ", "ชื่อ-สกุล", "ตำแหน่ง"}),
)

SUMMARY = SheetSpec(
    "export_summary",
    "สรุปตามกลยุทธ์",
    (
        Col("strategy_number", "กลยุทธ์ที่"),
        Col("strategy_title", "ชื่อกลยุทธ์"),
        Col("projects", "จำนวนโครงการ"),
        Col("total", "งบประมาณรวม"),
    ),
    frozenset({"กลยุทธ์ที่", "จำนวนโครงการ", "งบประมาณรวม"}),
)

# The sheets a user fills in, in the template's order.
DATA_SHEETS = (PROJECTS, ACTIVITIES, LINES, QUARTERS, INDICATORS, ITEMS, PEOPLE)
CANONICAL = (*DATA_SHEETS, SUMMARY)

# --- the template's own sheets: never data ------------------------------------------------------
# Recognised by the marker in their first cell (kept when a sheet is renamed or moved) or by
# their name (kept when the first rows are deleted) - docs/decisions/import-template.md.
NOT_IMPORTED = "(ชีตนี้ไม่นำเข้า)"
INSTRUCTIONS_TITLE = "คำอธิบาย"
INSTRUCTIONS_MARKER = f"คำอธิบายแม่แบบนำเข้าแผนปฏิบัติการประจำปี {NOT_IMPORTED}"
LISTS_TITLE = "รายการที่เลือกได้"
LISTS_MARKER = f"รายการที่เลือกได้ของแม่แบบ {NOT_IMPORTED}"
TEMPLATE_SHEET_NAMES = frozenset({INSTRUCTIONS_TITLE, LISTS_TITLE})


def is_template_marker(value) -> bool:
    """The first cell of an instruction or lists sheet (also after the user edited around it)."""
    return isinstance(value, str) and NOT_IMPORTED in value


LAYOUT_LABELS = {
    PROJECTS.layout: "แม่แบบ: โครงการ",
    ACTIVITIES.layout: "แม่แบบ: กิจกรรม",
    LINES.layout: "แม่แบบ: รายการงบประมาณ",
    QUARTERS.layout: "แม่แบบ: แผนรายไตรมาส",
    INDICATORS.layout: "แม่แบบ: ตัวชี้วัด",
    ITEMS.layout: "แม่แบบ: รายละเอียดโครงการ (วัตถุประสงค์ เป้าหมาย ผลที่คาดว่าจะได้รับ)",
    PEOPLE.layout: "แม่แบบ: ผู้รับผิดชอบโครงการ",
    SUMMARY.layout: "สรุปตามกลยุทธ์ (ไม่นำเข้า คำนวณใหม่เสมอ)",
    "template_help": "คำอธิบายและรายการที่เลือกได้ของแม่แบบ (ไม่นำเข้า)",
    "summary": "ตารางสรุปโครงการตามกลยุทธ์",
    "budget": "ตารางรายละเอียดงบประมาณของโครงการ",
    "quarterly": "ตารางแผนการใช้จ่ายงบประมาณรายไตรมาส",
    "unknown": "ไม่พบตารางที่รู้จัก (ข้าม)",
}

LUMP_SUM_TITLE = "งบประมาณโครงการ (จากตารางสรุป)"
LUMP_SUM_DESCRIPTION = "ค่าใช้จ่ายตามแผนการใช้จ่ายงบประมาณ"
