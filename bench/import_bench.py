"""Import of a 5,000-budget-line workbook: our validate + commit against a raw openpyxl read of the
same file, and django-import-export's default row-by-row path for comparison.

    DEBUG=1 .venv/bin/python bench/import_bench.py [--lines 5000] [--repeat 3]

Prints figures only (quality.md §3.3 P6: validate + commit ≤ 3× the raw read, ≤ 20 queries).
The paths run alternately, round by round (raw, parse, preview, commit, re-import, then again), so
each ratio is to the raw pass of the same round; min, median and max over the rounds, and the load
average. Peak memory is traced in separate runs after the timed ones.
Runs on a scratch SQLite file in a temporary directory; nothing touches the project's database.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tracemalloc

import _common

SCRATCH = _common.setup_django("import-bench")

import openpyxl  # noqa: E402
import tablib  # noqa: E402

from actionplan.models import Plan  # noqa: E402
from actionplan.services import create_office, get_fiscal_year  # noqa: E402
from budgets.resources import BudgetLineResource, SafeXLSX  # noqa: E402
from imports import reader, services  # noqa: E402
from projects.models import Activity, Project  # noqa: E402
from tests.imports.workbooks import canonical_rows, canonical_workbook, to_bytes  # noqa: E402


def once(label, fn):
    timing = _common.timed(fn, 1)
    return {"label": label, "seconds": timing.seconds, "queries": timing.queries}


def raw_read(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = 0
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            count += len(row)
    book.close()
    return count


def stream_read(data: bytes) -> int:
    """Our reader alone: openpyxl's row parser, minus the extra pass openpyxl makes to size a
    sheet whose file has no <dimension> (script-written files, like this one)."""
    with reader.open_sheets(data, "xlsx") as sheets:
        return sum(len(values) for sheet in sheets for _, values in sheet.rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds")
    parser.add_argument("--skip-library", action="store_true", help="skip django-import-export")
    args = parser.parse_args()
    office = create_office(
        code="BENCH", name_th="สำนักงานเขตพื้นที่การศึกษาทดสอบ", short_name_th="สพป.ทดสอบ"
    )
    data = canonical_workbook(args.lines)
    print(f"workbook: {args.lines:,} budget lines, {len(data) / 1024:,.0f} KiB, scratch {SCRATCH}")
    # The workbook's dates are in FY2567; a plan accepts dates within five years of its own.
    years = iter([2567, 2566, 2568, 2565, 2569, 2564, 2570, 2563, 2571, 2562, 2572])

    def fresh_plan_year() -> int:
        year = next(years)
        Plan.objects.create(office=office, fiscal_year=get_fiscal_year(year))
        return year

    commit_years = [fresh_plan_year() for _ in range(args.repeat)]
    preview_year = fresh_plan_year()
    # Alternately, round by round: the raw pass (the floor), our parse alone, the preview, the
    # commit into a new plan and the re-import of the same file into the first committed plan.
    series = _common.alternate(
        {
            "raw openpyxl read-only pass": lambda i: raw_read(data),
            "  the same, without openpyxl's size probe": lambda i: stream_read(data),
            "validate only (preview)": lambda i: services.run_import(
                name="b.xlsx", data=data, office=office, year_be=preview_year, record=False
            ),
            "validate + commit (new plan)": lambda i: services.run_import(
                name="b.xlsx", data=data, office=office, year_be=commit_years[i], commit=True
            ),
            "re-import same file (all unchanged)": lambda i: services.run_import(
                name="b.xlsx", data=data, office=office, year_be=commit_years[0], commit=True
            ),
        },
        args.repeat,
    )
    raw, stream, preview, commit, again = series.values()
    assert commit.result.committed, commit.result.errors[:3]
    assert again.result.count("unchanged") == commit.result.count("created") > 0
    peaks = {
        raw.label: peak_memory(lambda: raw_read(data)),
        commit.label: peak_memory(
            lambda: services.run_import(
                name="b.xlsx", data=data, office=office, year_be=fresh_plan_year(), commit=True
            )
        ),
    }
    print(f"{args.repeat} rounds, each path once per round in turn; {_common.load_average()}")
    print()
    print(
        f"{'path':44} {'min s':>7} {'median':>7} {'× raw min':>9} {'med':>5} {'max':>5}"
        f" {'queries':>8} {'peak MiB':>9}"
    )
    for row in series.values():
        ratios = row.ratios(raw)
        peak = peaks.get(row.label)
        peak = f"{peak / 2**20:9.1f}" if peak is not None else f"{'':>9}"
        print(
            f"{row.label:44} {row.min:7.2f} {row.median:7.2f} {min(ratios):9.2f}"
            f" {statistics.median(ratios):5.2f} {max(ratios):5.2f} {row.queries:8,} {peak}"
        )
    if not args.skip_library:
        print()
        print("django-import-export's default row-by-row admin flow, once (for comparison):")
        for row in library_path(office, args.lines, fresh_plan_year):
            print(
                f"{row['label']:44} {row['seconds']:7.2f} {row['seconds'] / raw.median:9.1f}"
                f"× raw median {row['queries']:8,} queries"
            )
    ratios = commit.ratios(raw)
    print()
    print(
        f"target: validate + commit ≤ 3× raw and ≤ 20 queries → "
        f"median {statistics.median(ratios):.2f}× the raw pass of the same round "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}; "
        f"{statistics.median(commit.ratios(stream)):.2f}× the probe-free parse), "
        f"{commit.queries} queries; {_common.load_average()}"
    )


def peak_memory(fn) -> int:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def library_path(office, lines: int, fresh_plan_year):
    """django-import-export's default admin flow: dry run, then the real run, row by row."""
    year = fresh_plan_year()
    plan = Plan.objects.get(office=office, fiscal_year__year_be=year)
    unit = office.units.first()
    projects = Project.objects.bulk_create(
        Project(plan=plan, lead_unit=unit, name_th=f"โครงการ {n}") for n in range(lines // 50 or 1)
    )
    activities = Activity.objects.bulk_create(
        Activity(project=p, order=k + 1, title_th=f"กิจกรรม {k + 1}")
        for p in projects
        for k in range(10)
    )
    _, source = canonical_rows(lines)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("lines")
    ws.append(
        [
            "activity",
            "order",
            "description_th",
            "category",
            "fund_source",
            "plain_amount",
            "declared_amount",
            "formula_note_th",
        ]
    )
    for i, row in enumerate(source):
        ws.append(
            [
                activities[i // 5 % len(activities)].pk,
                row[6],
                row[7],
                "services" if row[8] else "materials",
                "esa",
                row[12],
                None,
                row[8] or "",
            ]
        )
    xlsx = to_bytes(book)

    def flow(dry_run: bool):
        def run(i):
            dataset: tablib.Dataset = SafeXLSX().create_dataset(xlsx)
            result = BudgetLineResource().import_data(dataset, dry_run=dry_run, raise_errors=False)
            assert not result.has_errors(), result.row_errors()[:1]
            return result

        return run

    dry = once("django-import-export default: dry run", flow(True))
    real = once("django-import-export default: confirm", flow(False))
    total = {
        "label": "django-import-export default: both",
        "seconds": dry["seconds"] + real["seconds"],
        "queries": dry["queries"] + real["queries"],
    }
    return [dry, real, total]


if __name__ == "__main__":
    main()
