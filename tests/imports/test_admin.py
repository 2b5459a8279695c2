"""The admin: the import history is read-only; reference data goes in and out through
django-import-export limited to hardened .xlsx/.csv formats."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgets import resources
from budgets.models import BudgetCategory
from imports import services
from imports.models import ImportBatch
from tests import factories as f
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.test", "x" * 12)
    client.force_login(user)
    return client


def test_the_import_history_is_listed_and_never_editable(admin_client):
    office = f.make_office("YST2")
    services.run_import(
        name="s.xlsx",
        data=wb.workbook(wb.p8_budget, wb.strategy6_summary),
        office=office,
        year_be=2563,
    )
    batch = ImportBatch.objects.get()
    listing = admin_client.get(reverse("admin:imports_importbatch_changelist"))
    assert listing.status_code == 200 and "นำเข้าแผนจากไฟล์ Excel" in listing.content.decode()
    change = admin_client.post(
        reverse("admin:imports_importbatch_change", args=[batch.pk]), {"status": "committed"}
    )
    assert change.status_code == 403
    assert (
        admin_client.post(
            reverse("admin:imports_importbatch_delete", args=[batch.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ImportBatch.objects.get().status == batch.status


def test_reference_formats_are_only_hardened_xlsx_and_csv():
    assert [fmt().get_extension() for fmt in resources.FORMATS] == ["xlsx", "csv"]


def test_reference_export_keeps_formula_like_text_inert():
    BudgetCategory.objects.create(code="evil", name_th='=HYPERLINK("http://x")', order=9)
    dataset = resources.BudgetCategoryResource().export()
    text = resources.SafeCSV().export_data(dataset)
    assert "'=HYPERLINK" in text
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(resources.SafeXLSX().export_data(dataset)))
    cells = [
        c for row in book.active.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")'
    ]
    assert cells and cells[0].data_type == "s"


def test_a_zip_bomb_is_refused_by_the_admin_xlsx_format():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "spreadsheetml.sheet.main+xml")
        bomb.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(ValueError, match="ไม่เปิดอ่าน"):
        resources.SafeXLSX().create_dataset(out.getvalue())


def test_budget_line_admin_exports(admin_client):
    project = f.make_project(name_th="โครงการทดสอบ")
    f.make_line(f.make_activity(project), "ค่าอาหาร", "32 คน x 35 บาท")
    response = admin_client.get(reverse("admin:budgets_budgetline_export"))
    assert response.status_code == 200
