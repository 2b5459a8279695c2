"""The PDF worker outlives a database outage (`manage.py run_worker`, docs/deploy.md).

The outage tests run the real command in a subprocess on the PostgreSQL test database, reached
through a TCP forwarder on loopback that the test takes down like a stopped server: every open
connection cut, new ones refused, for a few seconds. django-tasks-db's own `db_worker` exits
there; `run_worker` must wait, reconnect and run the next task. ops/db_outage_drill.py does the
same with a real PostgreSQL stop and start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

ROOT = Path(django_settings.BASE_DIR)
SUCCESSFUL, FAILED = "SUCCESSFUL", "FAILED"


@task()
def add_numbers(a: int, b: int) -> int:
    return a + b


@task()
def lose_the_database() -> None:
    """Cut this worker's own database connection in the middle of a task."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def status_of(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


def wait_for(condition, seconds: float, what: str, worker=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            break
        time.sleep(0.1)
    output = worker.stop() if worker is not None else ""
    pytest.fail(f"{what} not within {seconds:.0f} s\n{output}")
    return None


class Forwarder:
    """A TCP forwarder on 127.0.0.1 to the database server, which `down()` turns into a
    server that has gone away (connections cut, new ones refused) until `up()`."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the other thread
            except OSError:
                pass
            listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Worker:
    """`manage.py <command>` in a subprocess, on the test database through the forwarder."""

    def __init__(self, command: str, forwarder: Forwarder, tmp_path: Path):
        db = connection.settings_dict
        self.log = tmp_path / f"{command}.log"
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{forwarder.port}/{db['NAME']}",
            "TASKS_BACKEND": "",
            "LOG_LEVEL": "WARNING",
        }
        with open(self.log, "w") as handle:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "manage.py", command, "--worker-id", "test-worker"),
                    *("--interval", "0.1", "--no-startup-delay", "--no-reload"),
                    *(("--max-backoff", "1") if command == "run_worker" else ()),
                ],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )

    def poll(self):
        return self.process.poll()

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.log.read_text(errors="replace")


postgresql_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a database server to lose: PostgreSQL only (SQLite is a local file)",
)


@pytest.fixture
def forwarder():
    db = connection.settings_dict
    forwarder = Forwarder((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    forwarder.up()
    yield forwarder
    forwarder.down()


@pytest.fixture
def run_worker(forwarder, tmp_path):
    worker = Worker("run_worker", forwarder, tmp_path)
    yield worker
    worker.stop()


@postgresql_only
@pytest.mark.django_db(transaction=True)
class TestRunWorkerAcrossAnOutage:
    def test_it_waits_for_the_database_and_runs_the_next_task(self, forwarder, run_worker):
        before = add_numbers.enqueue(2, 3)
        wait_for(lambda: status_of(before) == SUCCESSFUL, 60, "the first task", run_worker)
        forwarder.down()  # the database goes away for 3 s while the worker polls
        time.sleep(3)
        assert run_worker.poll() is None, run_worker.stop()
        forwarder.up()
        after = add_numbers.enqueue(20, 22)
        wait_for(
            lambda: status_of(after) == SUCCESSFUL, 30, "the task after the outage", run_worker
        )
        row = DBTaskResult.objects.get(pk=after.id)
        assert (row.return_value, row.worker_ids) == (42, ["test-worker"])
        log = run_worker.stop()
        assert "Database unavailable" in log and "Database back" in log

    def test_a_task_cut_off_by_the_outage_is_marked_failed_and_the_next_one_runs(self, run_worker):
        cut_off = lose_the_database.enqueue()
        after = add_numbers.enqueue(1, 1)
        wait_for(lambda: status_of(after) == SUCCESSFUL, 60, "the task after the cut", run_worker)
        row = DBTaskResult.objects.get(pk=cut_off.id)
        assert row.status == FAILED  # not left "running" for ever
        assert row.exception_class_path.startswith("django.db.utils.")
        assert run_worker.poll() is None


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between polls
class TestRunWorkerCommand:
    def test_it_runs_the_queued_tasks_like_db_worker(self):
        results = [add_numbers.enqueue(n, n) for n in range(3)]
        call_command("run_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
        rows = DBTaskResult.objects.filter(pk__in=[r.id for r in results])
        assert sorted(rows.values_list("status", "return_value")) == [
            (SUCCESSFUL, 0),
            (SUCCESSFUL, 2),
            (SUCCESSFUL, 4),
        ]

    def test_the_longest_wait_must_be_positive(self):
        with pytest.raises(CommandError, match="max-backoff"):
            call_command("run_worker", "--batch", "--max-backoff", "0")
