"""National reference data (load_reference) and the plan administrator's /reference/ pages.

Personas (tests/conftest.py): plan_admin_a edits office A's own frameworks and switches the
national ones on and off for office A; planner_a1 and director_a of office A get 403; office B's
plan administrator (plan_admin_b here) gets 404 for office A's rows; anonymous goes to login.
"""

from __future__ import annotations

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from actionplan import services
from actionplan.models import (
    FrameworkKind,
    OfficeFramework,
    PolicyFramework,
    PolicyItem,
    Programme,
    Role,
    StandardGroup,
)
from projects.forms import EditorChoices
from tests import factories as f

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SEED_FILES = {
    "000": "000_c6ed7a98baac4c70.txt",
    "001": "001_2f42d13fcf8631e2.txt",
    "002": "002_92507a8f97c1256a.txt",
    "003": "003_2582665ac4639523.txt",
    "004e": "004-policies-excerpt.txt",
}

# key -> (items at the top level, all items), as README.md lists them.
EXPECTED = {
    "national-strategy-2561-2580": (1, 1),
    "master-plan-2561-2580": (3, 4),
    "education-reform-plan": (0, 0),
    "nesdp-13": (1, 1),
    "nesdp-12": (0, 0),
    "national-education-plan-2560-2579": (0, 0),
    "obec-policy-2563": (6, 6),
    "obec-policy-2566": (2, 12),
    "obec-focus-2566": (1, 1),
    "government-policy-2567": (2, 2),
    "moe-policy-2567": (7, 45),
    "obec-policy-2567": (4, 24),
    "obec-focus-2567": (9, 9),
    "obec-quick-win-2567": (2, 51),
}


def dump() -> list:
    """Every national row with every field, to prove a second load writes nothing."""
    return [
        list(PolicyFramework.objects.order_by("pk").values()),
        list(PolicyItem.objects.order_by("pk").values()),
        list(Programme.objects.order_by("pk").values()),
        list(OfficeFramework.objects.order_by("pk").values()),
    ]


def item(framework_key: str, key: str) -> PolicyItem:
    return PolicyItem.objects.get(framework__office=None, framework__key=framework_key, key=key)


@pytest.fixture
def reference(db):
    return services.load_reference()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of the shipped data files to change in a test."""
    target = tmp_path / "reference"
    shutil.copytree(services.REFERENCE_DIR, target)
    return target


def edit(directory: Path, filename: str, change) -> None:
    path = directory / filename
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def find(items: list, key: str) -> dict:
    stack = list(items)
    while stack:
        entry = stack.pop()
        if entry["key"] == key:
            return entry
        stack.extend(entry.get("items", []))
    raise KeyError(key)


def drop(items: list, key: str) -> None:
    for i, entry in enumerate(items):
        if entry["key"] == key:
            del items[i]
            return
        drop(entry.get("items", []), key)


def framework_in(data: dict, key: str) -> dict:
    return next(fw for fw in data["frameworks"] if fw["key"] == key)


@pytest.fixture
def plan_admin_b(office_b):
    return f.make_user(
        office_b, Role.PLAN_ADMIN, f.group(office_b, StandardGroup.PLAN), "plan_admin_b"
    )


@pytest.fixture
def own(office_a):
    """Office A's own policy for 2567: ๑ with ๑.๑ and ๑.๒ under it, then ๒."""
    framework = PolicyFramework.objects.create(
        office=office_a,
        kind=FrameworkKind.ESA_POLICY,
        title_th="นโยบายและจุดเน้น สพป. ปีงบประมาณ พ.ศ. 2567",
        period_start_be=2567,
        period_end_be=2567,
    )
    one = PolicyItem.objects.create(framework=framework, code="๑", title_th="ลดภาระงาน", order=1)
    PolicyItem.objects.create(
        framework=framework, parent=one, code="๑.๑", title_th="ลดเอกสาร", order=1
    )
    PolicyItem.objects.create(
        framework=framework, parent=one, code="๑.๒", title_th="ลดขั้นตอน", order=2
    )
    PolicyItem.objects.create(framework=framework, code="๒", title_th="เพิ่มคุณภาพ", order=2)
    return framework


def own_item(framework: PolicyFramework, code: str) -> PolicyItem:
    return framework.items.get(code=code)


# --- the command ----------------------------------------------------------------------------------


class TestLoadReference:
    def test_loads_every_framework_with_the_counts_the_seeds_give(self, reference):
        counts = {
            fw.key: (fw.items.filter(parent=None).count(), fw.items.count())
            for fw in PolicyFramework.objects.national()
        }
        assert counts == EXPECTED
        assert PolicyItem.objects.count() == 156
        assert reference.created == {
            "actionplan.PolicyFramework": 14,
            "actionplan.PolicyItem": 156,
            "actionplan.Programme": 2,
        }

    def test_the_national_strategy_is_one_row_for_its_span_with_the_third_strategy_named(
        self, reference
    ):
        strategy = PolicyFramework.objects.get(key="national-strategy-2561-2580")
        assert strategy.kind == FrameworkKind.NATIONAL_STRATEGY and strategy.office is None
        assert (strategy.period_start_be, strategy.period_end_be) == (2561, 2580)
        assert [str(i) for i in strategy.items.all()] == [
            "๓ ด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์"
        ]
        # The seed says there are six; the file records it (and the gap) instead of inventing.
        data = json.loads((services.REFERENCE_DIR / "national_long_term.json").read_text())
        declared = framework_in(data, "national-strategy-2561-2580")["declared_item_count"]
        assert declared == {"count": 6, "source": "[003:L62]", "text": "๖ ยุทธศาสตร์"}

    def test_yearly_policies_apply_to_their_year_and_spans_to_every_year_in_them(self, reference):
        def keys(year):
            return set(
                PolicyFramework.objects.national().applies_to(year).values_list("key", flat=True)
            )

        assert {"obec-policy-2566", "obec-focus-2566", "national-strategy-2561-2580"} <= keys(2566)
        assert not {k for k in keys(2566) if k.endswith("2567") or k.endswith("2563")}
        assert {
            "moe-policy-2567",
            "obec-policy-2567",
            "obec-focus-2567",
            "obec-quick-win-2567",
            "government-policy-2567",
            "nesdp-13",
        } <= keys(2567)
        assert "nesdp-12" in keys(2563) and "nesdp-13" not in keys(2563)
        assert "education-reform-plan" in keys(2567)  # no years in the seeds: open
        programme = Programme.objects.get(key="fy2566-basic-human-resources")
        assert programme.name_th == "พื้นฐานด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์"
        assert (programme.period_start_be, programme.period_end_be) == (2566, 2566)

    def test_the_quick_win_tree_keeps_its_groups_and_printed_numbers(self, reference):
        teachers = item("obec-quick-win-2567", "teachers")
        assert (teachers.code, teachers.title_th) == ("", "ลดภาระครูและบุคลากรทางการศึกษา")
        assert teachers.children.count() == 6
        four = item("obec-quick-win-2567", "teachers.4")
        assert [c.code for c in four.children.order_by("order")] == ["๔.๓", "๔.๒", "๔.๓"]
        assert item("obec-quick-win-2567", "students.4").title_th == "๑ อำเภอ ๑ โรงเรียนคุณภาพ"

    def test_running_it_twice_changes_nothing(self, reference):
        before = dump()

        second = services.load_reference()

        assert not second.changed
        assert dump() == before
        assert second.unchanged["actionplan.PolicyItem"] == 156

    def test_the_command_reports_what_it_did_and_then_that_nothing_changed(self, db):
        first, second = StringIO(), StringIO()

        call_command("load_reference", stdout=first)
        call_command("load_reference", stdout=second)

        assert "กรอบนโยบาย: สร้าง 14" in first.getvalue()
        assert "ข้อนโยบาย: สร้าง 156" in first.getvalue()
        assert "ไม่มีการเปลี่ยนแปลง" in second.getvalue()

    def test_a_changed_text_updates_the_rows_and_keeps_the_projects_links(
        self, reference, data_dir, plan_a, office_a
    ):
        linked = item("moe-policy-2567", "1.4")
        programme = Programme.objects.get(key="fy2566-basic-human-resources")
        project = f.make_project(plan_a, unit=f.group(office_a), programme=programme)
        project.alignments.add(linked)

        def fix(data):
            moe = framework_in(data, "moe-policy-2567")
            find(moe["items"], "1.4")["title_th"] = "ข้อความที่ตรวจกับเอกสารจริงแล้ว"
            moe["title_th"] = "นโยบายและจุดเน้นของกระทรวงศึกษาธิการ (แก้)"

        edit(data_dir, "fiscal_year_2567.json", fix)
        edit(
            data_dir,
            "programmes.json",
            lambda d: d["programmes"][0].update(name_th="แผนงานพื้นฐาน (แก้)"),
        )

        result = services.load_reference(directory=data_dir)

        assert result.updated == {
            "actionplan.PolicyFramework": 1,
            "actionplan.PolicyItem": 1,
            "actionplan.Programme": 1,
        }
        assert not result.created and not result.deleted
        linked.refresh_from_db()
        assert linked.title_th == "ข้อความที่ตรวจกับเอกสารจริงแล้ว"
        assert linked.framework.title_th == "นโยบายและจุดเน้นของกระทรวงศึกษาธิการ (แก้)"
        assert list(project.alignments.all()) == [linked]
        project.refresh_from_db()
        assert project.programme == programme and project.programme.name_th == "แผนงานพื้นฐาน (แก้)"

    def test_removed_rows_are_deleted_unless_a_project_links_to_them(
        self, reference, data_dir, plan_a, office_a
    ):
        project = f.make_project(plan_a, unit=f.group(office_a))
        linked_item = item("obec-focus-2567", "3")
        child_of_removed = item("obec-policy-2567", "2.4")
        project.alignments.add(linked_item, child_of_removed, item("obec-policy-2563", "6"))
        unlinked = item("obec-focus-2567", "4").pk
        parent = item("obec-policy-2567", "2").pk
        siblings = list(
            item("obec-policy-2567", "2").children.exclude(key="2.4").values_list("pk", flat=True)
        )

        def remove(data):
            focus = framework_in(data, "obec-focus-2567")
            drop(focus["items"], "3")
            drop(focus["items"], "4")
            drop(framework_in(data, "obec-policy-2567")["items"], "2")

        edit(data_dir, "fiscal_year_2567.json", remove)
        (data_dir / "fiscal_year_2563.json").unlink()  # obec-policy-2563 goes, a project links
        (data_dir / "programmes.json").unlink()  # no project uses the programmes

        result = services.load_reference(directory=data_dir)

        linked_item.refresh_from_db()
        assert not linked_item.is_active
        assert not PolicyItem.objects.filter(pk=unlinked).exists()
        # ๒ had six items; the one a project links to keeps ๒ (deactivated), the rest go.
        assert not PolicyItem.objects.get(pk=parent).is_active
        assert PolicyItem.objects.filter(pk=child_of_removed.pk, is_active=False).exists()
        assert not PolicyItem.objects.filter(pk__in=siblings).exists()
        gone_framework = PolicyFramework.objects.get(key="obec-policy-2563")
        assert not gone_framework.is_active and gone_framework.items.count() == 6
        assert not Programme.objects.filter(office=None).exists()
        assert set(project.alignments.values_list("pk", flat=True)) == {
            linked_item.pk,
            child_of_removed.pk,
            item("obec-policy-2563", "6").pk,
        }
        assert result.deactivated["actionplan.PolicyFramework"] == 1
        assert result.deleted["actionplan.Programme"] == 2

        again = services.load_reference(directory=data_dir)
        assert not again.changed

        # Put back in the files, the rows come back to life with their links.
        shutil.copy(services.REFERENCE_DIR / "fiscal_year_2567.json", data_dir)
        services.load_reference(directory=data_dir)
        linked_item.refresh_from_db()
        assert linked_item.is_active and linked_item.projects.get() == project

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda d: d["frameworks"][0]["items"][0].pop("source"), "source"),
            (lambda d: d["frameworks"][1].update(key=d["frameworks"][0]["key"]), "ซ้ำ"),
            (lambda d: d["frameworks"][0].update(kind="esa_policy"), "ไม่ใช่ข้อมูลระดับชาติ"),
            (lambda d: d["frameworks"][0].update(period_start_be=2570, period_end_be=2569), "ปี"),
            (lambda d: d["frameworks"][0]["items"][0].update(key="Bad Key"), "key"),
        ],
    )
    def test_a_malformed_file_is_refused_and_nothing_is_written(
        self, db, data_dir, change, message
    ):
        edit(data_dir, "fiscal_year_2567.json", change)

        with pytest.raises(services.ReferenceDataError, match=message):
            services.load_reference(directory=data_dir)

        assert not PolicyFramework.objects.exists() and not Programme.objects.exists()

    def test_the_command_turns_a_malformed_file_into_an_error(self, db, data_dir):
        edit(data_dir, "programmes.json", lambda d: d["programmes"][0].pop("source"))
        with pytest.raises(Exception, match="source"):
            call_command("load_reference", directory=data_dir, stdout=StringIO())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not next to the repository")
class TestTranscription:
    """Every item says where it comes from, and its text is on that line of the seed."""

    @staticmethod
    def squeeze(text: str) -> str:
        return re.sub(r"\s+", "", text)

    def cited(self, ref: str) -> str:
        code, first, last = re.match(r"^\[(\w+):L(\d+)(?:-(\d+))?\]$", ref).groups()
        lines = (SEEDS / SEED_FILES[code]).read_text(encoding="utf-8").split("\n")
        return "".join(lines[int(first) - 1 : int(last or first)])

    def entries(self):
        for path in sorted(services.REFERENCE_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            for fw in data.get("frameworks", []):
                if "title_source" in fw:
                    yield fw["key"], fw["title_th"], [fw["title_source"]]
                stack = list(fw["items"])
                while stack:
                    entry = stack.pop()
                    yield f"{fw['key']}/{entry['key']}", entry["title_th"], entry["source"]
                    stack.extend(entry.get("items", []))
            for programme in data.get("programmes", []):
                yield programme["key"], programme["name_th"], programme["source"]

    def test_every_text_is_found_on_the_line_it_cites(self):
        missing = [
            key
            for key, text, sources in self.entries()
            if not any(self.squeeze(text) in self.squeeze(self.cited(ref)) for ref in sources)
        ]
        assert missing == []
        assert len(list(self.entries())) > 150


# --- the project editor offers what the office follows in the plan's year ------------------------


class TestEditorChoices:
    def test_offers_the_followed_frameworks_and_programmes_of_the_plans_year(
        self, reference, office_a, own
    ):
        plan = f.make_plan(office_a, 2567)

        choices = EditorChoices.load(plan)

        keys = {i.framework.key or i.framework.title_th for i in choices.policy_items}
        assert {"moe-policy-2567", "obec-quick-win-2567", "national-strategy-2561-2580"} <= keys
        assert own.title_th in keys
        assert not {"obec-policy-2566", "obec-policy-2563", "nesdp-12"} & keys
        assert choices.programmes == []  # the seeds name no programme for 2567
        plan_2566 = f.make_plan(office_a, 2566)
        assert [p.key for p in EditorChoices.load(plan_2566).programmes] == [
            "fy2566-basic-human-resources"
        ]

    def test_a_framework_switched_off_is_no_longer_offered_but_a_chosen_item_stays(
        self, reference, office_a, plan_a
    ):
        moe = PolicyFramework.objects.get(key="moe-policy-2567")
        chosen = item("moe-policy-2567", "2.2")
        project = f.make_project(plan_a, unit=f.group(office_a))
        project.alignments.add(chosen)

        services.set_followed_frameworks(
            office=office_a,
            followed=set(
                PolicyFramework.objects.national().exclude(pk=moe.pk).values_list("pk", flat=True)
            ),
        )

        offered = EditorChoices.load(plan_a).policy_items
        assert not [i for i in offered if i.framework_id == moe.pk]
        kept = EditorChoices.load(plan_a, project).policy_items
        assert [i for i in kept if i.framework_id == moe.pk] == [chosen]

    def test_items_are_offered_in_reading_order(self, reference, office_a, plan_a, planner_a1):
        from projects.forms import ProjectForm

        form = ProjectForm(choices=EditorChoices.load(plan_a), plan=plan_a, can_choose_unit=False)
        groups = dict(form.alignment_groups)
        moe = groups["นโยบายและจุดเน้นของกระทรวงศึกษาธิการ ปีงบประมาณ พ.ศ. ๒๕๖๗"]
        assert [i.code for i in moe[:6]] == ["๑", "๑.๑", "๑.๒", "๑.๓", "๑.๔", "๒"]


# --- the /reference/ pages -------------------------------------------------------------------------


class TestIndex:
    def test_lists_the_national_frameworks_with_their_years_read_only(
        self, client, reference, plan_admin_a
    ):
        client.force_login(plan_admin_a)
        response = client.get(reverse("reference:reference_index"))

        assert response.status_code == 200
        page = response.content.decode()
        assert "ยุทธศาสตร์ชาติ ๒๐ ปี (พ.ศ. ๒๕๖๑ - ๒๕๘๐)" in page and "2561–2580" in page
        assert page.count('name="follows"') == 14 and page.count("checked") >= 14
        assert "พื้นฐานด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์" in page
        detail = client.get(
            reverse(
                "reference:framework_detail",
                args=[PolicyFramework.objects.get(key="obec-quick-win-2567").pk],
            )
        )
        assert detail.status_code == 200
        text = detail.content.decode()
        assert "ลดภาระนักเรียนและผู้ปกครอง" in text and "ระดับชาติ (แก้ไขไม่ได้)" in text
        assert "/reference/items/" not in text  # no edit, move or delete controls

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a", "deputy_a"])
    def test_other_roles_are_refused(self, client, request, reference, persona):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(reverse("reference:reference_index")).status_code == 403
        national = PolicyFramework.objects.national().first()
        assert (
            client.get(reverse("reference:framework_detail", args=[national.pk])).status_code == 403
        )

    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("reference:reference_index"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_the_menu_links_the_page_for_plan_administrators_only(
        self, client, plan_admin_a, planner_a1, plan_a
    ):
        url = reverse("reference:reference_index")
        client.force_login(plan_admin_a)
        assert url in client.get(reverse("projects:project_list")).content.decode()
        client.force_login(planner_a1)
        assert url not in client.get(reverse("projects:project_list")).content.decode()


class TestFollows:
    def test_unticking_a_framework_switches_it_off_for_the_office_only(
        self, client, reference, plan_admin_a, office_b
    ):
        quick_win = PolicyFramework.objects.get(key="obec-quick-win-2567")
        ticked = [
            str(pk)
            for pk in PolicyFramework.objects.national()
            .exclude(pk=quick_win.pk)
            .values_list("pk", flat=True)
        ]
        client.force_login(plan_admin_a)

        response = client.post(reverse("reference:reference_follows"), {"follows": ticked})

        assert response.status_code == 302
        assert list(OfficeFramework.objects.values_list("office", "framework", "follows")) == [
            (plan_admin_a.office_id, quick_win.pk, False)
        ]
        assert quick_win not in PolicyFramework.objects.followed_by(plan_admin_a.office)
        assert quick_win in PolicyFramework.objects.followed_by(office_b)
        page = client.get(reverse("reference:reference_index")).content.decode()
        assert f'id="follows-{quick_win.pk}">' in page  # rendered without "checked"

        client.post(
            reverse("reference:reference_follows"), {"follows": [*ticked, str(quick_win.pk)]}
        )
        assert OfficeFramework.objects.get().follows is True

    def test_a_planner_cannot_switch_frameworks_off(self, client, reference, planner_a1):
        client.force_login(planner_a1)
        response = client.post(reverse("reference:reference_follows"), {"follows": []})
        assert response.status_code == 403
        assert not OfficeFramework.objects.exists()

    def test_a_post_without_the_csrf_token_is_refused(self, reference, plan_admin_a):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(plan_admin_a)
        response = client.post(reverse("reference:reference_follows"), {"follows": []})
        assert response.status_code == 403
        assert not OfficeFramework.objects.exists()


class TestOwnFrameworks:
    def test_a_plan_admin_adds_an_office_policy(self, client, plan_admin_a):
        client.force_login(plan_admin_a)
        assert client.get(reverse("reference:framework_create")).status_code == 200

        response = client.post(
            reverse("reference:framework_create"),
            {
                "kind": FrameworkKind.ESA_STANDARD,
                "title_th": "มาตรฐานสำนักงานเขตพื้นที่การศึกษา",
                "period_start_be": "2567",
                "period_end_be": "2570",
                "order": "5",
                "is_active": "on",
            },
        )

        framework = PolicyFramework.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "reference:framework_detail", args=[framework.pk]
        )
        assert framework.office == plan_admin_a.office
        assert (framework.kind, framework.period_start_be, framework.period_end_be) == (
            FrameworkKind.ESA_STANDARD,
            2567,
            2570,
        )

    def test_an_office_cannot_make_a_national_kind_or_reversed_years(self, client, plan_admin_a):
        client.force_login(plan_admin_a)
        response = client.post(
            reverse("reference:framework_create"),
            {
                "kind": FrameworkKind.OBEC_POLICY,
                "title_th": "นโยบาย",
                "period_start_be": "2568",
                "period_end_be": "2567",
                "order": "0",
            },
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "kind" in errors and "period_end_be" in errors
        assert not PolicyFramework.objects.exists()

    def test_edits_its_framework_and_another_offices_is_404(
        self, client, own, plan_admin_a, plan_admin_b
    ):
        url = reverse("reference:framework_edit", args=[own.pk])
        client.force_login(plan_admin_b)
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"kind": own.kind, "title_th": "ของ B", "order": "0"}).status_code
            == 404
        )
        assert client.get(reverse("reference:framework_detail", args=[own.pk])).status_code == 404

        client.force_login(plan_admin_a)
        response = client.post(
            url,
            {
                "kind": own.kind,
                "title_th": "นโยบาย สพป. (แก้)",
                "period_start_be": "2567",
                "period_end_be": "2567",
                "order": "1",
            },
        )
        assert response.status_code == 302
        own.refresh_from_db()
        assert own.title_th == "นโยบาย สพป. (แก้)" and not own.is_active  # unticked checkbox

    def test_a_national_framework_cannot_be_edited_or_deleted_from_the_pages(
        self, client, reference, plan_admin_a
    ):
        national = PolicyFramework.objects.get(key="moe-policy-2567")
        client.force_login(plan_admin_a)
        assert (
            client.get(reverse("reference:framework_edit", args=[national.pk])).status_code == 404
        )
        assert (
            client.post(reverse("reference:framework_delete", args=[national.pk])).status_code
            == 404
        )
        first = national.items.first()
        assert client.post(reverse("reference:item_delete", args=[first.pk])).status_code == 404
        assert client.get(reverse("reference:item_create", args=[national.pk])).status_code == 404
        assert PolicyItem.objects.filter(pk=first.pk).exists()

    def test_deleting_a_framework_a_project_serves_is_refused(
        self, client, own, plan_admin_a, plan_a, office_a
    ):
        project = f.make_project(plan_a, unit=f.group(office_a))
        project.alignments.add(own_item(own, "๑.๒"))
        client.force_login(plan_admin_a)
        url = reverse("reference:framework_delete", args=[own.pk])

        page = client.get(url).content.decode()
        response = client.post(url)

        assert "ลบไม่ได้" in page and 'class="danger"' not in page
        assert response.status_code == 302
        assert PolicyFramework.objects.filter(pk=own.pk).exists() and own.items.count() == 4

        project.alignments.clear()
        assert client.post(url).status_code == 302
        assert not PolicyFramework.objects.filter(pk=own.pk).exists()
        assert not PolicyItem.objects.exists()


class TestItems:
    def test_adds_an_item_under_a_parent_at_the_end(self, client, own, plan_admin_a):
        one = own_item(own, "๑")
        client.force_login(plan_admin_a)
        url = reverse("reference:item_create", args=[own.pk])
        page = client.get(f"{url}?parent={one.pk}").content.decode()
        assert f'<option value="{one.pk}" selected>' in page

        response = client.post(url, {"parent": one.pk, "code": "๑.๓", "title_th": "  ลดการประชุม  "})

        new = own.items.get(code="๑.๓")
        assert response.status_code == 302 and response.url.endswith(f"#item-{new.pk}")
        assert (new.parent, new.order, new.title_th) == (one, 3, "ลดการประชุม")

    def test_edits_an_item_but_never_under_itself(self, client, own, plan_admin_a):
        one, child = own_item(own, "๑"), own_item(own, "๑.๑")
        client.force_login(plan_admin_a)
        url = reverse("reference:item_edit", args=[one.pk])

        refused = client.post(url, {"parent": child.pk, "code": "๑", "title_th": "ลดภาระงาน"})
        assert refused.status_code == 200 and "parent" in refused.context["form"].errors

        moved = client.post(
            reverse("reference:item_edit", args=[child.pk]),
            {"parent": own_item(own, "๒").pk, "code": "๒.๑", "title_th": "ลดเอกสารทุกกลุ่ม"},
        )
        assert moved.status_code == 302
        child.refresh_from_db()
        assert (child.parent.code, child.code, child.title_th, child.order) == (
            "๒",
            "๒.๑",
            "ลดเอกสารทุกกลุ่ม",
            1,
        )

    def test_moves_an_item_up_and_down_among_its_siblings(self, client, own, plan_admin_a):
        one = own_item(own, "๑")
        client.force_login(plan_admin_a)
        second = own_item(own, "๑.๒")

        assert (
            client.post(
                reverse("reference:item_move", args=[second.pk]), {"direction": "up"}
            ).status_code
            == 302
        )
        assert list(one.children.order_by("order").values_list("code", flat=True)) == ["๑.๒", "๑.๑"]
        client.post(
            reverse("reference:item_move", args=[second.pk]), {"direction": "up"}
        )  # already first
        assert list(one.children.order_by("order").values_list("code", flat=True)) == ["๑.๒", "๑.๑"]
        client.post(reverse("reference:item_move", args=[second.pk]), {"direction": "down"})
        assert list(one.children.order_by("order").values_list("code", flat=True)) == ["๑.๑", "๑.๒"]
        client.post(reverse("reference:item_move", args=[one.pk]), {"direction": "down"})
        assert list(
            own.items.filter(parent=None).order_by("order").values_list("code", flat=True)
        ) == ["๒", "๑"]

    def test_deletes_an_item_with_those_under_it_unless_a_project_serves_one(
        self, client, own, plan_admin_a, plan_a, office_a
    ):
        one = own_item(own, "๑")
        project = f.make_project(plan_a, unit=f.group(office_a))
        project.alignments.add(own_item(own, "๑.๑"))
        client.force_login(plan_admin_a)
        url = reverse("reference:item_delete", args=[one.pk])

        assert "ลบไม่ได้" in client.get(url).content.decode()
        client.post(url)
        assert own.items.count() == 4

        free = own_item(own, "๒")
        assert client.post(reverse("reference:item_delete", args=[free.pk])).status_code == 302
        assert own.items.count() == 3
        project.alignments.clear()
        page = client.get(url).content.decode()
        assert "ข้อที่อยู่ใต้รายการนี้ 2 ข้อจะถูกลบด้วย" in page
        client.post(url)
        assert not own.items.exists()

    def test_the_detail_page_shows_the_tree_with_its_controls(self, client, own, plan_admin_a):
        client.force_login(plan_admin_a)
        page = client.get(reverse("reference:framework_detail", args=[own.pk])).content.decode()
        assert (
            page.index("ลดภาระงาน")
            < page.index("ลดเอกสาร")
            < page.index("ลดขั้นตอน")
            < page.index("เพิ่มคุณภาพ")
        )
        assert "padding-left:calc(1 * 1.25rem" in page
        assert page.count('name="csrfmiddlewaretoken"') >= 4  # each move form carries the token
        assert "<script" not in page.split("</header>", 1)[1]

    @pytest.mark.parametrize("name", ["item_edit", "item_delete", "item_move"])
    def test_another_offices_item_is_404_and_unchanged(self, client, own, plan_admin_b, name):
        target = own_item(own, "๑.๒")
        client.force_login(plan_admin_b)
        response = client.post(
            reverse(f"reference:{name}", args=[target.pk]),
            {"direction": "up", "code": "x", "title_th": "x"},
        )
        assert response.status_code == 404
        assert PolicyItem.objects.filter(pk=target.pk, title_th="ลดขั้นตอน", order=2).exists()

    @pytest.mark.parametrize("persona", ["planner_a1", "director_a"])
    def test_other_roles_of_the_office_get_403_and_nothing_changes(
        self, client, request, own, persona
    ):
        target = own_item(own, "๒")
        client.force_login(request.getfixturevalue(persona))
        assert client.post(reverse("reference:item_delete", args=[target.pk])).status_code == 403
        assert (
            client.post(
                reverse("reference:item_move", args=[target.pk]), {"direction": "up"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("reference:frameworks_copy"), {"from_year": 2567, "to_year": 2568}
            ).status_code
            == 403
        )
        assert own.items.count() == 4 and PolicyFramework.objects.count() == 1
        assert PolicyItem.objects.get(pk=target.pk).order == 2


class TestCopyToANewYear:
    def test_copies_the_offices_frameworks_with_their_trees_once(
        self, client, reference, own, plan_admin_a, office_b
    ):
        PolicyFramework.objects.create(
            office=office_b,
            kind=FrameworkKind.ESA_POLICY,
            title_th="ของ B",
            period_start_be=2567,
            period_end_be=2567,
        )
        national_count = PolicyFramework.objects.national().count()
        client.force_login(plan_admin_a)

        response = client.post(
            reverse("reference:frameworks_copy"), {"from_year": 2567, "to_year": 2568}
        )

        assert response.status_code == 302
        copy = PolicyFramework.objects.get(office=plan_admin_a.office, period_start_be=2568)
        assert copy.title_th == "นโยบายและจุดเน้น สพป. ปีงบประมาณ พ.ศ. 2568"
        assert (copy.period_end_be, copy.kind, copy.copied_from) == (
            2568,
            FrameworkKind.ESA_POLICY,
            own,
        )
        tree = [
            (i.code, i.parent.code if i.parent else None)
            for i in copy.items.order_by("parent_id", "order")
        ]
        assert sorted(tree, key=str) == sorted(
            [("๑", None), ("๒", None), ("๑.๑", "๑"), ("๑.๒", "๑")], key=str
        )
        assert own.items.count() == 4  # the source is untouched
        assert PolicyFramework.objects.national().count() == national_count
        assert PolicyFramework.objects.filter(office=office_b).count() == 1

        client.post(reverse("reference:frameworks_copy"), {"from_year": 2567, "to_year": 2568})
        assert PolicyFramework.objects.filter(office=plan_admin_a.office).count() == 2

    def test_the_same_year_twice_is_refused(self, client, own, plan_admin_a):
        client.force_login(plan_admin_a)
        client.post(reverse("reference:frameworks_copy"), {"from_year": 2567, "to_year": 2567})
        assert PolicyFramework.objects.count() == 1


class TestPageText:
    def test_typed_text_is_escaped(self, client, own, plan_admin_a):
        own.title_th = '<script>alert("x")</script>'
        own.save()
        PolicyItem.objects.filter(framework=own, code="๒").update(
            title_th='"><img src=x onerror=alert(1)>'
        )
        client.force_login(plan_admin_a)
        for url in (
            reverse("reference:reference_index"),
            reverse("reference:framework_detail", args=[own.pk]),
        ):
            page = client.get(url).content.decode()
            assert "<script>alert" not in page and "<img src=x" not in page
            assert "&lt;script&gt;" in page

    def test_the_pages_follow_the_english_switch(self, client, reference, plan_admin_a):
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        client.force_login(plan_admin_a)
        page = client.get(reverse("reference:reference_index")).content.decode()
        assert "National policy frameworks" in page and "Save the frameworks followed" in page
        # The frameworks' own text stays Thai: it is what the documents print.
        assert "ยุทธศาสตร์ชาติ ๒๐ ปี" in page
