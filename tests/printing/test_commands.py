"""render_plan and render_project write valid PDFs (thin commands over projects.pdf)."""

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
