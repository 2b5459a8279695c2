"""SQLite under concurrent writers: 10 planners save whole projects for DURATION seconds through
gunicorn on loopback. Passes when no request fails and the server never logs "database is locked".

Run: DEBUG=1 .venv/bin/python bench/sqlite_writers.py [--seconds 60] [--writers 10]
Prints requests, saves per second, latency percentiles and errors; exits 1 on any failure.
Traffic goes only to 127.0.0.1, bounded in time; the server is stopped at the end.
"""

import argparse
import os
import statistics
import sys
import threading
import time

import _common

WORK = _common.setup_django("sqlite-writers", fast_passwords=False)

from actionplan.models import StandardGroup  # noqa: E402
from projects.models import Project  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.projects.test_views import resubmit_data  # noqa: E402


def prepare(writers: int):
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
        self.browser = _common.Browser(base)
        self.user, self.project = user, project
        self.deadline, self.results = deadline, results

    def run(self):
        self.browser.login(self.user.username, f.PASSWORD)
        path = f"/projects/{self.project.pk}/edit/"
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            self.browser.get(path)
            data = resubmit_data(Project.objects.get(pk=self.project.pk))
            data["name_th"] = f"โครงการทดสอบพร้อมกัน {self.user.username} รอบ {n}"
            start = time.perf_counter()
            try:
                status, _, _ = self.browser.post(path, data)
            except OSError as exc:  # connection problems count as failures too
                status = f"{type(exc).__name__}"
            self.results.append((status, time.perf_counter() - start))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--writers", type=int, default=10)
    args = parser.parse_args()
    pairs = prepare(args.writers)
    port = _common.free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    server = _common.start_gunicorn(port, env, WORK / "server.log", workers=4)
    try:
        base = f"http://127.0.0.1:{port}"
        _common.wait_healthy(base)
        results: list = []
        deadline = time.monotonic() + args.seconds
        threads = [Writer(base, u, p, deadline, results) for u, p in pairs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 120)
    finally:
        _common.stop_process(server)
    server_log = (WORK / "server.log").read_text()
    ok = [d for s, d in results if s in (200, 302)]
    failed = [s for s, _ in results if s not in (200, 302)]
    locked = server_log.count("database is locked")
    times = sorted(ok) or [0.0]
    print(
        f"SQLite, {args.writers} writers x {args.seconds} s over loopback (gunicorn, 4 workers);"
        f" {_common.load_average()}"
    )
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
