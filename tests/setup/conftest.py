"""Fixtures of the set-up tests. Personas (tests/conftest.py): plan_admin_a, director_a may set
up office A; planner_a1 and deputy_a may not (403); outsider belongs to office B (404 on A's
objects); a plan administrator manages accounts up to their own rank (never the director's)."""

from __future__ import annotations

import pytest
from django.utils import translation

from actionplan.models import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def thai_unless_switched():
    """Every set-up test starts and ends in Thai, the default. The set-up code translates at call
    time, and a request made in English leaves English active on the thread (LocaleMiddleware
    activates, nothing deactivates), which would otherwise leak into the next test's direct
    calls of checklist.build or the services."""
    translation.activate("th")
    yield
    translation.deactivate()


@pytest.fixture
def admin_a(client, plan_admin_a):
    client.force_login(plan_admin_a)
    return client


@pytest.fixture
def plan_admin_b(office_b):
    return f.make_user(office_b, Role.PLAN_ADMIN, None, "plan_admin_b")
