"""What the scripts of bench/ share: Django on a scratch database, the timing loop, and a
loopback HTTP client with a gunicorn launcher for the scripts that drive real servers.

Scripts run as `python bench/NAME.py`, so this module imports as `_common`:

    import _common

    WORK = _common.setup_django("pdf-bench")  # before any model import
    timing = _common.timed(lambda i: render(), runs=5)
    print(f"{timing.ms:.1f} ms, {timing.queries} queries")

Figures only: nothing here passes or fails on time.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup_django(name: str, *, fast_passwords: bool = True, migrate: bool = True) -> Path:
    """Set Django up on a scratch SQLite file in a new temporary folder, with MEDIA_ROOT and
    the PDF cache under it: never the project's database or files, whatever DATABASE_URL or
    MEDIA_ROOT say. Returns the folder.

    fast_passwords: users made in-process get MD5 hashes (a PBKDF2 hash costs ~0.5 s); turn it
    off when a separate server process checks those passwords.
    """
    work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        SQLITE_PATH=str(work / "bench.sqlite3"),
        MEDIA_ROOT=str(work / "media"),
        PDF_CACHE_DIR=str(work / "media" / "pdf-cache"),
        DJANGO_SETTINGS_MODULE="actionplan.settings",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]  # the test client's "testserver"
    if fast_passwords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if migrate:
        call_command("migrate", verbosity=0)
    return work


# --- Timing ----------------------------------------------------------------------------------


class QueryCounter:
    """Counts every statement sent (Django's own query log keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Timing:
    seconds: float  # median over the runs
    queries: int  # statements sent by the last run
    result: Any  # what the last run returned
    times: list[float]

    @property
    def ms(self) -> float:
        return self.seconds * 1000


def timed(
    fn: Callable[[Any], Any],
    runs: int,
    *,
    prepare: Callable[[], Any] | None = None,
    warmup: int = 0,
) -> Timing:
    """Call fn `runs` times and time each call: fn(prepare()) when `prepare` is given (its work is
    not timed), else fn(run index). `warmup` untimed calls come first."""
    from django.db import connection

    for _ in range(warmup):
        fn(prepare() if prepare else -1)
    times: list[float] = []
    counter, result = QueryCounter(), None
    for i in range(runs):
        arg = prepare() if prepare else i
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = fn(arg)
            times.append(time.perf_counter() - started)
    return Timing(statistics.median(times), counter.count, result, times)


def page_timing(client_or_user, url: str, runs: int, *, method: str = "get", prepare=None):
    """Server time of a page through Django's test client (session, user and nav included):
    GET by default, or POST of prepare()'s data. Any answer but 200/302 stops the benchmark."""
    from django.test import Client

    client = client_or_user
    if not isinstance(client, Client):
        client = Client()
        client.force_login(client_or_user)

    def request(data):
        response = getattr(client, method)(url, data) if prepare else getattr(client, method)(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        return response

    return timed(request, runs, prepare=prepare, warmup=0 if prepare else 1)


# --- Loopback HTTP: real servers on 127.0.0.1 --------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client for one person on one server (CSRF token from the cookie);
    `base` may be changed to carry the same cookies to another server."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def session_key(self) -> str:
        return next((c.value for c in self.jar if c.name == "sessionid"), "")

    def get(self, path: str, timeout: float = 60) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(self.base + path), timeout)

    def post(self, path: str, data: dict, files: dict | None = None, timeout: float = 60):
        """POST a form (with the CSRF token); `files` maps a field to (file name, bytes)."""
        fields = {**data, "csrfmiddlewaretoken": self.csrf()}
        headers = {"Referer": self.base + path}
        if files:
            body, headers["Content-Type"] = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, body, headers), timeout)

    def login(self, username: str, password: str) -> int:
        self.get("/accounts/login/")
        status, _, _ = self.post("/accounts/login/", {"username": username, "password": password})
        return status

    def _open(self, request, timeout: float) -> tuple[int, dict, bytes]:
        """(status, headers, body); redirects are answers, not followed."""
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def start_process(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A child in its own process group (stop_process ends the group), output to `log`."""
    with open(log, "w") as handle:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )


def start_gunicorn(port: int, env: dict, log: Path, workers: int = 2) -> subprocess.Popen:
    return start_process(
        [
            *(sys.executable, "-m", "gunicorn", "actionplan.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"),
            *("--log-level", "warning"),
        ],
        env,
        log,
    )


def wait_healthy(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base} did not answer /healthz within {seconds:.0f} s")
        time.sleep(0.2)


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the child's process group (gunicorn's workers too), then wait."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)


# --- Alternation: every figure next to its floor in the same run --------------------------------


@dataclass
class Series:
    """The seconds of one path over the rounds of `alternate`, with the queries of its last run."""

    label: str
    times: list[float]
    queries: int
    result: Any

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def ratios(self, floor: Series) -> list[float]:
        """Round by round: this path's time over the floor's time of the same round."""
        return [mine / theirs for mine, theirs in zip(self.times, floor.times, strict=True)]


def alternate(paths: dict[str, Callable[[int], Any]], rounds: int) -> dict[str, Series]:
    """Run the paths one after another in every round (A B C A B C …), so a load that comes and
    goes on the machine falls on all of them alike; fn gets the round's index."""
    from django.db import connection

    series = {label: Series(label, [], 0, None) for label in paths}
    for round_index in range(rounds):
        for label, fn in paths.items():
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                result = fn(round_index)
                series[label].times.append(time.perf_counter() - started)
            series[label].queries, series[label].result = counter.count, result
    return series


def load_average() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


FLOOR_PATH = "/__bench_floor__/"


def install_stack_floor() -> str:
    """Serve FLOOR_PATH next to the app's own URLs: an empty page that extends base.html, through
    the same middleware, session, user and navigation as every page (the fixed cost a page can
    never go below). Returns the path."""
    import types

    from django.conf import settings
    from django.shortcuts import render
    from django.urls import clear_url_caches, include, path

    from actionplan import urls

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path(FLOOR_PATH.strip("/") + "/", lambda request: render(request, "base.html", {})),
        path("", include(urls)),
    ]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(urls, name):
            setattr(module, name, getattr(urls, name))
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()
    return FLOOR_PATH


def alternate_pages(client, pages: dict[str, str], rounds: int) -> dict[str, Series]:
    """GET each page once per round in turn, through Django's test client (session, user and nav
    included); include install_stack_floor()'s path among them to have the floor in the same
    rounds. One untimed GET of each first. Any answer but 200 stops the benchmark."""

    def getter(url):
        def get(_):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    for url in pages.values():
        getter(url)(-1)
    return alternate({label: getter(url) for label, url in pages.items()}, rounds)


def execute_on_server(url: str, sql: str) -> None:
    """One statement outside a transaction on the PostgreSQL server at `url` (CREATE or DROP
    DATABASE for the scripts that make a database of their own)."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()
