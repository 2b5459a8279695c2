"""The public transparency page (ITA): approved plans only, as approved, and nothing that must
never be published — tested by content (issue 20)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services as plan_services
from projects.models import ProjectStatus
from tests import factories as f
from tests.workflow import test_workflow as workflow_tests
from workflow import services as workflow_services

pytestmark = pytest.mark.django_db

group_director_a1 = workflow_tests.group_director_a1
project = workflow_tests.project
to_status = workflow_tests.to_status

SECRETS = [
    "โครงการลับฉบับร่าง",
    "โครงการที่ถูกส่งกลับ",
    "ความเห็นภายในห้ามเผยแพร่",
    "secret.person@example.go.th",
    "081-234-5678",
]


@pytest.fixture
def published(project, group_director_a1, deputy_a, director_a, planner_a1):
    cache.clear()
    planner_a1.email = "secret.person@example.go.th"
    planner_a1.save(update_fields=["email"])
    person = planner_a1.person
    person.position_th = "นักวิเคราะห์นโยบายและแผน 081-234-5678"
    person.save()
    to_status(
        project, ProjectStatus.APPROVED, gd=group_director_a1, deputy=deputy_a, director=director_a
    )
    approval = plan_services.approve_plan(plan=project.plan, by=director_a)
    plan = project.plan
    f.make_project(plan, unit=planner_a1.org_unit, name_th="โครงการลับฉบับร่าง")
    returned = f.make_project(plan, unit=planner_a1.org_unit, name_th="โครงการที่ถูกส่งกลับ")
    activity = f.make_activity(returned)
    f.make_line(activity, "ค่าวัสดุ", amount="500", category_code="materials")
    f.set_quarters(activity, 500)
    f.make_indicator(returned)
    returned.refresh_from_db()
    workflow_services.submit_project(project=returned, by=group_director_a1)
    returned.refresh_from_db()
    workflow_services.return_project(project=returned, by=deputy_a, comment="ความเห็นภายในห้ามเผยแพร่")
    return plan, approval


def pages(client, plan):
    code = plan.office.code
    return {
        "office": client.get(reverse("transparency:office", args=[code])),
        "page": client.get(reverse("transparency:plan", args=[code, plan.pk])),
        "csv": client.get(reverse("transparency:plan_csv", args=[code, plan.pk])),
        "json": client.get(reverse("transparency:plan_json", args=[code, plan.pk])),
    }


def test_the_approved_plan_is_published_without_login_and_nothing_else(client, published, project):
    plan, _ = published
    responses = pages(client, plan)
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    page = responses["page"].content.decode()
    assert project.name_th in page and "1,120.00" in page
    rows = list(csv.reader(io.StringIO(responses["csv"].content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["ที่", "โครงการ"] and rows[1][1] == project.name_th and len(rows) == 2
    data = json.loads(responses["json"].content)
    assert [p["name"] for p in data["projects"]] == [project.name_th]
    assert data["projects"][0]["start"] and "25" in data["projects"][0]["start"]  # a BE date
    everything = "".join(r.content.decode("utf-8-sig") for r in responses.values())
    for secret in SECRETS:
        assert secret not in everything, secret
    assert responses["json"]["Access-Control-Allow-Origin"] == "*"


def test_no_names_of_people_appear(client, published, director_a, planner_a1, group_director_a1):
    plan, _ = published
    everything = "".join(r.content.decode("utf-8-sig") for r in pages(client, plan).values())
    for user in (director_a, planner_a1, group_director_a1):
        assert user.display_name not in everything


def test_a_plan_not_approved_is_not_published(client, plan_a):
    url = reverse("transparency:plan", args=[plan_a.office.code, plan_a.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("transparency:plan_json", args=[plan_a.office.code, plan_a.pk])
        ).status_code
        == 404
    )


def test_another_offices_plan_id_is_404_under_this_office(client, published, office_b):
    plan, _ = published
    assert (
        client.get(reverse("transparency:plan", args=[office_b.code, plan.pk])).status_code == 404
    )


def test_the_cached_page_costs_a_few_small_queries(client, published):
    plan, _ = published
    url = reverse("transparency:plan", args=[plan.office.code, plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 4, [q["sql"] for q in queries]
