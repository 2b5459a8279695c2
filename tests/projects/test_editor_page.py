"""The editor page as assistive technology reads it, and what it costs: every hint an input
points at exists, every input has a label, the project type is a labelled group of radios,
and the page and its save cost the same number of queries with 10 or 160 budget lines."""

import functools
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse

from tests import factories as f
from tests.projects.test_views import resubmit_data

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """Ids, labels and form controls of a page (the <template> rows count as rows: the editor
    script clones them into the page)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.controls: list[dict] = []  # attrs of each control, with "_wrapped" and "_legend"
        self.open_labels = 0
        self.fieldsets: list[dict] = []  # open fieldsets: {"legend": text}
        self.in_legend = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label":
            self.open_labels += 1
            if "for" in a:
                self.label_for.add(a["for"])
        elif tag == "fieldset":
            self.fieldsets.append({"legend": ""})
        elif tag == "legend":
            self.in_legend = True
        elif tag in {"input", "select", "textarea"}:
            legend = self.fieldsets[-1]["legend"] if self.fieldsets else None
            self.controls.append(
                {**a, "_tag": tag, "_wrapped": self.open_labels > 0, "_legend": legend}
            )

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels = max(0, self.open_labels - 1)
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "legend":
            self.in_legend = False

    def handle_data(self, data):
        if self.in_legend and self.fieldsets:
            self.fieldsets[-1]["legend"] += data


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def build(plan, unit, *, activities: int, lines_per: int):
    project = f.make_project(plan, unit=unit)
    for _ in range(activities):
        activity = f.make_activity(project, "ประชุมเชิงปฏิบัติการ", months=[4, 5])
        for _ in range(lines_per):
            f.make_line(activity, "ค่าอาหารว่างและเครื่องดื่ม", "32 คน x 35 บาท x 1 มื้อ x 1 ครั้ง")
        f.set_quarters(activity, 0, 1120 * lines_per)
    f.make_indicator(project)
    f.make_indicator(project)
    return project


@pytest.fixture
def editor_page(client, planner_a1, plan_a):
    f.make_strategy(plan_a)
    project = build(plan_a, planner_a1.org_unit, activities=2, lines_per=2)
    client.force_login(planner_a1)
    response = client.get(reverse("projects:project_edit", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestEditorAccessibility:
    def test_every_aria_describedby_points_at_an_id_on_the_page(self, editor_page):
        page = parsed(editor_page)
        missing = sorted(
            {
                ref
                for control in page.controls
                for ref in control.get("aria-describedby", "").split()
                if ref not in page.ids
            }
        )
        assert missing == []

    def test_the_formula_and_objectives_hints_are_read_with_their_inputs(self, editor_page):
        page = parsed(editor_page)
        by_name = {c.get("name"): c for c in page.controls}
        for name in ("lines-0-formula", "objectives", "activities-0-steps_th"):
            refs = by_name[name].get("aria-describedby", "").split()
            assert refs, name
            assert all(ref in page.ids for ref in refs), name
        assert "32 คน x 35 บาท" in editor_page  # the formula hint's example is on the page

    def test_every_visible_control_has_a_label(self, editor_page):
        page = parsed(editor_page)
        unlabelled = [
            c.get("name") or c.get("id")
            for c in page.controls
            if c.get("type") not in {"hidden", "submit", "button"}
            and not c["_wrapped"]
            and not (c.get("id") and c["id"] in page.label_for)
            and not c.get("aria-label")
            and not c.get("aria-labelledby")
        ]
        assert unlabelled == []

    def test_each_label_for_names_an_existing_control(self, editor_page):
        page = parsed(editor_page)
        control_ids = {c["id"] for c in page.controls if c.get("id")}
        assert "" not in page.label_for
        assert sorted(page.label_for - control_ids) == []

    def test_the_project_type_radios_are_a_group_with_a_legend_and_labels(self, editor_page):
        page = parsed(editor_page)
        radios = [c for c in page.controls if c.get("name") == "project_type"]
        assert len(radios) >= 2
        for radio in radios:
            assert radio["type"] == "radio"
            assert radio.get("id") and radio["id"] in page.label_for
            assert radio["_legend"] and "ลักษณะโครงการ" in radio["_legend"].strip()


class Counted:
    """Counts every statement sent (CaptureQueriesContext reads Django's query log, which keeps
    only the last 9,000 and so miscounts after building 160 lines)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self):
        return self.count


class TestEditorQueries:
    """The editor costs a fixed number of queries: the same at 10 and at 160 budget lines."""

    def measure(self, client, planner, plan, lines: int, change=None):
        project = build(plan, planner.org_unit, activities=lines // 4, lines_per=4)
        url = reverse("projects:project_edit", args=[project.pk])
        client.force_login(planner)
        with Counted() as got:
            assert client.get(url).status_code == 200
        # A first save numbers the rows as the editor does (the factories number lines per
        # activity); what is measured is the next one.
        assert client.post(url, resubmit_data(project)).status_code == 302
        data = resubmit_data(project)
        if change:
            change(data)
        with Counted() as posted:
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:1000]
        return len(got), len(posted)

    def test_the_page_and_an_unchanged_save_cost_the_same_at_10_and_160_lines(
        self, client, planner_a1, plan_a
    ):
        f.make_strategy(plan_a)
        small = self.measure(client, planner_a1, plan_a, 12)
        large = self.measure(client, planner_a1, plan_a, 160)
        assert small == large
        get_queries, post_queries = large
        assert get_queries <= 12, get_queries
        assert post_queries <= 15, post_queries

    def test_a_save_changing_one_line_costs_the_same_at_10_and_160_lines(
        self, client, planner_a1, plan_a
    ):
        f.make_strategy(plan_a)

        def one_line(data):
            data["lines-1-description_th"] = "ค่าอาหารกลางวัน"

        small = self.measure(client, planner_a1, plan_a, 12, one_line)
        large = self.measure(client, planner_a1, plan_a, 160, one_line)
        assert small[1] == large[1] <= 15


class TestEditorAuditRecord:
    """A save that changes rows in place records exactly what a fresh load would show."""

    @pytest.mark.parametrize(
        "change",
        [
            {},
            {"lines-1-description_th": "ค่าอาหารกลางวัน"},
            {"lines-2-formula": "40 คน x 35 บาท x 1 มื้อ x 1 ครั้ง"},
            {"activities-1-title_th": "ประชุมสรุปผล", "indicators-0-text_th": "ร้อยละของครู"},
            {"activities-0-q2": "1,000", "name_th": "ชื่อใหม่"},
        ],
    )
    def test_the_recorded_changes_are_those_of_the_saved_document(
        self, client, planner_a1, plan_a, change
    ):
        from projects import audit
        from projects.models import ProjectEvent

        f.make_strategy(plan_a)
        project = build(plan_a, planner_a1.org_unit, activities=3, lines_per=3)
        url = reverse("projects:project_edit", args=[project.pk])
        client.force_login(planner_a1)
        assert client.post(url, resubmit_data(project)).status_code == 302
        before = audit.load_document(project.pk)
        data = {**resubmit_data(project), **change}
        assert client.post(url, data).status_code == 302
        event = ProjectEvent.objects.filter(project_ref=project.pk).order_by("-pk").first()
        after = audit.load_document(project.pk)
        assert event.changes == audit.diff(before, after)
        assert event.version == after["version"]


def test_the_choices_query_rebuilds_rows_exactly_as_the_orm_loads_them(plan_a, planner_a1):
    """The editor loads its lists in one UNION query of text casts: every value, dates,
    decimals, booleans and JSON included, comes back as the ORM's own query returns it."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from actionplan.models import OrgUnit
    from budgets.models import BudgetCategory, FundSource
    from projects.forms import load_together
    from projects.models import ProjectSignature, SignatureRole

    f.make_strategy(plan_a)
    project = f.make_project(plan_a, unit=planner_a1.org_unit)
    OrgUnit.objects.filter(pk=planner_a1.org_unit_id).update(
        budget_ceiling=Decimal("1234567.89"), aliases=["กลุ่ม ก", "ก."], is_active=False
    )
    ProjectSignature.objects.create(
        project=project,
        role=SignatureRole.PROPOSER,
        name_th="นางสาวทดสอบ ใจดี",
        signed_at=timezone.now() - timedelta(days=3, microseconds=7),
    )
    querysets = {
        "units": plan_a.office.units.all(),
        "strategies": plan_a.strategies.all(),
        "categories": BudgetCategory.objects.all(),
        "funds": FundSource.objects.filter(is_active=True),
        "signatures": ProjectSignature.objects.filter(project=project),
    }
    loaded = load_together(**querysets)
    for name, queryset in querysets.items():
        fields = [field.attname for field in queryset.model._meta.concrete_fields]
        expected = [[getattr(row, a) for a in fields] for row in queryset]
        assert expected, name
        assert [[getattr(row, a) for a in fields] for row in loaded[name]] == expected, name


def _values(rows):
    """Every column and annotation of loaded rows, for comparing two loads."""
    return [{k: v for k, v in vars(row).items() if not k.startswith("_")} for row in rows]


def test_the_choices_compiled_once_are_those_built_for_each_plan_and_project(
    office_a, office_b, planner_a1
):
    """The editor's choice query is compiled once and run with each plan's and project's ids:
    for other offices, years, projects with and without a programme, links and signatures it
    loads exactly what building the querysets for them loads."""
    from actionplan.models import FrameworkKind, OrgUnit, PolicyFramework, PolicyItem, Programme
    from projects.forms import _choice_querysets, load_together, load_together_compiled
    from projects.models import ProjectSignature, SignatureRole

    national = PolicyFramework.objects.create(
        kind=FrameworkKind.OTHER, title_th="กรอบ 2566", period_start_be=2566, period_end_be=2566
    )
    own = PolicyFramework.objects.create(
        office=office_a, kind=FrameworkKind.ESA_POLICY, title_th="ของ ก"
    )
    PolicyItem.objects.create(framework=national, code="1", title_th="ข้อของปี 2566")
    linked_item = PolicyItem.objects.create(framework=own, code="1", title_th="ข้อของเขต ก")
    old = Programme.objects.create(name_th="แผนงานเก่า", period_end_be=2560)
    cases = []
    for office, year in ((office_a, 2566), (office_a, 2567), (office_b, 2567)):
        plan = f.make_plan(office, year)
        f.make_strategy(plan, 1, f"ยุทธศาสตร์ของ {office.code} {year}")
        OrgUnit.objects.create(office=office, name_th=f"กลุ่มใหม่ {year}", sort_order=year)
        cases.append({"office": office.pk, "year": year, "plan": plan.pk})
        project = f.make_project(plan, unit=office.units.first())
        cases.append({**cases[-1], "project": project.pk})
        if office == office_a:
            project.alignments.add(linked_item)
            project.co_units.add(office.units.last())
            type(project).objects.filter(pk=project.pk).update(programme=old)
            ProjectSignature.objects.create(
                project=project, role=SignatureRole.PROPOSER, name_th=f"ผู้เสนอ {year}"
            )
            cases.append({**cases[-1], "programme": old.pk})
    for signatures in (False, True):
        for _round in (1, 2):  # compiled in the first round, from the cache in the second
            for ids in cases:
                build = functools.partial(_choice_querysets, signatures=signatures)
                compiled = load_together_compiled(("test-choices", signatures), build, **ids)
                expected = load_together(**build(**ids))
                assert compiled.keys() == expected.keys()
                assert "signatures" in compiled or not signatures or "project" not in ids
                for name in expected:
                    assert _values(compiled[name]) == _values(expected[name]), (ids, name)
    assert any(compiled[name] for name in compiled)


def test_a_query_that_computes_from_its_ids_is_built_each_time_not_compiled(office_a):
    """Only a query whose SQL holds the ids as they are is kept compiled: one that computes
    from them (a year after) still loads the right rows for every call, and so does one on a
    small-integer column."""
    from actionplan.models import Programme, Strategy
    from projects.forms import load_together_compiled

    plans = [f.make_plan(office_a, year) for year in (2566, 2567, 2568)]
    for plan in plans:
        f.make_strategy(plan, 1, f"ยุทธศาสตร์ {plan.fiscal_year.year_be}")

    def next_year(*, office, year):
        return {
            "strategies": Strategy.objects.filter(
                plan__office=office, plan__fiscal_year__year_be=year + 1
            )
        }

    def running_until(*, office, year):  # a smallint column: Django drops a comparison with a
        # number out of its range from the SQL, so stand-ins out of range would lose the year
        return {"programmes": Programme.objects.filter(period_end_be__gte=year).order_by("pk")}

    Programme.objects.create(name_th="แผนงาน ถึง 2566", period_end_be=2566)
    Programme.objects.create(name_th="แผนงาน ถึง 2568", period_end_be=2568)
    for year in (2566, 2567, 2566):
        rows = load_together_compiled("next", next_year, office=office_a.pk, year=year)[
            "strategies"
        ]
        assert [s.title_th for s in rows] == [f"ยุทธศาสตร์ {year + 1}"]
        rows = load_together_compiled("until", running_until, office=office_a.pk, year=year)
        expected = {2566: ["แผนงาน ถึง 2566", "แผนงาน ถึง 2568"], 2567: ["แผนงาน ถึง 2568"]}
        assert [p.name_th for p in rows["programmes"]] == expected[year]


def test_one_rows_error_and_choice_stay_on_that_row(client, planner_a1, plan_a):
    """The rows' forms are copies of one form: an error, its marking and the chosen category of
    one budget line or indicator never show on another row."""
    from budgets.models import BudgetCategory

    f.make_strategy(plan_a)
    project = build(plan_a, planner_a1.org_unit, activities=1, lines_per=3)
    other = BudgetCategory.objects.exclude(
        pk=project.activities.first().budget_lines.first().category_id
    ).first()
    client.force_login(planner_a1)
    data = resubmit_data(project)
    data["lines-1-formula"] = "สามสิบ คน x"
    data["lines-2-category"] = other.pk
    data["indicators-1-target_value"] = ""
    response = client.post(reverse("projects:project_edit", args=[project.pk]), data)
    assert response.status_code == 400
    page = parsed(response.content.decode())
    by_name = {c.get("name"): c for c in page.controls}
    invalid = sorted(name for name, c in by_name.items() if c.get("aria-invalid") == "true")
    assert invalid == ["indicators-1-target_value", "lines-1-formula"]
    assert {"id_lines-1-formula_error", "id_indicators-1-target_value_error"} <= page.ids
    assert not {"id_lines-0-formula_error", "id_lines-2-formula_error"} & page.ids
    html = response.content.decode()
    chosen = {
        name: html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        for name in ("lines-0-category", "lines-2-category")
    }
    assert f'value="{other.pk}" selected' in chosen["lines-2-category"]
    assert f'value="{other.pk}" selected' not in chosen["lines-0-category"]


def _loaded(project) -> dict:
    """Every value the editor reads from a loaded project: its columns and annotations, the
    objects joined to it, and each kind of row with theirs (lines with category, fund source
    and factors), in order."""

    def columns(obj):
        if obj is None:
            return None
        return {k: v for k, v in vars(obj).items() if not k.startswith("_")}

    joined = {
        name: columns(getattr(project, name))
        for name in ("plan", "strategy", "lead_unit", "programme", "updated_by", "ready_by")
    }
    joined["plan.fiscal_year"] = columns(project.plan.fiscal_year)
    joined["plan.office"] = columns(project.plan.office)
    activities = []
    for activity in project.activities.all():
        assert activity.project is project
        lines = []
        for line in activity.budget_lines.all():
            assert line.activity is activity
            lines.append(
                {
                    **columns(line),
                    "category": columns(line.category),
                    "fund_source": columns(line.fund_source),
                    "factors": [columns(x) for x in line.factors.all()],
                }
            )
        activities.append({**columns(activity), "lines": lines})
    return {
        "project": columns(project),
        "joined": joined,
        "activities": activities,
        **{
            name: [columns(row) for row in getattr(project, name).all()]
            for name in ("people", "items", "indicators")
        },
    }


def test_the_editor_loads_through_compiled_queries_what_the_orm_loads(
    rf, office_a, office_b, plan_a, planner_a1, planner_a2, director_a, plan_admin_a, outsider
):
    """The project and its rows come from queries compiled once per role and run with the ids:
    for every role, a co-unit's planner, the second project of a group and a project with
    nothing in it, they are what the querysets built for the request load; out of scope is
    404 for every one of them."""
    from django.http import Http404

    from actionplan.models import Role
    from budgets.models import FundSource
    from projects import views
    from projects.models import ItemKind, ProjectItem, ProjectPerson

    f.make_strategy(plan_a)
    group_director = f.make_user(office_a, role=Role.GROUP_DIRECTOR, unit=planner_a1.org_unit)
    full = build(plan_a, planner_a1.org_unit, activities=3, lines_per=2)
    line = full.activities.last().budget_lines.last()
    line.fund_source = FundSource.objects.filter(is_active=True).last()
    line.save()
    full.co_units.add(planner_a2.org_unit)
    ProjectPerson.objects.create(project=full, order=1, name_th="ผู้รับผิดชอบ ก", position_th="ครู")
    for n, kind in enumerate(
        (ItemKind.OBJECTIVE, ItemKind.EXPECTED_OUTCOME, ItemKind.OBJECTIVE), 1
    ):
        ProjectItem.objects.create(project=full, kind=kind, order=n, text_th=f"ข้อ {n}")
    empty = f.make_project(plan_a, unit=planner_a1.org_unit, name_th="โครงการว่าง")
    other_group = f.make_project(plan_a, unit=planner_a2.org_unit, name_th="ของอีกกลุ่ม")
    users = [planner_a1, planner_a2, group_director, director_a, plan_admin_a, outsider]
    for _round in (1, 2):  # compiled on the first, from the kept SQL on the second
        for user in users:
            request = rf.get("/")
            request.user = user
            for project in (full, empty, other_group):
                expected = views._editor_header(user, project.pk).prefetch_related(
                    *views._editor_prefetches()
                )
                if not expected.exists():
                    with pytest.raises(Http404):
                        views._editor_project(request, project.pk)
                    continue
                loaded = views._editor_project(request, project.pk)
                assert _loaded(loaded) == _loaded(expected.get()), (user.role, project.name_th)
    seen = {
        (user.username, project.pk)
        for user in users
        for project in (full, empty, other_group)
        if views._editor_header(user, project.pk).exists()
    }
    assert (planner_a2.username, full.pk) in seen  # a co-unit's planner sees it
    assert (outsider.username, full.pk) not in seen
    assert (planner_a1.username, other_group.pk) not in seen
