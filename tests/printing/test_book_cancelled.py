"""Cancelled projects in the plan book (issue 14): marked ยกเลิก with zero, or left out, never counted."""

from __future__ import annotations

import re

import pytest

from actionplan.models import Role, StandardGroup
from plans import services as plan_services
from printing import book
from printing import project as project_doc
from printing.models import CancelledInBook, OfficePrintSettings
from projects.models import ProjectStatus
from tests import factories as f
from tests.printing.conftest import pdftotext
from workflow import services as workflow_services
from workflow.models import AmendmentKind

pytestmark = pytest.mark.django_db

KEPT = "โครงการพัฒนาครูที่ดำเนินการต่อ"
CANCELLED = "โครงการทัศนศึกษาที่ยกเลิก"


@pytest.fixture
def plan(office_a):
    """Strategy 1: one running project (1,120 baht) and one cancelled after approval (3,000)."""
    plan = f.make_plan(office_a, 2567)
    strategy = f.make_strategy(plan, 1, "พัฒนาคุณภาพผู้เรียน")
    f.make_strategy(plan, 2, "พัฒนาระบบบริหารจัดการ")
    unit = f.group(office_a, StandardGroup.ADMIN)
    gd = f.make_user(office_a, Role.GROUP_DIRECTOR, unit)
    deputy = f.make_user(office_a, Role.DEPUTY_DIRECTOR)
    director = f.make_user(office_a, Role.DIRECTOR)
    for name, amount in ((KEPT, "1120"), (CANCELLED, "3000")):
        project = f.make_project(plan, unit=unit, strategy=strategy, name_th=name)
        activity = f.make_activity(project, "จัดกิจกรรม", months=[4])
        f.make_line(activity, "ค่าวัสดุ", amount=amount, category_code="materials")
        f.set_quarters(activity, 0, amount)
        f.make_indicator(project)
        workflow_services.submit_project(project=project, by=gd)
        workflow_services.endorse_project(project=project, by=deputy)
        workflow_services.approve_project(project=project, by=director)
    cancelled = plan.projects.get(name_th=CANCELLED)
    amendment = workflow_services.request_amendment(
        project=cancelled, by=gd, reason="ไม่ได้รับจัดสรรงบประมาณ", kind=AmendmentKind.CANCEL
    )
    workflow_services.decide_amendment(amendment=amendment, by=director, approve=True)
    cancelled.refresh_from_db()
    assert cancelled.status == ProjectStatus.CANCELLED
    plan.director = director
    return plan


def choose(office, choice: str) -> None:
    OfficePrintSettings.objects.update_or_create(
        office=office, defaults={"cancelled_projects_in_book": choice}
    )


def part3_html(source: dict) -> str:
    [chunk] = [c for c in source["chunks"] if c["bookmark"] == "ส่วนที่ 3 รายละเอียดโครงการ"]
    return chunk["html"]


def toc_titles(source: dict) -> list[str]:
    return [entry[1] for chunk in source["chunks"] for entry in chunk["toc"]]


def test_the_default_prints_it_marked_cancelled(plan):
    assert OfficePrintSettings(office=plan.office).cancelled_projects_in_book == "marked"


class TestMarked:
    def test_the_strategy_table_lists_it_marked_with_zero_and_the_totals_leave_it_out(self, plan):
        choose(plan.office, CancelledInBook.MARKED)
        context = book.plan_context(plan)
        assert context["summary"]["count"] == 1
        assert context["summary"]["total"] == "1,120"
        assert context["summary"]["cancelled"] == 1
        section = context["strategy_sections"][0]
        assert [(r["name"], r["cancelled"], r["total"]) for r in section["rows"]] == [
            (KEPT, False, "1,120"),
            (CANCELLED, True, "0"),
        ]
        assert section["count"] == 1 and section["total"] == "1,120"
        assert "จำนวน 1 โครงการ งบประมาณ 1,120 บาท" in section["sentence"]

    def test_the_book_source_prints_the_mark_and_the_document_says_so(self, plan):
        choose(plan.office, CancelledInBook.MARKED)
        source = book.book_source(plan)
        part3 = part3_html(source)
        assert f"{CANCELLED} <b>(ยกเลิก)</b>" in part3
        assert "ไม่รวมโครงการที่ยกเลิก ๑ โครงการ" in part3  # Thai digits: the office's style
        row = re.search(rf"<tr>(?:(?!</tr>).)*{CANCELLED}(?:(?!</tr>).)*</tr>", part3, re.S)
        assert '<td class="num">๐</td>' in row.group(0)
        documents = [c for c in source["chunks"] if CANCELLED in c["html"]]
        assert any("(ยกเลิกโครงการ ไม่นับรวมในงบประมาณของแผน)" in c["html"] for c in documents)
        assert f"- {CANCELLED} (ยกเลิก)" in toc_titles(source)
        assert f"- {KEPT}" in toc_titles(source)

    def test_the_cancelled_projects_own_pdf_is_marked_not_a_draft(self, plan):
        cancelled = plan.projects.get(name_th=CANCELLED)
        source = project_doc.project_source(cancelled)
        assert source["is_draft"] is False
        text = pdftotext(project_doc.render_project_source(source))
        assert "ยกเลิกโครงการ ไม่นับรวมในงบประมาณของแผน" in text


class TestOmitted:
    def test_the_book_leaves_it_out_entirely(self, plan):
        choose(plan.office, CancelledInBook.OMITTED)
        context = book.plan_context(plan)
        section = context["strategy_sections"][0]
        assert [r["name"] for r in section["rows"]] == [KEPT]
        assert context["summary"]["total"] == "1,120" and context["summary"]["cancelled"] == 0
        source = book.book_source(plan)
        assert CANCELLED not in str(source) and "ยกเลิก" not in part3_html(source)
        assert KEPT in part3_html(source)

    def test_the_approved_plans_frozen_book_follows_the_choice(self, plan):
        choose(plan.office, CancelledInBook.OMITTED)
        approval = plan_services.approve_plan(plan=plan, by=plan.director)
        assert CANCELLED not in str(approval.print_source) and KEPT in str(approval.print_source)
        assert approval.data["totals"]["plan_total"] == "1120.00"


def test_both_choices_print_the_same_totals(plan):
    totals = []
    for choice in CancelledInBook.values:
        choose(plan.office, choice)
        summary = book.plan_context(plan)["summary"]
        totals.append((summary["count"], summary["total"], summary["quarters"]))
    assert totals[0] == totals[1] == (1, "1,120", ["-", "1,120", "-", "-"])
