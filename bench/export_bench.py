"""Export of a plan with 1,500 budget lines (150 projects × 10): our .xlsx and .csv against
openpyxl's write-only mode writing the same rows.

    DEBUG=1 .venv/bin/python bench/export_bench.py [--lines 1500] [--repeat 5]

Prints figures only (quality.md §3.3 P7: ≤ 2× openpyxl writing the same rows, ≤ 5 queries).
"""

from __future__ import annotations

import argparse
import io

import _common

SCRATCH = _common.setup_django("export-bench")

from openpyxl import Workbook  # noqa: E402

from actionplan.services import create_office  # noqa: E402
from imports import export, services, template  # noqa: E402
from tests.imports.workbooks import canonical_workbook  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, int]:
    timing = _common.timed(lambda _: fn(), repeat)
    return timing.seconds, timing.queries


def raw_write(sheets: list[tuple[template.SheetSpec, list[list]]]) -> bytes:
    """The floor: openpyxl write-only appending the very same rows, no queries, no checks."""
    wb = Workbook(write_only=True)
    for spec, rows in sheets:
        ws = wb.create_sheet(spec.title)
        ws.append(spec.headers)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    office = create_office(code="BENCH", name_th="สำนักงานทดสอบ", short_name_th="สพป.ทดสอบ")
    report = services.run_import(
        name="seed.xlsx",
        data=canonical_workbook(args.lines, per_project=10),
        office=office,
        year_be=2567,
        commit=True,
    )
    assert report.committed, report.errors[:3]
    plan = office.plans.get()

    def ours_xlsx():
        return export.plan_workbook(plan, export.export_projects(plan))

    def ours_csv():
        return export.plan_csv(plan, export.export_projects(plan))

    projects = export.export_projects(plan)
    same_rows = [
        (template.SUMMARY, list(export.summary_rows(plan, projects))),
        (template.PROJECTS, list(export.project_rows(projects))),
        (template.ACTIVITIES, list(export.activity_rows(projects))),
        (template.LINES, list(export.line_rows(plan, projects))),
        (template.QUARTERS, list(export.quarter_rows(projects))),
        (template.INDICATORS, list(export.indicator_rows(projects))),
        (template.ITEMS, list(export.item_rows(projects))),
        (template.PEOPLE, list(export.people_rows(projects))),
    ]
    floor, _ = timed(lambda: raw_write(same_rows), args.repeat)
    xlsx, xlsx_queries = timed(ours_xlsx, args.repeat)
    csv_seconds, csv_queries = timed(ours_csv, args.repeat)
    size = len(ours_xlsx())
    print(
        f"plan: {len(projects)} projects, {len(same_rows[3][1]):,} budget lines; xlsx {size / 1024:,.0f} KiB"
    )
    print()
    print(f"{'path':52} {'seconds':>8} {'× floor':>8} {'queries':>8}")
    print(f"{'openpyxl write-only, same rows (floor)':52} {floor:8.3f} {1.0:8.1f} {0:8}")
    print(
        f"{'export .xlsx (queries + rows + inert text)':52} {xlsx:8.3f} {xlsx / floor:8.1f} {xlsx_queries:8}"
    )
    print(
        f"{'export .csv (flat budget lines)':52} {csv_seconds:8.3f} {csv_seconds / floor:8.1f} {csv_queries:8}"
    )
    print()
    print(
        f"target: .xlsx ≤ 2× the floor and ≤ 1 s → {xlsx / floor:.1f}×, {xlsx:.2f} s, {xlsx_queries} queries"
    )


if __name__ == "__main__":
    main()
