"""Script payloads typed into free-text fields never run: every page escapes them and the PDF
prints them as the literal text the user typed."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import Role
from printing import project as pdf
from projects.models import ItemKind, ProjectItem, ProjectPerson
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
RAW = ["<script>alert", "<img src=x onerror"]


@pytest.fixture
def hostile(office_a, plan_a):
    text = " ".join(PAYLOADS)
    f.make_strategy(plan_a, 1, f"กลยุทธ์ {text}")
    project = f.make_project(
        plan_a,
        unit=f.group(office_a),
        name_th=f"โครงการ {PAYLOADS[0]}",
        rationale_th=text,
        location_th=text,
        target_groups_th=text,
    )
    ProjectItem.objects.create(project=project, kind=ItemKind.OBJECTIVE, order=1, text_th=text)
    ProjectPerson.objects.create(
        project=project, order=1, name_th=PAYLOADS[1], position_th=PAYLOADS[0]
    )
    activity = f.make_activity(project, f"กิจกรรม {PAYLOADS[1]}", steps_th=text, responsible_th=text)
    f.make_line(activity, f"ค่าวัสดุ {PAYLOADS[0]}", amount="1500", category_code="materials")
    f.set_quarters(activity, 1500)
    f.make_indicator(
        project,
        f"ตัวชี้วัด {PAYLOADS[1]}",
        method_th=PAYLOADS[0],
        tool_th=PAYLOADS[1],
        target_value=Decimal("80"),
    )
    return project


def test_no_page_shows_a_payload_unescaped(client, hostile, office_a):
    admin = f.make_user(office_a, Role.PLAN_ADMIN, f.group(office_a), "xss_admin")
    client.force_login(admin)
    urls = [
        reverse("projects:project_list"),
        reverse("projects:project_detail", args=[hostile.pk]),
        reverse("projects:project_edit", args=[hostile.pk]),
        reverse("projects:project_history", args=[hostile.pk]),
        reverse("plans:plan_overview", args=[hostile.plan_id]),
        reverse("plans:plan_validation", args=[hostile.plan_id]),
        reverse("plans:plan_dashboard", args=[hostile.plan_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for raw in RAW:
            assert raw not in page, f"{url} shows {raw!r} unescaped"
        if "dashboard" not in url:  # the charts show numbers, not names
            assert "&lt;script&gt;" in page, f"{url} does not show the text at all"


def test_the_pdf_prints_the_payload_as_text(hostile, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    document = tmp_path / "project.pdf"
    document.write_bytes(pdf.render_project(pdf.fetch_project(hostile.pk)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(document), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "<script>alert" in " ".join(text.split())  # printed literally, so never interpreted
