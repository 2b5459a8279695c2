"""Abandoned import previews are forgotten: `services.purge_pending`, the
`purge_pending_imports` command and the purge every new upload runs on the side.

Kept whatever their age: confirmed and rejected batches (the import history), previews younger
than the limit, and any file a young preview still needs.
"""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imports import services
from imports.models import ImportBatch, ImportStatus
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db

HOUR = 3600


def make_batch(office, sha: str, *, hours_old: float, status=ImportStatus.PREVIEWED, kind="xlsx"):
    batch = ImportBatch.objects.create(
        office=office, year_be=2566, file_name=f"{sha}.{kind}", sha256=sha, kind=kind, status=status
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_old)
    )
    return batch


def make_file(name: str, *, hours_old: float, size: int = 100):
    folder = services.pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"x" * size)
    stamp = time.time() - hours_old * HOUR
    os.utime(path, (stamp, stamp))
    return path


def sha(n: int) -> str:
    return f"{n:064x}"


@pytest.fixture
def pending(office_a):
    """Previews and files of every kind, 30 h old unless named young."""
    rows = {
        "old_preview": make_batch(office_a, sha(1), hours_old=30),
        "young_preview": make_batch(office_a, sha(2), hours_old=2),
        "old_committed": make_batch(office_a, sha(3), hours_old=300, status=ImportStatus.COMMITTED),
        "old_rejected": make_batch(office_a, sha(4), hours_old=300, status=ImportStatus.REJECTED),
        # The same file previewed long ago and again today: the file must stay.
        "old_twin": make_batch(office_a, sha(5), hours_old=30),
        "young_twin": make_batch(office_a, sha(5), hours_old=1),
        "old_csv": make_batch(office_a, sha(6), hours_old=30, kind="csv"),
    }
    files = {
        "old_preview": make_file(f"{sha(1)}.xlsx", hours_old=30),
        "young_preview": make_file(f"{sha(2)}.xlsx", hours_old=2),
        "twin": make_file(f"{sha(5)}.xlsx", hours_old=30),
        "old_csv": make_file(f"{sha(6)}.csv", hours_old=30, size=50),
        "orphan": make_file(f"{sha(7)}.xlsx", hours_old=30),  # its batch was rejected
        "half_written": make_file(f"{sha(8)}.xlsx.part", hours_old=30),
        "young_orphan": make_file(f"{sha(9)}.xlsx", hours_old=0.1),  # a preview being stored
    }
    return rows, files


def remaining(rows: dict) -> set[str]:
    left = set(ImportBatch.objects.values_list("pk", flat=True))
    return {name for name, batch in rows.items() if batch.pk in left}


def existing(files: dict) -> set[str]:
    return {name for name, path in files.items() if path.exists()}


class TestPurgePending:
    def test_forgets_old_previews_and_the_files_nobody_needs(self, pending):
        rows, files = pending
        purged = services.purge_pending(older_than=timedelta(hours=24))

        assert remaining(rows) == {"young_preview", "old_committed", "old_rejected", "young_twin"}
        assert existing(files) == {"young_preview", "twin", "young_orphan"}
        assert (purged.batches, purged.files, purged.size) == (3, 4, 350)

    def test_a_longer_limit_keeps_everything_younger(self, pending):
        rows, files = pending
        purged = services.purge_pending(older_than=timedelta(hours=48))

        assert remaining(rows) == set(rows)
        assert existing(files) == set(files)
        assert (purged.batches, purged.files) == (0, 0)

    def test_the_setting_is_the_default_limit(self, pending, settings):
        rows, _ = pending
        settings.IMPORT_PENDING_HOURS = 31
        assert services.purge_pending().batches == 0
        settings.IMPORT_PENDING_HOURS = 29
        assert services.purge_pending().batches == 3
        assert "old_preview" not in remaining(rows)

    def test_a_limit_bounds_rows_and_files_and_the_rest_waits(self, pending):
        rows, files = pending
        first = services.purge_pending(older_than=timedelta(hours=24), limit=1)
        assert (first.batches, first.files) == (1, 1)
        assert remaining(rows) >= {"young_preview", "old_committed", "old_rejected", "young_twin"}

        services.purge_pending(older_than=timedelta(hours=24))
        assert remaining(rows) == {"young_preview", "old_committed", "old_rejected", "young_twin"}
        assert existing(files) == {"young_preview", "twin", "young_orphan"}

    def test_works_before_any_upload_created_the_folder(self, office_a):
        make_batch(office_a, sha(1), hours_old=30)
        assert not services.pending_dir().exists()
        assert services.purge_pending().batches == 1


class TestCommand:
    def test_purges_with_the_default_of_24_hours(self, pending):
        rows, files = pending
        out = io.StringIO()
        call_command("purge_pending_imports", stdout=out)
        assert remaining(rows) == {"young_preview", "old_committed", "old_rejected", "young_twin"}
        assert existing(files) == {"young_preview", "twin", "young_orphan"}
        assert "24 ชั่วโมง 3 รายการ ไฟล์ 4 ไฟล์" in out.getvalue()

    def test_older_than_sets_the_age(self, pending):
        rows, _ = pending
        out = io.StringIO()
        call_command("purge_pending_imports", "--older-than", "36", stdout=out)
        assert remaining(rows) == set(rows)
        assert "36 ชั่วโมง 0 รายการ" in out.getvalue()

    @pytest.mark.parametrize("value", ["0", "-1", "soon"])
    def test_refuses_an_age_that_is_not_a_positive_number(self, value):
        with pytest.raises(CommandError):
            call_command("purge_pending_imports", "--older-than", value)


class TestUploadPurgesOnTheSide:
    def upload(self, user) -> Client:
        client = Client()
        client.force_login(user)
        file = io.BytesIO(wb.workbook(wb.strategy6_summary, wb.p8_budget))
        file.name = "plan.xlsx"
        response = client.post(
            reverse("imports:importbatch_create"), {"year_be": 2563, "mode": "draft", "file": file}
        )
        assert response.status_code == 302
        return client

    def test_a_new_preview_forgets_abandoned_ones_and_is_kept_itself(self, pending, plan_admin_a):
        rows, files = pending
        self.upload(plan_admin_a)

        new = ImportBatch.objects.latest("pk")
        assert new.status == ImportStatus.PREVIEWED
        assert (services.pending_dir() / f"{new.sha256}.xlsx").exists()
        assert remaining(rows) == {"young_preview", "old_committed", "old_rejected", "young_twin"}
        assert existing(files) == {"young_preview", "twin", "young_orphan"}

    def test_the_side_purge_is_bounded(self, office_a, plan_admin_a):
        for n in range(services.OPPORTUNISTIC_PURGE_LIMIT + 5):
            make_batch(office_a, sha(100 + n), hours_old=30)
        self.upload(plan_admin_a)
        left = ImportBatch.objects.filter(status=ImportStatus.PREVIEWED).count()
        assert left == 5 + 1  # five stale ones wait for the next run, plus the new preview

    def test_a_failing_purge_never_fails_the_upload(self, plan_admin_a, monkeypatch):
        def broken(**kwargs):
            raise OSError("disk gone")

        monkeypatch.setattr(services, "purge_pending", broken)
        self.upload(plan_admin_a)
        assert ImportBatch.objects.filter(status=ImportStatus.PREVIEWED).count() == 1

    def test_a_purged_preview_can_no_longer_be_confirmed(self, plan_admin_a):
        client = self.upload(plan_admin_a)
        batch = ImportBatch.objects.get()
        ImportBatch.objects.filter(pk=batch.pk).update(
            created_at=timezone.now() - timedelta(hours=25)
        )
        stored = services.pending_dir() / f"{batch.sha256}.xlsx"
        stamp = time.time() - 25 * HOUR
        os.utime(stored, (stamp, stamp))
        services.purge_pending()
        assert not stored.exists()
        response = client.post(reverse("imports:importbatch_confirm", args=[batch.pk]))
        assert response.status_code == 404


def test_the_purge_on_upload_never_deletes_a_batch_confirmed_meanwhile(office_a):
    """The bounded purge reads ids first; its DELETE still requires "previewed", so a preview
    confirmed in between keeps its import record."""
    from unittest import mock

    from django.db.models.query import QuerySet

    batch = make_batch(office_a, sha(7), hours_old=72)
    real_delete = QuerySet.delete

    def confirm_then_delete(queryset):  # the ids were read; a confirm commits first
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTED)
        return real_delete(queryset)

    with mock.patch.object(QuerySet, "delete", confirm_then_delete):
        services.purge_pending(limit=5)
    assert ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.COMMITTED).exists()
