"""No Gregorian year anywhere (issue 14): every page of the permission matrix, as every persona
the matrix lets open it (200), plus the pages without an object id, the 409 conflict page and
the documents (PDF, .xlsx, .csv), over data whose dates fall in 2023-2026 CE (the plan of
fiscal year 2567 runs 1 Oct 2023 - 30 Sep 2024; time stamps are today's), shows no year
2000-2100 in what a person reads. BE years (2566-2570) are what should appear.

What a person reads on an HTML page: its text outside <script> and <style>, and the attributes
that are shown or spoken: the value of a visible input (a date input's value is what the user
sees in the box), placeholder, title, alt, aria-label, aria-description, aria-valuetext.

Left out, because they are machine-readable and never shown: every other attribute (href,
action and src URLs, ids, names, classes, data-*, the `datetime=` of a <time>), the value of
hidden inputs and of checkboxes, radios and options (their labels are checked), and the JSON in
<script> blocks that the scripts read. User-entered text is kept out of the question by the
fixtures: no name, reason or comment they type holds a four-digit number, so every hit is a
year the app printed.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from docx import Document

from actionplan.thai import to_arabic_digits
from imports.models import ImportBatch
from monitoring import services as monitoring_services
from plans import services as plan_services
from printing.models import OFFICE_SCOPE, PlanRender, RenderStatus
from projects.models import Project, ProjectStatus
from tests.printing.conftest import pdftotext
from tests.projects.test_views import resubmit_data
from tests.test_permission_matrix import (
    MATRIX,
    PERSONAS,
    Row,
    World,
    cells,
    group_director_a1,  # noqa: F401 (the matrix's persona)
)

CE_YEAR = re.compile(r"(?<!\d)(20\d\d|2100)(?!\d)")

SHOWN_ATTRIBUTES = {
    "placeholder",
    "title",
    "alt",
    "aria-label",
    "aria-description",
    "aria-valuetext",
}
UNSHOWN_INPUTS = {"hidden", "checkbox", "radio", "file", "image"}


class ReadableText(HTMLParser):
    """The text a person reads or hears on an HTML page (see the module docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self._attributes(tag, dict(attrs))

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    def _attributes(self, tag: str, attrs: dict) -> None:
        self.parts.extend(v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES and v)
        if tag == "input" and (attrs.get("type") or "text").lower() not in UNSHOWN_INPUTS:
            self.parts.append(attrs.get("value") or "")


def readable_text(html: str) -> str:
    parser = ReadableText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def document_text(response) -> str:
    """What a person reads in the response: the page's readable text, a PDF's text, every cell
    of a workbook or CSV (a date cell is reported: Excel would show it in CE)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"].split(";")[0]
    if kind == "text/html":
        return readable_text(data.decode())
    if kind == "application/pdf":
        return pdftotext(data)
    if kind == "text/csv":
        return "\n".join(
            " | ".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))
        )
    if kind.endswith("spreadsheetml.sheet"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        values = [
            value
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for value in row
        ]
        dated = [v for v in values if isinstance(v, date | datetime)]
        assert not dated, f"date cells that Excel shows in CE: {dated[:3]}"
        return "\n".join(str(v) for v in values if v is not None)
    if kind.endswith("wordprocessingml.document"):
        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)
    raise AssertionError(f"no reader for {kind}")


def ce_years(text: str) -> list[str]:
    """Each CE-looking year with the words around it, for the failure message."""
    text = to_arabic_digits(text)
    return [
        " ".join(text[max(0, m.start() - 40) : m.end() + 20].split())
        for m in CE_YEAR.finditer(text)
    ]


class RichWorld(World):
    """The matrix's objects with every date a page can print filled in: sent reports, a round
    with a set due date that was closed and reopened, finished plan books, an import batch."""

    def __init__(self, request, plan_a):
        super().__init__(request, plan_a)
        self.admin = request.getfixturevalue("plan_admin_a")
        self.planner = request.getfixturevalue("planner_a1")

    def furnish(self) -> None:
        """What every page of the plan may show: a sent report of round 1 whose round had its
        due date set, was closed and reopened; a finished book of each scope; an import."""
        if not Project.objects.filter(plan=self.plan_a, status=ProjectStatus.APPROVED).exists():
            self._report(submit=True)
        plan, by = self.plan_a, self.admin
        monitoring_services.set_round_due_date(
            plan=plan, number=1, due_date=date(2024, 1, 31), by=by, reason="ระบบปิดปรับปรุง"
        )
        monitoring_services.close_report_round(plan=plan, number=1, by=by)
        monitoring_services.reopen_report_round(plan=plan, number=1, reason="ขอแก้ยอด", by=by)
        for scope in (OFFICE_SCOPE, f"unit:{self.planner.org_unit_id}"):
            self._finished_render(scope=scope, version_key="older")
        self.import_batch()

    def _finished_render(self, **fields) -> PlanRender:
        now = timezone.now()
        render = PlanRender.objects.create(
            plan=self.plan_a,
            status=RenderStatus.DONE,
            progress=100,
            pages=12,
            started_at=now,
            finished_at=now,
            **fields,
        )
        render.file.save("book.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return render

    # Rows of the matrix whose pages print more with a sent report behind them.
    def report_round(self):
        return self._report(submit=True)

    def approved_book(self):
        """An approved plan whose official book is finished: the plan-book page's status line."""
        self._project(ProjectStatus.APPROVED)
        approval = plan_services.approve_plan(plan=self.plan_a, by=self.director)
        self._finished_render(approval=approval, version_key="approved")
        return [self.plan_a.pk]

    def import_batch(self):
        batch = ImportBatch.objects.create(
            office=self.plan_a.office,
            plan=self.plan_a,
            year_be=self.plan_a.fiscal_year.year_be,
            user=self.admin,
            file_name="แผนนำเข้า.xlsx",
            sha256="ab" * 32,
        )
        return [batch.pk]


EXTRA: dict[str, tuple[str, Row]] = {
    "print:plan_book (approved)": (
        "print:plan_book",
        Row("get", "approved_book", cells(200, 200, 404, 200, 200, 200, 200)),
    ),
    "imports:importbatch_detail": (
        "imports:importbatch_detail",
        Row("get", "import_batch", cells(403, 403, 404, 403, 403, 403, 200)),
    ),
}
ROWS = {name: (name, row) for name, row in MATRIX.items() if row.method == "get"} | EXTRA
PAGES = [
    (key, persona)
    for key, (_, row) in ROWS.items()
    for persona in PERSONAS
    if row.cells.get(persona) == 200
]
# Pages without an object id: each persona opens what its role may.
PLAIN_PAGES = [
    "home",
    "projects:project_list",
    "workflow:inbox",
    "workflow:notification_list",
    "monitoring:report_list",
    "plans:plan_index",
    "imports:importbatch_create",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "persona"), PAGES, ids=[f"{k}-{p}" for k, p in PAGES])
def test_a_page_of_the_matrix_prints_no_ce_year(key, persona, request, client, plan_a, media):
    name, row = ROWS[key]
    world = RichWorld(request, plan_a)
    args = getattr(world, row.args)()
    world.furnish()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (key, persona, response.status_code)
    hits = ce_years(document_text(response))
    assert not hits, "\n".join(hits)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_pages_without_an_id_print_no_ce_year(persona, request, client, plan_a, media):
    world = RichWorld(request, plan_a)
    world.draft()
    world.furnish()
    client.force_login(request.getfixturevalue(persona))
    opened = 0
    for name in PLAIN_PAGES:
        response = client.get(reverse(name), follow=True)
        assert response.status_code in (200, 403), (name, response.status_code)
        if response.status_code == 200:
            opened += 1
            hits = ce_years(document_text(response))
            assert not hits, f"{name}: " + "\n".join(hits)
    assert opened >= 4  # every role has its lists, whatever it may not open


@pytest.mark.django_db
def test_the_login_page_prints_no_ce_year(client):
    assert ce_years(document_text(client.get(reverse("login")))) == []


@pytest.mark.django_db
def test_the_conflict_page_prints_no_ce_year(request, client, plan_a, planner_a1, media):
    """The 409 answer to a save over somebody else's: who changed it and when, in BE."""
    world = RichWorld(request, plan_a)
    project = Project.objects.get(pk=world.draft()[0])
    data = resubmit_data(project)  # the editor as the planner opened it
    Project.objects.filter(pk=project.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=world.gd
    )
    client.force_login(planner_a1)
    response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
    assert response.status_code == 409
    text = document_text(response)
    assert world.gd.display_name in text and " น." in text
    hits = ce_years(text)
    assert not hits, "\n".join(hits)


@pytest.mark.django_db
def test_an_import_batch_is_named_with_a_be_time_stamp_in_local_time(plan_a):
    """Its name is what the admin and every link to it print."""
    batch = ImportBatch.objects.create(
        office=plan_a.office, year_be=2567, file_name="แผน.xlsx", sha256="ab" * 32
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime(2026, 12, 2, 5, 28, tzinfo=UTC)  # 12:28 in Bangkok
    )
    batch.refresh_from_db()
    assert str(batch) == "แผน.xlsx (ตรวจแล้ว รอยืนยัน, 2 ธ.ค. 2569 12:28 น.)"


class TestTheCheckItself:
    """The check would catch what issue 14 reported, and leaves machine-readable values alone."""

    @pytest.mark.parametrize(
        "html",
        [
            "<p>แก้ไขเมื่อ 02/12/2026 12:19 น.</p>",
            "<td>2026-12-02 12:28</td>",
            "<p>อนุมัติ (2 ธ.ค. 2026 12:19 น.)</p>",
            '<input type="text" name="start_date" value="2023-04-01">',
            '<button aria-label="เลือกวันที่ 1 เม.ย. 2023">x</button>',
            "<p>ปี ๒๐๒๓</p>",
        ],
    )
    def test_a_ce_year_that_a_person_reads_is_found(self, html):
        assert ce_years(readable_text(html))

    @pytest.mark.parametrize(
        "html",
        [
            '<time datetime="2026-12-02T12:19">2 ธ.ค. 2569 12:19 น.</time>',
            '<input type="hidden" name="next" value="/plans/2024/">',
            '<a href="/print/plans/2023/">เล่มแผน</a>',
            '<script>const data = {"year": 2024};</script><p>ปี 2567</p>',
            '<option value="2023">2566</option>',
            "<td>1,500.00</td><td>12,024.00</td>",
        ],
    )
    def test_what_is_machine_readable_or_not_a_year_is_left_alone(self, html):
        assert ce_years(readable_text(html)) == []
