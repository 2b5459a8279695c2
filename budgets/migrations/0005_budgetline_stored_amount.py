"""BudgetLine.amount becomes a stored column, filled for the existing lines with the rule the
model applied on the fly: the product of the factors rounded half-up to satang, else the plain
amount, else zero (budgets.models.line_amount). No row is added or removed."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

CENT = Decimal("0.01")
BATCH = 2000


def _quantize(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def fill_amounts(apps, schema_editor):
    BudgetLine = apps.get_model("budgets", "BudgetLine")
    BudgetLineFactor = apps.get_model("budgets", "BudgetLineFactor")
    db = schema_editor.connection.alias
    ids = list(BudgetLine.objects.using(db).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        quantities = {}
        for line_id, quantity in (
            BudgetLineFactor.objects.using(db)
            .filter(line_id__in=chunk)
            .values_list("line_id", "quantity")
        ):
            quantities.setdefault(line_id, []).append(Decimal(quantity))
        lines = list(BudgetLine.objects.using(db).filter(pk__in=chunk).only("pk", "plain_amount"))
        for line in lines:
            factors = quantities.get(line.pk)
            if factors:
                line.amount = _quantize(math.prod(factors, start=Decimal(1)))
            elif line.plain_amount is not None:
                line.amount = _quantize(line.plain_amount)
            else:
                line.amount = Decimal("0.00")
        BudgetLine.objects.using(db).bulk_update(lines, ["amount"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0004_actualspending")]

    operations = [
        migrations.AddField(
            model_name="budgetline",
            name="amount",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                editable=False,
                max_digits=14,
                verbose_name="จำนวนเงิน",
            ),
        ),
        migrations.RunPython(fill_amounts, migrations.RunPython.noop),
    ]
