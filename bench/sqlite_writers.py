"""SQLite under concurrent writers: 10 planners save whole projects for DURATION seconds through
gunicorn on loopback. Passes when no request fails and the server never logs "database is locked".

Run: DEBUG=1 .venv/bin/python bench/sqlite_writers.py [--seconds 60] [--writers 10]
Prints requests, saves per second, latency percentiles and errors; exits 1 on any failure.
Traffic goes only to 127.0.0.1, bounded in time; the server is stopped at the end.
"""

import argparse
import http.cookiejar
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="sqlite-writers-"))
os.environ.update(
    DEBUG="1", SQLITE_PATH=str(WORK / "db.sqlite3"), DJANGO_SETTINGS_MODULE="actionplan.settings"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from actionplan.models import StandardGroup  # noqa: E402
from projects.models import Project  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.projects.test_views import resubmit_data  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(writers: int):
    call_command("migrate", verbosity=0)
    office = f.make_office("SOAK")
    plan = f.make_plan(office, 2567)
    f.make_strategy(plan)
    units = list(office.units.exclude(standard_code=StandardGroup.AUDIT))
    pairs = []
    for i in range(writers):
        unit = units[i % len(units)]
        user = f.make_user(office, unit=unit, username=f"writer{i}")
        project = f.make_project(plan, unit=unit, name_th=f"โครงการทดสอบพร้อมกัน {i}")
        for _ in range(3):
            activity = f.make_activity(project)
            for _ in range(4):
                f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
            f.set_quarters(activity, 0, 4480)
        pairs.append((user, project))
    return pairs


class Writer(threading.Thread):
    def __init__(self, base, user, project, deadline, results):
        super().__init__(daemon=True)
        self.base, self.user, self.project = base, user, project
        self.deadline, self.results = deadline, results
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, path, data):
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True
        ).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self.opener.open(request, timeout=60)

    def run(self):
        self.opener.open(self.base + "/accounts/login/", timeout=30).read()
        self.post(
            "/accounts/login/", {"username": self.user.username, "password": f.PASSWORD}
        ).read()
        path = f"/projects/{self.project.pk}/edit/"
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            self.opener.open(self.base + path, timeout=60).read()
            data = resubmit_data(Project.objects.get(pk=self.project.pk))
            data["name_th"] = f"โครงการทดสอบพร้อมกัน {self.user.username} รอบ {n}"
            start = time.perf_counter()
            try:
                response = self.post(path, data)
                status = response.status
                response.read()
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError as exc:  # connection problems count as failures too
                status = f"{type(exc).__name__}"
            self.results.append((status, time.perf_counter() - start))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--writers", type=int, default=10)
    args = parser.parse_args()
    pairs = prepare(args.writers)
    port = free_port()
    log = open(WORK / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "actionplan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        results: list = []
        deadline = time.monotonic() + args.seconds
        threads = [Writer(base, u, p, deadline, results) for u, p in pairs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 120)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
    server_log = (WORK / "server.log").read_text()
    ok = [d for s, d in results if s in (200, 302)]
    failed = [s for s, _ in results if s not in (200, 302)]
    locked = server_log.count("database is locked")
    times = sorted(ok) or [0.0]
    print(f"SQLite, {args.writers} writers x {args.seconds} s over loopback (gunicorn, 4 workers)")
    print(
        f"  saves: {len(ok)} ok, {len(failed)} failed ({sorted(set(map(str, failed)))}), "
        f"{len(ok) / args.seconds:.1f} saves/s"
    )
    print(
        f"  latency: median {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )
    print(f"  'database is locked' in server log: {locked}")
    return 0 if not failed and not locked and ok else 1


if __name__ == "__main__":
    sys.exit(main())
