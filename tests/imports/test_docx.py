"""Word documents import through the same pipeline as spreadsheets (issue 19): the seed project
forms to their seed totals, a plan book's part 3 with its duration table, every wrong printed
total reported, re-import changes nothing; macro-enabled and entity-declaring files refused."""

import base64
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import StandardGroup
from actionplan.workbooks import RejectedFile, check_file
from budgets.figures import summarize
from imports import services
from imports.document import read_document
from imports.models import ImportBatch, ImportStatus
from imports.records import Loc
from projects.models import Project
from projects.rollup import plan_projects
from tests import factories as f
from tests.imports import documents as docs
from tests.imports.test_services import snapshot
from tests.imports.test_views import upload

pytestmark = pytest.mark.django_db

D = Decimal


def run(office, data, year, name="แผน.docx", **kwargs):
    return services.run_import(name=name, data=data, office=office, year_be=year, **kwargs)


def mismatches(report, kind=None):
    return sorted(
        (m.kind, m.declared, m.computed)
        for m in report.mismatches
        if kind is None or m.kind == kind
    )


def explain(report) -> str:
    return "\n".join(
        [f"E {e.loc.describe()}: {e.message}" for e in report.errors]
        + [f"W {w.loc.describe()}: {w.message}" for w in report.warnings]
        + [f"M {m.kind} {m.declared} {m.computed} {m.where}" for m in report.mismatches]
    )


class TestSeedProjectForms:
    def test_seed_000_imports_at_6820_with_its_lines_quarters_and_header(self):
        """EX-01: three lines (1,120 + 4,200 + 1,500), Q3 6,820, กลุ่มอำนวยการ, April 2566."""
        office = f.make_office("PTL2")
        report = run(office, docs.build(docs.seed000), 2566, commit=True)
        assert report.ok and report.committed, explain(report)
        assert mismatches(report) == [], explain(report)
        p = Project.objects.get(name_th=docs.P000)
        assert p.budget_total() == D("6820.00")
        assert p.declared_total == D("6820.00")
        assert p.lead_unit.standard_code == StandardGroup.ADMIN
        assert (p.start_date, p.end_date) == (date(2023, 4, 1), date(2023, 4, 30))
        assert p.project_type == "new"
        lines = p.all_lines()
        assert [(x.description_th, x.amount) for x in lines] == [
            ("ค่าอาหารว่างและเครื่องดื่ม", D("1120.00")),
            ("ค่าอาหารว่างและเครื่องดื่ม", D("4200.00")),
            ("ค่าวัสดุ", D("1500.00")),
        ]
        assert lines[0].formula_text == "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"
        assert {c.code: v for c, v in p.totals_by_category().items()} == {
            "services": D("5320.00"),
            "materials": D("1500.00"),
        }
        assert p.quarter_totals() == [D("0.00"), D("0.00"), D("6820.00"), D("0.00")]
        assert p.rationale_th.startswith("รัฐธรรมนูญแห่งราชอาณาจักรไทย")
        items = [(i.kind, i.text_th) for i in p.items.order_by("kind", "order")]
        assert ("objective", "เพื่อสร้างความร่วมมือจากทุกภาคส่วนในการพัฒนาคุณภาพการศึกษา") in items
        assert ("target_quant", "จัดกิจกรรมส่งเสริมความร่วมมือ จำนวน 120 คน จำนวน 1 ครั้ง") in items
        kpis = [(k.result_level, k.text_th, k.method_th, k.tool_th) for k in p.indicators.all()]
        assert kpis == [
            ("output", "จำนวนผู้เข้าร่วมกิจกรรม", "นับจำนวน", "บัญชีลงเวลา"),
            ("outcome", "ร้อยละของผู้เข้าร่วมกิจกรรม", "แบบประเมินความพึงพอใจ", "แบบสอบถาม"),
        ]

    def test_seed_002_imports_at_53600_from_its_budget_table(self):
        office = f.make_office("PTL2")
        report = run(office, docs.build(docs.seed002), 2558, commit=True)
        assert report.ok and report.committed, explain(report)
        assert mismatches(report) == [], explain(report)
        p = Project.objects.get()
        assert p.name_th == docs.P002.replace("ภายในสถานศึกษา", "ภายใน สถานศึกษา")  # a line break
        assert p.budget_total() == D("53600.00")
        assert p.lead_unit.standard_code == StandardGroup.SUPERV
        assert p.strategy.number == 5
        assert [x.amount for x in p.all_lines()] == [D("40000.00"), D("10000.00"), D("3600.00")]

    def test_seed_003_project_page_reports_its_wrong_row_and_total(self):
        """EX-14 / INC-10 as in test_seed_imports: row ๕ printed ๕,๐๐๐ for ๒,๐๐๐."""
        office = f.make_office("NKI2")
        report = run(office, docs.build(docs.seed003_p2), 2566, commit=True)
        assert report.ok and report.committed, explain(report)
        assert mismatches(report) == [
            ("grand", D("30000.00"), D("33000.00")),
            ("row", D("5000.00"), D("2000.00")),
        ]
        [row] = [m for m in report.mismatches if m.kind == "row"]
        assert row.loc.describe().endswith("แถว 7 คอลัมน์ 6")
        p = Project.objects.get()
        assert p.budget_total() == D("30000.00")
        assert p.lead_unit.standard_code == StandardGroup.SUPERV
        assert (p.strategy.number, p.project_type) == (3, "continuing")
        assert (p.start_date, p.end_date) == (date(2022, 10, 1), date(2023, 9, 30))
        kinds = [i.kind for i in p.items.all()]
        assert kinds.count("target_quant") == 1 and kinds.count("target_qual") == 1
        assert not [w for w in report.warnings if "กลุ่มที่รับผิดชอบ" in w.message]

    def test_two_forms_in_one_document_stay_two_projects(self):
        """002 ends with its ผลที่คาดว่าจะได้รับ; 003's page then starts with "โครงการ …"."""
        office = f.make_office("NKI2")
        report = run(office, docs.build(docs.seed002, docs.seed003_p2), 2566, commit=True)
        assert report.ok, explain(report)
        assert sorted(p.budget_total() for p in Project.objects.all()) == [
            D("30000.00"),
            D("53600.00"),
        ]
        outcomes = [
            i.text_th for p in Project.objects.all() for i in p.items.filter(kind="outcome")
        ]
        assert not any(t.startswith(("โครงการ", "พัฒนาครู")) for t in outcomes)

    def test_a_wrong_activity_total_is_reported_at_its_paragraph(self):
        office = f.make_office("PTL2")
        data = docs.build(docs.seed000)
        data = docs.rewrite_part(
            data,
            "word/document.xml",
            lambda b: b.replace("รวมกิจกรรม = 6,820".encode(), "รวมกิจกรรม = 6,920".encode()),
        )
        report = run(office, data, 2566)
        [m] = [m for m in report.mismatches if m.kind == "activity"]
        assert (m.declared, m.computed) == (D("6920.00"), D("6820.00"))
        assert m.loc.kind == "paragraph" and "ย่อหน้าที่" in m.loc.describe()


class TestPlanBookPart3:
    def test_strategy_6_imports_eleven_projects_at_763800_and_reports_every_wrong_total(self):
        office = f.make_office("YST2")
        data = docs.build(docs.strategy6_part3, docs.strategy6_durations)
        report = run(office, data, 2563, commit=True)
        assert report.ok and report.committed, explain(report)
        assert report.count("created") == 11
        plan = office.plans.get()
        summary, _, _ = summarize(plan, plan_projects(plan))
        assert summary.total == D("763800.00")
        assert mismatches(report) == [
            ("count", D("12"), D("11")),
            ("sentence", D("736800.00"), D("763800.00")),
            ("strategy", D("773800.00"), D("763800.00")),
        ]
        [table_total] = [m for m in report.mismatches if m.kind == "strategy"]
        assert table_total.loc.kind == "table"
        assert table_total.loc.describe().startswith("ตารางที่ 2 (")
        assert "แถว 4 คอลัมน์ 4" in table_total.loc.describe()

    def test_the_duration_table_under_a_wrong_header_sets_every_period(self):
        office = f.make_office("YST2")
        data = docs.build(docs.strategy6_part3, docs.strategy6_durations)
        report = run(office, data, 2563, commit=True)
        periods = {p.name_th: (p.start_date, p.end_date) for p in Project.objects.order_by("pk")}
        assert len(periods) == 11 and all(s and e for s, e in periods.values())
        assert periods["สภากาแฟ คุยกันเช้าวันพุธ"] == (date(2019, 10, 1), date(2020, 9, 30))
        assert periods[" ".join(docs.S6_PROJECTS[4][1].split())] == (
            date(2020, 1, 1),
            date(2020, 5, 31),
        )
        messages = [w.message for w in report.warnings]
        assert any("อ่านเป็นตารางระยะเวลาดำเนินการ" in m for m in messages)
        assert any("ก่อนปีงบประมาณ 2563" in m and "ติดตาม ประเมินผล" in m for m in messages)
        assert any("ลำดับ 5" in m and "ใช้ตามลำดับที่" in m for m in messages)

    def test_a_repeated_header_on_the_second_page_and_a_right_header_read_the_same(self):
        office = f.make_office("YST2")
        data = docs.build(
            docs.strategy6_part3,
            docs.strategy6_durations,
            strategy6_part3={"repeat_header": True},
            strategy6_durations={"wrong_header": False},
        )
        report = run(office, data, 2563, commit=True)
        assert report.ok, explain(report)
        assert report.count("created") == 11
        assert all(p.start_date for p in Project.objects.all())
        assert not any("อ่านเป็นตารางระยะเวลา" in w.message for w in report.warnings)

    def test_reimporting_the_same_document_changes_nothing(self):
        office = f.make_office("YST2")
        data = docs.build(docs.strategy6_part3, docs.strategy6_durations)
        run(office, data, 2563, commit=True)
        before = list(Project.objects.order_by("pk").values_list("pk", "version", "start_date"))
        again = run(office, data, 2563, commit=True)
        assert again.ok, explain(again)
        assert (again.count("created"), again.count("updated"), again.count("unchanged")) == (
            0,
            0,
            11,
        )
        after = list(Project.objects.order_by("pk").values_list("pk", "version", "start_date"))
        assert after == before

    def test_reimporting_a_project_form_changes_nothing(self):
        office = f.make_office("PTL2")
        data = docs.build(docs.seed000)
        run(office, data, 2566, commit=True)
        again = run(office, data, 2566, commit=True)
        assert (again.count("created"), again.count("updated"), again.count("unchanged")) == (
            0,
            0,
            1,
        ), explain(again)


class TestReader:
    def test_merged_cells_land_in_their_columns_and_breaks_and_tabs_are_kept(self):
        sheet = read_document(docs.build(docs.seed002))
        rows = dict(sheet.rows)
        budget = [v for v in rows.values() if v and v[0] == "ที่"]
        assert budget == [["ที่", "รายการ", "งบประมาณ"]]
        second = next(v for v in rows.values() if v[:3] == [None, None, "รวม"])
        assert second == [None, None, "รวม", "ค่าตอบแทน", "ค่าใช้สอย", "วัสดุ"]
        name = next(v for v in rows.values() if v[0] == "ชื่อโครงการ")
        assert name[1].endswith("ภายใน\nสถานศึกษา")
        kpi = next(v for v in rows.values() if v[0] == "กลุ่ม/หน่วยที่รับผิดชอบ")
        assert kpi[1].endswith("กลุ่มอำนวยการ\n กลุ่มส่งเสริมการจัดการศึกษา")

    def test_a_header_line_with_a_tab_is_two_cells_and_a_paragraph_one(self):
        sheet = read_document(docs.build(docs.seed000))
        rows = [v for _, v in sheet.rows]
        assert rows[0] == ["ชื่อโครงการ", docs.P000]
        assert ["2.วัตถุประสงค์"] in rows

    def test_locations_read_as_the_document_shows_them(self):
        sheet = read_document(docs.build(docs.strategy6_part3))
        rows = list(sheet.rows)
        table_row = next(n for n, v in rows if v[0] == "8.")
        assert sheet.locate(table_row, 3).describe() == (
            f"ตารางที่ 1 ({docs.S6_HEADING}) แถว 9 คอลัมน์ 4"
        )
        sentence = next(n for n, v in rows if v[0].startswith("มีโครงการรองรับ"))
        assert sheet.locate(sentence, 0).describe() == f"ย่อหน้าที่ 3 (ใต้หัวข้อ “{docs.S6_HEADING}”)"

    def test_pictures_and_embedded_objects_are_ignored(self, tmp_path):
        png = tmp_path / "logo.png"
        png.write_bytes(
            base64.b64decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
            )
        )
        document = docs.Document()
        document.add_picture(str(png))
        docs.seed000(document)
        t = document.tables[0]
        t.cell(0, 0).paragraphs[0].add_run().add_picture(str(png))
        rows = [v for _, v in read_document(docs.to_bytes(document)).rows]
        assert rows[0] == ["ชื่อโครงการ", docs.P000]
        assert ["ตัวชี้วัดความสำเร็จ", "วิธีการประเมิน", "เครื่องมือที่ใช้"] in rows  # the cell with a picture
        assert all("png" not in repr(v) and "rId" not in repr(v) for v in rows)

    def test_spreadsheet_locations_are_unchanged(self):
        assert Loc.at("p8_budget", 2, 3).describe() == "ชีต “p8_budget” แถว 2 คอลัมน์ D"
        assert Loc.at("p8_budget", 2, 3).as_json() == {
            "sheet": "p8_budget",
            "row": 2,
            "column": "D",
        }
        assert Loc("ตารางที่ 3", 5, "4", "table").describe() == "ตารางที่ 3 แถว 5 คอลัมน์ 4"


class TestRefused:
    def test_a_docm_is_refused_by_its_name_and_by_its_content_type(self):
        data = docs.build(docs.seed000)
        with pytest.raises(RejectedFile, match="แมโคร"):
            check_file("โครงการ.docm", data)
        with pytest.raises(RejectedFile, match="แมโคร"):
            check_file("โครงการ.docx", docs.as_macro_enabled(data))

    def test_a_doc_is_refused_asking_to_save_as_docx(self):
        with pytest.raises(RejectedFile, match=r"\.docx"):
            check_file("โครงการ.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 100)

    def test_an_external_entity_is_refused_before_parsing(self):
        office = f.make_office("PTL2")
        report = run(office, docs.with_xxe(docs.build(docs.seed000)), 2566)
        assert not report.ok
        assert "DTD" in report.errors[0].message
        assert not Project.objects.exists()

    def test_an_external_entity_past_the_check_stays_inert(self, tmp_path):
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET-VALUE")
        data = docs.with_xxe(docs.build(docs.seed000), str(secret))
        try:
            sheet = read_document(data)
        except RejectedFile:
            return  # refused outright: inert too
        assert "TOP-SECRET-VALUE" not in repr(list(sheet.rows))

    def test_a_zip_bomb_docx_is_refused(self):
        data = docs.rewrite_part(
            docs.build(docs.seed000), "word/bomb.xml", lambda _: b" " * (30 << 20)
        )
        with pytest.raises(RejectedFile, match="บีบอัดมากผิดปกติ"):
            check_file("โครงการ.docx", data)


def test_a_150_project_book_imports_and_its_time_is_printed():
    """No timed assertion (bench/ prints figures); the figure goes into the report."""
    office = f.make_office("BIG1")
    data = docs.big_book(150)
    started = time.perf_counter()
    report = run(office, data, 2567, commit=True)
    elapsed = time.perf_counter() - started
    print(f"\n150-project Word book: {len(data):,} bytes, import with commit {elapsed:.2f} s")
    assert report.ok, explain(report)[:2000]
    assert report.count("created") == 150
    assert mismatches(report) == []
    assert Project.objects.filter(start_date=date(2023, 11, 1)).count() == 150


class TestThroughTheImportPages:
    """The same upload → preview → confirm pages as a workbook (permissions: test_views.py)."""

    def test_a_plan_book_is_previewed_with_its_places_and_confirmed(self, plan_admin_a, media_root):
        client = Client()
        client.force_login(plan_admin_a)
        data = docs.build(docs.strategy6_part3, docs.strategy6_durations)
        response = upload(client, data, name="แผนปฏิบัติการ 2563.docx", year=2563)
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert batch.status == ImportStatus.PREVIEWED, batch.report["errors"]
        assert (Path(media_root) / "imports" / "pending" / f"{batch.sha256}.docx").exists()
        before = snapshot()
        page = client.get(response["Location"]).content.decode()
        assert snapshot() == before
        assert "ตารางที่ 2 (ยุทธศาสตร์ที่ 6" in page and "แถว 4 คอลัมน์ 4" in page
        assert "773,800.00" in page and "736,800.00" in page
        client.post(reverse("imports:importbatch_confirm", args=[batch.pk]))
        batch.refresh_from_db()
        assert batch.status == ImportStatus.COMMITTED
        assert Project.objects.filter(start_date__isnull=False).count() == 11

    def test_a_docm_is_refused_in_the_form(self, plan_admin_a):
        client = Client()
        client.force_login(plan_admin_a)
        response = upload(client, docs.build(docs.seed000), name="โครงการ.docm", year=2566)
        assert response.status_code == 200
        assert "แมโคร" in response.content.decode()
        assert not ImportBatch.objects.exists()
