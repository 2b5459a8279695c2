"""The one normalising matcher of the template's closed lists (imports/choices.py): every common
spelling of a value is that value; a spelling as close to two values as to one is none."""

import pytest

from imports import choices, narrative, planning
from imports.resolve import categories_reference, funds_reference

pytestmark = pytest.mark.django_db

VARIANTS = [
    # (list, as written, value)
    (planning.PROJECT_TYPES, "โครงการต่อเนื่อง", "continuing"),
    (planning.PROJECT_TYPES, "ต่อเนื่อง", "continuing"),
    (planning.PROJECT_TYPES, "  โครงการ   ต่อเนื่อง ", "continuing"),
    (planning.PROJECT_TYPES, "continuing", "continuing"),
    (planning.PROJECT_TYPES, "Continuing", "continuing"),
    (planning.PROJECT_TYPES, "โครงการใหม่", "new"),
    (planning.PROJECT_TYPES, "ใหม่", "new"),
    (planning.PROJECT_TYPES, "NEW", "new"),
    (planning.RESULT_LEVELS, "ด้านผลผลิต (Output)", "output"),
    (planning.RESULT_LEVELS, "ด้านผลผลิต(Output)", "output"),
    (planning.RESULT_LEVELS, "ด้านผลผลิต", "output"),
    (planning.RESULT_LEVELS, "ผลผลิต", "output"),
    (planning.RESULT_LEVELS, "ผลผลิต (output)", "output"),
    (planning.RESULT_LEVELS, "output", "output"),
    (planning.RESULT_LEVELS, "OUTPUT", "output"),
    (planning.RESULT_LEVELS, "(Output)", "output"),
    (planning.RESULT_LEVELS, "ด้านผลลัพธ์ (Outcome)", "outcome"),
    (planning.RESULT_LEVELS, "ผลลัพธ์", "outcome"),
    (planning.RESULT_LEVELS, "Outcome", "outcome"),
    (planning.RESULT_LEVELS, "ด้าน ผลลัพธ์ ( Outcome )", "outcome"),
    (planning.MEASURE_TYPES, "เชิงปริมาณ", "quantitative"),
    (planning.MEASURE_TYPES, "ปริมาณ", "quantitative"),
    (planning.MEASURE_TYPES, "เชิง ปริมาณ", "quantitative"),
    (planning.MEASURE_TYPES, "quantitative", "quantitative"),
    (planning.MEASURE_TYPES, "เชิงคุณภาพ", "qualitative"),
    (planning.MEASURE_TYPES, "คุณภาพ", "qualitative"),
    (planning.COMPARATORS, "ไม่น้อยกว่า", "gte"),
    (planning.COMPARATORS, "ไม่ต่ำกว่า", "gte"),
    (planning.COMPARATORS, ">=", "gte"),
    (planning.COMPARATORS, "≥", "gte"),
    (planning.COMPARATORS, "เท่ากับ", "eq"),
    (planning.COMPARATORS, "=", "eq"),
    (planning.COMPARATORS, "ไม่เกิน", "lte"),
    (planning.COMPARATORS, "<=", "lte"),
    (planning.COMPARATORS, "มากกว่า", "gt"),
    (planning.COMPARATORS, ">", "gt"),
    (planning.COMPARATORS, "น้อยกว่า", "lt"),
    (planning.COMPARATORS, "ตามข้อความ", "text"),
    (planning.COMPARATORS, "ข้อความ", "text"),
    (narrative.ITEM_KINDS, "วัตถุประสงค์", "objective"),
    (narrative.ITEM_KINDS, "เป้าหมายเชิงปริมาณ", "target_quant"),
    (narrative.ITEM_KINDS, "เป้าหมาย เชิงคุณภาพ", "target_qual"),
    (narrative.ITEM_KINDS, "ผลที่คาดว่าจะได้รับ", "outcome"),
    (narrative.PERSON_ROLES, "ผู้รับผิดชอบโครงการ", "responsible"),
    (narrative.PERSON_ROLES, "ผู้ร่วมดำเนินการ", "team"),
    (choices.YES_NO, "ใช่", True),
    (choices.YES_NO, "Yes", True),
    (choices.YES_NO, "ไม่", False),
    (choices.YES_NO, "no", False),
]


@pytest.mark.parametrize("values, raw, expected", VARIANTS)
def test_a_common_spelling_is_the_value(values, raw, expected):
    assert values.find(raw) == expected


@pytest.mark.parametrize(
    "values, raw",
    [
        (planning.PROJECT_TYPES, "ต่อเนื่องและใหม่"),
        (planning.PROJECT_TYPES, ""),
        (planning.RESULT_LEVELS, "ผลกระทบ"),
        (planning.MEASURE_TYPES, "เชิงเวลา"),
        (planning.COMPARATORS, "ประมาณ"),
        (choices.YES_NO, "อาจจะ"),
    ],
)
def test_anything_else_is_no_value(values, raw):
    assert values.find(raw) is None


def test_a_spelling_two_values_share_is_neither():
    both = choices.Choices([("a", ["ค่าวัสดุ"]), ("b", ["วัสดุ"])])
    assert both.find("ค่าวัสดุ") == "a"  # the exact spelling wins over a shortened one
    assert both.find("วัสดุ") == "b"
    tied = choices.Choices([("a", ["งานวัสดุ"]), ("b", ["งานวัสดุ"])])
    assert tied.find("งานวัสดุ") is None


@pytest.mark.parametrize(
    "raw, code",
    [
        ("ค่าใช้สอย", "services"),
        ("ใช้สอย", "services"),
        ("ค่า ใช้สอย", "services"),
        ("services", "services"),
        ("ค่าวัสดุ", "materials"),
        ("วัสดุ", "materials"),
        ("ค่าตอบแทน", "compensation"),
        ("ตอบแทน", "compensation"),
    ],
)
def test_categories_read_common_spellings(raw, code):
    from budgets.models import BudgetCategory

    assert categories_reference(BudgetCategory.objects.all()).find(raw).code == code


@pytest.mark.parametrize(
    "raw, code",
    [
        ("งบประมาณสำนักงานเขตพื้นที่การศึกษา", "esa"),
        ("สพท.", "esa"),
        ("สพท", "esa"),
        ("สพป.", "esa"),
        ("งบประมาณ สพฐ.", "obec"),
        ("สพฐ", "obec"),
        ("เงินนอกงบประมาณ", "off_budget"),
        ("ภายนอก", "external"),
    ],
)
def test_fund_sources_read_common_spellings(raw, code):
    from budgets.models import FundSource

    assert funds_reference(FundSource.objects.all()).find(raw).code == code


def test_thai_digits_and_extra_spaces_read_as_arabic():
    numbered = choices.Choices([(1, ["กลยุทธ์ที่ 1"]), (2, ["กลยุทธ์ที่ 2"])])
    assert numbered.find("กลยุทธ์ที่ ๒") == 2
    assert numbered.find(" กลยุทธ์ ที่  ๑ ") == 1
