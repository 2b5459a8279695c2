"""Shared fixtures. Personas for the permission matrix:

- anonymous: redirected to login everywhere.
- planner_a1: planner of group A1 (กลุ่มอำนวยการ) of office A: sees and edits A1's drafts.
- planner_a2: planner of group A2 (กลุ่มนโยบายและแผน) of office A: A1's projects are 404.
- outsider: planner of office B: everything of office A is 404.
- director_a, deputy_a, plan_admin_a: see every project of office A.
"""

import os
import subprocess

import pytest
from django.utils import translation

from actionplan.models import Role, StandardGroup
from tests import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM + sync Playwright in one test


@pytest.fixture
def office_a(db):
    return f.make_office("A")


@pytest.fixture
def office_b(db):
    return f.make_office("B")


@pytest.fixture
def plan_a(office_a):
    return f.make_plan(office_a, 2567)


@pytest.fixture
def planner_a1(office_a):
    return f.make_user(office_a, Role.PLANNER, f.group(office_a, StandardGroup.ADMIN), "planner_a1")


@pytest.fixture
def planner_a2(office_a):
    return f.make_user(office_a, Role.PLANNER, f.group(office_a, StandardGroup.PLAN), "planner_a2")


@pytest.fixture
def outsider(office_b):
    return f.make_user(office_b, Role.PLANNER, f.group(office_b, StandardGroup.ADMIN), "outsider")


@pytest.fixture
def director_a(office_a):
    return f.make_user(office_a, Role.DIRECTOR, None, "director_a")


@pytest.fixture
def deputy_a(office_a):
    return f.make_user(office_a, Role.DEPUTY_DIRECTOR, None, "deputy_a")


@pytest.fixture
def plan_admin_a(office_a):
    return f.make_user(
        office_a, Role.PLAN_ADMIN, f.group(office_a, StandardGroup.PLAN), "plan_admin_a"
    )


@pytest.fixture
def project_a1(plan_a, office_a):
    return f.make_project(
        plan_a, unit=f.group(office_a, StandardGroup.ADMIN), name_th="โครงการของกลุ่มอำนวยการ"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _thai_unless_switched():
    """Every test starts and ends in Thai, the default. Code that translates at call time would
    otherwise get the language of an earlier test's request: LocaleMiddleware activates the
    request's language on the thread and nothing deactivates it after the response."""
    translation.activate("th")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _flushes_the_database(request) -> bool:
    """Whether pytest-django ran this test as a TransactionTestCase (its own rule)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker) and (
        marker.kwargs.get("transaction", bool(marker.args and marker.args[0]))
        or marker.kwargs.get("reset_sequences", False)
    )
    names = request.fixturenames
    return transactional or any(
        name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )


def pytest_fixture_post_finalizer(fixturedef, request):
    """A transactional test ends with a flush of every table, which also empties the reference
    data the data migrations created (expense categories, fund sources). Put it back right after
    pytest-django's flush, so every later test, transactional or not, starts with it."""
    if fixturedef.argname != "_django_db_helper" or not _flushes_the_database(request):
        return
    from pytest_django.plugin import blocking_manager_key

    with request.config.stash[blocking_manager_key].unblock():
        f.ensure_reference_data()


# --- A real full disk ---------------------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path):
    """mount(size) -> a directory on a real tmpfs of that size (the kernel answers ENOSPC when
    it is full), unmounted afterwards; the test is skipped where mounting is refused (not root)."""
    mounts = []

    def mount(size: str = "1m"):
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs to fill up needs root")
        path = tmp_path / f"tmpfs{len(mounts)}"
        path.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounts.append(path)
        return path

    yield mount
    for path in mounts:
        subprocess.run(["umount", "-l", str(path)], check=False)
