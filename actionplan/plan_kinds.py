"""The kinds of plan (PlanType) and what differs between them: the title printed on the cover,
the part headings of the book and the default part-4 text; and how a page picks "the" plan
of an office from a request (by its identity: ?plan=<id>; ?year= stays "the action plan of
that year" for old links).

A new kind is one PlanType entry and one PlanKind here; nothing else branches on the type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.http import Http404

from actionplan.models import Plan, PlanType


def _action_plan_management(plan: Plan) -> list[str]:
    year = plan.fiscal_year.year_be
    return [
        "1. การบริหารแผนสู่การปฏิบัติ",
        f"{plan.office.name_th} ดำเนินงานตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {year} "
        "โดยกลุ่ม/หน่วยที่รับผิดชอบโครงการขออนุมัติดำเนินโครงการตามระยะเวลาที่กำหนดไว้ในแผน "
        "ใช้จ่ายงบประมาณตามแผนการใช้จ่ายรายไตรมาส และถัวจ่ายได้ภายในวงเงินของโครงการ",
        "2. การติดตามและประเมินผล",
        "กลุ่มนโยบายและแผนกำกับ ติดตาม และประเมินผลการดำเนินงานตามแผนเป็น 3 ระยะ คือ "
        "ก่อนดำเนินการ ระหว่างดำเนินการ และหลังการดำเนินการ เปรียบเทียบผลกับตัวชี้วัดและค่าเป้าหมาย",
        "3. การรายงานผล",
        "กลุ่ม/หน่วยรายงานผลการดำเนินงานและการใช้จ่ายงบประมาณเป็นรายไตรมาส "
        "ตามรอบการรายงานผลการดำเนินงานในตารางต่อไปนี้",
    ]


def _teacher_dev_management(plan: Plan) -> list[str]:
    year = plan.fiscal_year.year_be
    return [
        "1. การนำแผนพัฒนาครูและบุคลากรทางการศึกษาสู่การปฏิบัติ",
        f"{plan.office.name_th} พัฒนาข้าราชการครูและบุคลากรทางการศึกษาในสังกัด "
        f"ตามแผนพัฒนาครูและบุคลากรทางการศึกษา ประจำปีงบประมาณ พ.ศ. {year} "
        "ซึ่งจัดทำจากผลการสำรวจความต้องการในการพัฒนาตนเอง โดยใช้รูปแบบการพัฒนาที่หลากหลาย "
        "เช่น การอบรม การศึกษาดูงาน ชุมชนแห่งการเรียนรู้ทางวิชาชีพ (PLC) การสอนงาน (Coaching) "
        "และการนิเทศแบบกัลยาณมิตร",
        "2. การติดตามและประเมินผลการพัฒนา",
        "กลุ่มพัฒนาครูและบุคลากรทางการศึกษาติดตามผลการนำความรู้ไปใช้ในการปฏิบัติงาน "
        "ประเมินความพึงพอใจของผู้เข้ารับการพัฒนา และสรุปบทเรียนหลังการพัฒนา (AAR)",
        "3. การรายงานผล",
        "ผู้รับผิดชอบโครงการรายงานผลการพัฒนาเป็นรายไตรมาส ตามรอบการรายงานผลการดำเนินงานในตารางต่อไปนี้",
    ]


def _education_dev_management(plan: Plan) -> list[str]:
    return [
        "1. การนำแผนพัฒนาการศึกษาสู่การปฏิบัติ",
        f"{plan.office.name_th} ใช้แผนพัฒนาการศึกษาฉบับนี้เป็นกรอบในการจัดทำแผนปฏิบัติการประจำปี "
        "ตลอดช่วงระยะเวลาของแผน",
        "2. การติดตามและประเมินผล",
        "ติดตามความก้าวหน้าตามตัวชี้วัดและค่าเป้าหมายของแต่ละปี และทบทวนแผนเมื่อสิ้นปีงบประมาณ",
    ]


def _small_schools_management(plan: Plan) -> list[str]:
    year = plan.fiscal_year.year_be
    return [
        "1. การบริหารแผนสู่การปฏิบัติ",
        f"{plan.office.name_th} บริหารจัดการโรงเรียนขนาดเล็กตามแผนฉบับนี้ในปีงบประมาณ พ.ศ. {year} "
        "ร่วมกับโรงเรียน ชุมชน และหน่วยงานที่เกี่ยวข้อง",
        "2. การติดตามและประเมินผล",
        "ติดตามผลการดำเนินงานของโรงเรียนขนาดเล็กเป็นรายไตรมาส",
    ]


@dataclass(frozen=True)
class PlanKind:
    """What one kind of plan prints: its title, the headings of its parts, its part-4 text."""

    type: str
    title: str
    parts: Mapping[str, str]  # "1".."4": the heading under "ส่วนที่ N"
    marks: Mapping[str, str]  # "1".."4": the short PDF bookmark (and part 4's contents line)
    management: Callable[[Plan], list[str]]
    horizon: bool = False  # a multi-year plan (its years come from horizon_start/end)
    sections: tuple[str, ...] = field(default=())  # extra parts of the kind (e.g. the survey)


_PARTS_ACTION = {
    "1": "ข้อมูลทั่วไป",
    "2": "ทิศทางการพัฒนาการศึกษา",
    "3": "รายละเอียดโครงการ",
    "4": "การบริหารแผนสู่การปฏิบัติ การติดตามและประเมินผล",
}

KINDS: dict[str, PlanKind] = {
    PlanType.ACTION_PLAN: PlanKind(
        type=PlanType.ACTION_PLAN,
        title="แผนปฏิบัติการ",
        parts=_PARTS_ACTION,
        marks={
            "1": "ข้อมูลทั่วไป",
            "2": "ทิศทางการพัฒนา",
            "3": "รายละเอียดโครงการ",
            "4": "การบริหารแผน",
            "4-contents": "การบริหารแผนสู่การปฏิบัติ",
        },
        management=_action_plan_management,
    ),
    PlanType.TEACHER_DEV: PlanKind(
        type=PlanType.TEACHER_DEV,
        title="แผนพัฒนาครูและบุคลากรทางการศึกษา",
        parts={
            "1": "สภาพปัจจุบันและความต้องการในการพัฒนา",
            "2": "ทิศทางการพัฒนาครูและบุคลากรทางการศึกษา",
            "3": "โครงการพัฒนาครูและบุคลากรทางการศึกษา",
            "4": "การนำแผนพัฒนาสู่การปฏิบัติ การติดตามและประเมินผล",
        },
        marks={
            "1": "สภาพปัจจุบันและความต้องการ",
            "2": "ทิศทางการพัฒนาครู",
            "3": "โครงการพัฒนาครู",
            "4": "การนำแผนพัฒนาสู่การปฏิบัติ",
            "4-contents": "การนำแผนพัฒนาสู่การปฏิบัติ",
        },
        management=_teacher_dev_management,
        sections=("needs", "targets", "methods", "staff"),
    ),
    PlanType.EDUCATION_DEV: PlanKind(
        type=PlanType.EDUCATION_DEV,
        title="แผนพัฒนาการศึกษา",
        parts={
            "1": "สภาพปัจจุบันและการวิเคราะห์สภาพแวดล้อม",
            "2": "ทิศทางการพัฒนาการศึกษา",
            "3": "แผนงานและโครงการ",
            "4": "การนำแผนพัฒนาการศึกษาสู่การปฏิบัติ",
        },
        marks={
            "1": "สภาพปัจจุบัน",
            "2": "ทิศทางการพัฒนา",
            "3": "แผนงานและโครงการ",
            "4": "การนำแผนสู่การปฏิบัติ",
            "4-contents": "การนำแผนพัฒนาการศึกษาสู่การปฏิบัติ",
        },
        management=_education_dev_management,
        horizon=True,
    ),
    PlanType.SMALL_SCHOOLS: PlanKind(
        type=PlanType.SMALL_SCHOOLS,
        title="แผนบริหารจัดการโรงเรียนขนาดเล็ก",
        parts={
            "1": "สภาพโรงเรียนขนาดเล็กในสังกัด",
            "2": "แนวทางการบริหารจัดการ",
            "3": "รายละเอียดโครงการ",
            "4": "การบริหารแผนสู่การปฏิบัติ การติดตามและประเมินผล",
        },
        marks={
            "1": "สภาพโรงเรียนขนาดเล็ก",
            "2": "แนวทางการบริหารจัดการ",
            "3": "รายละเอียดโครงการ",
            "4": "การบริหารแผน",
            "4-contents": "การบริหารแผนสู่การปฏิบัติ",
        },
        management=_small_schools_management,
    ),
}


def kind_of(plan_type: str) -> PlanKind:
    """The kind of a PlanType value (an unknown value reads as the action plan)."""
    return KINDS.get(plan_type, KINDS[PlanType.ACTION_PLAN])


def menu_order(plans) -> list[Plan]:
    """Plans for a menu: newest year first, the action plan first within a year."""
    rank = {t: i for i, t in enumerate(PlanType.values)}
    return sorted(plans, key=lambda p: (-p.fiscal_year.year_be, rank.get(p.plan_type, 99), p.pk))


def pick_plan(params: Mapping[str, str], plans: Iterable[Plan]) -> Plan | None:
    """The plan a page shows: ?plan=<id> among `plans` (else 404); ?year=<BE> is the action plan
    of that year (old links), else that year's first plan; without either, the newest action
    plan, else the newest plan. `plans` are the user's office's plans (the scope)."""
    plans = menu_order(plans)
    raw = str(params.get("plan", "") or "")
    if raw:
        found = next((p for p in plans if str(p.pk) == raw), None)
        if found is None:
            raise Http404("ไม่พบแผนนี้")
        return found
    year = str(params.get("year", "") or "")
    if year.isdigit():
        plans = [p for p in plans if p.fiscal_year.year_be == int(year)]
        if not plans:
            return None
    action = [p for p in plans if p.plan_type == PlanType.ACTION_PLAN]
    if action and (year.isdigit() or action[0].fiscal_year.year_be == plans[0].fiscal_year.year_be):
        return action[0]
    return plans[0] if plans else None
