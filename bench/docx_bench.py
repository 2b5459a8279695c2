"""Import of a generated 150-project Word plan book (part 3 per strategy, a duration table, one
project form per project): reading alone, preview, and preview + commit into a fresh plan.

    DEBUG=1 .venv/bin/python bench/docx_bench.py [--projects 150] [--repeat 3]

Prints figures only: the paths run alternately, round by round, next to the floor (python-docx
visiting every paragraph and cell once), min / median / ratios and the load average. Runs on a scratch SQLite file; nothing touches the project's database.
"""

from __future__ import annotations

import argparse
import io
import statistics

import _common

SCRATCH = _common.setup_django("docx-bench")

import docx  # noqa: E402
from docx.table import Table  # noqa: E402
from docx.text.paragraph import Paragraph  # noqa: E402

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

    targets = [fresh_office() for _ in range(args.repeat)]
    series = _common.alternate(
        {
            "python-docx raw pass (floor)": lambda i: raw_pass(data),
            "read the document (rows)": read,
            "preview (read + validate)": preview,
            "preview + commit, fresh office": lambda i: commit(targets[i]),
        },
        args.repeat,
    )
    floor = series["python-docx raw pass (floor)"]
    print(f"{args.repeat} rounds, each path once per round in turn; {_common.load_average()}")
    print(
        f"{'path':32} {'min s':>7} {'median':>7} {'× floor min':>11} {'med':>5} {'max':>5} {'queries':>8}"
    )
    for row in series.values():
        ratios = row.ratios(floor)
        print(
            f"{row.label:32} {row.min:7.2f} {row.median:7.2f} {min(ratios):11.2f}"
            f" {statistics.median(ratios):5.2f} {max(ratios):5.2f} {row.queries:8,}"
        )
    ratio = statistics.median(series["preview + commit, fresh office"].ratios(floor))
    print(
        f"preview + commit: median {ratio:.2f}× the raw python-docx pass; {_common.load_average()}"
    )


def raw_pass(data: bytes) -> int:
    """The floor: python-docx opening the file and visiting every paragraph and table cell's text
    once, in document order, with no checks and no queries."""
    document = docx.Document(io.BytesIO(data))
    count = 0
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            count += len(Paragraph(block, document).text)
        elif block.tag.endswith("}tbl"):
            for row in Table(block, document).rows:
                for cell in row.cells:
                    count += len(cell.text)
    return count


if __name__ == "__main__":
    main()
