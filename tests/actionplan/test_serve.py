"""`manage.py serve` (what `make run` runs): the web server and the background worker in one
command and one terminal, one Ctrl-C stops both, a worker that dies takes the web server down
with it (issue 16). Real processes on a migrated SQLite file, no mocks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.notify.servers import free_port

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs its own SQLite file; the same code path on PostgreSQL is the scale-out drill's",
)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def heartbeats(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("select count(*) from actionplan_workerheartbeat").fetchone()[0]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    env.update(DEBUG="1", SQLITE_PATH=str(db))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return db, env


def start(database, tmp_path):
    db, env = database
    port = free_port()
    log = tmp_path / "serve.log"
    handle = open(log, "w")  # noqa: SIM115 (closed by the caller through the process)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    return process, port, log, db


def children(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return [
        (int(p), args)
        for p, _, args in (line.strip().partition(" ") for line in out.stdout.splitlines())
    ]


def test_one_command_serves_pages_runs_the_worker_and_one_ctrl_c_stops_both(database, tmp_path):
    process, port, log, db = start(database, tmp_path)
    try:
        wait_for(lambda: healthy(port), 60, "the web server")
        wait_for(lambda: heartbeats(db) > 0, 60, "the worker's heartbeat")
        kids = children(process.pid)
        assert {("runserver" in a, "run_worker" in a) for _, a in kids} == {
            (True, False),
            (False, True),
        }
        process.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    for pid, _ in kids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    output = log.read_text()
    assert f"http://127.0.0.1:{port}/" in output
    assert "web    | " in output and "worker | " in output


def test_a_worker_that_dies_stops_the_web_server_too(database, tmp_path):
    process, port, log, _ = start(database, tmp_path)
    try:
        wait_for(lambda: healthy(port), 60, "the web server")
        worker = next(pid for pid, args in children(process.pid) if "run_worker" in args)
        wait_for(lambda: children(worker), 60, "the worker's own processes")
        left = [worker, *(pid for pid, _ in children(worker))]
        os.kill(worker, signal.SIGKILL)  # the worker alone: its own processes stay behind
        assert process.wait(30) != 0
    finally:
        if process.poll() is None:
            process.kill()
    assert not healthy(port)
    for pid in left:  # nothing of the worker outlives the command
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "worker หยุดทำงาน" in log.read_text()
