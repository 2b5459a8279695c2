"""render_plan and render_project write valid PDFs (thin commands over printing's documents)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.printing.conftest import build_ex01, build_small_plan, page_count, pdftotext


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_render_project_by_name_and_by_id(db, tmp_path):
    project = build_ex01()
    out = tmp_path / "p.pdf"
    call_command("render_project", office="PTL2T", year=2566, project="ภาคีเครือข่าย", out=str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and page_count(data) >= 2
    assert project.name_th in pdftotext(data)
    call_command("render_project", office="PTL2T", year=2566, project=str(project.pk), out=str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_render_plan_writes_the_book(db, tmp_path, capsys):
    plan, _ = build_small_plan(projects_per_strategy=1)
    out = tmp_path / "book.pdf"
    call_command("render_plan", office=plan.office.code, year=2567, out=str(out))
    data = out.read_bytes()
    assert page_count(data) > 5
    assert "สารบัญ" in pdftotext(data, first=1, last=4)
    assert "หน้า" in capsys.readouterr().out


def test_unknown_plan_or_project_is_an_error(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("render_plan", office="NOPE", year=2566, out=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError):
        call_command(
            "render_project", office="NOPE", year=2566, project="x", out=str(tmp_path / "x.pdf")
        )


def test_purge_print_files_keeps_current_and_official_documents(db, settings, capsys):
    """Superseded, failed and abandoned renders go (rows and files) once old enough; the newest
    finished render of each document, an approval's official book and anything recent stay;
    rendered chunks unused for a month are forgotten."""
    import os
    import time
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from plans.models import PlanApproval
    from printing import renderer as pdf
    from printing.models import PlanRender, RenderKind, RenderStatus
    from tests import factories as f

    plan = f.make_plan(f.make_office("PURGE"), 2567)
    now = timezone.now()

    def render(days_ago, status=RenderStatus.DONE, **fields):
        made = PlanRender.objects.create(
            plan=plan, version_key=f"k{days_ago}{status}", status=status, **fields
        )
        if status == RenderStatus.DONE:
            made.file.save(f"r{made.pk}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
        at = now - timedelta(days=days_ago)
        PlanRender.objects.filter(pk=made.pk).update(
            created_at=at, finished_at=at, file=made.file.name
        )
        made.refresh_from_db()
        return made

    superseded = render(20)
    older = render(15)
    failed = render(12, RenderStatus.FAILED)
    abandoned = render(11, RenderStatus.RUNNING)
    recent_superseded = render(3)
    newest = render(1)
    report = render(30, kind=RenderKind.REPORT, round_number=1)  # its round's only render
    approval = PlanApproval.objects.create(
        plan=plan, number=1, approver_name_th="ผอ.", approved_at=now, data={}, sha256="x"
    )
    official = render(40, approval=approval)
    chunks = pdf.ChunkCache()
    batch = chunks.put_batch(b"%PDF-1.7 chunk")
    chunks.put("ab" * 32, batch, 0, pdf.PageMarks({}, {}, [], [False]))
    old = time.time() - 40 * 86400
    os.utime(chunks._meta_path("ab" * 32), (old, old))
    os.utime(batch, (old, old))

    call_command("purge_print_files")
    left = set(PlanRender.objects.values_list("pk", flat=True))
    assert left == {recent_superseded.pk, newest.pk, report.pk, official.pk}  # 3 days: kept
    assert not {superseded.pk, older.pk, failed.pk, abandoned.pk} & left
    storage = superseded.file.storage
    assert not storage.exists(superseded.file.name)
    assert all(storage.exists(r.file.name) for r in (newest, report, official))
    assert chunks.get("ab" * 32) is None and not batch.exists()
    assert "ลบการจัดทำเอกสารที่ถูกแทนที่ 4 รายการ (ไฟล์ 2 ไฟล์)" in capsys.readouterr().out
