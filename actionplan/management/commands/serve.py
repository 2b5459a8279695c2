"""The whole system in one command: the web server and the background worker together.

    python manage.py serve [ADDR:PORT] [--workers N] [--noreload]

Both run as child processes whose output is shown in this one terminal, each line prefixed
("web |", "worker |"). One Ctrl-C (or a SIGTERM) stops them all; when either stops on its
own, the other is stopped too and the command exits with its status, so a crashed worker
never leaves a web server whose PDFs wait forever. `make run` uses it; production runs gunicorn
and `run_worker` under the process manager instead (docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server and the background worker together (one Ctrl-C stops both)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
        parser.add_argument(
            "--noreload", action="store_true", help="do not restart the web server on code changes"
        )

    def handle(self, *, addrport: str, workers: int, noreload: bool, **options) -> None:
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        web = [*manage, "runserver", addrport, *(["--noreload"] if noreload else [])]
        commands = [("web", web)]
        for n in range(1, workers + 1):
            commands.append((f"worker{n}" if workers > 1 else "worker", [*manage, "run_worker"]))
        host, _, port = addrport.rpartition(":")
        address = f"http://{host or '127.0.0.1'}:{port or addrport}/"
        self.stdout.write(
            f"เปิด {address} ในเบราว์เซอร์ (เว็บและตัวประมวลผลเบื้องหลังทำงานพร้อมกัน "
            "กด Ctrl-C ครั้งเดียวเพื่อหยุดทั้งหมด)"
        )
        sys.exit(Supervisor(commands, self.stdout).run())


class Supervisor:
    """Start the children in their own process groups (so a terminal's Ctrl-C reaches only
    us, and we pass it on exactly once), copy their output with a prefix, stop them together."""

    def __init__(self, commands, stdout):
        self.commands, self.stdout = commands, stdout
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> int:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        previous = {s: signal.signal(s, self.on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name, command in self.commands:
                child = subprocess.Popen(
                    command,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
                self.children.append((name, child))
                threading.Thread(target=self.copy, args=(name, child), daemon=True).start()
            status = self.wait_for_first_exit()
            self.stop_all()
            return status
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def copy(self, name: str, child: subprocess.Popen) -> None:
        width = max(len(n) for n, _ in self.commands)
        for raw in iter(child.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.lock:
                self.stdout.write(f"{name:<{width}} | {line}")

    def on_signal(self, signum, frame) -> None:
        self.stopping.set()

    def wait_for_first_exit(self) -> int:
        while not self.stopping.is_set():
            for name, child in self.children:
                status = child.poll()
                if status is not None:
                    with self.lock:
                        self.stdout.write(f"{name} หยุดทำงาน (รหัส {status}) จึงหยุดส่วนอื่นด้วย")
                    return status
            time.sleep(0.2)
        return 0

    def stop_all(self) -> None:
        """SIGINT to every child's process group, then SIGKILL to what is left after the grace
        period. A group, not just the child: a child that died (killed, out of memory) may
        leave processes of its own in its group (the worker's render processes), which must
        not outlive us."""
        for _, child in self.children:
            _signal_group(child.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for _, child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.pid, signal.SIGKILL)
                child.wait()
        while time.monotonic() < deadline and any(_group_alive(c.pid) for _, c in self.children):
            time.sleep(0.1)
        for _, child in self.children:
            _signal_group(child.pid, signal.SIGKILL)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True
