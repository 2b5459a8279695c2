"""Migrate-in-place drill (issue 13): a database made by the code of main before the apps were
split keeps every row when today's code migrates it.

1. The code of BASE (the last commit before the restructure) is unpacked from git into a
   temporary folder; with it, a scratch database is migrated and the demo office loaded.
2. Every table's row count (all tables, by name, counted with SQL) and the demo plan's figures
   (`plan_summary --json`) are taken.
3. Today's code migrates the same database (the moved models' state-only migrations and the
   stored line amounts); the counts and figures are taken again and must be equal, and
   `verify_amounts` must find every stored line amount equal to its formula.

    .venv/bin/python ops/migrate_in_place_drill.py              # SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/x .venv/bin/python ops/migrate_in_place_drill.py
                                                               # a scratch database on that server

Prints the figures; exits 1 on any difference. About 30 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BASE = "54a69b59e6494589f35bd6ed08ed90c08ba865a6"  # main before issue 13 split projects/

COUNT = (
    "import json; from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    tables = sorted(connection.introspection.table_names(c))\n"
    "    counts = {}\n"
    "    for t in tables:\n"
    "        c.execute('SELECT COUNT(*) FROM ' + connection.ops.quote_name(t))\n"
    "        counts[t] = c.fetchone()[0]\n"
    "print('COUNTS' + json.dumps(counts))\n"
)


# manage.py of `cwd` without the virtualenv's editable-install finder: it maps this checkout's
# packages, so an older checkout would import the newer one's modules it lacks (templatetags).
BOOT = (
    "import runpy, sys; "
    "sys.meta_path[:] = [f for f in sys.meta_path "
    "if 'editable' not in getattr(f, '__module__', '') + type(f).__module__]; "
    "sys.argv = ['manage.py', *sys.argv[1:]]; runpy.run_path('manage.py', run_name='__main__')"
)


def run(cwd: Path, *args: str, env: dict) -> str:
    done = subprocess.run([PY, "-c", BOOT, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    if done.returncode:
        sys.stdout.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed in {cwd}")
    return done.stdout


def counts(cwd: Path, env: dict) -> dict[str, int]:
    out = run(cwd, "shell", "-c", COUNT, env=env)
    return json.loads(out[out.index("COUNTS") + 6 :])


def figures(cwd: Path, env: dict) -> dict:
    return json.loads(
        run(cwd, "plan_summary", "--office", "PTL2", "--year", "2566", "--json", env=env)
    )


def scratch_database(work: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{work / 'drill.sqlite3'}", lambda: None
    import psycopg2

    parts = urlsplit(url)
    name = f"drill_in_place_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def execute(sql: str) -> None:
        conn = psycopg2.connect(admin)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    execute(f'CREATE DATABASE "{name}"')

    def drop():
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="migrate-in-place-") as tmp:
        work = Path(tmp)
        base = work / "base"
        base.mkdir()
        archive = subprocess.run(
            ["git", "archive", BASE], cwd=ROOT, capture_output=True, check=True
        )
        tarfile.open(fileobj=BytesIO(archive.stdout)).extractall(base, filter="data")
        url, drop = scratch_database(work)
        env = {**os.environ, "DEBUG": "1", "DATABASE_URL": url, "PYTHONPATH": ""}
        try:
            run(base, "migrate", "--noinput", env=env)
            run(base, "load_demo", env=env)
            before, figures_before = counts(base, env), figures(base, env)
            print(f"made by {BASE[:10]}: {len(before)} tables, {sum(before.values())} rows")
            out = run(ROOT, "migrate", "--noinput", env=env)
            applied = [
                line.strip() for line in out.splitlines() if line.strip().startswith("Applying")
            ]
            print(f"today's code applied {len(applied)} migrations:")
            for line in applied:
                print("   ", line)
            after, figures_after = counts(ROOT, env), figures(ROOT, env)
            # django_migrations grows by the migrations just applied, and the content types and
            # permissions by the apps added since (notify, setup, …); every other table is data.
            grows = {"django_migrations", "django_content_type", "auth_permission"}
            lost = {
                t: (n, after.get(t))
                for t, n in before.items()
                if after.get(t) != n and not (t in grows and (after.get(t) or 0) >= n)
            }
            if lost:
                print("tables whose rows changed (before, after):")
                for table, (was, now) in sorted(lost.items()):
                    print(f"    {table}: {was} -> {now}")
                return 1
            if figures_before != figures_after:
                print("plan figures differ:", figures_before, figures_after)
                return 1
            print(run(ROOT, "verify_amounts", env=env).strip())
            kept = sum(n for t, n in before.items() if t != "django_migrations")
            print(f"migrate-in-place drill passed: {kept} rows in {len(before)} tables kept, "
                  f"plan total {figures_after.get('plan_total')} unchanged")  # fmt: skip
            return 0
        finally:
            drop()


if __name__ == "__main__":
    sys.exit(main())
