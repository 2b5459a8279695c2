"""Export of a plan with 1,500 budget lines (150 projects × 10): our .xlsx and .csv against
openpyxl's write-only mode writing the same rows.

    DEBUG=1 .venv/bin/python bench/export_bench.py [--lines 1500] [--repeat 5]

Prints figures only (quality.md §3.3 P7: ≤ 2× openpyxl writing the same rows, ≤ 5 queries);
the three paths run alternately, round by round, each ratio to the floor of the same round.
"""

from __future__ import annotations

import argparse
import io
import statistics

import _common

SCRATCH = _common.setup_django("export-bench")

from openpyxl import Workbook  # noqa: E402

from actionplan.services import create_office  # noqa: E402
from imports import export, services, template  # noqa: E402
from tests.imports.workbooks import canonical_workbook  # noqa: E402


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
    series = _common.alternate(
        {
            "openpyxl write-only, same rows (floor)": lambda i: raw_write(same_rows),
            "export .xlsx (queries + rows + inert text)": lambda i: ours_xlsx(),
            "export .csv (flat budget lines)": lambda i: ours_csv(),
        },
        args.repeat,
    )
    floor, xlsx, csv_ = series.values()
    size = len(xlsx.result)
    print(
        f"plan: {len(projects)} projects, {len(same_rows[3][1]):,} budget lines; xlsx {size / 1024:,.0f} KiB"
    )
    print(f"{args.repeat} rounds, each path once per round in turn; {_common.load_average()}")
    print()
    print(
        f"{'path':46} {'min s':>7} {'median':>7} {'× floor min':>11} {'med':>5} {'max':>5} {'queries':>8}"
    )
    for row in series.values():
        ratios = row.ratios(floor)
        print(
            f"{row.label:46} {row.min:7.3f} {row.median:7.3f} {min(ratios):11.2f}"
            f" {statistics.median(ratios):5.2f} {max(ratios):5.2f} {row.queries:8}"
        )
    print()
    ratio = statistics.median(xlsx.ratios(floor))
    print(
        f"target: .xlsx ≤ 2× the floor and ≤ 1 s → median {ratio:.2f}× the floor of the same round, "
        f"{xlsx.median:.2f} s, {xlsx.queries} queries; {_common.load_average()}"
    )


if __name__ == "__main__":
    main()
