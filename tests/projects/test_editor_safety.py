"""The editor never loses or corrupts what was saved: unknown activity references, amounts that
do not fit a money column, a project moved on in the workflow meanwhile, years typed in either
era, and invisible characters that would reverse printed text."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import Role
from actionplan.thai import clean_text
from projects import services
from projects.models import Project, ProjectStatus
from tests import factories as f
from tests.projects.test_views import ex01_post, resubmit_data
from workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def create_ex01(client, user, plan, **overrides) -> Project:
    client.force_login(user)
    response = client.post(
        reverse("projects:project_create", args=[plan.pk]), ex01_post(plan, **overrides)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Project.objects.get(plan=plan)


def stored(project: Project):
    """Everything the editor writes, to compare before and after a refused save."""
    project = f.reload_project(project)
    return (
        project.version,
        project.name_th,
        project.start_date,
        project.end_date,
        project.budget_total(),
        [
            (line.pk, line.activity_id, line.description_th, line.formula_text, line.amount)
            for line in project.all_lines()
        ],
        [(a.pk, a.title_th, a.quarter_amounts()) for a in project.activities.all()],
    )


def edit(client, project, data):
    return client.post(reverse("projects:project_edit", args=[project.pk]), data)


class TestUnknownActivityReference:
    def test_a_saved_line_pointing_at_no_activity_is_a_field_error_and_nothing_is_lost(
        self, client, planner_a1, plan_a
    ):
        project = create_ex01(client, planner_a1, plan_a)
        before = stored(project)
        data = resubmit_data(project)
        data["lines-2-activity_ref"] = "7"  # a stale or broken page: no activity 7
        data["name_th"] = "ชื่อใหม่ที่ยังไม่ควรถูกบันทึก"
        response = edit(client, project, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "ไม่พบกิจกรรมที่รายการนี้สังกัด" in page
        assert 'id="id_lines-2-description_th_error"' in page  # at that line
        assert 'href="#id_lines-2-description_th"' in page  # and in the summary
        assert page.count('name="lines-2-description_th"') == 1  # still on screen
        assert stored(project) == before

    def test_a_reference_that_is_not_a_number_is_refused_the_same_way(
        self, client, planner_a1, plan_a
    ):
        project = create_ex01(client, planner_a1, plan_a)
        before = stored(project)
        data = resubmit_data(project)
        data["lines-0-activity_ref"] = "x"
        response = edit(client, project, data)
        assert response.status_code == 400
        assert "ไม่พบกิจกรรมที่รายการนี้สังกัด" in response.content.decode()
        assert stored(project) == before

    def test_a_line_typed_with_no_activity_on_the_page_stays_on_screen(
        self, client, planner_a1, plan_a
    ):
        client.force_login(planner_a1)
        data = ex01_post(plan_a, **{"activities-TOTAL_FORMS": 0})
        response = client.post(reverse("projects:project_create", args=[plan_a.pk]), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "data-orphan-lines" in page and "ไม่พบกิจกรรมที่รายการนี้สังกัด" in page
        assert 'value="ค่าวัสดุ"' in page
        assert not Project.objects.filter(plan=plan_a).exists()

    def test_lines_go_with_an_activity_removed_explicitly(self, client, planner_a1, plan_a):
        project = create_ex01(client, planner_a1, plan_a)
        data = resubmit_data(project)
        data["activities-0-DELETE"] = "on"
        assert edit(client, project, data).status_code == 302
        assert list(f.reload_project(project).all_lines()) == []

    def test_only_a_line_marked_for_removal_is_removed(self, client, planner_a1, plan_a):
        project = create_ex01(client, planner_a1, plan_a)
        kept = [line.pk for line in f.reload_project(project).all_lines()][:2]
        data = resubmit_data(project)
        data["lines-2-DELETE"] = "on"
        assert edit(client, project, data).status_code == 302
        assert [line.pk for line in f.reload_project(project).all_lines()] == kept

    def test_a_saved_line_the_page_did_not_send_is_kept_with_its_formula(
        self, client, planner_a1, plan_a
    ):
        project = create_ex01(client, planner_a1, plan_a)
        saved = {line.pk: line.formula_text for line in f.reload_project(project).all_lines()}
        data = resubmit_data(project)
        last = int(data["lines-TOTAL_FORMS"]) - 1
        missing = data[f"lines-{last}-id"]
        for key in [k for k in data if k.startswith(f"lines-{last}-")]:
            del data[key]  # a stale page that never showed the last line
        data["lines-TOTAL_FORMS"] = str(last)
        data["name_th"] = "ชื่อใหม่"
        assert edit(client, project, data).status_code == 302
        project = f.reload_project(project)
        assert project.name_th == "ชื่อใหม่"
        after = {line.pk: line.formula_text for line in project.all_lines()}
        assert after == saved and int(missing) in after


class TestAmountsBeyondTheMoneyColumn:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("lines-0-formula", "1000000 คน x 1000000 บาท"),
            ("lines-0-formula", "1 คน x 1000000000000 บาท"),
            ("lines-0-formula", "32 คน x 35 บาท = 99999999999999999999999999999999 บาท"),
            ("lines-2-plain_amount", "1,000,000,000,000"),
            ("lines-2-plain_amount", "9" * 40),
            ("activities-0-q3", "1,000,000,000,000"),
            ("activities-0-q3", "๙" * 40),
        ],
    )
    def test_is_a_thai_error_at_the_field_and_nothing_is_saved(
        self, client, planner_a1, plan_a, field, value
    ):
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_create", args=[plan_a.pk]),
            ex01_post(plan_a, **{field: value}),
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert f'id="id_{field}_error"' in page
        assert "999,999,999,999.99 บาท" in page
        assert not Project.objects.filter(plan=plan_a).exists()

    def test_the_largest_amount_is_saved_exactly(self, client, planner_a1, plan_a):
        project = create_ex01(
            client,
            planner_a1,
            plan_a,
            **{
                "lines-0-formula": "",
                "lines-0-plain_amount": "999,999,994,299.99",
                "activities-0-q3": "999,999,999,999.99",
            },
        )
        assert f.reload_project(project).budget_total() == Decimal("999999999999.99")

    def test_a_project_total_beyond_it_is_refused(self, client, planner_a1, plan_a):
        client.force_login(planner_a1)
        data = ex01_post(
            plan_a,
            **{
                "lines-0-formula": "",
                "lines-0-plain_amount": "600,000,000,000",
                "lines-1-formula": "",
                "lines-1-plain_amount": "600,000,000,000",
            },
        )
        response = client.post(reverse("projects:project_create", args=[plan_a.pk]), data)
        assert response.status_code == 400
        assert "งบประมาณรวมของโครงการต้องไม่เกิน" in response.content.decode()
        assert not Project.objects.filter(plan=plan_a).exists()


class TestSavingAProjectMovedOnMeanwhile:
    def test_answers_the_thai_conflict_with_the_typing_kept_and_saves_nothing(
        self, client, planner_a1, office_a
    ):
        project = create_ex01(client, planner_a1, f.make_plan(office_a, 2566))
        data = resubmit_data(project)  # the editor as the planner opened it
        data["name_th"] = "ชื่อที่พิมพ์ค้างไว้"
        director = f.make_user(office_a, Role.GROUP_DIRECTOR, planner_a1.org_unit, "gd_a1")
        workflow_services.submit_project(project=project, by=director)
        before = stored(project)
        response = edit(client, project, data)
        assert response.status_code == 409
        page = response.content.decode()
        assert "ยังไม่ได้บันทึก" in page and "403 Forbidden" not in page
        assert "ถูกเปลี่ยนเป็นสถานะ “เสนอแล้ว”" in page
        assert director.display_name in page
        assert "ชื่อที่พิมพ์ค้างไว้" in page  # the typing is still on screen
        assert stored(project) == before
        project.refresh_from_db()
        assert project.status == ProjectStatus.SUBMITTED

    def test_a_reader_who_could_never_edit_it_still_gets_403(
        self, client, planner_a1, plan_a, director_a
    ):
        project = create_ex01(client, planner_a1, plan_a)
        data = resubmit_data(project)
        before = stored(project)
        client.force_login(director_a)
        response = edit(client, project, data)
        assert response.status_code == 403
        assert "ไม่มีสิทธิ์" in response.content.decode()
        assert stored(project) == before

    def test_the_two_tab_message_prints_a_buddhist_era_date(self, planner_a1, plan_a):
        from datetime import datetime

        from django.utils import timezone

        at = timezone.make_aware(datetime(2023, 4, 1, 9, 30))
        message = str(services.EditConflict(changed_by="ก", changed_at=at))
        assert "1 เม.ย. 2566 09:30" in message and "2023" not in message


class TestDates:
    @pytest.mark.parametrize(
        "typed",
        [
            "01/04/2566",
            "1/4/66",
            "๐๑/๐๔/๒๕๖๖",
            "1.4.2566",
            "1 เม.ย. 66",
            "1 เมษายน 2566",
            "๑ เมษายน ๒๕๖๖",
            "1/4/2023",
            "2023-04-01",
            "2566-04-01",
        ],
    )
    def test_a_year_in_either_era_near_the_plan_is_read_as_the_same_day(
        self, client, planner_a1, office_a, typed
    ):
        plan = f.make_plan(office_a, 2566)
        project = create_ex01(client, planner_a1, plan, start_date=typed)
        project.refresh_from_db()
        assert project.start_date == date(2023, 4, 1)

    @pytest.mark.parametrize("typed", ["2600-04-01", "1990-04-01", "3110-04-01", "1/4/2500"])
    def test_a_year_far_from_the_plan_is_an_error_at_the_field(
        self, client, planner_a1, office_a, typed
    ):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_create", args=[plan.pk]),
            ex01_post(plan, start_date=typed),
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="id_start_date_error"' in page
        assert "อยู่นอกช่วงของแผนปีงบประมาณ 2566" in page
        assert not Project.objects.filter(plan=plan).exists()

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("31/04/2566", "เดือนเมษายน 2566 ไม่มีวันที่ 31"),
            ("29/02/2566", "เดือนกุมภาพันธ์ 2566 ไม่มีวันที่ 29"),
            ("01/13/2566", "เดือนต้องเป็นเลข 1 ถึง 12"),
            ("เมษายน", "กรุณากรอกวันที่เป็นวัน/เดือน/ปี พ.ศ. เช่น 17/10/2565"),
        ],
    )
    def test_a_day_that_does_not_exist_is_a_thai_error_at_the_field(
        self, client, planner_a1, office_a, typed, message
    ):
        plan = f.make_plan(office_a, 2566)
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_create", args=[plan.pk]),
            ex01_post(plan, start_date=typed),
        )
        assert response.status_code == 400
        page = response.content.decode()
        error = page.split('id="id_start_date_error"', 1)[1].split("</ul>", 1)[0]
        assert message in error
        assert f'value="{typed}"' in page  # what was typed stays in the input
        assert not Project.objects.filter(plan=plan).exists()

    def test_the_editor_shows_a_saved_date_in_the_buddhist_era(self, client, planner_a1, office_a):
        project = create_ex01(client, planner_a1, f.make_plan(office_a, 2566))
        page = client.get(reverse("projects:project_edit", args=[project.pk])).content.decode()
        start = page.split('name="start_date"', 1)[1].split(">", 1)[0]
        assert 'value="01/04/2566"' in start and "data-bedate" in start
        assert 'type="date"' not in page
        assert 'aria-describedby="id_start_date_helptext"' in page
        assert 'id="id_start_date_helptext"' in page
        assert "js/bedate.js" in page

    def test_an_edit_with_a_wrong_year_changes_nothing(self, client, planner_a1, plan_a):
        project = create_ex01(client, planner_a1, plan_a)
        before = stored(project)
        data = resubmit_data(project)
        data["end_date"] = "1999-09-30"
        response = edit(client, project, data)
        assert response.status_code == 400
        assert 'id="id_end_date_error"' in response.content.decode()
        assert stored(project) == before


class TestInvisibleCharacters:
    def test_bidi_controls_and_zero_width_characters_are_not_stored(
        self, client, planner_a1, plan_a
    ):
        rlo, zwsp = "\u202e", "\u200b"
        project = create_ex01(
            client,
            planner_a1,
            plan_a,
            name_th=f"โครงการ{rlo}ทดสอบ{zwsp}ระบบ",
            rationale_th=f"หลักการ{zwsp}และเหตุผล{rlo}",
            objectives=f"เพื่อ{rlo}ทดสอบ",
            **{
                "activities-0-title_th": f"กิจกรรม{zwsp}หลัก",
                "lines-0-description_th": f"ค่าอาหาร{rlo}ว่าง",
                "indicators-0-text_th": f"จำนวน{zwsp}ผู้เข้าร่วม",
            },
        )
        project = f.reload_project(project)
        assert project.name_th == "โครงการทดสอบระบบ"
        assert project.rationale_th == "หลักการและเหตุผล"
        assert [i.text_th for i in project.items.all() if i.kind == "objective"] == ["เพื่อทดสอบ"]
        assert project.activities.all()[0].title_th == "กิจกรรมหลัก"
        assert project.all_lines()[0].description_th == "ค่าอาหารว่าง"
        assert project.indicators.all()[0].text_th == "จำนวนผู้เข้าร่วม"

    def test_text_is_stored_in_nfc(self, client, planner_a1, plan_a):
        decomposed = "e\u0301"  # é as two code points
        project = create_ex01(client, planner_a1, plan_a, name_th=f"โครงการ caf{decomposed}")
        project.refresh_from_db()
        assert project.name_th == "โครงการ caf\u00e9" == clean_text(project.name_th)


class TestMistypedFormulas:
    """Issue 14: every mistake a planner made in the trial is a Thai error at the formula,
    and nothing of the project is saved from it (neither a new one nor an edit)."""

    MISTAKES = [
        ("100 คน x 2OO บาท x 2 มื้อ", "ตัวอักษร “O” อยู่ในตัวเลข “2OO”"),
        ("100 คน / 2", "ใช้เครื่องหมาย “/” ในสูตรไม่ได้"),
        ("10 คน - 2 วัน - 100 บาท", "ใช้เครื่องหมาย “-” ในสูตรไม่ได้"),
        ("32 คน x 35 บาท - 10%", "ใช้เครื่องหมาย “-” ในสูตรไม่ได้"),
        ("-5 คน x 10 บาท", "ติดลบไม่ได้"),
        ("<script>alert(3)</script> 5 คน x 10 บาท", "ไม่ใช่ส่วนของสูตร"),
        ("1e309", "ตัวอักษร “e” อยู่ในตัวเลข"),
        ("NaN", "ไม่พบจำนวนในสูตร"),
        ("32 คน x 35 บาท 2 มื้อ", "ขาดเครื่องหมายคูณ"),
        ("32 คน x 35.125 บาท", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
        ("18 คน x 33 บาท x 2 มื้อ = 1,080 บาท", "ผลคูณ 1,188.00 บาท ไม่ตรงกับยอด"),
    ]

    @pytest.mark.parametrize(("formula", "message"), MISTAKES)
    def test_a_new_project_is_not_saved(self, client, planner_a1, plan_a, formula, message):
        client.force_login(planner_a1)
        response = client.post(
            reverse("projects:project_create", args=[plan_a.pk]),
            ex01_post(plan_a, **{"lines-0-formula": formula}),
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="id_lines-0-formula_error"' in page
        error = page.split('id="id_lines-0-formula_error"', 1)[1].split("</ul>", 1)[0]
        assert message in error.replace("&ldquo;", "“").replace("&rdquo;", "”")
        assert not Project.objects.filter(plan=plan_a).exists()

    @pytest.mark.parametrize(("formula", "message"), MISTAKES[:4])
    def test_an_edit_keeps_the_saved_project(self, client, planner_a1, plan_a, formula, message):
        project = create_ex01(client, planner_a1, plan_a)
        before = stored(project)
        data = resubmit_data(project)
        data["lines-0-formula"] = formula
        data["name_th"] = "ชื่อใหม่ที่ยังไม่ควรถูกบันทึก"
        response = edit(client, project, data)
        assert response.status_code == 400
        assert stored(project) == before

    def test_the_spreadsheet_style_of_the_seeds_is_saved_as_the_preview_shows(
        self, client, planner_a1, plan_a
    ):
        project = create_ex01(
            client, planner_a1, plan_a, **{"lines-0-formula": "ค่าอาหารว่างและเครื่องดื่ม=100x50X2"}
        )
        assert f.reload_project(project).all_lines()[0].amount == Decimal("10000.00")
