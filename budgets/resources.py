"""django-import-export resources for the admin: reference data in and out, budget lines out.

Plans and their budget lines come in through imports/ (validate all, preview, one transaction,
audit record); these resources serve the admin's one-off loads of reference data. The formats are
narrowed to .xlsx and .csv and hardened: an .xlsx is zip-checked before openpyxl opens it, and
exported text is never live (quality.md pitfall 1: the library's own escaping strips "=" and turns
amounts into text, so numbers stay numbers here and formula-like text is written as text).
"""

from __future__ import annotations

import csv
import io

from import_export import fields, resources
from import_export.formats import base_formats
from import_export.widgets import ForeignKeyWidget
from openpyxl import Workbook

from actionplan.workbooks import MAX_BYTES, RejectedFile, check_xlsx_container, csv_value, text_cell
from budgets import services
from budgets.models import BudgetCategory, BudgetLine, FundSource


class SafeXLSX(base_formats.XLSX):
    """Checks the zip's declared sizes before openpyxl inflates anything; writes inert text."""

    def create_dataset(self, in_stream):
        data = in_stream if isinstance(in_stream, bytes) else bytes(in_stream)
        if len(data) > MAX_BYTES:
            raise ValueError(f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB")
        try:
            check_xlsx_container(data)
        except RejectedFile as exc:
            raise ValueError(str(exc)) from exc
        return super().create_dataset(data)

    def export_data(self, dataset, **kwargs):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(dataset.title or "Sheet1")
        ws.append(list(dataset.headers or []))
        for row in dataset:
            ws.append([text_cell(ws, value) for value in row])
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


class SafeCSV(base_formats.CSV):
    """Text that a spreadsheet would run as a formula gets a leading ' (OWASP); numbers do not."""

    def export_data(self, dataset, **kwargs):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(dataset.headers or [])
        for row in dataset:
            writer.writerow([csv_value(value) for value in row])
        return buffer.getvalue()


FORMATS = [SafeXLSX, SafeCSV]


class BudgetCategoryResource(resources.ModelResource):
    class Meta:
        model = BudgetCategory
        import_id_fields = ["code"]
        fields = ["code", "name_th", "short_th", "order", "is_active"]
        skip_unchanged = True
        report_skipped = False


class FundSourceResource(resources.ModelResource):
    class Meta:
        model = FundSource
        import_id_fields = ["code"]
        fields = ["code", "name_th", "short_th", "money_type", "order", "is_active"]
        skip_unchanged = True
        report_skipped = False


class BudgetLineResource(resources.ModelResource):
    """One row per line; categories and fund sources by code. Its import is the library's default
    row-by-row path, kept for comparison in bench/import_bench.py, not offered in the admin."""

    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=ForeignKeyWidget(BudgetCategory, "code"),
    )
    fund_source = fields.Field(
        attribute="fund_source",
        column_name="fund_source",
        widget=ForeignKeyWidget(FundSource, "code"),
    )
    amount = fields.Field(attribute="amount", column_name="amount", readonly=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "activity",
            "order",
            "description_th",
            "category",
            "fund_source",
            "plain_amount",
            "declared_amount",
            "formula_note_th",
            "amount",
        ]
        use_transactions = True

    def before_save_instance(self, instance, row, **kwargs):
        """The stored amount follows the imported plain amount (and the line's saved factors)."""
        super().before_save_instance(instance, row, **kwargs)
        services.stamp_amount(instance, instance.factors.all() if instance.pk else ())
