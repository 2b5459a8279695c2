"""Import of a generated 150-project Word plan book (part 3 per strategy, a duration table, one
project form per project): reading alone, preview, and preview + commit into a fresh plan.

    DEBUG=1 .venv/bin/python bench/docx_bench.py [--projects 150] [--repeat 3]

Prints figures only. Runs on a scratch SQLite file; nothing touches the project's database.
"""

from __future__ import annotations

import argparse

import _common

SCRATCH = _common.setup_django("docx-bench")

from actionplan.services import create_office  # noqa: E402
from imports import services  # noqa: E402
from imports.document import read_document  # noqa: E402
from tests.imports.documents import big_book  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    office = create_office(
        code="BENCHW", name_th="สำนักงานเขตพื้นที่การศึกษาทดสอบ", short_name_th="สพป.ทดสอบ"
    )
    data = big_book(args.projects)
    print(f"document: {args.projects} projects, {len(data) / 1024:,.0f} KiB, scratch {SCRATCH}")
    fresh = iter(range(1, 1000))

    def fresh_office():
        n = next(fresh)
        return create_office(
            code=f"BW{n}", name_th=f"สำนักงานทดสอบ {n}", short_name_th=f"สพป.ทดสอบ {n}"
        )

    def read(_):
        return sum(1 for _ in read_document(data).rows)

    def preview(_):
        return services.run_import(
            name="book.docx", data=data, office=office, year_be=2567, record=False
        )

    def commit(target):
        report = services.run_import(
            name="book.docx", data=data, office=target, year_be=2567, commit=True, record=False
        )
        assert report.committed, report.errors[:3]
        return report

    rows = [
        ("read the document (rows)", _common.timed(read, args.repeat)),
        ("preview (read + validate)", _common.timed(preview, args.repeat)),
        (
            "preview + commit, fresh office",
            _common.timed(commit, args.repeat, prepare=fresh_office),
        ),
    ]
    print(f"{'path':32} {'seconds':>8} {'queries':>8}")
    for label, timing in rows:
        print(f"{label:32} {timing.seconds:8.2f} {timing.queries:8,}")


if __name__ == "__main__":
    main()
