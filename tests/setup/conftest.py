"""Fixtures of the set-up tests. Personas (tests/conftest.py): plan_admin_a, director_a may set
up office A; planner_a1 and deputy_a may not (403); outsider belongs to office B (404 on A's
objects); a plan administrator manages accounts up to their own rank (never the director's)."""

from __future__ import annotations

import pytest

from actionplan.models import Role
from tests import factories as f


@pytest.fixture
def admin_a(client, plan_admin_a):
    client.force_login(plan_admin_a)
    return client


@pytest.fixture
def plan_admin_b(office_b):
    return f.make_user(office_b, Role.PLAN_ADMIN, None, "plan_admin_b")
