"""`backup_db --out FILE`: a consistent backup of the live database.

PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore --dbname NEWDB FILE`).
SQLite: the online backup API, page by page, while the application keeps running; never a copy
of the live file, which can catch a half-written transaction or miss the WAL.
"""

import os
import sqlite3
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Back up the database: pg_dump custom format on PostgreSQL, online backup on SQLite."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="backup file to write")

    def handle(self, *args, out: str, **options):
        vendor = connection.vendor
        if vendor == "sqlite":
            self._sqlite(out)
        elif vendor == "postgresql":
            self._postgres(out)
        else:
            raise CommandError(f"unsupported database {vendor}")
        self.stdout.write(f"backup written: {out} ({os.path.getsize(out):,} bytes)")

    def _sqlite(self, out: str) -> None:
        connection.ensure_connection()
        target = sqlite3.connect(out)
        try:
            with target:
                connection.connection.backup(target, pages=256)
        finally:
            target.close()

    def _postgres(self, out: str) -> None:
        settings = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
        command = [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--file={out}",
            f"--host={settings.get('HOST') or 'localhost'}",
            f"--port={settings.get('PORT') or 5432}",
            f"--username={settings.get('USER') or 'postgres'}",
            settings["NAME"],
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
