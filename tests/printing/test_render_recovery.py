"""Background renders that go wrong: a worker that died mid-render (the row stays "running"),
a job picked up twice, a queue that lost the job or was down when it was asked for (Redis),
and a full disk while the PDF is written (real ENOSPC on a tiny tmpfs).
The drill with a real `db_worker` killed by SIGKILL is ops/fault_drill.py."""

from __future__ import annotations

import errno
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from printing import tasks
from printing.models import PlanRender, RenderStatus
from tests.printing.conftest import build_small_plan, pdftotext, squash

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_CACHE_DIR = None
    settings.TASKS = IMMEDIATE
    settings.RENDER_STALE_SECONDS = 300


def stuck_render(plan, *, silent_for: int) -> PlanRender:
    """A render its worker left "running" at 7 %, last heard of `silent_for` seconds ago."""
    then = timezone.now() - timedelta(seconds=silent_for)
    render = PlanRender.objects.create(
        plan=plan,
        version_key="stuck",
        status=RenderStatus.RUNNING,
        progress=7,
        message="กำลังจัดหน้าเอกสาร หน้าที่ 3",
        started_at=then,
        heartbeat_at=then,
    )
    PlanRender.objects.filter(pk=render.pk).update(created_at=then)
    return render


@pytest.mark.django_db
class TestARenderWhoseWorkerDied:
    def test_its_page_says_it_is_stuck_in_thai_and_offers_the_retry(
        self, client, plan_a, director_a
    ):
        render = stuck_render(plan_a, silent_for=301)
        client.force_login(director_a)
        page = client.get(reverse("print:render_status", args=[plan_a.pk, render.pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "การจัดทำเอกสารหยุดค้าง" in body
        assert 'http-equiv="refresh"' not in body  # no more refreshing forever
        retry = reverse("print:plan_book_render", args=[plan_a.pk])
        assert f'action="{retry}"' in body and "ลองอีกครั้ง" in body
        render.refresh_from_db()
        assert render.status == RenderStatus.FAILED and render.finished_at
        assert "หยุดค้าง" in render.error

    def test_a_new_request_queues_a_new_render_instead_of_returning_it(
        self, client, office_a, director_a
    ):
        plan, _ = build_small_plan(office_a, projects_per_strategy=1)
        stuck = stuck_render(plan, silent_for=400)
        client.force_login(director_a)
        page = client.get(reverse("print:plan_book", args=[plan.pk]))
        assert page.context["pending"] is None
        response = client.post(reverse("print:plan_book_render", args=[plan.pk]))
        fresh = PlanRender.objects.exclude(pk=stuck.pk).get()
        assert response["Location"] == reverse("print:render_status", args=[plan.pk, fresh.pk])
        assert fresh.status == RenderStatus.DONE and fresh.file
        stuck.refresh_from_db()
        assert stuck.status == RenderStatus.FAILED

    def test_a_render_that_reports_progress_is_left_alone(self, client, plan_a, director_a):
        render = stuck_render(plan_a, silent_for=30)
        client.force_login(director_a)
        page = client.get(reverse("print:plan_book", args=[plan_a.pk]))
        assert page.context["pending"] == render
        page = client.get(reverse("print:render_status", args=[plan_a.pk, render.pk]))
        assert 'http-equiv="refresh"' in page.content.decode()
        render.refresh_from_db()
        assert (render.status, render.progress) == (RenderStatus.RUNNING, 7)

    def test_the_stale_time_is_the_setting(self, settings, client, plan_a, director_a):
        settings.RENDER_STALE_SECONDS = 20
        render = stuck_render(plan_a, silent_for=30)
        client.force_login(director_a)
        client.get(reverse("print:render_status", args=[plan_a.pk, render.pk]))
        render.refresh_from_db()
        assert render.status == RenderStatus.FAILED


@pytest.mark.django_db
class TestAJobPickedUpTwice:
    def test_a_render_already_running_elsewhere_is_not_run_again(self, office_a):
        plan, _ = build_small_plan(office_a, projects_per_strategy=1)
        render = stuck_render(plan, silent_for=5)  # a live worker has it
        assert tasks.run_render(render.pk) is None
        render.refresh_from_db()
        assert (render.status, render.progress, render.file.name) == (RenderStatus.RUNNING, 7, "")

    def test_a_finished_render_is_not_laid_out_again(self, office_a):
        plan, _ = build_small_plan(office_a, projects_per_strategy=1)
        done = tasks.request_plan_render(plan=plan)
        done.refresh_from_db()
        assert done.status == RenderStatus.DONE
        first = (done.file.name, done.finished_at)
        tasks.run_render(done.pk)
        done.refresh_from_db()
        assert (done.file.name, done.finished_at) == first


# --- A queue that lost the job (Redis down or restarted empty) --------------------------------

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def aged(render: PlanRender, seconds: int = 60) -> PlanRender:
    PlanRender.objects.filter(pk=render.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    render.refresh_from_db()
    return render


def jobs_of(render: PlanRender) -> list[DBTaskResult]:
    return [
        job
        for job in DBTaskResult.objects.filter(task_path="printing.tasks.render_plan_book")
        if job.args_kwargs["args"] == [render.pk]
    ]


@pytest.fixture
def queue_down(monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(DatabaseBackend, "enqueue", refused)
    return monkeypatch


@pytest.mark.django_db
class TestAQueueThatLostTheJob:
    def test_a_queue_that_is_down_still_answers_the_request(
        self, settings, client, plan_a, director_a, queue_down
    ):
        settings.TASKS = DB_BACKEND
        client.force_login(director_a)
        response = client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        render = PlanRender.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("print:render_status", args=[plan_a.pk, render.pk])
        assert (render.status, render.task_id) == (RenderStatus.QUEUED, "")
        page = client.get(response["Location"])
        assert page.status_code == 200 and 'http-equiv="refresh"' in page.content.decode()

    def test_its_status_page_queues_it_once_the_queue_answers(
        self, settings, client, plan_a, director_a, queue_down
    ):
        settings.TASKS = DB_BACKEND
        client.force_login(director_a)
        client.post(reverse("print:plan_book_render", args=[plan_a.pk]))
        render = aged(PlanRender.objects.get())
        status_url = reverse("print:render_status", args=[plan_a.pk, render.pk])
        assert client.get(status_url).status_code == 200  # still down: nothing queued
        assert jobs_of(render) == []
        queue_down.undo()  # the queue is back
        client.get(status_url)
        (job,) = jobs_of(render)
        render.refresh_from_db()
        assert render.task_id == str(job.pk) and render.status == RenderStatus.QUEUED
        client.get(status_url)  # its job waits: not queued twice
        assert len(jobs_of(render)) == 1

    def test_a_job_the_queue_forgot_is_queued_again(self, settings, plan_a):
        settings.TASKS = DB_BACKEND
        render = tasks.request_plan_render(plan=plan_a)
        DBTaskResult.objects.all().delete()  # Redis restarted without its data
        aged(render)
        assert tasks.requeue_lost_renders() == 1
        (job,) = jobs_of(render)
        render.refresh_from_db()
        assert render.task_id == str(job.pk)
        assert tasks.requeue_lost_renders() == 0

    def test_a_job_that_ended_without_taking_the_row_is_queued_again(self, settings, plan_a):
        settings.TASKS = DB_BACKEND
        render = aged(tasks.request_plan_render(plan=plan_a))
        DBTaskResult.objects.update(status="FAILED")  # e.g. the database was down at its start
        assert tasks.requeue_lost_renders() == 1
        assert len(jobs_of(render)) == 2

    def test_a_waiting_job_a_young_render_and_a_finished_one_are_left_alone(
        self, settings, plan_a, queue_down
    ):
        settings.TASKS = DB_BACKEND
        young = tasks.request_plan_render(plan=plan_a)  # no job (queue down), 0 s old
        queue_down.undo()
        waiting = aged(tasks.request_plan_render(plan=plan_a, scope="unit:1"))
        done = aged(tasks.request_plan_render(plan=plan_a, scope="unit:2"))
        PlanRender.objects.filter(pk=done.pk).update(status=RenderStatus.DONE)
        assert tasks.requeue_lost_renders() == 0
        assert jobs_of(young) == [] and len(jobs_of(waiting)) == 1 and len(jobs_of(done)) == 1

    def test_the_command_queues_every_lost_render(self, settings, plan_a, queue_down):
        settings.TASKS = DB_BACKEND
        lost = [
            aged(tasks.request_plan_render(plan=plan_a, scope=scope))
            for scope in ("office", "unit:1")
        ]
        queue_down.undo()
        out = io.StringIO()
        call_command("requeue_renders", stdout=out)
        assert "ส่งเข้าคิวอีกครั้ง 2 รายการ" in out.getvalue()
        assert [len(jobs_of(r)) for r in lost] == [1, 1]

    def test_a_lost_job_queued_twice_still_renders_once(self, office_a):
        plan, _ = build_small_plan(office_a, projects_per_strategy=1)
        render = PlanRender.objects.create(plan=plan, version_key="v")  # its job is lost
        assert tasks.run_render(render.pk)  # the job queued again
        render.refresh_from_db()
        first = (render.status, render.file.name, render.finished_at)
        assert first[0] == RenderStatus.DONE
        tasks.run_render(render.pk)  # and the original, had it survived after all
        render.refresh_from_db()
        assert (render.status, render.file.name, render.finished_at) == first


# --- A full disk ------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmpfs):
    """A 1 MB tmpfs (real ENOSPC)."""
    return tmpfs("1m")


def fill(disk: Path, leave: int = 8192) -> None:
    """Fill the file system up to `leave` bytes free (a PDF of the book does not fit)."""
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db
@pytest.mark.parametrize("full", ["book file", "chunk cache"])
def test_a_full_disk_fails_the_render_in_thai_and_keeps_the_previous_book(
    full, settings, tmp_path, tiny_disk, client, office_a, director_a
):
    settings.MEDIA_ROOT = tiny_disk
    # "book file": only the PDF's own write meets the full disk (the chunks are on another);
    # "chunk cache": the laid-out chunks are written on the full disk first.
    settings.PDF_CACHE_DIR = str(tmp_path / "cache") if full == "book file" else None
    plan, projects = build_small_plan(office_a, projects_per_strategy=1)
    client.force_login(director_a)
    client.post(reverse("print:plan_book_render", args=[plan.pk]))
    good = PlanRender.objects.get()
    assert good.status == RenderStatus.DONE
    with good.file.open("rb") as handle:
        good_pdf = handle.read()

    projects[0].name_th = "โครงการเปลี่ยนชื่อหลังจัดทำเล่ม"  # a new version to lay out
    projects[0].save()
    fill(tiny_disk)
    before = files_under(tiny_disk)
    response = client.post(reverse("print:plan_book_render", args=[plan.pk]))
    failed = PlanRender.objects.exclude(pk=good.pk).get()
    assert failed.status == RenderStatus.FAILED and failed.finished_at
    assert failed.file.name == ""
    page = client.get(response["Location"]).content.decode()
    assert "พื้นที่จัดเก็บไฟล์เต็ม" in page and "ลองอีกครั้ง" in page
    new = files_under(tiny_disk) - before
    assert not new, f"a failed render left files behind: {new}"  # no .tmp-, no half PDF

    # The previous good book is still offered and downloads whole.
    book = client.get(reverse("print:plan_book", args=[plan.pk]))
    assert book.context["latest"] == good
    download = client.get(reverse("print:render_download", args=[plan.pk, good.pk]))
    assert b"".join(download.streaming_content) == good_pdf
    assert squash(projects[0].name_th) not in squash(pdftotext(good_pdf))
