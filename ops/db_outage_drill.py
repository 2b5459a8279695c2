"""Database-outage drill: the PDF worker survives PostgreSQL going away (docs/deploy.md).

On a private PostgreSQL cluster of its own (initdb into a temporary folder, a free port or
$DRILL_PGPORT; the shared server is never touched), with production settings (DEBUG=0):

1. `manage.py run_worker` is running; PostgreSQL is stopped (`pg_ctl stop -m fast`) for ~6 s
   and started again. The same worker process, never restarted, then renders a plan book queued
   after the outage.
2. The process-manager path: the plain `manage.py db_worker` under a restart loop that does what
   systemd's `Restart=always` does. The same outage makes db_worker exit; the loop starts it
   again and the new process renders the plan book queued after the outage.

    .venv/bin/python ops/db_outage_drill.py        # as root (runs PostgreSQL as postgres) or as
                                                   # a user that may run initdb itself

Prints what happens with timestamps; exits 1 on any failure, with the tail of each log. Takes
about 40 s. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _common  # noqa: E402  (bench/_common.py: process helpers)

OUTAGE_SECONDS = 6
RENDER_TIMEOUT = 40  # seconds for a plan book queued after the outage to be done
STARTED = time.monotonic()


class DrillFailed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise DrillFailed(message)


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", flush=True)


class Cluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1:port, run as `postgres` when we are root."""

    def __init__(self, work: Path, port: int):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version)[-1]
        self.data = work / "pgdata"
        self.port = port
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(work, "postgres")
            shutil.chown(self.data, "postgres", "postgres")

    def run(self, *args: str) -> None:
        command = [f"{self.bin}/{args[0]}", *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=60)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C.UTF-8")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.data / "server.log")
        self.run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


def _version(path: str) -> int:
    return int(Path(path).parent.name.split(".")[0])


def main() -> int:
    port = int(os.environ.get("DRILL_PGPORT") or _common.free_port())
    work = Path(tempfile.mkdtemp(prefix="db-outage-drill-"))
    cluster = Cluster(work, port)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/actionplan",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "TASKS_BACKEND": "",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("PDF_CACHE_DIR", "SQLITE_PATH"):
        env.pop(name, None)
    processes: dict[str, subprocess.Popen] = {}
    try:
        cluster.init()
        cluster.start()
        subprocess.run(["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                        "actionplan"], check=True, timeout=30)  # fmt: skip
        step(f"private PostgreSQL cluster on 127.0.0.1:{port} ({work / 'pgdata'})")
        run_drill(env, cluster, work, processes)
    except Exception as exc:
        print(f"\nDB OUTAGE DRILL FAILED: {exc}", flush=True)
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
        if cluster.running():
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    step("db outage drill passed")
    return 0


def run_drill(env: dict, cluster: Cluster, work: Path, processes: dict) -> None:
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)  # fmt: skip
    check(result.returncode == 0, f"migrate failed: {result.stderr[-2000:]}")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "actionplan.settings"
    import django

    django.setup()
    plans = [small_plan(), small_plan()]
    step("database migrated; two one-project plans created")

    # 1. run_worker rides out the outage in the same process.
    worker = [
        *(sys.executable, "manage.py", "run_worker", "--worker-id", "drill-run-worker"),
        *("--interval", "0.2", "--no-startup-delay", "--no-reload", "--max-backoff", "2"),
    ]
    processes["run_worker"] = start(env, work, "run_worker", worker)
    wait_connected(processes["run_worker"], "run_worker")
    outage(cluster)
    render = queue_book(plans[0])
    done = wait_rendered(render, processes["run_worker"])
    check(processes["run_worker"].poll() is None, "run_worker exited")
    check(done["worker_ids"] == ["drill-run-worker"], f"rendered by {done['worker_ids']}")
    log = (work / "run_worker.log").read_text(errors="replace")
    check("Database unavailable" in log and "Database back" in log, "run_worker did not reconnect")
    step(f"run_worker: same process (pid {processes['run_worker'].pid}) reconnected and rendered "
         f"the book queued after the outage ({done['pages']} pages)")  # fmt: skip
    _common.stop_process(processes.pop("run_worker"))

    # 2. Plain db_worker under a restart loop (what systemd's Restart=always does).
    loop = (
        f"while true; do {sys.executable} manage.py db_worker --worker-id drill-db-worker "
        "--interval 0.2 --no-startup-delay --no-reload; "
        'echo "restart loop: db_worker exited with status $?; starting it again in 1 s"; '
        "sleep 1; done"
    )
    processes["db_worker"] = start(env, work, "db_worker", ["bash", "-c", loop])
    wait_connected(processes["db_worker"], "db_worker")
    outage(cluster)
    render = queue_book(plans[1])
    done = wait_rendered(render, processes["db_worker"])
    log = (work / "db_worker.log").read_text(errors="replace")
    restarts = log.count("restart loop: db_worker exited")
    check(restarts >= 1, "db_worker did not exit during the outage: nothing to restart")
    check(log.count("Starting worker") == restarts + 1, "the loop did not start db_worker again")
    check(done["worker_ids"] == ["drill-db-worker"], f"rendered by {done['worker_ids']}")
    step(f"db_worker: exited during the outage, the restart loop started it {restarts} time(s), "
         f"and the new process rendered the book queued after the outage ({done['pages']} pages)")  # fmt: skip


def start(env: dict, work: Path, name: str, args: list[str]) -> subprocess.Popen:
    return _common.start_process(args, env, work / f"{name}.log")


def wait_connected(process: subprocess.Popen, name: str) -> None:
    """Until the worker holds a database connection (it polls every 0.2 s)."""
    from django.db import connection

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        check(process.poll() is None, f"{name} exited before the outage")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            if cursor.fetchone()[0]:
                step(f"{name} is polling the queue")
                return
        time.sleep(0.2)
    raise DrillFailed(f"{name} never connected")


def outage(cluster: Cluster) -> None:
    from django.db import connections

    connections.close_all()
    cluster.stop()
    step(f"PostgreSQL stopped (pg_ctl stop -m fast) for {OUTAGE_SECONDS} s")
    time.sleep(OUTAGE_SECONDS)
    cluster.start()
    step("PostgreSQL started again")


def small_plan():
    """A plan of one project with one budget line (the test factories, on the drill database)."""
    from tests import factories as f

    plan = f.make_plan()
    project = f.make_project(plan, name_th="โครงการทดสอบการกู้คืนฐานข้อมูล")
    f.make_line(f.make_activity(project), "ค่าอาหารกลางวัน", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
    return plan


def queue_book(plan):
    from printing import tasks

    render = tasks.request_plan_render(plan=plan)
    step(f"plan book of plan {plan.pk} queued (PlanRender {render.pk}, status {render.status})")
    return render


def wait_rendered(render, process: subprocess.Popen) -> dict:
    from django_tasks_db.models import DBTaskResult

    from printing.models import PlanRender, RenderStatus

    deadline = time.monotonic() + RENDER_TIMEOUT
    while time.monotonic() < deadline:
        render.refresh_from_db()
        if render.status == RenderStatus.DONE:
            task = DBTaskResult.objects.filter(args_kwargs__args=[render.pk]).get()
            check(task.status == "SUCCESSFUL", f"task {task.pk} is {task.status}")
            return {"worker_ids": task.worker_ids, "pages": render.pages}
        check(render.status != RenderStatus.FAILED, f"render failed: {render.message}")
        time.sleep(0.3)
    status = PlanRender.objects.get(pk=render.pk).status
    raise DrillFailed(f"the plan book was not rendered within {RENDER_TIMEOUT} s ({status})")


if __name__ == "__main__":
    sys.exit(main())
