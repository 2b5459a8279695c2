#!/usr/bin/env python3
"""The project editor under load: USERS planners, each logged in on their own 40-line project,
open the editor and save it again (GET + POST, as a browser sends the page's own form back
with the project renamed; the form is parsed from the first page, the version from each) for SECONDS seconds through gunicorn (3 workers) on loopback.

    DEBUG=1 .venv/bin/python bench/editor_load.py [--users 16] [--seconds 40] [--workers 3] [--debug]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5441/editbench ... (PostgreSQL)

SQLite: a scratch file; PostgreSQL (--database-url or BENCH_DATABASE_URL): a new database on
that server, dropped at the end. Prints saves per second, p50/p95 latency of the GET and of
the POST, errors and the load average before and after. The server runs as an office server
does, DEBUG off (--debug: on, as this script ran before December 2026). Figures only: nothing passes or fails
on time (exit 1 only when a request failed). Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402


def setup(database_url: str) -> tuple[Path, str | None]:
    """Django on a scratch database; returns the work folder and the PostgreSQL database made."""
    if not database_url:
        return _common.setup_django("editor-load", fast_passwords=False), None
    import tempfile

    name = f"editor_load_{uuid.uuid4().hex[:8]}"
    _common.execute_on_server(database_url, f'CREATE DATABASE "{name}"')
    work = Path(tempfile.mkdtemp(prefix="editor-load-"))
    sys.path.insert(0, str(_common.ROOT))
    os.environ.update(
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="actionplan.settings",
        DATABASE_URL=f"{database_url.rsplit('/', 1)[0]}/{name}",
        MEDIA_ROOT=str(work / "media"),
        PDF_CACHE_DIR=str(work / "media" / "pdf-cache"),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return work, name


def prepare(users: int, activities: int, lines_per: int, kpis: int):
    from django.contrib.auth.hashers import make_password

    from actionplan.models import StandardGroup, User
    from tests import factories as f

    office = f.make_office("LOAD")
    plan = f.make_plan(office, 2567)
    f.make_strategy(plan)
    units = list(office.units.exclude(standard_code=StandardGroup.AUDIT))
    pairs = []
    for i in range(users):
        unit = units[i % len(units)]
        user = f.make_user(office, unit=unit, username=f"editor{i}")
        project = f.make_project(plan, unit=unit, name_th=f"โครงการทดสอบภาระ {i}")
        for _ in range(activities):
            activity = f.make_activity(project, "ประชุมเชิงปฏิบัติการ", months=[4, 5, 6])
            for _ in range(lines_per):
                f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
            f.set_quarters(activity, 0, 1120 * lines_per)
        for _ in range(kpis):
            f.make_indicator(project)
        pairs.append((user, project))
    # one real (PBKDF2) hash for everybody: the server checks it at each login
    User.objects.filter(pk__in=[u.pk for u, _ in pairs]).update(password=make_password(f.PASSWORD))
    return pairs


class Editor(threading.Thread):
    """One planner: open the editor, send its form back renamed, again until the deadline."""

    def __init__(self, base, user, project, start_at, deadline, results):
        super().__init__(daemon=True)
        self.browser = _common.Browser(base)
        self.user, self.project = user, project
        self.start_at, self.deadline, self.results = start_at, deadline, results

    def run(self):
        from tests import factories as f
        from tests.projects.test_editor_size import browser_post

        self.browser.login(self.user.username, f.PASSWORD)
        path = f"/projects/{self.project.pk}/edit/"
        while time.monotonic() < self.start_at:
            time.sleep(0.01)
        n, form = 0, None
        while time.monotonic() < self.deadline:
            n += 1
            started = time.perf_counter()
            try:
                status, _, body = self.browser.get(path)
            except OSError as exc:
                self.results.append(("GET", type(exc).__name__, time.perf_counter() - started))
                continue
            self.results.append(("GET", status, time.perf_counter() - started))
            if status != 200:
                continue
            page = body.decode()
            if form is None:
                form = browser_post(page)
            # The page's form as a browser sends it back, parsed once per planner: between two
            # opens only the version changes (it is read from each page), so the client's own
            # work stays small and the two cores go to the server (parsing the 262 KB page took
            # the client ~60 ms of CPU a cycle, a third of the machine).
            version = VERSION.search(page)
            if version is None:
                self.results.append(("GET", "no version field", 0.0))
                continue
            changed = {
                "name_th": f"โครงการทดสอบภาระ {self.user.username} รอบ {n}",
                "version": version.group(1),
            }
            pairs = [(k, changed.get(k, v)) for k, v in form]
            started = time.perf_counter()
            try:
                status, _, _ = self.browser.post(path, dict_of(pairs))
            except OSError as exc:
                status = type(exc).__name__
            self.results.append(("POST", status, time.perf_counter() - started))


VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)"')


def dict_of(pairs):
    """Pairs as urlencode(doseq=True) wants them: a name given twice becomes a list."""
    data: dict = {}
    for key, value in pairs:
        if key in data:
            data[key] = [*data[key], value] if isinstance(data[key], list) else [data[key], value]
        else:
            data[key] = value
    return data


def percentile(values: list[float], p: float) -> float:
    values = sorted(values) or [0.0]
    return values[max(0, min(len(values) - 1, int(round(len(values) * p)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--activities", type=int, default=10)
    parser.add_argument("--lines-per-activity", type=int, default=4)
    parser.add_argument("--kpis", type=int, default=10)
    parser.add_argument(
        "--debug", action="store_true", help="run the server with DEBUG on (as before 2026-12)"
    )
    args = parser.parse_args()
    work, pg_name = setup(args.database_url)
    try:
        return run(args, work)
    finally:
        if pg_name:
            from django.db import connections

            connections.close_all()
            _common.execute_on_server(
                args.database_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'
            )


def run(args, work: Path) -> int:
    from django.db import connection

    pairs = prepare(args.users, args.activities, args.lines_per_activity, args.kpis)
    vendor = connection.vendor
    connection.close()
    port = _common.free_port()
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        # the checkout this script is in, whatever the virtualenv's editable install points at
        "PYTHONPATH": str(_common.ROOT),
    }
    if not args.debug:
        # As an office server runs: DEBUG off (no SQL log, no template debug information),
        # the static files collected; plain HTTP on loopback, so no HTTPS redirect or secure
        # cookies.
        env.update(
            DEBUG="0",
            SECRET_KEY=f"editor-load-bench-{uuid.uuid4().hex}",
            SECURE_COOKIES="0",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(work / "static"),
        )
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=_common.ROOT,
            env=env,
            check=True,
        )
    server = _common.start_gunicorn(port, env, work / "server.log", workers=args.workers)
    results: list = []
    try:
        base = f"http://127.0.0.1:{port}"
        _common.wait_healthy(base)
        load_before = os.getloadavg()
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        start_at = time.monotonic() + 2 + 0.4 * args.users  # after every login
        deadline = start_at + args.seconds
        threads = [Editor(base, u, p, start_at, deadline, results) for u, p in pairs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 180)
        load_after = os.getloadavg()
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        probe = _common.Browser(base)
        probe.login(pairs[0][0].username, "correct-horse-battery-9")
        _, _, page = probe.get(f"/projects/{pairs[0][1].pk}/edit/")
    finally:
        _common.stop_process(server)
    server_log = (work / "server.log").read_text()
    gets = [d for kind, s, d in results if kind == "GET" and s == 200]
    saves = [d for kind, s, d in results if kind == "POST" and s == 302]
    errors = [(kind, s) for kind, s, _ in results if s not in (200, 302)]
    lines = args.activities * args.lines_per_activity
    print(
        f"editor load: {vendor}, {args.users} users x {args.seconds} s, gunicorn "
        f"{args.workers} workers, DEBUG {'on' if args.debug else 'off'}, {lines}-line projects (page {len(page) // 1024} KB; "
        f"{'new' if b'formula-hint' in page else 'old'} editor)"
    )
    print(
        f"  saves/s {len(saves) / args.seconds:.2f} ({len(saves)} saves, {len(gets)} opens) | "
        f"POST p50 {statistics.median(saves or [0]) * 1000:.0f} ms "
        f"p95 {percentile(saves, 0.95) * 1000:.0f} ms | "
        f"GET p50 {statistics.median(gets or [0]) * 1000:.0f} ms "
        f"p95 {percentile(gets, 0.95) * 1000:.0f} ms"
    )
    print(
        f"  errors {len(errors)} {sorted(set(map(str, errors)))[:5]} | 'database is locked' in "
        f"server log: {server_log.count('database is locked')} | load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    client_cpu = sum(
        getattr(client_after, f) - getattr(client_before, f) for f in ("ru_utime", "ru_stime")
    )
    print(
        f"  the load client's own CPU: {client_cpu:.1f} s, "
        f"{client_cpu / max(1, len(saves)) * 1000:.0f} ms per GET+POST cycle "
        f"(the machine's {os.cpu_count()} cores: {args.seconds * os.cpu_count()} CPU-s)"
    )
    return 1 if errors or not saves else 0


if __name__ == "__main__":
    sys.exit(main())
