"""The one writer of budget lines' money: factors, plain amounts and the stored amount.

`BudgetLine.amount` is a stored column derived from the line's factors or plain amount
(`BudgetLine.derived_amount()`); users never type it. Every code path that writes factors or a
plain amount (the editor, copy forward, imports, the admin, the demo data, the test factories)
goes through here, so the stored amount always follows; `manage.py verify_amounts` proves it.

Each function is a fixed number of bulk queries whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from budgets.formula import Factor
from budgets.models import BudgetLine, BudgetLineFactor, line_amount

# A factor as the callers hold it: a formula.Factor, a saved BudgetLineFactor, or a
# (quantity, unit) pair.
FactorLike = Factor | BudgetLineFactor | tuple


def _factors(values: Iterable[FactorLike]) -> list[tuple]:
    """(order, quantity, unit) of each factor: a saved factor keeps its order (copy forward),
    the others are numbered from 1 as given."""
    rows = []
    for n, value in enumerate(values, start=1):
        if isinstance(value, Factor):
            rows.append((n, value.quantity, value.unit))
        elif isinstance(value, BudgetLineFactor):
            rows.append((value.order, value.quantity, value.unit_th))
        else:
            quantity, unit = value
            rows.append((n, quantity, unit))
    return rows


def _new_factors(pairs) -> list[BudgetLineFactor]:
    return [
        BudgetLineFactor(line_id=line.pk, order=order, quantity=quantity, unit_th=unit)
        for line, factors in pairs
        for order, quantity, unit in factors
    ]


def _stamp(line: BudgetLine, factors: list[tuple]) -> BudgetLine:
    line.amount = line_amount([quantity for _, quantity, _ in factors], line.plain_amount)
    return line


def stamp_amount(line: BudgetLine, factors: Iterable[FactorLike] = ()) -> BudgetLine:
    """Set the line's stored amount (in memory) from the factors it is about to be saved with
    and its plain amount; the caller saves the line in the same bulk write as its other fields."""
    return _stamp(line, _factors(factors))


def write_factors(pairs: Sequence[tuple[BudgetLine, Iterable[FactorLike]]]) -> None:
    """Replace the factors of saved lines with the given ones (two queries). The lines' stored
    amounts must have been set by stamp_amount with the same factors."""
    pairs = [(line, _factors(factors)) for line, factors in pairs]
    BudgetLineFactor.objects.filter(line_id__in=[line.pk for line, _ in pairs]).delete()
    BudgetLineFactor.objects.bulk_create(_new_factors(pairs))


def create_lines(pairs: Sequence[tuple[BudgetLine, Iterable[FactorLike]]]) -> list[BudgetLine]:
    """Insert new lines with their factors and stored amounts (two queries)."""
    pairs = [(line, _factors(factors)) for line, factors in pairs]
    lines = BudgetLine.objects.bulk_create([_stamp(line, factors) for line, factors in pairs])
    BudgetLineFactor.objects.bulk_create(_new_factors(pairs))
    return lines


def set_line(line: BudgetLine, *, plain_amount=None, factors: Iterable[FactorLike] = ()) -> None:
    """One saved line's plain amount and factors (replacing its old ones) with its amount."""
    line.plain_amount = plain_amount
    factors = list(factors)
    stamp_amount(line, factors)
    line.save(update_fields=["plain_amount", "amount"])
    write_factors([(line, factors)])


def refresh_amounts(lines: Iterable[BudgetLine | int]) -> int:
    """Work the stored amount of saved lines out again from their factors and plain amount as
    saved (after the admin's forms wrote them); returns the number of lines changed. Three
    queries."""
    ids = [line if isinstance(line, int) else line.pk for line in lines]
    quantities = defaultdict(list)
    for line_id, quantity in (
        BudgetLineFactor.objects.filter(line_id__in=ids)
        .order_by("line", "order", "pk")
        .values_list("line_id", "quantity")
    ):
        quantities[line_id].append(quantity)
    changed = []
    for line in BudgetLine.objects.filter(pk__in=ids).only("pk", "plain_amount", "amount"):
        amount = line_amount(quantities.get(line.pk, ()), line.plain_amount)
        if line.amount != amount:
            line.amount = amount
            changed.append(line)
    BudgetLine.objects.bulk_update(changed, ["amount"], batch_size=500)
    return len(changed)
