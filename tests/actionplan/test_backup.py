"""backup_db on SQLite uses the online backup API: the copy opens and holds the same rows."""

import sqlite3
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests import factories as f

# No open test transaction: the backup must read committed pages, as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL is covered by ops/restore_drill.sh in CI"
)
def test_sqlite_backup_holds_every_row(tmp_path):
    project = f.make_project(f.make_plan())
    f.make_line(f.make_activity(project), "ค่าวัสดุ", amount="1500", category_code="materials")
    out = tmp_path / "backup.sqlite3"
    buf = StringIO()
    call_command("backup_db", out=str(out), stdout=buf)
    assert "backup written" in buf.getvalue()
    copy = sqlite3.connect(out)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = copy.execute("SELECT name_th FROM projects_project").fetchall()
        amounts = copy.execute("SELECT plain_amount FROM budgets_budgetline").fetchall()
    finally:
        copy.close()
    assert names == [(project.name_th,)]
    assert [float(a[0]) for a in amounts] == [1500.0]
