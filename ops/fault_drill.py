"""Fault drill: what a real failure leaves behind, and that the app recovers from it.

    .venv/bin/python ops/fault_drill.py [worker-killed]

worker-killed: a `manage.py db_worker` subprocess on a scratch SQLite database (bench/_common)
takes the demo plan's book render; the drill kills it with SIGKILL mid-render (the row stays
"running" at n %, its django-tasks row "RUNNING" for ever) and starts a new worker. Through
the real views (Django's test client, as the plan administrator): the status page keeps
refreshing while the dead render is still within RENDER_STALE_SECONDS (set to 10 s here),
then says in Thai that it is stuck and offers the retry; the retry (the page's own POST)
queues a new render instead of returning the stuck one, the new worker finishes it, reusing
the chunks laid out before the kill. Prints what survived. About a minute; exits 1 on failure
with the tail of the workers' logs.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _common  # noqa: E402  (bench/_common.py: scratch database and process helpers)

STALE_SECONDS = 10  # RENDER_STALE_SECONDS of the drill (300 by default)
TIMEOUT = 90  # seconds for any wait of the drill
STARTED = time.monotonic()


class DrillFailed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", flush=True)


def wait_for(what: str, probe, seconds: float = TIMEOUT, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value:
            return value
        check(time.monotonic() < deadline, f"{what}: not within {seconds:.0f} s")
        time.sleep(every)


def start_worker(name: str, work: Path):
    return _common.start_process(
        [
            *(sys.executable, "manage.py", "db_worker", "--worker-id", name),
            *("--interval", "0.2", "--no-reload", "--no-startup-delay"),
        ],
        dict(os.environ),
        work / f"{name}.log",
    )


def worker_killed(work: Path, processes: dict) -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from actionplan.models import Plan, User
    from printing.models import PlanRender, RenderStatus

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    plan = Plan.objects.get(office__code="NKI2", fiscal_year__year_be=2566)  # the biggest demo book
    admin = User.objects.get(username="nki2_plan_admin")
    browser = Client()
    browser.force_login(admin)
    step(f"scratch database, demo plan loaded ({plan.projects.count()} projects)")

    processes["worker-1"] = start_worker("drill-worker-1", work)
    response = browser.post(reverse("print:plan_book_render", args=[plan.pk]))
    check(response.status_code == 302, f"queueing the book answered {response.status_code}")
    stuck = PlanRender.objects.get()
    status_url = reverse("print:render_status", args=[plan.pk, stuck.pk])

    def mid_render():
        row = PlanRender.objects.get(pk=stuck.pk)
        check(row.status != RenderStatus.DONE, "the book finished before the kill: no drill")
        return row if row.status == RenderStatus.RUNNING and 6 <= row.progress <= 80 else None

    row = wait_for("the worker to be mid-render", mid_render)
    os.killpg(processes["worker-1"].pid, signal.SIGKILL)
    processes["worker-1"].wait(10)
    killed_at = time.monotonic()
    row.refresh_from_db()
    step(f"SIGKILL to worker 1 at {row.progress} % ({row.message})")

    processes["worker-2"] = start_worker("drill-worker-2", work)
    page = browser.get(status_url).content.decode()
    check(
        'http-equiv="refresh"' in page, "the page stopped refreshing before the render went stale"
    )
    row.refresh_from_db()
    check(row.status == RenderStatus.RUNNING, f"a fresh render was {row.status} at once")
    step("worker 2 started; within the stale time the page still shows it running")

    wait_for(
        "the render to go stale",
        lambda: time.monotonic() - killed_at > STALE_SECONDS + 1.5,
        seconds=STALE_SECONDS + 10,
        every=0.5,
    )
    page = browser.get(status_url).content.decode()
    row.refresh_from_db()
    check(row.status == RenderStatus.FAILED, f"the stuck render is {row.status}, not failed")
    check("การจัดทำเอกสารหยุดค้าง" in page, "the status page does not say it is stuck")
    retry = reverse("print:plan_book_render", args=[plan.pk])
    check(f'action="{retry}"' in page and "ลองอีกครั้ง" in page, "no retry button")
    step(f"status page: failed, '{row.error[:40]}…', with its retry button")

    response = browser.post(retry)  # the retry button's POST
    fresh = PlanRender.objects.exclude(pk=stuck.pk).get()
    check(
        response["Location"] == reverse("print:render_status", args=[plan.pk, fresh.pk]),
        "the retry returned the stuck render",
    )

    def finished():
        fresh.refresh_from_db()
        return fresh.status in {RenderStatus.DONE, RenderStatus.FAILED}

    wait_for("the retried render to finish", finished)
    check(fresh.status == RenderStatus.DONE, f"the retried render failed: {fresh.error}")
    download = browser.get(reverse("print:render_download", args=[plan.pk, fresh.pk]))
    data = b"".join(download.streaming_content)
    check(download.status_code == 200 and data[:5] == b"%PDF-", "the new book does not download")
    step(f"retried render {fresh.pk} done by worker 2: {fresh.pages} pages, {fresh.seconds} s")

    jobs = {
        j.args_kwargs["args"][0]: j
        for j in DBTaskResult.objects.filter(task_path="printing.tasks.render_plan_book")
    }
    stuck.refresh_from_db()
    print("    what survived the kill:")
    print(f"      render {stuck.pk}: {stuck.status}, {stuck.progress} %, file {stuck.file.name!r}")
    print(
        f"      its django-tasks job: {jobs[stuck.pk].status} by {jobs[stuck.pk].worker_ids}"
        " (db_worker never reclaims it; the render row is what the app reads)"
    )
    print(f"      render {fresh.pk}: {fresh.message}")
    print(f"      its job: {jobs[fresh.pk].status} by {jobs[fresh.pk].worker_ids}")
    media = Path(os.environ["MEDIA_ROOT"])
    leftovers = [str(p.relative_to(media)) for p in media.rglob(".tmp-*")]
    books = sorted(p.name for p in (media / "plan-books").glob("*.pdf"))
    print(f"      plan-books/: {books}; temporary files left: {leftovers or 'none'}")
    check(not stuck.file, "the killed render has a file")
    check(len(books) == 1, f"expected one book file, found {books}")
    check(not leftovers, f"temporary files left behind: {leftovers}")
    check(jobs[fresh.pk].worker_ids == ["drill-worker-2"], "the retry was not run by worker 2")


DRILLS = {"worker-killed": worker_killed}


def main(argv: list[str]) -> int:
    names = argv or list(DRILLS)
    unknown = [n for n in names if n not in DRILLS]
    if unknown:
        print(f"unknown drill {unknown}; drills: {', '.join(DRILLS)}")
        return 2
    os.environ["RENDER_STALE_SECONDS"] = str(STALE_SECONDS)
    os.environ["TASKS_BACKEND"] = ""  # django-tasks' database backend, as in production
    os.environ["LOG_LEVEL"] = "WARNING"
    work = _common.setup_django("fault-drill")
    processes: dict = {}
    for name in names:
        step(f"drill: {name}")
        try:
            DRILLS[name](work, processes)
        except Exception as exc:
            print(f"\nFAULT DRILL {name} FAILED: {exc}", flush=True)
            if not isinstance(exc, DrillFailed):
                traceback.print_exc()
            for log in sorted(work.glob("*.log")):
                print(f"--- last lines of {log.name} ---")
                print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
            return 1
        finally:
            for process in processes.values():
                _common.stop_process(process)
            processes.clear()
    step("fault drill passed")
    shutil.rmtree(work, ignore_errors=True)  # (kept after a failure, for its logs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
