"""Scale-out drill on one machine (CI runs it on PostgreSQL after the test suite, once per backend).

Two gunicorn web instances on two loopback ports and two workers, all on ONE PostgreSQL
database and ONE shared MEDIA_ROOT, production settings (DEBUG=0, one SECRET_KEY), e-mail to an
SMTP server on loopback and LINE messages to a stand-in of LINE's push endpoint on loopback.
Over HTTP it checks what docs/deploy.md ("Scaling out") promises:

1. stateless web: a session opened on instance A carries on on instance B;
2. shared pending uploads: a workbook previewed on A is confirmed on B (the upload waits under
   MEDIA_ROOT/imports/pending, not in /tmp or a process's memory);
3. a pool of PDF workers: plan books and a round report queued through both instances are each
   rendered exactly once (one job, one run, one worker), by both workers when there is enough
   work, and each PDF downloads from the instance that did not queue it;
4. notifications: the "PDF done" messages of those renders and a workflow event sent over HTTP
   (พร้อมเสนอ) each reach the SMTP server or LINE exactly once (one attempt, one job run).

--backend db (the default): two `db_worker` processes on django-tasks' database queue.
--backend rq: the Redis queue (TASKS_BACKEND=django_tasks_rq.RQBackend), two `rqworker`
processes and one Redis, and two faults on top:

5. Redis stopped: the web instances still answer (a render queued, a workflow event sent), the
   work waits in the database; Redis started again, empty: the render's status page queues the
   lost job again and the `retry_deliveries` sweep (cron) sends the notifications, once each;
6. a worker killed mid-render (SIGKILL to the worker and its children, a machine lost): the
   job RQ would hand out again renders nothing twice, the render is given up as stalled after
   RENDER_STALE_SECONDS (10 s here) and its retry button renders it once, messages included.

    PGHOST=127.0.0.1 PGPORT=5433 PGUSER=postgres .venv/bin/python ops/scaleout_drill.py
    ... ops/scaleout_drill.py --backend rq      # REDIS_CONF=/path/redis.conf: that server

With --backend rq the drill uses the Redis server that REDIS_CONF describes (a redis.conf with
`port`, `daemonize yes`, `pidfile`; .ci/run writes one), starting it if needed and restarting it
from the same file, and leaves it running; without REDIS_CONF it runs a private redis-server
on a free loopback port of its own. Either way it empties that Redis first.

It creates and drops its own database. Prints figures; exits 1 on any failure, with the tail
of every process's log. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _common  # noqa: E402  (bench/_common.py: loopback client and process helpers)

DEMO_OFFICE, DEMO_YEAR, IMPORT_YEAR = "PTL2", 2566, 2567
RENDER_TIMEOUT = 90  # seconds for every queued document to be done
DELIVERY_TIMEOUT = 60  # seconds for every notification to be sent
STALE_SECONDS = 10  # RENDER_STALE_SECONDS with --backend rq (the smallest the settings take)
OUTAGE_SECONDS = 5  # how long Redis stays down
LINE_TOKEN = "drill-channel-token"
RQ_WORKER = ("manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job")


class DrillFailed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", flush=True)


def wait_for(what: str, probe, seconds: float, every: float = 0.3):
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value:
            return value
        check(time.monotonic() < deadline, f"{what}: not within {seconds:.0f} s")
        time.sleep(every)


STARTED = time.monotonic()


@dataclass
class Drill:
    """What every phase shares: the backend, the processes, the two instances, the sinks."""

    backend: str
    env: dict
    work: Path
    processes: dict = field(default_factory=dict)
    base: dict = field(default_factory=dict)
    browser: _common.Browser | None = None
    mailbox: object = None
    line: object = None
    redis: Redis | None = None
    workers: list = field(default_factory=list)  # names of the live workers
    killed: set = field(default_factory=set)  # processes killed on purpose
    checked: set = field(default_factory=set)  # deliveries already counted

    def start_worker(self, name: str) -> None:
        if self.backend == "rq":
            args = [sys.executable, *RQ_WORKER, "--with-scheduler", "--name", name]
        else:
            args = [
                *(sys.executable, "manage.py", "db_worker", "--worker-id", name),
                *("--interval", "0.2", "--no-reload", "--no-startup-delay"),
            ]
        self.processes[name] = _common.start_process(args, self.env, self.work / f"{name}.log")
        self.workers.append(name)


class Redis:
    """The drill's Redis: the server REDIS_CONF describes (CI starts it, the drill restarts it
    from the same file and leaves it running), else a private one on a free loopback port."""

    def __init__(self, work: Path):
        given = os.environ.get("REDIS_CONF")
        self.owned = not given
        if given:
            self.conf = Path(given)
        else:
            self.conf = work / "redis.conf"
            self.conf.write_text(
                f"port {_common.free_port()}\nbind 127.0.0.1\nprotected-mode yes\n"
                f'dir {work}\nsave ""\nappendonly no\ndaemonize yes\n'
                f"pidfile {work / 'redis.pid'}\nlogfile {work / 'redis.log'}\n"
            )
        text = self.conf.read_text()
        port = re.search(r"^port\s+(\d+)", text, re.M)
        check(port and re.search(r"^daemonize\s+yes", text, re.M), f"{self.conf}: port, daemonize")
        self.port = int(port.group(1))
        self.url = f"redis://127.0.0.1:{self.port}/0"
        log = re.search(r"^logfile\s+(\S+)", text, re.M)
        self.log = Path(log.group(1).strip('"')) if log else None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=5)

    def up(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def start(self) -> None:
        subprocess.run(["redis-server", str(self.conf)], check=True, stdout=subprocess.DEVNULL)
        wait_for("redis-server to answer", self.up, 15, every=0.1)

    def stop(self) -> None:
        self.client().shutdown(nosave=True)  # (the connection closes: that is the answer)
        wait_for("redis-server to stop", lambda: not self.up(), 15, every=0.1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["db", "rq"], default="db")
    backend = parser.parse_args(argv).backend
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
    drill = Drill(backend=backend, env=env, work=work)
    try:
        from tests.notify.servers import LineApi, Mailbox

        drill.mailbox = Mailbox().start()
        drill.line = LineApi(LINE_TOKEN).start()
        env.update(
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(drill.mailbox.port),
            LINE_API_HOST=drill.line.url,
        )
        if backend == "rq":
            drill.redis = Redis(work)
            if not drill.redis.up():
                drill.redis.start()
            drill.redis.client().flushdb()
            env.update(
                TASKS_BACKEND="django_tasks_rq.RQBackend",
                REDIS_URL=drill.redis.url,
                RENDER_STALE_SECONDS=str(STALE_SECONDS),
            )
        run_drill(drill)
    except Exception as exc:  # every failure: say what, show the logs, exit 1
        print(f"\nSCALE-OUT DRILL FAILED: {exc}", flush=True)
        if not isinstance(exc, DrillFailed):
            traceback.print_exc()
        logs = [work / f"{name}.log" for name in drill.processes]
        if drill.redis and drill.redis.log:
            logs.append(drill.redis.log)
        for log in logs:
            print(f"--- last lines of {log.name} ({log}) ---")
            if log.is_file():
                print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
        return 1
    finally:
        for process in drill.processes.values():
            _common.stop_process(process)
        for server in (drill.mailbox, drill.line):
            if server is not None:
                server.stop()
        if drill.redis is not None:
            if drill.redis.owned:
                if drill.redis.up():
                    drill.redis.stop()
            elif not drill.redis.up():
                drill.redis.start()  # the caller's server stays running (its owner stops it)
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


def run_drill(drill: Drill) -> None:
    env, work, processes = drill.env, drill.work, drill.processes
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
    prefix = "drill-rq" if drill.backend == "rq" else "drill-worker"
    for n in (1, 2):
        drill.start_worker(f"{prefix}-{n}")
    drill.base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for url in drill.base.values():
        _common.wait_healthy(url)
    kind = "rqworkers, one Redis" if drill.backend == "rq" else "db_workers"
    step(
        f"web A {drill.base['A']}, web B {drill.base['B']}, 2 {kind}, one database, "
        f"one MEDIA_ROOT; SMTP on :{drill.mailbox.port}, LINE on {drill.line.url}"
    )

    # The drill reads the shared database like any other process of the deployment.
    os.environ.update(env)
    os.environ.pop("PDF_CACHE_DIR", None)
    os.environ.pop("SQLITE_PATH", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "actionplan.settings"
    import django

    django.setup()

    drill.browser = sessions_are_shared(drill.base, passwords)
    notifications_are_set_up(drill)
    imported = pending_upload_is_shared(drill.base, drill.browser, work)
    renders_run_once(drill, imported)
    deliveries_run_once(drill)
    if drill.backend == "rq":
        redis_restart_loses_nothing(drill)
        killed_worker_renders_nothing_twice(drill, imported)
    tolerated = ("redis.exceptions.ConnectionError",) if drill.backend == "rq" else ()
    for name in processes:
        if name in drill.killed:
            continue
        log = (work / f"{name}.log").read_text(errors="replace")
        errors = unexpected_errors(log, tolerated)
        check(not errors, f"{name} logged an error: {errors[:3]} (its log follows)")


def unexpected_errors(log: str, tolerated: tuple[str, ...]) -> list[str]:
    """The final exception line of every traceback in `log` (chained ones count once, by
    their last exception), except those starting with a `tolerated` prefix: a Redis that
    is down on purpose makes the web's notify sweep log and RQ's scheduler die, by design."""
    lines = log.splitlines()
    found, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("Traceback (most recent call last):"):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (lines[j].startswith(" ") or not lines[j].strip()):
            j += 1
        error = lines[j] if j < len(lines) else "(a traceback cut short)"
        k = j + 1
        while k < len(lines) and (not lines[k].strip() or lines[k].endswith(":")):
            if lines[k].startswith(("During handling", "The above exception")):
                break
            k += 1
        chained = k < len(lines) and lines[k].startswith(("During handling", "The above exc"))
        if not chained:
            found.append(error)
        i = j + 1
    return [e for e in found if not e.startswith(tolerated)] if tolerated else found


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


def notifications_are_set_up(drill: Drill) -> None:
    """Every demo user gets an address, and the group with the most drafts a director (who is
    told when one is ready: พร้อมเสนอ); the office's LINE chat is added over HTTP on B and its
    test button (sent in the request, not queued) reaches the LINE stand-in."""
    from django.urls import reverse

    from actionplan.models import Plan, Role, User
    from notify.models import LineTarget
    from projects.models import ProjectStatus

    demo = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=DEMO_YEAR)
    drafts = Counter(
        demo.projects.filter(status=ProjectStatus.DRAFT).values_list("lead_unit_id", flat=True)
    )
    unit = drafts.most_common(1)[0][0]
    if not User.objects.filter(org_unit_id=unit, role=Role.GROUP_DIRECTOR).exists():
        User.objects.create_user(
            username="drill_group_director",
            office=demo.office,
            org_unit_id=unit,
            role=Role.GROUP_DIRECTOR,
        )
    for user in User.objects.filter(office__code=DEMO_OFFICE):
        user.email = f"{user.username}@drill.example"
        user.save(update_fields=["email"])
    browser = drill.browser
    browser.base = drill.base["B"]
    target_id = "C" + secrets.token_hex(16)
    status, _, _ = browser.post(
        reverse("notify:line_target_new"),
        {
            "name_th": "กลุ่ม LINE ของสำนักงาน",
            "channel_token": LINE_TOKEN,
            "target_id": target_id,
            "is_active": "on",
        },
    )
    target = LineTarget.objects.filter(office__code=DEMO_OFFICE, target_id=target_id).first()
    check(status == 302 and target, f"adding the LINE chat on B answered {status}")
    status, _, _ = browser.post(reverse("notify:line_target_test", args=[target.pk]), {})
    check(status == 302 and len(drill.line.requests) == 1, "the LINE test button sent nothing")
    drill.checked.update(target.deliveries.values_list("pk", flat=True))  # (sent, not queued)
    step("notifications: e-mail addresses set, LINE chat added on B, its test message arrived")


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


# --- Counting job runs on either backend ---------------------------------------------------


@dataclass
class Job:
    """One job of the queue as the backend recorded it: its first argument (a render id or
    the list of delivery ids), its status and the worker of each run."""

    id: str
    arg: object
    status: str  # django-tasks' TaskResultStatus (READY, RUNNING, SUCCESSFUL, FAILED)
    runs: list[str]  # worker names, one per run (finished, failed, or still marked running)
    returned: list = field(default_factory=list)


def jobs_of(drill: Drill, task_path: str) -> list[Job]:
    if drill.backend == "db":
        from django_tasks_db.models import DBTaskResult

        return [
            Job(str(t.pk), t.args_kwargs["args"][0], t.status, list(t.worker_ids))
            for t in DBTaskResult.objects.filter(task_path=task_path)
        ]
    import django_rq
    from django_tasks_rq.backend import RQ_STATUS_TO_RESULT_STATUS
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob
    from rq.job import JobStatus
    from rq.registry import (
        FailedJobRegistry,
        FinishedJobRegistry,
        ScheduledJobRegistry,
        StartedJobRegistry,
    )

    queue = django_rq.get_queue("default")
    ids = set(queue.job_ids)
    for registry in (StartedJobRegistry, FinishedJobRegistry, FailedJobRegistry):
        ids.update(registry(queue=queue).get_job_ids(cleanup=False))
    ids.update(ScheduledJobRegistry(queue=queue).get_job_ids(cleanup=False))
    found = []
    for job_id in sorted(ids):
        try:
            job = RQJob.fetch(job_id, connection=queue.connection)
        except NoSuchJobError:
            continue
        if job.func_name != task_path:
            continue
        results = job.results()
        runs = [r.worker_name for r in results]
        status = job.get_status()
        if status == JobStatus.STARTED:  # running now, or its worker died mid-run
            runs.append(job.worker_name or "?")
        returned = [r.return_value for r in results]
        status = str(RQ_STATUS_TO_RESULT_STATUS[status])
        found.append(Job(job_id, job.args[0], status, runs, returned))
    return found


def runs_by_arg(jobs: list[Job]) -> dict:
    by_arg: dict = {}
    for job in jobs:
        for arg in job.arg if isinstance(job.arg, list) else [job.arg]:
            by_arg.setdefault(arg, []).append(job)
    return by_arg


def finished(status: str) -> bool:
    return status == "SUCCESSFUL"  # django-tasks' name on both backends


def wait_tasks(drill: Drill, render_ids: list[int], seconds: float = 30) -> list[Job]:
    """The render tasks once the tasks of these renders are finished: a render is marked done
    by its task, and the task's own record says SUCCESSFUL a moment later, when it returns."""

    def done():
        tasks = jobs_of(drill, "printing.tasks.render_plan_book")
        by_render = runs_by_arg(tasks)
        runs = [job for pk in render_ids for job in by_render.get(pk, [])]
        return tasks if runs and all(finished(job.status) for job in runs) else None

    return wait_for("the render tasks to be marked finished", done, seconds)


# --- Renders --------------------------------------------------------------------------------


def queue_render(drill: Drill, instance: str, method: str, path: str, data=None) -> int:
    """Ask for a document through one instance, as its button does; the render's id."""
    browser = drill.browser
    browser.base = drill.base[instance]
    if method == "post":
        status, headers, _ = browser.post(path, data or {})
    else:
        status, headers, _ = browser.get(path)
    match = re.search(r"/renders/(\d+)/$", headers.get("Location", ""))
    check(status == 302 and match, f"{path} on {instance} answered {status}")
    return int(match.group(1))


def add_context_table(drill: Drill, instance: str, plan, number: int, rows: int = 1) -> None:
    """A new version of a plan's book: one more Part-1 table (of `rows` rows), added over HTTP."""
    from django.urls import reverse

    drill.browser.base = drill.base[instance]
    status, _, _ = drill.browser.post(
        reverse("print:context_table_new", args=[plan.pk]),
        {
            "number": number,
            "caption_th": f"ตารางทดสอบการขยายระบบ {number}",
            "header_text": "รายการ\tจำนวน",
            "rows_text": "\n".join(f"โรงเรียนที่ {n}\t{100 + n}" for n in range(1, rows + 1)),
        },
    )
    check(status == 302, f"adding context table {number} on {instance} answered {status}")


def wait_renders(ids, seconds: float = RENDER_TIMEOUT) -> list:
    from printing.models import PlanRender, RenderStatus

    def all_finished():
        renders = list(PlanRender.objects.filter(pk__in=ids))
        return renders if all(r.is_finished for r in renders) else None

    renders = wait_for("renders to finish", all_finished, seconds)
    failed = [f"{r.pk}: {r.error}" for r in renders if r.status != RenderStatus.DONE]
    check(not failed, f"renders failed: {failed}")
    return renders


def check_download(drill: Drill, render, instance: str) -> None:
    from django.urls import reverse

    drill.browser.base = drill.base[instance]
    status, _, body = drill.browser.get(
        reverse("print:render_download", args=[render.plan_id, render.pk])
    )
    with render.file.open("rb") as handle:
        stored = hashlib.sha256(handle.read()).hexdigest()
    check(
        status == 200 and body[:5] == b"%PDF-" and hashlib.sha256(body).hexdigest() == stored,
        f"render {render.pk} did not download from {instance} ({status})",
    )


def renders_run_once(drill: Drill, imported) -> None:
    from django.urls import reverse

    from actionplan.models import Plan
    from printing import book

    demo = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=DEMO_YEAR)
    queued_by: dict[int, str] = {}

    def queue(instance: str, method: str, path: str) -> None:
        render_id = queue_render(drill, instance, method, path)
        check(render_id not in queued_by, f"render {render_id} was handed out twice")
        queued_by[render_id] = instance

    started = time.monotonic()
    queue("A", "post", reverse("print:plan_book_render", args=[demo.pk]))
    queue("B", "post", reverse("print:plan_book_render", args=[imported.pk]))
    queue("A", "post", reverse("print:round_pdf", args=[demo.pk, 1]))
    # A new version of the demo book: a context table added through B, then queued on B.
    add_context_table(drill, "B", demo, 99)
    queue("B", "post", reverse("print:plan_book_render", args=[demo.pk]))
    step(f"queued {len(queued_by)} documents: {dict(Counter(queued_by.values()))} per instance")

    renders = wait_renders(queued_by)
    wall = time.monotonic() - started
    tasks = wait_tasks(drill, [r.pk for r in renders])
    by_render = runs_by_arg(tasks)
    per_worker: Counter = Counter()
    for render in renders:
        runs = by_render.get(render.pk, [])
        check(len(runs) == 1, f"render {render.pk} was enqueued {len(runs)} times")
        task = runs[0]
        check(finished(task.status), f"task of render {render.pk}: {task.status}")
        check(len(task.runs) == 1, f"render {render.pk} run by {task.runs}")
        check(render.task_id == task.id, f"render {render.pk} names job {render.task_id!r}")
        per_worker[task.runs[0]] += 1
        check(render.file and render.file.storage.exists(render.file.name), f"no file {render.pk}")
        other = "B" if queued_by[render.pk] == "A" else "A"
        check_download(drill, render, other)
        print(
            f"    render {render.pk:3d} {render.kind:6s} plan {render.plan.fiscal_year.year_be}"
            f" queued on {queued_by[render.pk]}, run by {task.runs[0]},"
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
    check(sum(len(t.runs) for t in tasks) == len(tasks), "a task was run twice")
    step(
        f"{len(renders)} documents done exactly once in {wall:.1f} s: "
        f"{dict(sorted(per_worker.items()))} jobs per worker"
    )


# --- Notifications --------------------------------------------------------------------------


def mark_ready(drill: Drill, instance: str, plan) -> tuple[object, float]:
    """พร้อมเสนอ on a draft of `plan` whose lead group has a director (who gets the e-mail),
    over HTTP as the plan administrator; the project and the seconds the answer took."""
    from django.db.models import F
    from django.urls import reverse

    from actionplan.models import Role, User
    from projects import checks
    from projects.models import Project, ProjectStatus
    from workflow import services

    directors = User.objects.filter(office=plan.office, role=Role.GROUP_DIRECTOR)
    units = set(directors.values_list("org_unit_id", flat=True))
    candidates = Project.objects.filter(
        plan=plan, status=ProjectStatus.DRAFT, lead_unit_id__in=units
    ).order_by(F("ready_at").asc(nulls_first=True), "pk")  # unmarked drafts first
    for candidate in candidates:
        loaded = services._load_for_transition(candidate.pk, with_checks=True)
        if not any(f.is_error for f in checks.check_project(loaded)):
            break
    else:
        raise DrillFailed(f"no draft of plan {plan} can be marked ready")
    # The demo office may have a single such draft: marked once already, it is unmarked as an
    # edit would unmark it, so that it can be marked (and announced) again.
    # Its name changes too, as an edit's would: the drill tells messages apart by their text.
    name = candidate.name_th if candidate.ready_at is None else f"{candidate.name_th} (ปรับปรุง)"
    Project.objects.filter(pk=candidate.pk).update(
        ready_at=None, ready_by=None, ready_version=None, name_th=name
    )
    drill.browser.base = drill.base[instance]
    started = time.monotonic()
    status, headers, _ = drill.browser.post(
        reverse("workflow:project_ready", args=[candidate.pk]), {"version": loaded.version}
    )
    seconds = time.monotonic() - started
    candidate.refresh_from_db()
    check(
        status == 302 and candidate.ready_at is not None,
        f"พร้อมเสนอ on {instance} answered {status}, ready_at {candidate.ready_at}",
    )
    return candidate, seconds


def wait_deliveries(drill: Drill, queryset, *, expect: int, seconds=DELIVERY_TIMEOUT) -> list:
    """The `expect` deliveries of `queryset`, once all are sent and have arrived."""
    from notify.models import DeliveryStatus

    def all_sent():
        rows = list(queryset.all())  # (a fresh query each time, not the cached rows)
        sent = len(rows) == expect and all(d.status == DeliveryStatus.SENT for d in rows)
        return rows if sent else None

    def settled():
        rows = all_sent()
        if rows is None:
            return None
        # the sinks have received what the workers say they sent (SMTP's DATA is async)
        mails = sum(1 for d in rows if d.channel == "email")
        lines = sum(1 for d in rows if d.channel == "line")
        arrived = len(mails_to(drill, rows)) >= mails and len(lines_of(drill, rows)) >= lines
        return rows if arrived else None

    try:
        return wait_for("deliveries to be sent", settled, seconds)
    except DrillFailed:
        rows = list(queryset.all())
        states = [
            f"{d.pk} {d.kind} {d.channel} {d.status} x{d.attempts} {d.last_error}" for d in rows
        ]
        raise DrillFailed(f"{expect} deliveries expected, not sent: {states}") from None


def mails_to(drill: Drill, rows) -> list:
    """(address, body) of each message the SMTP server received for one of `rows` (the body
    names the render or project, so two equal subjects are told apart)."""
    wanted = {(d.address, d.body.strip()) for d in rows if d.channel == "email"}
    found = []
    for _, recipients, content in list(drill.mailbox.messages):
        body = _mail_body(content)
        found += [(a, body) for a in recipients if (a, body) in wanted]
    return found


def _mail_body(content: bytes) -> str:
    from email import message_from_bytes

    message = message_from_bytes(content)
    payload = message.get_payload(decode=True) or b""
    text = payload.decode(message.get_content_charset() or "utf-8")
    return text.replace("\r\n", "\n").strip()


def lines_of(drill: Drill, rows) -> list:
    keys = {str(d.retry_key) for d in rows if d.channel == "line"}
    return [r["retry_key"] for r in list(drill.line.requests) if r["retry_key"] in keys]


def check_sent_once(drill: Drill, rows, *, via_queue: bool) -> dict:
    """Every delivery sent at its first attempt and received exactly once; when `via_queue`,
    by exactly one run of one job (else by the sweep, no job at all). Returns figures."""
    mails = Counter(mails_to(drill, rows))
    lines = Counter(lines_of(drill, rows))
    by_delivery = runs_by_arg(jobs_of(drill, "notify.tasks.deliver"))
    per_worker: Counter = Counter()
    for d in rows:
        check(d.attempts == 1, f"delivery {d.pk} ({d.channel}) took {d.attempts} attempts")
        if d.channel == "email":
            got = mails[(d.address, d.body.strip())]
        else:
            got = lines[str(d.retry_key)]
        check(got == 1, f"delivery {d.pk} ({d.channel} {d.address}) arrived {got} times")
        jobs = by_delivery.get(d.pk, [])
        runs = [w for job in jobs for w in job.runs]
        if via_queue:
            check(len(jobs) == 1 and len(runs) == 1, f"delivery {d.pk}: jobs {jobs}")
            per_worker[runs[0]] += 1
        else:
            check(not runs, f"delivery {d.pk} was also run by a job: {jobs}")
    return {
        "email": sum(1 for d in rows if d.channel == "email"),
        "line": sum(1 for d in rows if d.channel == "line"),
        "per_worker": dict(sorted(per_worker.items())),
    }


def deliveries_run_once(drill: Drill) -> None:
    from actionplan.models import Plan
    from notify.models import Delivery, EventKind

    demo = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=DEMO_YEAR)
    project, answered = mark_ready(drill, "A", demo)
    started = time.monotonic()
    rows = wait_deliveries(drill, Delivery.objects.exclude(pk__in=drill.checked), expect=10)
    wall = time.monotonic() - started
    kinds = Counter(d.kind for d in rows)
    check(kinds[EventKind.RENDER_DONE] == 8, f"4 documents done, deliveries {dict(kinds)}")
    check(kinds[EventKind.READY] == 2, f"one พร้อมเสนอ (e-mail + LINE), deliveries {dict(kinds)}")
    figures = check_sent_once(drill, rows, via_queue=True)
    check(
        len(drill.mailbox.messages) == figures["email"],
        f"{len(drill.mailbox.messages)} e-mails for {figures['email']} deliveries",
    )
    pushes = Delivery.objects.filter(channel="line").count()  # (with the test message)
    check(
        len(drill.line.requests) == pushes,
        f"{len(drill.line.requests)} LINE pushes for {pushes} deliveries",
    )
    drill.checked.update(d.pk for d in rows)
    step(
        f"{len(rows)} deliveries ({figures['email']} e-mail, {figures['line']} LINE: 4 'PDF done'"
        f" and พร้อมเสนอ on project {project.pk} over HTTP in {answered:.2f} s)"
        f" sent exactly once, {wall:.1f} s after the last request;"
        f" {figures['per_worker']} deliveries per worker"
    )


# --- RQ faults ------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (an RQ worker's work horse has its own group)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def clear_chunk_cache() -> None:
    """Forget every laid-out chunk (safe at any time), so the next book is laid out from
    scratch and takes long enough to be caught mid-render; the render slots stay."""
    from printing import renderer

    root = renderer.cache_root()
    for entry in root.iterdir() if root.is_dir() else ():
        if entry.name != "slots":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def status_page(drill: Drill, instance: str, render) -> tuple[int, str]:
    from django.urls import reverse

    drill.browser.base = drill.base[instance]
    status, _, body = drill.browser.get(
        reverse("print:render_status", args=[render.plan_id, render.pk])
    )
    return status, body.decode(errors="replace")


def killed_worker_renders_nothing_twice(drill: Drill, imported) -> None:
    from django.urls import reverse

    from printing import book, tasks
    from printing.models import PlanRender, RenderStatus

    # Two long tables (some 25 pages more; a table has at most 500 rows) keep the render running
    # long enough to be caught in the middle: the small imported book alone took under a second.
    add_context_table(drill, "A", imported, 96, rows=480)
    add_context_table(drill, "A", imported, 98, rows=480)
    clear_chunk_cache()
    render_id = queue_render(
        drill, "A", "post", reverse("print:plan_book_render", args=[imported.pk])
    )

    def mid_render():
        row = PlanRender.objects.get(pk=render_id)
        check(row.status != RenderStatus.DONE, "the book finished before the kill: no drill")
        return row if row.status == RenderStatus.RUNNING and 6 <= row.progress <= 80 else None

    row = wait_for("the book to be mid-render", mid_render, RENDER_TIMEOUT, every=0.05)
    (job,) = [j for j in jobs_of(drill, "printing.tasks.render_plan_book") if j.id == row.task_id]
    victim = job.runs[-1]
    check(victim in drill.workers, f"render {row.pk} is run by {victim!r}, not a drill worker")
    process = drill.processes[victim]
    horses = children(process.pid)
    for pid in [process.pid, *horses]:  # the machine is gone: the worker and its children
        os.kill(pid, signal.SIGKILL)
    process.wait(10)
    drill.killed.add(victim)
    drill.workers.remove(victim)
    killed_at = time.monotonic()
    row.refresh_from_db()
    step(
        f"SIGKILL to {victim} (pid {process.pid}) and its child processes {horses} at "
        f"{row.progress} % of render {row.pk} ({row.message})"
    )

    # What RQ does with an abandoned job that has retries left (or a second requeue): the
    # job runs again on a live worker. The row is running, so it renders nothing.
    again = tasks.render_plan_book.enqueue(row.pk)
    # What the process manager does with the lost worker, under a new name: RQ refuses the
    # name of a killed worker until its registration expires.
    drill.start_worker("drill-rq-3")

    def second_run():
        runs = [j for j in jobs_of(drill, "printing.tasks.render_plan_book") if j.id == again.id]
        return runs[0] if runs and finished(runs[0].status) else None

    duplicate = wait_for("the job handed out again to finish", second_run, 30)
    row.refresh_from_db()
    check(duplicate.returned == [None], f"the job run again returned {duplicate.returned}")
    check(row.status == RenderStatus.RUNNING and not row.file, f"render {row.pk}: {row.status}")
    step(
        f"the same render's job handed out again ran on {duplicate.runs[0]}: nothing rendered "
        f"(the row is running, claimed by the dead worker)"
    )

    def stuck_page():
        status, page = status_page(drill, "B", row)
        check(status == 200, f"status page on B answered {status}")
        return "การจัดทำเอกสารหยุดค้าง" in page

    wait_for("the status page to say the render is stuck", stuck_page, STALE_SECONDS + 20, 1)
    stale_after = time.monotonic() - killed_at
    row.refresh_from_db()
    check(row.status == RenderStatus.FAILED, f"the stuck render is {row.status}")
    retry = queue_render(
        drill, "B", "post", reverse("print:plan_book_render", args=[imported.pk])
    )  # the page's retry button
    check(retry != row.pk, "the retry returned the stuck render")
    (fresh,) = wait_renders([retry])
    check_download(drill, fresh, "A")
    version = book.plan_version_key(imported)
    done = PlanRender.objects.filter(plan=imported, version_key=version, status=RenderStatus.DONE)
    check(list(done) == [fresh], f"renders done for this version: {list(done)}")
    row.refresh_from_db()
    check(not row.file and row.status == RenderStatus.FAILED, "the killed render kept a file")
    by_render = runs_by_arg(jobs_of(drill, "printing.tasks.render_plan_book"))
    killed_runs = [(j.status, j.runs) for j in by_render[row.pk]]
    fresh_runs = [w for j in by_render[fresh.pk] for w in j.runs]
    check(len(fresh_runs) == 1, f"the retried render was run by {fresh_runs}")
    from notify.models import Delivery

    rows = wait_deliveries(drill, Delivery.objects.exclude(pk__in=drill.checked), expect=2)
    check_sent_once(drill, rows, via_queue=True)  # the retried book's 'PDF done', only that
    step(
        f"stuck page after {stale_after:.1f} s (RENDER_STALE_SECONDS={STALE_SECONDS}); retry "
        f"render {fresh.pk} done once by {fresh_runs[0]}: {fresh.pages} pages in "
        f"{fresh.seconds:.1f} s, its 'PDF done' e-mail and LINE message sent once. Killed render "
        f"{row.pk}: failed, no file, no message; its jobs {killed_runs}"
    )


def redis_restart_loses_nothing(drill: Drill) -> None:
    from django.urls import reverse

    from actionplan.models import Plan
    from notify.models import Delivery, EventKind
    from printing.models import PlanRender, RenderStatus

    demo = Plan.objects.get(office__code=DEMO_OFFICE, fiscal_year__year_be=DEMO_YEAR)
    before = set(Delivery.objects.values_list("pk", flat=True))
    drill.redis.stop()
    down_at = time.monotonic()
    step(f"Redis on :{drill.redis.port} stopped (SHUTDOWN NOSAVE: its queue is gone)")

    project, answered = mark_ready(drill, "A", demo)
    add_context_table(drill, "B", demo, 97)
    started = time.monotonic()
    render_id = queue_render(drill, "B", "post", reverse("print:plan_book_render", args=[demo.pk]))
    queue_seconds = time.monotonic() - started
    render = PlanRender.objects.get(pk=render_id)
    check(render.status == RenderStatus.QUEUED and not render.task_id, f"render {render.pk}")
    status, page = status_page(drill, "A", render)
    check(status == 200 and "รอคิว" in page, f"the status page answered {status} with Redis down")
    ready = list(Delivery.objects.exclude(pk__in=before))
    check(
        len(ready) == 2 and all(d.kind == EventKind.READY and d.status == "pending" for d in ready),
        f"deliveries written while Redis was down: {[(d.kind, d.status) for d in ready]}",
    )
    step(
        f"with Redis down: พร้อมเสนอ on project {project.pk} on A answered in {answered:.2f} s "
        f"(2 deliveries pending), plan book queued on B in {queue_seconds:.2f} s "
        f"(render {render.pk} queued, no job), its status page 200 on A"
    )
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    drill.redis.start()
    up_at = time.monotonic()
    step(f"Redis started again after {up_at - down_at:.1f} s, empty")

    def done():
        status, _ = status_page(drill, "B", render)  # the user's page, refreshing
        check(status == 200, f"status page on B answered {status}")
        render.refresh_from_db()
        return render.is_finished

    wait_for("the render queued during the outage to finish", done, RENDER_TIMEOUT, 1)
    check(render.status == RenderStatus.DONE, f"render {render.pk}: {render.error}")
    render_done = time.monotonic() - up_at
    new = Delivery.objects.exclude(pk__in=before)
    wait_deliveries(drill, new.filter(kind=EventKind.RENDER_DONE), expect=2)
    sweep = manage(drill.env, "retry_deliveries").strip()  # what cron runs every 5 minutes
    rows = wait_deliveries(drill, new, expect=4)
    delivered = time.monotonic() - up_at
    (job,) = runs_by_arg(jobs_of(drill, "printing.tasks.render_plan_book"))[render.pk]
    check(len(job.runs) == 1 and render.task_id == job.id, f"render {render.pk}: {job}")
    check_download(drill, render, "A")
    swept = [d for d in rows if d.kind == EventKind.READY]
    queued = [d for d in rows if d.kind == EventKind.RENDER_DONE]
    check(len(swept) == 2 and len(queued) == 2, f"deliveries {[d.kind for d in rows]}")
    check_sent_once(drill, swept, via_queue=False)
    figures = check_sent_once(drill, queued, via_queue=True)
    total_mail = Delivery.objects.filter(channel="email").count()
    total_line = Delivery.objects.filter(channel="line").count()
    check(len(drill.mailbox.messages) == total_mail, "an e-mail arrived twice or not at all")
    check(len(drill.line.requests) == total_line, "a LINE push arrived twice or not at all")
    drill.checked.update(d.pk for d in rows)
    step(
        f"render {render.pk} re-queued by its status page and done {render_done:.1f} s after "
        f"Redis came back (one job run, by {job.runs[0]}); retry_deliveries: {sweep!r}; the 2 "
        f"พร้อมเสนอ deliveries (sweep) and the 2 'PDF done' ones (queue, "
        f"{figures['per_worker']}) sent once each {delivered:.1f} s after; totals: "
        f"{total_mail} e-mails and {total_line} LINE pushes for as many deliveries"
    )


if __name__ == "__main__":
    code = main(sys.argv[1:])
    total = time.monotonic() - STARTED
    print(f"scale-out drill {'passed' if code == 0 else 'FAILED'} in {total:.1f} s", flush=True)
    sys.exit(code)
