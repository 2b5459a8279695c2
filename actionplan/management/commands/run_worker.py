"""`db_worker` that outlives a database outage: the PDF worker to run in production.

django-tasks-db's `db_worker` exits on the first OperationalError other than "database is
locked", so a PostgreSQL restart or a few seconds of network trouble stops every worker until
someone restarts them. This command runs the same worker loop (same options) and, when the
database goes away, closes the broken connections, retries with a growing wait (0.5 s doubling
up to --max-backoff) until the database answers, then resumes polling. A task interrupted by the
outage cannot record its own result; once the database is back it is marked failed, instead of
staying "running" for ever. The process manager's restart (Restart=always, docs/deploy.md)
remains the second line of defence.

    python manage.py run_worker [db_worker's options] [--max-backoff SECONDS]
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
from argparse import ArgumentParser, ArgumentTypeError

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from actionplan.worker import Heart

logger = logging.getLogger("django_tasks_db")

FIRST_WAIT = 0.5  # seconds before the first reconnection attempt


class ReconnectingWorker(db_worker.Worker):
    """django-tasks-db's worker loop, resumed after the database comes back."""

    def __init__(self, *, max_backoff: float = 15.0, **options):
        super().__init__(**options)
        self.max_backoff = max_backoff
        self.current: DBTaskResult | None = None
        self.reconnections = 0

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as exc:
                if not self.running or connections["default"].in_atomic_block:
                    raise  # stopping, or inside a caller's transaction: nothing to resume
                interrupted, self.current = self.current, None
                logger.warning("Database unavailable (%s); worker %s waits.", exc, self.worker_id)
                self.wait_for_database()
                self.reconnections += 1
                self.startup_delay = False
                if interrupted is not None:
                    self.fail_interrupted(interrupted, exc)
                logger.warning("Database back; worker %s resumes.", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = db_task_result
        super().run_task(db_task_result)
        self.current = None

    def wait_for_database(self) -> None:
        """Close the broken connections, then try again with a growing wait until one opens."""
        wait = FIRST_WAIT
        while True:
            close_all_connections()
            time.sleep(wait)  # SIGTERM still stops the worker here (Worker.shutdown)
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT 1")
            except (OperationalError, InterfaceError) as exc:
                logger.info("Database still unavailable (%s); next try in %.1f s", exc, wait)
                wait = min(wait * 2, self.max_backoff)
            else:
                return

    def fail_interrupted(self, db_task_result: DBTaskResult, exc: BaseException) -> None:
        """The task that was running when the database went away could not store its result."""
        claimed = DBTaskResult.objects.filter(pk=db_task_result.pk).running().first()
        if claimed is not None and claimed.worker_ids[-1:] == [self.worker_id]:
            claimed.set_failed(exc)
            logger.warning("Task id=%s was interrupted by the outage: marked failed.", claimed.pk)


def close_all_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            pass  # already broken; close() forgot it all the same, the next query reconnects


def positive_seconds(value: str) -> float:
    seconds = db_worker.valid_interval(value)
    if seconds <= 0:
        raise ArgumentTypeError("Must be greater than zero")
    return seconds


class Command(db_worker.Command):
    help = "Run the background worker (db_worker) and reconnect when the database comes back"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff",
            default=15.0,
            type=positive_seconds,
            help="Longest wait (seconds) between reconnection attempts (default: %(default)r)",
        )

    def handle(self, *, max_backoff: float, **options) -> None:
        """db_worker's own handling of its options, with its Worker swapped for ours, and a
        heartbeat so that pages can tell when no worker runs (actionplan/worker.py)."""
        worker_class = db_worker.Worker
        db_worker.Worker = functools.partial(ReconnectingWorker, max_backoff=max_backoff)
        heart = Heart(options.get("worker_id") or f"{socket.gethostname()}-{os.getpid()}")
        heart.start()
        try:
            super().handle(**options)
        finally:
            heart.stop()
            db_worker.Worker = worker_class
