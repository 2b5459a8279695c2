"""A PDF that waits for a worker that is not running says so, in Thai, with what to do
(issue 16): queued 30 seconds and no heartbeat from `run_worker` (actionplan/worker.py)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actionplan import worker
from actionplan.models import WorkerHeartbeat
from printing.models import PlanRender, RenderStatus

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MESSAGE = "ยังไม่มีตัวประมวลผลเบื้องหลัง (worker) ทำงานอยู่"


def queued(plan, seconds_ago):
    render = PlanRender.objects.create(plan=plan, version_key="v", status=RenderStatus.QUEUED)
    PlanRender.objects.filter(pk=render.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return render


def status_page(client, plan, render):
    return client.get(reverse("print:render_status", args=[plan.pk, render.pk])).content.decode()


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_BACKEND


def test_a_job_waiting_with_no_worker_says_what_to_do(client, plan_a, director_a, db_tasks):
    render = queued(plan_a, seconds_ago=45)
    client.force_login(director_a)
    page = status_page(client, plan_a, render)
    assert MESSAGE in page and "make run" in page and "run_worker" in page
    book = client.get(reverse("print:plan_book", args=[plan_a.pk])).content.decode()
    assert MESSAGE in book


def test_a_live_worker_or_a_short_wait_says_nothing(client, plan_a, director_a, db_tasks):
    client.force_login(director_a)
    assert MESSAGE not in status_page(client, plan_a, queued(plan_a, seconds_ago=5))
    old = queued(plan_a, seconds_ago=120)
    worker.beat("host-123")
    assert MESSAGE not in status_page(client, plan_a, old)
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=31))
    assert MESSAGE in status_page(client, plan_a, old)


def test_rq_installations_are_not_watched(client, plan_a, director_a, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    client.force_login(director_a)
    assert MESSAGE not in status_page(client, plan_a, queued(plan_a, seconds_ago=300))


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="a thread of its own needs its own connection: the in-memory SQLite test database "
    "is one connection shared by every thread, which the heart closes when it stops",
)
def test_the_heart_records_its_worker_in_its_own_thread(transactional_db):
    heart = worker.Heart("thread-test", interval=0.05)
    heart.start()
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while not WorkerHeartbeat.objects.filter(worker_id="thread-test").exists():
            assert timezone.now() < deadline
    finally:
        heart.stop()
        heart.join(5)
    assert worker.worker_alive()
