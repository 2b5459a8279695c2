"""Is a background worker running? `run_worker` beats every HEARTBEAT_SECONDS (WorkerHeartbeat);
a page whose job has waited WORKER_MISSING_AFTER seconds asks here before telling the user, in
Thai, that nothing is running and what to do (issue 16). Only the database task backend is
watched: RQ workers are supervised by their own process manager (docs/deploy.md)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from actionplan.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
WORKER_MISSING_AFTER = 30  # seconds a job may wait before the page says no worker runs


def watched() -> bool:
    """Whether this installation's jobs are run by `run_worker` (the database backend)."""
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db.")


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64], defaults={"seen_at": timezone.now()}
    )


def worker_alive(now: datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - timedelta(seconds=WORKER_MISSING_AFTER)
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).exists()


def worker_missing(queued_at: datetime, now: datetime | None = None) -> bool:
    """A job queued at `queued_at` still waits, WORKER_MISSING_AFTER seconds on, and no worker
    has beaten in that time."""
    now = now or timezone.now()
    if not watched() or now - queued_at < timedelta(seconds=WORKER_MISSING_AFTER):
        return False
    return not worker_alive(now)


class Heart(threading.Thread):
    """The worker process's heartbeat, in its own thread and database connection."""

    def __init__(self, worker_id: str, interval: float = HEARTBEAT_SECONDS):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id, self.interval = worker_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.worker_id)
            except DatabaseError as exc:  # an outage: the worker itself waits it out too
                logger.info("heartbeat not recorded: %s", exc)
                connection.close()
            self.stopped.wait(self.interval)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
