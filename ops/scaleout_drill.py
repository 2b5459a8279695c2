"""Scale-out drill on one machine (CI runs it on PostgreSQL after the test suite).

Two gunicorn web instances on two loopback ports and two `db_worker` processes, all on ONE
PostgreSQL database and ONE shared MEDIA_ROOT, production settings (DEBUG=0, one SECRET_KEY).
Over HTTP it checks what docs/deploy.md ("Scaling out") promises:

1. stateless web: a session opened on instance A carries on on instance B;
2. shared pending uploads: a workbook previewed on A is confirmed on B (the upload waits under
   MEDIA_ROOT/imports/pending, not in /tmp or a process's memory);
3. a pool of PDF workers: plan books and a round report queued through both instances are each
   rendered exactly once (one task, one claim, one worker), by both workers when there is
   enough work, and each PDF downloads from the instance that did not queue it.

    PGHOST=127.0.0.1 PGPORT=5433 PGUSER=postgres .venv/bin/python ops/scaleout_drill.py

It creates and drops its own database. Prints figures; exits 1 on any failure, with the tail
of every process's log. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _common  # noqa: E402  (bench/_common.py: loopback client and process helpers)

DEMO_OFFICE, DEMO_YEAR, IMPORT_YEAR = "PTL2", 2566, 2567
RENDER_TIMEOUT = 90  # seconds for every queued document to be done


class DrillFailed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", flush=True)


STARTED = time.monotonic()


def main() -> int:
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5433")
    user = os.environ.get("PGUSER", "postgres")
    database = f"drill_scaleout_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="scaleout-drill-"))
    pg = ["-h", host, "-p", port, "-U", user]
    subprocess.run(["createdb", *pg, database], check=True)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # the same key on every instance
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS ends at nginx in production
        "SECURE_COOKIES": "0",
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{database}",
        "MEDIA_ROOT": str(work / "media"),  # the shared storage of every process
        "STATIC_ROOT": str(work / "static"),
        "TASKS_BACKEND": "",  # the default: django-tasks' database backend
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PDF_CACHE_DIR", None)
    env.pop("SQLITE_PATH", None)
    processes: dict[str, subprocess.Popen] = {}
    try:
        run_drill(env, work, processes)
    except Exception as exc:  # every failure: say what, show the logs, exit 1
        print(f"\nSCALE-OUT DRILL FAILED: {exc}", flush=True)
        if not isinstance(exc, DrillFailed):
            traceback.print_exc()
        for name in processes:
            log = work / f"{name}.log"
            print(f"--- last lines of {name} ({log}) ---")
            print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
        return 1
    finally:
        for process in processes.values():
            _common.stop_process(process)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        subprocess.run(["dropdb", *pg, "--if-exists", database], check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise DrillFailed(f"manage.py {' '.join(args)}: {result.stderr[-2000:]}")
    return result.stdout


def run_drill(env: dict, work: Path, processes: dict) -> None:
    processes["collectstatic"] = _common.start_process(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env,
        work / "collectstatic.log",
    )
    manage(env, "migrate", "--noinput", "-v0")
    demo = manage(env, "load_demo")
    passwords = dict(re.findall(r"^\s+(\w+)\s+(\S+)\s+\(", demo, re.M))
    check("plan_admin" in passwords, "load_demo printed no password for plan_admin")
    check(processes["collectstatic"].wait(120) == 0, "collectstatic failed")
    step("database migrated, demo office loaded, static files collected")

    ports = {"A": _common.free_port(), "B": _common.free_port()}
    for name, port in ports.items():
        processes[f"web-{name}"] = _common.start_gunicorn(
            port, env, work / f"web-{name}.log", workers=1
        )
    for n in (1, 2):
        processes[f"worker-{n}"] = _common.start_process(
            [
                *(sys.executable, "manage.py", "db_worker", "--worker-id", f"drill-worker-{n}"),
                *("--interval", "0.2", "--no-reload", "--no-startup-delay"),
            ],
            env,
            work / f"worker-{n}.log",
        )
    base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for url in base.values():
        _common.wait_healthy(url)
    step(f"web A {base['A']}, web B {base['B']}, 2 db_workers, one database, one MEDIA_ROOT")

    # The drill reads the shared database like any other process of the deployment.
    os.environ.update(env)
    os.environ.pop("PDF_CACHE_DIR", None)
    os.environ.pop("SQLITE_PATH", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "actionplan.settings"
    import django

    django.setup()

    browser = sessions_are_shared(base, passwords)
    imported = pending_upload_is_shared(base, browser, work)
    renders_run_once(base, browser, imported)
    for name in processes:
        log = (work / f"{name}.log").read_text(errors="replace")
        check("Traceback" not in log, f"{name} logged an error (its log follows)")


def sessions_are_shared(base: dict, passwords: dict) -> _common.Browser:
    from django.urls import reverse

    browser = _common.Browser(base["A"])
    status = browser.login("plan_admin", passwords["plan_admin"])
    check(status == 302, f"login on A answered {status}")
    key = browser.session_key()
    check(key, "no session cookie after login on A")
    browser.base = base["B"]
    page = reverse("imports:importbatch_create")
    status, _, body = browser.get(page)
    check(status == 200, f"B did not know A's session: {page} answered {status}")
    check(b'name="csrfmiddlewaretoken"' in body, "B's page has no form")
    status, headers, _ = _common.Browser(base["B"]).get(page)
    check(status == 302 and reverse("login") in headers.get("Location", ""), "B let a stranger in")
    browser.base = base["A"]
    status, _, _ = browser.get(page)
    check(status == 200 and browser.session_key() == key, "the session changed between instances")
    step("session: logged in on A, same session used on B and back on A")
    return browser


def pending_upload_is_shared(base: dict, browser: _common.Browser, work: Path):
    from django.conf import settings
    from django.urls import reverse

    from actionplan.models import Plan
    from imports import services
    from imports.models import ImportBatch, ImportStatus

    demo = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=DEMO_YEAR)
    browser.base = base["B"]
    status, _, workbook = browser.get(reverse("imports:plan_export_xlsx", args=[demo.pk]))
    check(status == 200 and workbook[:2] == b"PK", f"export on B answered {status}")

    browser.base = base["A"]
    status, headers, _ = browser.post(
        reverse("imports:importbatch_create"),
        {"year_be": IMPORT_YEAR, "mode": "draft"},
        files={"file": (f"{DEMO_OFFICE}-{DEMO_YEAR}.xlsx", workbook)},
    )
    match = re.search(r"/imports/(\d+)/$", headers.get("Location", ""))
    check(status == 302 and match, f"upload on A answered {status} {headers.get('Location')}")
    batch = ImportBatch.objects.get(pk=int(match.group(1)))
    check(
        batch.status == ImportStatus.PREVIEWED, f"preview not clean: {batch.report.get('errors')}"
    )
    pending = services.pending_dir() / f"{batch.sha256}.xlsx"
    check(pending.is_file(), f"the preview's file is not in the shared MEDIA_ROOT ({pending})")
    check(Path(settings.MEDIA_ROOT) == work / "media", "the drill reads another MEDIA_ROOT")
    counts = batch.counts
    step(
        f"upload on A: preview {batch.pk} ({counts.get('created')} projects, "
        f"{counts.get('budget_lines_to_write')} budget lines), file in MEDIA_ROOT/imports/pending"
    )

    browser.base = base["B"]
    confirm = reverse("imports:importbatch_confirm", args=[batch.pk])
    status, _, page = browser.get(reverse("imports:importbatch_detail", args=[batch.pk]))
    check(status == 200 and confirm.encode() in page, "no preview with its confirm button on B")
    status, headers, _ = browser.post(confirm, {})
    batch.refresh_from_db()
    check(
        status == 302 and batch.status == ImportStatus.COMMITTED,
        f"confirm on B answered {status}, batch {batch.status}",
    )
    check(not pending.exists(), "the confirmed upload was left in MEDIA_ROOT/imports/pending")
    imported = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=IMPORT_YEAR)
    projects = imported.projects.count()
    check(
        projects == demo.projects.count(),
        f"{projects} projects imported, not {demo.projects.count()}",
    )
    step(f"confirm on B: plan {IMPORT_YEAR} written with {projects} projects, pending file removed")
    return imported


def renders_run_once(base: dict, browser: _common.Browser, imported) -> None:
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from actionplan.models import Plan
    from printing import book
    from printing.models import PlanRender, RenderStatus

    demo = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=DEMO_YEAR)
    queued_by: dict[int, str] = {}

    def queue(instance: str, method: str, path: str, data=None) -> None:
        browser.base = base[instance]
        if method == "post":
            status, headers, _ = browser.post(path, data or {})
        else:
            status, headers, _ = browser.get(path)
        match = re.search(r"/renders/(\d+)/$", headers.get("Location", ""))
        check(status == 302 and match, f"{path} on {instance} answered {status}")
        render_id = int(match.group(1))
        check(render_id not in queued_by, f"render {render_id} was handed out twice")
        queued_by[render_id] = instance

    started = time.monotonic()
    queue("A", "post", reverse("print:plan_book_render", args=[demo.pk]))
    queue("B", "post", reverse("print:plan_book_render", args=[imported.pk]))
    queue("A", "post", reverse("print:round_pdf", args=[demo.pk, 1]))
    # A new version of the demo book: a context table added through B, then queued on B.
    browser.base = base["B"]
    status, _, _ = browser.post(
        reverse("print:context_table_new", args=[demo.pk]),
        {
            "number": 99,
            "caption_th": "ตารางทดสอบการขยายระบบ",
            "header_text": "รายการ\tจำนวน",
            "rows_text": "โรงเรียน\t120",
        },
    )
    check(status == 302, f"adding a context table on B answered {status}")
    queue("B", "post", reverse("print:plan_book_render", args=[demo.pk]))
    step(f"queued {len(queued_by)} documents: {dict(Counter(queued_by.values()))} per instance")

    deadline = time.monotonic() + RENDER_TIMEOUT
    while True:
        renders = list(PlanRender.objects.filter(pk__in=queued_by))
        if all(r.status in {RenderStatus.DONE, RenderStatus.FAILED} for r in renders):
            break
        check(time.monotonic() < deadline, f"renders not done after {RENDER_TIMEOUT} s")
        time.sleep(0.3)
    wall = time.monotonic() - started
    failed = [f"{r.pk}: {r.error}" for r in renders if r.status != RenderStatus.DONE]
    check(not failed, f"renders failed: {failed}")

    tasks = list(DBTaskResult.objects.filter(task_path="printing.tasks.render_plan_book"))
    by_render: dict[int, list] = {}
    for task in tasks:
        by_render.setdefault(task.args_kwargs["args"][0], []).append(task)
    per_worker: Counter = Counter()
    for render in renders:
        runs = by_render.get(render.pk, [])
        check(len(runs) == 1, f"render {render.pk} was enqueued {len(runs)} times")
        task = runs[0]
        check(task.status == "SUCCESSFUL", f"task of render {render.pk}: {task.status}")
        check(len(task.worker_ids) == 1, f"render {render.pk} claimed by {task.worker_ids}")
        per_worker[task.worker_ids[0]] += 1
        check(render.file and render.file.storage.exists(render.file.name), f"no file {render.pk}")
        other = "B" if queued_by[render.pk] == "A" else "A"
        browser.base = base[other]
        status, headers, body = browser.get(
            reverse("print:render_download", args=[render.plan_id, render.pk])
        )
        with render.file.open("rb") as handle:
            stored = hashlib.sha256(handle.read()).hexdigest()
        check(
            status == 200 and body[:5] == b"%PDF-" and hashlib.sha256(body).hexdigest() == stored,
            f"render {render.pk} did not download from {other} ({status})",
        )
        print(
            f"    render {render.pk:3d} {render.kind:6s} plan {render.plan.fiscal_year.year_be}"
            f" queued on {queued_by[render.pk]}, run by {task.worker_ids[0]},"
            f" {render.pages:3d} pages in {render.seconds:5.1f} s, downloaded from {other}"
        )
    # A render lays out the plan as it is when it runs: the newer request prints the new table.
    newest = max(
        (r for r in renders if r.plan_id == demo.pk and r.kind == "book"), key=lambda r: r.pk
    )
    check(
        newest.version_key == book.plan_version_key(demo), "the newest book is not the current plan"
    )
    check(len(per_worker) == 2, f"only {dict(per_worker)} took work: the pool did not share it")
    check(sum(len(t.worker_ids) for t in tasks) == len(tasks), "a task was claimed twice")
    step(
        f"{len(renders)} documents done exactly once in {wall:.1f} s: "
        f"{dict(sorted(per_worker.items()))} jobs per worker"
    )


if __name__ == "__main__":
    code = main()
    total = time.monotonic() - STARTED
    print(f"scale-out drill {'passed' if code == 0 else 'FAILED'} in {total:.1f} s", flush=True)
    sys.exit(code)
