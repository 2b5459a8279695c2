"""Word documents built from the seed texts (../shared/seeds) with python-docx, the way offices
type them: header lines with a tab between label and value or a two-column header table, merged
header cells (gridSpan and vMerge), line breaks and tabs inside cells, numbering typed as text,
Thai digits, a table split in two across a page break (the second part with its header repeated
or without one) and a table under the wrong header."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.text import WD_BREAK

from tests.imports.workbooks import NK_OFFICE, Q_LABELS, S6_PROJECTS, STRATEGY3


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def cell_text(cell, value: str) -> None:
    """Text into a cell as Word keeps it: "\\n" a line break, "\\t" a tab (runs of w:br/w:tab)."""
    paragraph = cell.paragraphs[0]
    paragraph.text = ""
    run = paragraph.add_run()
    for i, line in enumerate(value.split("\n")):
        if i:
            run.add_break()
        for j, part in enumerate(line.split("\t")):
            if j:
                run.add_tab()
            run.add_text(part)


def paragraph(document, value: str, style: str | None = None) -> None:
    """A paragraph; a tab in the text is a real tab (w:tab), as Word saves it."""
    p = document.add_paragraph(style=style)
    run = p.add_run()
    for j, part in enumerate(value.split("\t")):
        if j:
            run.add_tab()
        run.add_text(part)


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table(document, rows: list[list[str]], merges=()):
    """A table of the given cell texts; `merges` are ((r1, c1), (r2, c2)) ranges merged after."""
    width = max(len(r) for r in rows)
    t = document.add_table(rows=len(rows), cols=width)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                cell_text(t.cell(r, c), value)
    for (r1, c1), (r2, c2) in merges:
        t.cell(r1, c1).merge(t.cell(r2, c2))
    return t


# --- seed 000: the project form, 6,820 บาท (EX-01) --------------------------------------------

P000 = "โครงการพัฒนาความเข้มแข็งของภาคีเครือข่ายการจัดการศึกษา"
A000 = "จัดกิจกรรม ส่งเสริมความร่วมมือในการพัฒนาการศึกษาของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 2"


def seed000(document) -> None:
    """[000]: header lines with tabs, numbered sections, KPI and activity tables, the budget as
    lines under "ประมาณการค่าใช้จ่าย", the quarterly table (merged header), signatures."""
    for line in (
        f"ชื่อโครงการ\t{P000}",
        "แผนงาน\tพื้นฐานด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์",
        "กลยุทธ์ สพป.พัทลุง เขต 2\tพัฒนาประสิทธิภาพการบริหารจัดการองค์กรแห่งนวัตกรรม",
        "ลักษณะโครงการ\tโครงการใหม่",
        "ผู้รับผิดชอบโครงการ\tนางอัจฉราภรณ์ ณ พัทลุง และบุคลากรในกลุ่มอำนวยการ",
        "ระยะเวลาดำเนินโครงการ\tเมษายน 2566",
    ):
        paragraph(document, line)
    paragraph(document, "")
    paragraph(document, "ส่วนที่ 1 รายละเอียดโครงการ/กิจกรรม", "Heading 1")
    paragraph(document, "1. หลักการและเหตุผล")
    paragraph(document, "รัฐธรรมนูญแห่งราชอาณาจักรไทย พ.ศ. 2560 มาตรา 54 วรรคสาม กำหนดให้รัฐต้องดำเนินการ…")
    paragraph(document, "2.วัตถุประสงค์")
    paragraph(document, "เพื่อสร้างความร่วมมือจากทุกภาคส่วนในการพัฒนาคุณภาพการศึกษา")
    paragraph(document, "3. เป้าหมาย")
    paragraph(document, "3.1 เชิงปริมาณ")
    paragraph(document, "จัดกิจกรรมส่งเสริมความร่วมมือ จำนวน 120 คน จำนวน 1 ครั้ง")
    paragraph(document, "5. ตัวชี้วัดความสำเร็จ")
    table(
        document,
        [
            ["ตัวชี้วัดความสำเร็จ", "วิธีการประเมิน", "เครื่องมือที่ใช้"],
            ["ด้านผลผลิต (Output) จำนวนผู้เข้าร่วมกิจกรรม", "นับจำนวน", "บัญชีลงเวลา"],
            ["ด้านผลลัพธ์ (Outcome) ร้อยละของผู้เข้าร่วมกิจกรรม", "แบบประเมินความพึงพอใจ", "แบบสอบถาม"],
        ],
    )
    paragraph(document, "ส่วนที่ 2 แนวทางการดำเนินโครงการ", "Heading 1")
    table(
        document,
        [
            ["กิจกรรม", "ระยะเวลาดำเนินการ", "ผู้รับผิดชอบ"],
            [
                f"{A000}\n1.1 ประชุมผู้บริหารการศึกษา\n1.2 แต่งตั้งคณะทำงาน\n1.3 จัดกิจกรรม\n1.4 สรุปผลการดำเนินงาน",
                "เมษายน 2566",
                "นางอัจฉราภรณ์ พัทลุง และบุคลากรกลุ่มอำนวยการทุกคน",
            ],
        ],
    )
    paragraph(document, "ส่วนที่ 3 งบประมาณ", "Heading 1")
    for line in (
        "1. ประมาณการค่าใช้จ่าย",
        "งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ.2566 รวม 6,820 บาท",
        "กิจกรรม ส่งเสริมความร่วมมือในการพัฒนาการศึกษาของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 2",
        "1.1 ประชุมผู้บริหารการศึกษา ประธานเครือข่ายพัฒนาคุณภาพการศึกษา ผู้อำนวยการกลุ่ม/หน่วย เพื่อวางแผน",
        "- ค่าอาหารว่างและเครื่องดื่ม 32 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 1,120 บาท",
        "1.2 จัดกิจกรรมส่งเสริมความร่วมมือในการพัฒนาการศึกษาของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต 2",
        "- ค่าอาหารว่างและเครื่องดื่ม 120 คน X 35 บาท X 1 มื้อ X 1 ครั้ง = 4,200 บาท",
        "- ค่าวัสดุ = 1,500 บาท",
        "รวมกิจกรรม = 6,820 บาท",
    ):
        paragraph(document, line)
    table(
        document,
        [
            ["แผนการปฏิบัติงาน (กิจกรรม)", "แผนการใช้จ่ายเงินงบประมาณ", "", "", "", "รวม"],
            [
                "",
                "ไตรมาสที่ 1/2566\n(ต.ค.-ธ.ค.65)",
                "ไตรมาสที่ 2/2566\n(ม.ค.-มี.ค.66)",
                "ไตรมาสที่ 3/2566\n(เม.ย.-มิ.ย.66)",
                "ไตรมาสที่ 4/2566\n(ก.ค.-ก.ย.66)",
                "",
            ],
            [
                "จัดกิจกรรมส่งเสริมความร่วมมือใน\nการพัฒนาการศึกษาของสำนักงาน\nเขตพื้นที่การศึกษาประถมศึกษา\nพัทลุง เขต 2",
                "",
                "",
                "6,820",
                "",
                "6,820",
            ],
            ["รวม", "0", "", "6,820", "0", "6,820"],
        ],
        merges=[((0, 0), (1, 0)), ((0, 1), (0, 4)), ((0, 5), (1, 5))],
    )
    for line in (
        "ผู้เสนอโครงการ",
        "(นางสาวศินัญญา ศรีเกตุ)",
        "ตำแหน่ง ผู้อำนวยการกลุ่มอำนวยการ",
        "ผู้อนุมัติโครงการ",
        "(นางกอบขวัญ แดงบำรุง)",
    ):
        paragraph(document, line)


# --- seed 002: the project form, 53,600 บาท ------------------------------------------------------

P002 = "พัฒนาสมรรถนะด้านวิชาการสำหรับผู้บริหารเพื่อการประกันคุณภาพภายในสถานศึกษา"


def seed002(document) -> None:
    """[002]: a two-column header table (the name broken over two lines), Thai-digit sections,
    the budget table ที่ | รายการ | งบประมาณ [รวม | ค่าตอบแทน | ค่าใช้สอย | วัสดุ] with formulas
    in the item text, blank rows and its printed รวม, the KPI table."""
    table(
        document,
        [
            ["ชื่อโครงการ", "พัฒนาสมรรถนะด้านวิชาการสำหรับผู้บริหารเพื่อการประกันคุณภาพภายใน\nสถานศึกษา"],
            [
                "สนอง",
                "( กลยุทธ์ที่ 5 พัฒนาการบริหารจัดการศึกษา ให้มีประสิทธิภาพตามหลัก\n\tธรรมาภิบาล",
            ],
            [
                "กลุ่ม/หน่วยที่รับผิดชอบ",
                "กลุ่มนิเทศติดตาม และประเมินผลการจัดการศึกษา  กลุ่มอำนวยการ\n\tกลุ่มส่งเสริมการจัดการศึกษา",
            ],
        ],
    )
    paragraph(document, "๑. หลักการและเหตุผล")
    paragraph(document, "\tพระราชบัญญัติการศึกษาแห่งชาติ พ.ศ.2542 …")
    paragraph(document, "๒. วัตถุประสงค์")
    paragraph(document, "\t2.1 เพื่อให้ผู้บริหารสถานศึกษาในสังกัดมีความรู้ ความเข้าใจ")
    paragraph(document, "4. ขั้นตอนการดำเนินงาน")
    table(
        document,
        [
            ["กิจกรรม/วิธีดำเนินการ", "ระยะเวลา/สถานที่", "ผู้รับผิดชอบ", "กลุ่มเป้าหมาย"],
            [
                "1.ส่งเสริมสนับสนุนสถานศึกษา\n\t1.1 ร่วมกันวิเคราะห์สภาพปัญหา",
                "ทุกครั้งที่มีการประชุมผู้บริหารสถานศึกษา",
                "กลุ่มนิเทศฯ",
                "ผู้บริหารสถานศึกษา จำนวน 141 คน",
            ],
        ],
    )
    paragraph(document, "5. งบประมาณที่ใช้")
    paragraph(document, "แผนงาน : สร้างและกระจายโอกาสทางการศึกษาให้")
    blank = ["", "", "", "", "", ""]
    table(
        document,
        [
            ["ที่", "รายการ", "งบประมาณ", "", "", ""],
            ["", "", "รวม", "ค่าตอบแทน", "ค่าใช้สอย", "วัสดุ"],
            ["1", "ค่าอาหารกลางวัน =100x200X2", "     40,000", "", "40,000", ""],
            ["2", "ค่าอาหารว่างและเครื่องดื่ม=100x50X2", "10,000", "", "10,000", ""],
            ["5", "ค่าตอบแทนวิทยากร=3 x600X2", "3,600", "3,600", "", ""],
            blank,
            blank,
            ["รวม", "", "53,600", "3,600", "50,000", ""],
        ],
        merges=[((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 5))],
    )
    paragraph(document, "6. การประเมินผล")
    table(
        document,
        [
            ["ตัวชี้วัดความสำเร็จ", "วิธีการประเมิน", "เครื่องมือที่ใช้"],
            ["ผลผลิต  (Outputs)", "- ตรวจนับ", ""],
        ],
    )
    paragraph(document, "7. ผลที่คาดว่าจะได้รับ")
    paragraph(document, "\t7.1  สถานศึกษาในสังกัดมีระบบประกันคุณภาพภายในที่เข้มแข็ง")


# --- seed 003: a project page of the book (EX-14, INC-10) ----------------------------------------

P003 = (
    "พัฒนาครูและบุคลากรทางการศึกษาเพื่อพัฒนาการเรียนการสอน กิจกรรมการเรียนรู้ผ่านการปฏิบัติ"
    "ที่หลากหลายรูปจัดการเรียนการสอน Active Learning"
)


def seed003_p2(document) -> None:
    """[003:L970-1039]: "โครงการ …" as a paragraph, a header table whose ลักษณะโครงการ cell is
    glued to the strategy (Q18) and whose ผู้รับผิดชอบ names people only, Thai-digit sections,
    "๖. ระยะเวลา… : ตุลาคม ๒๕๖๕ – กันยายน ๒๕๖๖", the quarterly table whose row ๕ prints
    ๕,๐๐๐ for ๒,๐๐๐ (INC-10), a KPI table."""
    paragraph(document, f"โครงการ {P003}")
    table(
        document,
        [
            ["หน่วยงานรับผิดชอบ", f"{NK_OFFICE} กลุ่มนิเทศ ติดตาม และประเมินผลการจัดการศึกษา"],
            ["ลักษณะโครงการ กลยุทธ์ สพท.", f"โครงการต่อเนื่อง {STRATEGY3}"],
            ["ผู้รับผิดชอบโครงการ", "๑. นางสาวนิยากร ศรีมังคละ ตำแหน่ง ศึกษานิเทศก์ชำนาญการพิเศษ"],
        ],
    )
    for line in (
        "๑. หลักการและเหตุผล",
        "นโยบายของรัฐบาลในการสนับสนุนแนวทางการปฏิรูปการศึกษาอย่างเป็นรูปธรรม",
        "๒. วัตถุประสงค์",
        "๒.๑ เพื่อส่งเสริม สนับสนุนให้ครูและบุคลากรทางการศึกษาสามารถจัดการกิจกรรมการเรียนรู้",
        "๓. เป้าหมาย",
        "๓.๑ เชิงผลผลิต (Output)",
        "๓.๑.๑ โรงเรียนในสังกัด จำนวน ๑๐๔ โรงเรียน",
        "๓.๒ เชิงผลลัพธ์ (Outcome)",
        "๓.๒.๑ ครูและบุคลากรทางการศึกษาสามารถจัดการเรียนการสอนตามแนวทาง Active learning ได้",
        "๕. กลุ่มเป้าหมาย / ผู้ที่ได้รับประโยชน์ : สถานศึกษา ครูและนักเรียน",
        "๖. ระยะเวลาดำเนินโครงการและสถานที่ดำเนินการ : ตุลาคม ๒๕๖๕ – กันยายน ๒๕๖๖",
        f"ณ {NK_OFFICE}",
        "๗. กิจกรรมและงบประมาณ",
        f"งบประมาณ{NK_OFFICE} จำนวนทั้งสิ้น ๓๐,๐๐๐.- บาท รายละเอียดแผนการปฏิบัติงานและแผนการใช้จ่ายงบประมาณ",
    ):
        paragraph(document, line)
    table(
        document,
        [
            [
                "กิจกรรมและรายละเอียด\nการใช้จ่ายงบประมาณ",
                "แผนการใช้จ่ายงบประมาณ ปีงบประมาณ พ.ศ. ๒๕๖๖ (หน่วย : บาท)",
                "",
                "",
                "",
                "",
            ],
            ["", *Q_LABELS, "รวม\n(ต.ค.๖๕- ก.ย.๖๖)"],
            [
                "๑. กิจกรรมสร้างการรับรู้ ความสำเร็จเกี่ยวกับการจัดการเรียนรู้เชิงรุก",
                "๕,๐๐๐",
                "-",
                "-",
                "-",
                "๕,๐๐๐",
            ],
            [
                "๒. กิจกรรมการจัดทำแผนการจัดการเรียนรู้เชิงรุก ที่สอดคล้องกับตัวชี้วัด ว PA",
                "-",
                "๘,๐๐๐",
                "๒,๐๐๐",
                "-",
                "๑๐,๐๐๐",
            ],
            ["๓. การบูรณาการแหล่งเรียนรู้ท้องถิ่นสู่หลักสูตรสถานศึกษา", "-", "๕,๐๐๐", "-", "-", "๕,๐๐๐"],
            [
                "๔. กิจกรรมแลกเปลี่ยนเรียนรู้และนิเทศติดตามโรงเรียนกลุ่มเป้าหมาย",
                "-",
                "๘,๐๐๐",
                "-",
                "-",
                "๘,๐๐๐",
            ],
            ["๕. การสรุปรายงานผลการดำเนินงาน", "-", "-", "-", "๒,๐๐๐", "๕,๐๐๐"],
            ["รวม", "๕,๐๐๐", "๒๑,๐๐๐", "๒,๐๐๐", "๒,๐๐๐", "๓๐,๐๐๐"],
        ],
        merges=[((0, 0), (1, 0)), ((0, 1), (0, 5))],
    )
    paragraph(document, "๘. การติดตามประเมินผล")
    table(
        document,
        [
            ["ตัวชี้วัดความสำเร็จ (KPIs)", "ค่าเป้าหมาย", "วิธีการประเมิน", "เครื่องมือการประเมิน"],
            [
                "ตัวชี้วัดเชิงปริมาณ - ครูและบุคลากรทางการศึกษามีการทบทวนหลังการปฏิบัติงาน",
                "- ร้อยละ ๑๐๐",
                "- การนิเทศติดตาม",
                "- แบบนิเทศ",
            ],
        ],
    )


# --- seed 001's strategy 6: a plan book's part 3 and its duration table ----------------------

S6_HEADING = "ยุทธศาสตร์ที่ 6 ด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการศึกษา"
S6_TOTAL = 763_800

# start, end as a Thai office types them (FY2563: 1 ต.ค. ๒๕๖๒ – 30 ก.ย. ๒๕๖๓); P4 starts early
S6_PERIODS = [
    ("๑ ตุลาคม ๒๕๖๒", "๓๐ กันยายน ๒๕๖๓"),
    ("๑ พฤศจิกายน ๒๕๖๒", "๓๐ เมษายน ๒๕๖๓"),
    ("๑ ธันวาคม ๒๕๖๒", "๓๑ มีนาคม ๒๕๖๓"),
    ("๑ กันยายน ๒๕๖๒", "๓๐ กันยายน ๒๕๖๓"),  # before the fiscal year: a warning
    ("๑ มกราคม ๒๕๖๓", "๓๑ พฤษภาคม ๒๕๖๓"),
    ("๑ ตุลาคม ๒๕๖๒", "๓๑ สิงหาคม ๒๕๖๓"),
    ("๑ มิถุนายน ๒๕๖๓", "๓๐ กันยายน ๒๕๖๓"),
    ("๑ ตุลาคม ๒๕๖๒", "๓๐ กันยายน ๒๕๖๓"),
    ("๑ กุมภาพันธ์ ๒๕๖๓", "๓๐ มิถุนายน ๒๕๖๓"),
    ("๑ มีนาคม ๒๕๖๓", "๓๑ กรกฎาคม ๒๕๖๓"),
    ("๑ ตุลาคม ๒๕๖๒", "๓๐ กันยายน ๒๕๖๓"),
]


def _summary_header() -> list[str]:
    return ["ที่", "โครงการ", "กลุ่มที่รับผิดชอบ", "งบประมาณ\n(บาท)"]


def strategy6_part3(
    document,
    *,
    sentence="มีโครงการรองรับยุทธศาสตร์ที่ ๖ จำนวน ๑๒ โครงการ งบประมาณ ๗๓๖,๘๐๐ บาท",
    printed_total="๗๗๓,๘๐๐",
    repeat_header=False,
) -> None:
    """Part 3 for strategy 6 ([001:L1-120] as a plan book prints it): the heading, the sentence
    (here with a wrong count and a wrong amount), the table split over two pages (the second
    part without its header unless `repeat_header`), the printed total (wrong here)."""
    paragraph(document, "ส่วนที่ 3 รายละเอียดโครงการตามยุทธศาสตร์", "Heading 1")
    paragraph(document, S6_HEADING, "Heading 2")
    paragraph(document, sentence)
    rows = [_summary_header()]
    for no, name, amount, group in S6_PROJECTS[:8]:
        rows.append([f"{no}.", name, group, amount])
    table(document, rows)
    page_break(document)
    rows = [_summary_header()] if repeat_header else []
    for no, name, amount, group in S6_PROJECTS[8:]:
        rows.append([f"{no}.", name, group, amount])
    rows.append(["", "รวมงบประมาณ", "", printed_total])
    table(document, rows)


def strategy6_durations(document, *, wrong_header=True) -> None:
    """The duration table ที่ | โครงการ | เริ่มต้น | สิ้นสุด with Thai dates, under the header of
    a budget table (copied from the table above and never corrected) unless told otherwise; P5's
    name typed differently (matched by its number)."""
    paragraph(document, "ระยะเวลาดำเนินโครงการ", "Heading 2")
    header = _summary_header() if wrong_header else ["ที่", "โครงการ", "เริ่มต้น", "สิ้นสุด"]
    rows = [header]
    for (no, name, _, _), (start, end) in zip(S6_PROJECTS, S6_PERIODS, strict=True):
        if no == "5":
            name = "เพิ่มประสิทธิภาพแผนปฏิบัติการประจำปี"
        rows.append([f"{no}.", name, start, end])
    table(document, rows)


def build(*builders, **kwargs) -> bytes:
    document = Document()
    for builder in builders:
        builder(document, **kwargs.get(builder.__name__, {}))
    return to_bytes(document)


# --- hostile and large files -------------------------------------------------------------------


def rewrite_part(data: bytes, part: str, change) -> bytes:
    """The same package with one part's bytes changed by `change` (or a part added)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        for name in names:
            body = source.read(name)
            target.writestr(name, change(body) if name == part else body)
        if part not in names:
            target.writestr(part, change(b""))
    return out.getvalue()


def with_xxe(data: bytes, target: str = "/etc/hostname") -> bytes:
    """word/document.xml declaring an external entity and using it in the first paragraph."""

    def change(body: bytes) -> bytes:
        head, _, rest = body.partition(b"?>")
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{target}">]>'.encode()
        rest = rest.replace(b"<w:t>", b"<w:t>&xxe;", 1)
        return head + b"?>" + doctype + rest

    return rewrite_part(data, "word/document.xml", change)


def as_macro_enabled(data: bytes) -> bytes:
    """The content type Word gives a .docm, and a vbaProject.bin."""

    def change(body: bytes) -> bytes:
        return body.replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        )

    return rewrite_part(
        rewrite_part(data, "[Content_Types].xml", change), "word/vbaProject.bin", lambda _: b"VBA"
    )


GROUPS = ["กลุ่มอำนวยการ", "กลุ่มนโยบาย\nและแผน", "กลุ่มบริหารงานบุคคล", "หน่วยตรวจสอบภายใน"]


def big_book(projects: int = 150, strategies: int = 5) -> bytes:
    """A plan book: part 3 for each strategy (sentence, table, total), one duration table,
    then one project form per project (header lines, budget lines, quarterly table)."""
    document = Document()
    per = projects // strategies
    names = {}
    for s in range(1, strategies + 1):
        paragraph(document, f"กลยุทธ์ที่ {s} ยุทธศาสตร์ทดสอบที่ {s}", "Heading 2")
        paragraph(
            document, f"มีโครงการรองรับกลยุทธ์ที่ {s} จำนวน {per} โครงการ งบประมาณ {per * 12_000:,} บาท"
        )
        rows = [_summary_header()]
        for i in range(1, per + 1):
            name = f"โครงการทดสอบกลยุทธ์ {s} ลำดับ {i}"
            names[(s, i)] = name
            rows.append([str(i), name, GROUPS[i % len(GROUPS)], "12,000"])
        rows.append(["", "รวม", "", f"{per * 12_000:,}"])
        table(document, rows)
    paragraph(document, "ระยะเวลาดำเนินโครงการ", "Heading 2")
    rows = [["ที่", "โครงการ", "เริ่มต้น", "สิ้นสุด"]]
    for (_, i), name in names.items():
        rows.append([str(i), name, "๑ พฤศจิกายน ๒๕๖๖", "๓๐ กันยายน ๒๕๖๗"])
    table(document, rows)
    for name in names.values():
        page_break(document)
        paragraph(document, f"ชื่อโครงการ\t{name}")
        paragraph(document, "ลักษณะโครงการ\tโครงการต่อเนื่อง")
        paragraph(document, "ส่วนที่ 3 งบประมาณ", "Heading 1")
        paragraph(document, "1. ประมาณการค่าใช้จ่าย")
        paragraph(document, "งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ.2567 รวม 12,000 บาท")
        paragraph(document, "1.1 ประชุมคณะทำงาน")
        paragraph(document, "- ค่าอาหารว่างและเครื่องดื่ม 100 คน X 35 บาท X 2 มื้อ X 1 ครั้ง = 7,000 บาท")
        paragraph(document, "- ค่าวัสดุ = 5,000 บาท")
        paragraph(document, "รวมกิจกรรม = 12,000 บาท")
    return to_bytes(document)
