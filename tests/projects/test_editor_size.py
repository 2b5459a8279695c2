"""The editor at its largest: a draft of 500 budget lines opens and saves unchanged, the field
limit covers every formset at its maximum, and a post past the limit is a Thai page that sends
the user back to what they typed."""

from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse

from budgets import services as budget_services
from budgets.formula import parse_formula
from budgets.models import BudgetLine
from projects.forms import (
    ActivityFormSet,
    EditorChoices,
    IndicatorFormSet,
    LineFormSet,
    PersonFormSet,
    ProjectForm,
)
from projects.models import ItemKind, ProjectItem, ProjectPerson
from tests import factories as f

pytestmark = pytest.mark.django_db

LINES = 500
ACTIVITIES = 10


class EditorFields(HTMLParser):
    """The name=value pairs a browser sends when form#editor is submitted as rendered: text and
    hidden inputs, ticked boxes, each select's chosen option (else its first), textareas with
    the newline after the tag dropped and line ends as CRLF; nothing disabled, nothing inside a
    <template>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.in_form = self.in_template = False
        self.select = self.textarea = self.option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "editor":
            self.in_form = True
        elif tag == "template":
            self.in_template = True
        if not self.in_form or self.in_template or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "reset", "file"}:
                self.pairs.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
            self.select["options"].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "template":
            self.in_template = False
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            text = text.removeprefix("\r\n").removeprefix("\n")
            self.pairs.append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            options = [
                (v if v is not None else text, chosen) for v, chosen, text in self.select["options"]
            ]
            chosen = [v for v, selected in options if selected]
            if not self.select["multiple"] and not chosen and options:
                chosen = [options[0][0]]
            self.pairs.extend((self.select["name"], v) for v in chosen)
            self.select = None


def browser_post(html: str) -> list[tuple[str, str]]:
    parser = EditorFields()
    parser.feed(html)
    return parser.pairs


def post_as_browser(client, url: str, pairs: list[tuple[str, str]]):
    """urlencoded, as a form without enctype is sent (multipart counts its fields the same)."""
    return client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")


@pytest.fixture
def big_project(plan_a, planner_a1):
    """A draft of 10 activities with 50 lines each, formulas and plain amounts, quarterly plans,
    months, steps, items, a person and indicators."""
    project = f.make_project(plan_a, unit=planner_a1.org_unit, name_th="โครงการขนาดใหญ่")
    for n in range(1, 4):
        ProjectItem.objects.create(
            project=project, kind=ItemKind.OBJECTIVE, order=n, text_th=f"วัตถุประสงค์ข้อ {n}"
        )
    ProjectPerson.objects.create(
        project=project, order=1, name_th="นางสาวทดสอบ ใจดี", position_th="นักวิเคราะห์นโยบายและแผน"
    )
    f.make_indicator(project)
    f.make_indicator(project, "จำนวนผู้เข้าร่วม", target_unit_th="คน", target_value=Decimal(1200))
    services, materials = f.category("services"), f.category("materials")
    esa = f.fund("esa")
    pairs = []
    for a in range(ACTIVITIES):
        activity = f.make_activity(
            project,
            f"กิจกรรมที่ {a + 1} ประชุมเชิงปฏิบัติการ",
            steps_th="ประชุมคณะทำงาน\nแต่งตั้งคณะกรรมการ\nสรุปผล",
            months=sorted({a % 12 + 1, (a + 3) % 12 + 1}),
        )
        total = Decimal(0)
        for n in range(LINES // ACTIVITIES):
            line = BudgetLine(
                activity=activity,
                order=n + 1,
                description_th=f"ค่าอาหารว่างและเครื่องดื่ม รายการที่ {n + 1}",
                category=services if n % 2 else materials,
                fund_source=esa,
            )
            if n % 3:
                formula = f"{n + 10} คน x 35 บาท x 1 มื้อ x 1 ครั้ง"
                parsed = parse_formula(formula)
                pairs.append((line, parsed.factors))
                total += parsed.product
            else:
                line.plain_amount = Decimal(1500 + n)
                pairs.append((line, ()))
                total += line.plain_amount
        f.set_quarters(activity, total, 0, 0, 0)
    budget_services.create_lines(pairs)
    return project


def snapshot(project) -> tuple:
    """Everything the editor shows and writes, except the version, the save stamp and the
    lines' order numbers (the editor numbers them across the project; their sequence is kept)."""
    p = f.reload_project(project)
    return (
        p.name_th,
        p.project_type,
        p.start_date,
        p.end_date,
        p.lead_unit_id,
        p.strategy_id,
        sorted((i.kind, i.order, i.text_th) for i in p.items.all()),
        [(x.name_th, x.position_th) for x in p.people.all()],
        [(a.pk, a.title_th, a.steps_th, a.months, a.quarter_amounts()) for a in p.activities.all()],
        [
            (
                line.pk,
                line.activity_id,
                line.description_th,
                line.formula_text,
                line.plain_amount,
                line.amount,
                line.category_id,
                line.fund_source_id,
            )
            for line in p.all_lines()
        ],
        [(k.pk, k.text_th, k.target_value, k.target_unit_th) for k in p.indicators.all()],
        p.budget_total(),
    )


class TestFiveHundredLines:
    def test_the_editor_opens_and_saves_them_unchanged(self, client, planner_a1, big_project):
        before = snapshot(big_project)
        assert len(before[9]) == LINES
        url = reverse("projects:project_edit", args=[big_project.pk])
        client.force_login(planner_a1)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("data-line ") + html.count("data-line>") >= LINES
        pairs = browser_post(html)
        assert len(pairs) > 3000  # three times what Django's default limit accepts
        assert len(pairs) <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        response = post_as_browser(client, url, pairs)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response.url == url
        assert snapshot(big_project) == before
        big_project.refresh_from_db()
        assert big_project.version == 2

    def test_a_post_past_the_field_limit_is_a_thai_page_and_changes_nothing(
        self, settings, planner_a1, big_project
    ):
        """As in a browser, the CSRF check is the first to read the form, and fails on it."""
        url = reverse("projects:project_edit", args=[big_project.pk])
        client = Client(enforce_csrf_checks=True)
        client.force_login(planner_a1)
        pairs = browser_post(client.get(url).content.decode())
        pairs = [(k, "ชื่อที่ยังไม่ได้บันทึก" if k == "name_th" else v) for k, v in pairs]
        before = snapshot(big_project)
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = len(pairs) - 1
        response = post_as_browser(client, url, pairs)
        assert response.status_code == 400
        page = response.content.decode()
        assert "ข้อมูลที่ส่งมามากเกินกว่าที่ระบบรับได้" in page
        assert "ปุ่มย้อนกลับ" in page and "ยังไม่ได้บันทึก" in page
        assert 'aria-label="เมนูหลัก"' in page  # in the app's frame, signed in
        assert "data-history-back" in page and "js/back.js" in page
        assert "Bad Request" not in page and "TooManyFieldsSent" not in page
        assert snapshot(big_project) == before
        big_project.refresh_from_db()
        assert big_project.version == 1


def _most_fields(formset_class, **kwargs) -> int:
    """Name=value pairs of a formset at max_num with every box ticked."""
    form = formset_class(prefix="x", **kwargs).empty_form
    per_form = sum(
        len(field.choices) if isinstance(field, forms.MultipleChoiceField) else 1
        for field in form.fields.values()
    )
    return formset_class.max_num * per_form + 4  # + its management form


def test_the_field_limit_covers_every_formset_at_its_maximum(plan_a):
    choices = EditorChoices([], [], [], [], [], [], [])
    formsets = {
        "lines": _most_fields(LineFormSet, choices=choices),
        "activities": _most_fields(ActivityFormSet),
        "people": _most_fields(PersonFormSet, choices=choices),
        "indicators": _most_fields(IndicatorFormSet),
    }
    assert formsets == {"lines": 4004, "activities": 2504, "people": 104, "indicators": 554}
    header = ProjectForm(choices=choices, plan=plan_a, can_choose_unit=True)
    single = [n for n, fd in header.fields.items() if not isinstance(fd, forms.MultipleChoiceField)]
    assert len(single) + 1 == 19  # + the CSRF token (priority: issue 17)
    most = sum(formsets.values()) + len(single) + 1
    assert most == 7185  # the arithmetic in actionplan/settings.py
    # What is left covers ticked co-units and policy alignments and rows removed in the save.
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS - most >= 2500
