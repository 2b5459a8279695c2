"""Plan-book rendering benchmark: prints figures, never passes or fails.

    DEBUG=1 .venv/bin/python bench/pdf_bench.py [--projects 150]

Builds a throw-away SQLite database with one plan of N projects (six strategies; each project
has a rationale, objectives, KPIs, two to four activities with costed lines, quarterly plans and
three signatures), then measures, each phase in a fresh child process (so peak memory is its own):

- raw:        WeasyPrint rendering the same HTML as ONE document (CSS page counters and
              target-counter contents): the physical floor;
- full:       printing.book.render_plan_book() with an empty chunk cache;
- unchanged:  the same again (every chunk cached);
- one edit:   after one project's text changed (same page count) and after one project grew.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time

import _common

WORK = _common.setup_django("pdf-bench")

from django.db import connections  # noqa: E402

RATIONALE = (
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒ มุ่งมั่นในการพัฒนาศักยภาพการจัดการศึกษา"
    "ทั้งระบบ โดยมีการกระจายอำนาจและส่งเสริมการมีส่วนร่วมในการบริหารและการจัดการศึกษา "
    "ตามกฎกระทรวงว่าด้วยการกำหนดหลักเกณฑ์และวิธีการการกระจายอำนาจการบริหารและการจัดการศึกษา "
    "พ.ศ. ๒๕๕๐ มีการกำหนดเป้าหมายในการยกระดับคุณภาพการศึกษาอย่างชัดเจน ส่งเสริมสนับสนุน "
    "การยกระดับคุณภาพการศึกษาผ่านเครือข่ายพัฒนาคุณภาพการศึกษา มีการกำกับ ติดตามอย่างใกล้ชิด"
)


def build(n_projects: int) -> int:
    """The plan of the benchmark; returns its pk."""
    from datetime import date

    from actionplan.models import StandardGroup
    from projects.models import (
        ItemKind,
        ProjectItem,
        ProjectPerson,
        ProjectSignature,
        SignatureRole,
    )
    from tests import factories as f

    office = f.make_office(
        "BENCH",
        name_th="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาพัทลุง เขต ๒",
        short_name_th="สพป.พัทลุง เขต ๒",
    )
    plan = f.make_plan(office, 2566, foreword_th="คำนำของแผน " * 40, vision_th="องค์กรคุณภาพ")
    strategies = [f.make_strategy(plan, n, f"กลยุทธ์ที่ทดสอบ {n} ยกระดับคุณภาพ") for n in range(1, 7)]
    units = list(office.units.all())
    for i in range(n_projects):
        project = f.make_project(
            plan,
            unit=units[i % len(units)],
            strategy=strategies[i % 6],
            name_th=f"โครงการพัฒนาคุณภาพการศึกษาและการบริหารจัดการ ลำดับที่ {i + 1}",
            start_date=date(2022, 10, 1),
            end_date=date(2023, 9, 30),
            rationale_th="\n".join([RATIONALE] * (2 + i % 3)),
            target_groups_th="ผู้บริหารสถานศึกษา ครู และบุคลากรทางการศึกษา จำนวน ๑๒๐ คน",
        )
        ProjectItem.objects.bulk_create(
            ProjectItem(project=project, kind=kind, order=k, text_th=f"{RATIONALE[:120]} ข้อ {k}")
            for kind in ItemKind.values
            for k in (1, 2)
        )
        for k in range(2 + i % 3):
            activity = f.make_activity(
                project,
                f"กิจกรรมที่ {k + 1} ประชุมเชิงปฏิบัติการพัฒนาครูและบุคลากรทางการศึกษา",
                steps_th="ประชุมวางแผน\nแต่งตั้งคณะทำงาน\nดำเนินการ\nสรุปผล",
                period_th="มกราคม ๒๕๖๖",
                responsible_th="กลุ่มนโยบายและแผน",
                months=[3 + k, 4 + k],
            )
            f.make_line(activity, "ค่าอาหารกลางวัน", "40 คน x 120 บาท x 1 มื้อ x 1 ครั้ง")
            f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "40 คน x 35 บาท x 2 มื้อ x 1 ครั้ง")
            f.make_line(activity, "ค่าวัสดุ", amount="1500", category_code="materials")
            f.set_quarters(activity, 0, 9400, 0, 0)
        f.make_indicator(project, method_th="แบบสอบถาม", tool_th="แบบประเมิน")
        ProjectPerson.objects.create(project=project, name_th="นางสาวทดสอบ ใจดี", position_th="ครู")
        ProjectSignature.objects.bulk_create(
            ProjectSignature(
                project=project, role=role, name_th="นายทดสอบ ลงนาม", position_th="ผอ."
            )
            for role in SignatureRole.values
        )
    del StandardGroup
    return plan.pk


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _phase(name: str, plan_pk: int, queue) -> None:
    from actionplan.models import Plan
    from printing import book

    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=plan_pk)
    if name == "edit-same":
        project = _nth_project(plan, 10)
        project.name_th += " (แก้ไข)"
        project.save()
    elif name == "edit-grow":
        project = _nth_project(plan, 20)
        project.rationale_th += ("\n" + RATIONALE) * 8
        project.save()
    if name == "raw":
        timing = _common.timed(lambda _: book.render_plan_single_pass(plan), 1)
        pages, rendered, total = _pages(timing.result), None, None
    else:
        timing = _common.timed(lambda _: book.render_plan_book(plan), 1)
        result = timing.result
        pages, rendered, total = result.pages, result.chunks_rendered, result.chunks_total
    queue.put((name, pages, timing.seconds, _peak_mb(), rendered, total))


def _nth_project(plan, n: int):
    """The n-th project of the plan, or its last one in a smaller (--quick) plan."""
    from projects.models import Project

    projects = Project.objects.filter(plan=plan).order_by("pk")
    return projects[min(n, projects.count() - 1)]


def _pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def run(name: str, plan_pk: int) -> tuple:
    for connection in connections.all():
        connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_phase, args=(name, plan_pk, queue))
    process.start()
    process.join()
    if process.exitcode:  # its traceback is on stderr
        raise SystemExit(f"phase {name!r} failed (exit code {process.exitcode})")
    return queue.get(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=150)
    args = parser.parse_args()
    started = time.perf_counter()
    plan_pk = build(args.projects)
    print(f"data: {args.projects} projects built in {time.perf_counter() - started:.1f} s ({WORK})")
    rows = {}
    for name in ("raw", "full", "unchanged", "edit-same", "edit-grow"):
        rows[name] = run(name, plan_pk)
        _, pages, seconds, peak, rendered, total = rows[name]
        chunks = f"  chunks laid out {rendered}/{total}" if total else ""
        print(
            f"{name:10} {pages:4d} pages  {seconds:6.1f} s  {pages / seconds:5.1f} pages/s  "
            f"peak {peak:6.0f} MB{chunks}"
        )
    raw, full = rows["raw"][2], rows["full"][2]
    print(f"overhead of the chunked pipeline over raw WeasyPrint: {100 * (full / raw - 1):+.1f} %")
    for name in ("unchanged", "edit-same", "edit-grow"):
        print(f"{name:10} takes {100 * rows[name][2] / full:5.1f} % of the full render")


if __name__ == "__main__":
    main()
