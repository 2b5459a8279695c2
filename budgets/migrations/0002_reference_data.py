"""Reference data every office needs: the expense categories and fund sources of domain.md §3.2-3.3.

Offices may rename, reorder or deactivate them in the admin; this migration never creates users.
"""

from django.db import migrations

CATEGORIES = [
    ("compensation", "ค่าตอบแทน", "ตอบแทน", 1, ["ค่าตอบแทน", "วิทยากร"]),
    (
        "services",
        "ค่าใช้สอย",
        "ใช้สอย",
        2,
        ["อาหาร", "เครื่องดื่ม", "พาหนะ", "เบี้ยเลี้ยง", "ที่พัก", "จ้าง", "ค่าเช่า", "เดินทาง"],
    ),
    ("materials", "ค่าวัสดุ", "วัสดุ", 3, ["วัสดุ"]),
    ("equipment", "ค่าครุภัณฑ์", "ครุภัณฑ์", 4, ["ครุภัณฑ์"]),
    ("utilities", "ค่าสาธารณูปโภค", "สาธารณูปโภค", 5, ["สาธารณูปโภค", "ค่าไฟฟ้า", "ค่าน้ำประปา", "ค่าโทรศัพท์"]),
]

FUND_SOURCES = [
    ("esa", "งบประมาณสำนักงานเขตพื้นที่การศึกษา", "สพท.", "in_budget", 1),
    ("obec", "งบประมาณ สพฐ.", "สพฐ.", "in_budget", 2),
    ("other_agency", "งบประมาณหน่วยงานอื่น", "หน่วยงานอื่น", "in_budget", 3),
    ("external", "ขอรับการสนับสนุนภายนอก", "ภายนอก", "off_budget", 4),
    ("off_budget", "เงินนอกงบประมาณ", "นอกงบประมาณ", "off_budget", 5),
]


def create(apps, schema_editor):
    BudgetCategory = apps.get_model("budgets", "BudgetCategory")
    FundSource = apps.get_model("budgets", "FundSource")
    for code, name, short, order, keywords in CATEGORIES:
        BudgetCategory.objects.update_or_create(
            code=code, defaults={"name_th": name, "short_th": short, "order": order, "keywords": keywords}
        )
    for code, name, short, money_type, order in FUND_SOURCES:
        FundSource.objects.update_or_create(
            code=code, defaults={"name_th": name, "short_th": short, "money_type": money_type, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
