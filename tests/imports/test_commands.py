"""`import_plan` prints the same report as the preview (one JSON object with --json) and exits
non-zero on errors; `export_plan` writes a workbook that imports back unchanged."""

import json

import pytest
from django.core.management import call_command

from imports.models import ImportBatch, ImportStatus
from projects.models import Project
from tests import factories as f
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return f.make_office("YST2")


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "ยุทธศาสตร์6.xlsx"
    path.write_bytes(wb.workbook(wb.strategy6_summary, wb.p8_budget))
    return path


def run_json(capsys, *args) -> tuple[dict, int]:
    code = 0
    try:
        call_command("import_plan", *args, "--json")
    except SystemExit as exc:
        code = exc.code
    return json.loads(capsys.readouterr().out), code


class TestImportPlan:
    def test_dry_run_json_reports_without_writing(self, office, seed_file, capsys):
        data, code = run_json(
            capsys, str(seed_file), "--office", "YST2", "--year", "2563", "--dry-run"
        )
        assert code == 0
        assert {
            "ok",
            "created",
            "updated",
            "unchanged",
            "errors",
            "total_mismatches",
        } <= data.keys()
        assert (data["ok"], data["created"], data["errors"]) == (True, 11, [])
        assert {"where", "declared", "computed"} <= data["total_mismatches"][0].keys()
        assert ("58800.00", "49000.00") in {
            (m["declared"], m["computed"]) for m in data["total_mismatches"]
        }
        assert Project.objects.count() == 0 and ImportBatch.objects.count() == 0

    def test_commits_and_records_the_import(self, office, seed_file, capsys):
        call_command(
            "import_plan",
            str(seed_file),
            "--office",
            "YST2",
            "--year",
            "2563",
            "--mode",
            "historical",
        )
        out = capsys.readouterr().out
        assert "นำเข้าเรียบร้อย" in out and "58,800.00" in out
        assert Project.objects.count() == 11
        assert ImportBatch.objects.get().status == ImportStatus.COMMITTED

    def test_errors_exit_non_zero_with_sheet_row_and_column(self, office, tmp_path, capsys):
        path = tmp_path / "bad.xlsx"
        path.write_bytes(wb.canonical_workbook(20, bad={(7, 13): "สิบ"}))
        data, code = run_json(capsys, str(path), "--office", "YST2", "--year", "2567")
        assert code == 1 and data["ok"] is False
        assert data["errors"] == [
            {"sheet": "รายการงบประมาณ", "row": 7, "column": "M", "message": "“สิบ” ไม่ใช่ตัวเลข"}
        ]
        assert Project.objects.count() == 0

    def test_an_xls_file_exits_non_zero(self, office, tmp_path, capsys):
        path = tmp_path / "old.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0")
        data, code = run_json(capsys, str(path), "--office", "YST2", "--year", "2567")
        assert code == 1 and "บันทึกเป็น .xlsx" in data["errors"][0]["message"]


class TestExportPlan:
    def test_writes_a_workbook_that_imports_back_unchanged(
        self, office, seed_file, tmp_path, capsys
    ):
        call_command("import_plan", str(seed_file), "--office", "YST2", "--year", "2563")
        out = tmp_path / "export.xlsx"
        call_command("export_plan", "--office", "YST2", "--year", "2563", "-o", str(out))
        capsys.readouterr()
        data, code = run_json(capsys, str(out), "--office", "YST2", "--year", "2563", "--dry-run")
        assert code == 0 and (data["unchanged"], data["created"], data["updated"]) == (11, 0, 0)

    def test_csv(self, office, seed_file, tmp_path):
        call_command("import_plan", str(seed_file), "--office", "YST2", "--year", "2563")
        out = tmp_path / "export.csv"
        call_command(
            "export_plan", "--office", "YST2", "--year", "2563", "--format", "csv", "-o", str(out)
        )
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
