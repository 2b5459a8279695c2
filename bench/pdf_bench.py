"""Plan-book rendering benchmark: prints figures, never passes or fails.

    DEBUG=1 .venv/bin/python bench/pdf_bench.py [--projects 15 50 150] [--pairs 3]

Builds a throw-away SQLite database with one plan per size (six strategies; each project has a
rationale, objectives, KPIs, two to four activities with costed lines, quarterly plans and three
signatures; 15, 50 and 150 projects print ~75, ~230 and ~670 pages) and, for each size:

- full vs floor, ALTERNATELY (floor, full, floor, full …: the load other jobs put on the machine
  falls on both alike): the floor is raw WeasyPrint, `HTML(string=…).write_pdf()` of the same
  book as ONE document (book.single_pass_html(): CSS page counters, target-counter contents)
  with the same tagging options; the figure is book.render_book() of the same print source
  with an empty chunk cache. The print source (templates, queries) is built once, untimed: both
  start from the same HTML.
- unchanged: book.render_plan_book() of the live plan again (every chunk cached; queries and
  templates included, as the web asks for it), alternated with
- one edit: after one project's name changed (same page count), each time a new name.

Every run is a fresh child process (its peak memory is its own). Figures are CPU seconds
(user + system of the child: what the render costs whatever else runs) with wall seconds beside
them; min and median over the runs; the ratio is full / floor per pair. The load average is
printed with each pair.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import tempfile
import time

import _common

WORK = _common.setup_django("pdf-bench")

from django.conf import settings  # noqa: E402
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
        f"BENCH{n_projects}",
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


def _load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_child(job, *args):
    """job(*args) in a fresh child process: (cpu s, wall s, peak RSS MiB, its result)."""
    for connection in connections.all():
        connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child():
        cpu, wall = _cpu(), time.perf_counter()
        result = job(*args)
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put((cpu, wall, peak, result))

    process = context.Process(target=child)
    process.start()
    got = queue.get(timeout=3600)
    process.join()
    if process.exitcode:
        raise SystemExit(f"{job.__name__} failed (exit code {process.exitcode})")
    return got


def floor_job(html: str, css: str) -> int:
    """Raw WeasyPrint: the book as one document, tagged as render_book tags its parts."""
    from weasyprint import CSS, HTML

    from printing.renderer import CONTENT_PDF, _Renderer

    renderer = _Renderer()
    extra = CSS(string=css, font_config=renderer.font_config)
    pdf = HTML(string=html, url_fetcher=renderer.fetcher, base_url="file:///").write_pdf(
        stylesheets=[renderer.css, extra], font_config=renderer.font_config, **CONTENT_PDF
    )
    return _pages(pdf)


def full_job(source: dict, cache_dir: str) -> int:
    """render_book() of the print source with the chunk cache in `cache_dir`."""
    from printing import book

    settings.PDF_CACHE_DIR = cache_dir
    return book.render_book(source).pages


def live_job(plan_pk: int, cache_dir: str, rename: str = "") -> tuple[int, int]:
    """render_plan_book() of the live plan (after renaming one project when `rename`)."""
    from actionplan.models import Plan
    from printing import book

    settings.PDF_CACHE_DIR = cache_dir
    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=plan_pk)
    if rename:
        project = _nth_project(plan, 10)
        project.name_th = f"{project.name_th.split(' (')[0]} ({rename})"
        project.save()
    result = book.render_plan_book(plan)
    return result.pages, result.chunks_rendered


def _nth_project(plan, n: int):
    """The n-th project of the plan, or its last one in a smaller plan."""
    from projects.models import Project

    projects = Project.objects.filter(plan=plan).order_by("pk")
    return projects[min(n, projects.count() - 1)]


def _pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _stats(values: list[float]) -> str:
    return f"min {min(values):6.1f}  median {statistics.median(values):6.1f}"


def bench_size(n_projects: int, pairs: int) -> str:
    from actionplan.models import Plan
    from printing import book

    started = time.perf_counter()
    plan_pk = build(n_projects)
    plan = Plan.objects.select_related("office", "fiscal_year").get(pk=plan_pk)
    source = book.book_source(plan)
    html, css = book.single_pass_html(source)
    print(
        f"\n== {n_projects} projects (data and print source {time.perf_counter() - started:.1f} s)"
        f"  {_load()}",
        flush=True,
    )
    floors, fulls, ratios = [], [], []
    cache_dir = ""
    for pair in range(pairs):
        cpu_a, wall_a, peak_a, pages_a = _run_child(floor_job, html, css)
        cache_dir = tempfile.mkdtemp(prefix="cache-", dir=WORK)
        cpu_b, wall_b, peak_b, pages_b = _run_child(full_job, source, cache_dir)
        floors.append((cpu_a, wall_a, peak_a))
        fulls.append((cpu_b, wall_b, peak_b))
        ratios.append(cpu_b / cpu_a)
        print(
            f"pair {pair + 1}: floor {pages_a} pages {cpu_a:6.1f} s CPU ({wall_a:6.1f} wall, "
            f"{peak_a:5.0f} MiB) | full {pages_b} pages {cpu_b:6.1f} s CPU ({wall_b:6.1f} wall, "
            f"{peak_b:5.0f} MiB) | x{cpu_b / cpu_a:.3f}  {_load()}",
            flush=True,
        )
    print(
        f"floor CPU s  {_stats([f[0] for f in floors])}   peak {max(f[2] for f in floors):.0f} MiB"
    )
    print(f"full  CPU s  {_stats([f[0] for f in fulls])}   peak {max(f[2] for f in fulls):.0f} MiB")
    print(
        f"full / floor  {_stats(ratios).replace('  ', ' ')}  (ratio of the minima "
        f"{min(f[0] for f in fulls) / min(f[0] for f in floors):.3f})"
    )
    full_median = statistics.median(f[0] for f in fulls)
    unchanged, edits = [], []
    for run in range(pairs):
        cpu, wall, peak, (pages, laid) = _run_child(live_job, plan_pk, cache_dir)
        unchanged.append((cpu, wall))
        cpu_e, wall_e, peak_e, (pages_e, laid_e) = _run_child(
            live_job, plan_pk, cache_dir, f"แก้ไข {run + 1}"
        )
        edits.append((cpu_e, wall_e))
        print(
            f"unchanged {pages} pages {cpu:5.2f} s CPU ({wall:5.2f} wall, {laid} chunks laid out, "
            f"{peak:4.0f} MiB) | one project renamed {cpu_e:5.2f} s CPU ({wall_e:5.2f} wall, "
            f"{laid_e} chunks laid out) = {100 * cpu_e / full_median:4.1f} % of a full render"
        )
    summary = (
        f"{n_projects} projects, {pages_b} pages: full/floor median x{statistics.median(ratios):.3f}, "
        f"unchanged median {statistics.median(u[0] for u in unchanged):.2f} s CPU, one edit "
        f"{100 * statistics.median(e[0] for e in edits) / full_median:.1f} % of full"
    )
    print(summary, flush=True)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, nargs="+", default=[150])
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    print(f"{_load()}  ({os.cpu_count()} CPUs; work folder {WORK})")
    summaries = [bench_size(n, args.pairs) for n in args.projects]
    print("\n" + "\n".join(summaries))


if __name__ == "__main__":
    main()
