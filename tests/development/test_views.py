"""The teacher-development plan's own parts (issue 18): the needs survey with computed
percentages, target groups, methods per project and staff statistics, edited in-app by the
plan admin; needs no project answers are listed on the validation page; the book prints them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import PlanType
from development.models import (
    DevelopmentMethod,
    DevelopmentNeed,
    NeedsSurvey,
    StaffStatistic,
    TargetGroup,
    percent,
)
from printing import book
from projects import services as project_services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(office_a):
    plan = f.make_plan(office_a, 2566, plan_type=PlanType.TEACHER_DEV)
    f.make_strategy(plan, 1, "พัฒนาครู")
    return plan


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_percent_is_computed_with_half_up_rounding_and_none_for_nobody():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(0, 0) is None


class TestDevelopmentParts:
    def test_the_plan_admin_saves_the_survey_and_percentages_are_computed(
        self, client, teacher, plan_admin_a
    ):
        plc = f.make_project(teacher, name_th="โครงการ PLC")
        client.force_login(plan_admin_a)
        url = reverse("development:development_parts", args=[teacher.pk])
        assert client.get(url).status_code == 200
        data = {
            "surveyed_date": "2022-09-15",
            "method_th": "แบบสอบถามออนไลน์",
            **formset(
                "needs",
                [
                    {
                        "order": 1,
                        "topic_th": "การจัดการเรียนรู้เชิงรุก",
                        "surveyed_count": 240,
                        "wanting_count": 180,
                        "projects": [plc.pk],
                    },
                    {
                        "order": 2,
                        "topic_th": "การวัดและประเมินผล",
                        "surveyed_count": 240,
                        "wanting_count": 97,
                    },
                ],
            ),
            **formset(
                "targets",
                [
                    {"order": 1, "group": "teacher", "head_count": 200},
                    {"order": 2, "group": "new_teacher", "head_count": 40},
                ],
            ),
            **formset(
                "staff",
                [{"order": 1, "position_th": "ครู", "standing": "professional", "count": 120}],
            ),
        }
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        needs = list(DevelopmentNeed.objects.filter(plan=teacher))
        assert [n.percent for n in needs] == [Decimal("75.00"), Decimal("40.42")]
        assert list(needs[0].projects.all()) == [plc]
        assert NeedsSurvey.objects.get(plan=teacher).surveyed_date == date(2022, 9, 15)
        assert TargetGroup.objects.filter(plan=teacher).count() == 2
        assert StaffStatistic.objects.get().count == 120
        page = client.get(url).content.decode()
        assert "75.00" in page and "40.42" in page  # computed, never typed

    def test_more_wanting_than_surveyed_is_refused_and_nothing_is_saved(
        self, client, teacher, plan_admin_a
    ):
        client.force_login(plan_admin_a)
        url = reverse("development:development_parts", args=[teacher.pk])
        data = {
            "surveyed_date": "",
            "method_th": "",
            **formset(
                "needs",
                [{"order": 1, "topic_th": "ดิจิทัล", "surveyed_count": 10, "wanting_count": 11}],
            ),
            **formset("targets", []),
            **formset("staff", []),
        }
        assert client.post(url, data).status_code == 422
        assert not DevelopmentNeed.objects.exists() and not NeedsSurvey.objects.exists()

    def test_permissions(self, client, office_a, teacher, planner_a1, director_a, outsider):
        url = reverse("development:development_parts", args=[teacher.pk])
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(director_a)
        assert client.get(url).status_code == 403
        client.force_login(planner_a1)
        assert client.post(url, {}).status_code == 403
        action = f.make_plan(office_a, 2566)

        admin = f.make_user(office_a, "plan_admin")
        client.force_login(admin)
        assert (
            client.get(reverse("development:development_parts", args=[action.pk])).status_code
            == 404
        )

    def test_methods_of_a_project_are_kept_per_activity(self, client, teacher, plan_admin_a):
        project = f.make_project(teacher, name_th="โครงการโค้ช")
        activity = f.make_activity(project, "อบรมเชิงปฏิบัติการ")
        client.force_login(plan_admin_a)
        url = reverse("development:project_methods", args=[teacher.pk, project.pk])
        assert client.get(url).status_code == 200
        data = formset(
            "methods",
            [
                {"activity": activity.pk, "method": "training", "participants": 60, "hours": "12"},
                {"activity": "", "method": "coaching", "participants": 20, "hours": "6.5"},
            ],
        )
        assert client.post(url, data).status_code == 302
        assert sorted(DevelopmentMethod.objects.values_list("method", "participants")) == [
            ("coaching", 20),
            ("training", 60),
        ]


def test_uncovered_needs_are_warned_on_validation_and_the_book_prints_the_parts(
    client, office_a, teacher, plan_admin_a
):
    action = f.make_plan(office_a, 2566)
    shared = f.make_project(action, name_th="โครงการพัฒนาครูจากแผนปฏิบัติการ")
    project_services.include_project(project=shared, plan=teacher, by=plan_admin_a)
    covered = DevelopmentNeed.objects.create(
        plan=teacher, topic_th="Coaching", surveyed_count=50, wanting_count=20
    )
    covered.projects.add(shared)
    DevelopmentNeed.objects.create(
        plan=teacher, topic_th="ภาษาอังกฤษเพื่อการสื่อสาร", surveyed_count=50, wanting_count=7
    )
    TargetGroup.objects.create(plan=teacher, group="executive", head_count=10)
    StaffStatistic.objects.create(plan=teacher, position_th="ครู", standing="senior", count=33)
    DevelopmentMethod.objects.create(
        project=shared, method="plc", participants=30, hours=Decimal("20")
    )
    client.force_login(plan_admin_a)
    page = client.get(reverse("plans:plan_validation", args=[teacher.pk]))
    assert [n.topic_th for n in page.context["uncovered_needs"]] == ["ภาษาอังกฤษเพื่อการสื่อสาร"]
    assert "ยังไม่มีโครงการรองรับความต้องการ “ภาษาอังกฤษเพื่อการสื่อสาร”" in page.content.decode()

    source = book.book_source(teacher)
    [chunk] = [c for c in source["chunks"] if c["bookmark"] == "ข้อมูลการพัฒนาบุคลากร"]
    html = chunk["html"]
    assert "ภาษาอังกฤษเพื่อการสื่อสาร" in html and "๔๐.๐๐" in html and "๑๔.๐๐" in html
    assert "ชุมชนแห่งการเรียนรู้ทางวิชาชีพ (PLC)" in html and "ชำนาญการพิเศษ" in html
    assert "โครงการพัฒนาครูจากแผนปฏิบัติการ" in html
    action_marks = [c["bookmark"] for c in book.book_source(action)["chunks"]]
    assert "ข้อมูลการพัฒนาบุคลากร" not in action_marks
