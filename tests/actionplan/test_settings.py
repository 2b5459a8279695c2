"""Settings read from the environment: the background-job backend and the variable list.

The settings module is executed afresh (runpy) with a patched environment, so these tests never
disturb the running configuration; one subprocess proves a task really lands on the backend
the variable names.
"""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "actionplan" / "settings.py"
ENV_EXAMPLE = Path(django_settings.BASE_DIR) / ".env.example"


def load_settings(monkeypatch, **env) -> dict:
    monkeypatch.setenv("DEBUG", "1")
    for name in ("TASKS_BACKEND", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


class TestTasksBackend:
    def test_the_database_backend_is_the_default(self, monkeypatch):
        values = load_settings(monkeypatch)
        assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
        assert "django_tasks_db" in values["INSTALLED_APPS"]
        assert "RQ_QUEUES" not in values

    def test_an_empty_variable_keeps_the_default(self, monkeypatch):
        values = load_settings(monkeypatch, TASKS_BACKEND="")
        assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"

    def test_the_variable_names_the_backend(self, monkeypatch):
        immediate = "django_tasks.backends.immediate.ImmediateBackend"
        values = load_settings(monkeypatch, TASKS_BACKEND=immediate)
        assert values["TASKS"] == {"default": {"BACKEND": immediate, "QUEUES": ["default"]}}

    def test_the_rq_backend_brings_its_apps_and_the_redis_queue(self, monkeypatch):
        values = load_settings(
            monkeypatch, TASKS_BACKEND="django_tasks_rq.RQBackend", REDIS_URL="redis://10.0.0.5/1"
        )
        assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
        assert values["INSTALLED_APPS"][-2:] == ["django_rq", "django_tasks_rq"]
        # The database backend's app stays: its table and migrations remain consistent.
        assert "django_tasks_db" in values["INSTALLED_APPS"]
        assert values["RQ_QUEUES"] == {
            "default": {"URL": "redis://10.0.0.5/1", "DEFAULT_TIMEOUT": 3600}
        }

    def test_a_task_is_enqueued_on_the_backend_the_variable_names(self):
        """In a fresh process: the plan-book task resolves to the configured backend class."""
        code = (
            "import django; django.setup()\n"
            "from printing.tasks import render_plan_book\n"
            "print(type(render_plan_book.get_backend()).__module__, end='')\n"
        )
        env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "actionplan.settings"}
        found = {}
        for value in ("", "django_tasks.backends.dummy.DummyBackend"):
            result = subprocess.run(
                [sys.executable, "-c", code],
                env={**env, "TASKS_BACKEND": value},
                cwd=django_settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            found[value] = result.stdout
        assert found == {
            "": "django_tasks_db.backend",
            "django_tasks.backends.dummy.DummyBackend": "django_tasks.backends.dummy",
        }


def test_the_env_example_lists_every_variable_the_settings_read():
    source = SETTINGS_FILE.read_text(encoding="utf-8")
    read = set(re.findall(r'(?:env_\w+\(|environ\.get\(|env=)\s*"([A-Z][A-Z0-9_]+)"', source))
    read |= set(re.findall(r"environ\.get\('([A-Z][A-Z0-9_]+)'", source))
    listed = {
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert {"TASKS_BACKEND", "IMPORT_PENDING_HOURS", "SQLITE_PATH"} <= read
    assert read - listed == set()


@pytest.mark.parametrize("value", ["", "48"])
def test_the_import_preview_lifetime_is_read_from_the_environment(monkeypatch, value):
    values = load_settings(monkeypatch, IMPORT_PENDING_HOURS=value)
    assert values["IMPORT_PENDING_HOURS"] == (int(value) if value else 24)
