"""Thai-first UI with an English catalogue: the switcher, the default language and the catalogue.

The catalogue checks read locale/en/LC_MESSAGES/django.po with a tiny parser (no polib) and the
committed django.mo with the standard library, so they run on a machine without gettext. One
check needs GNU gettext (apt package gettext, in the Makefile's OS_PACKAGES): it runs
makemessages over a copy of the sources, so a string added to the code without an English
translation fails it; without the gettext tools it is skipped.
"""

import ast
import gettext
import io
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from actionplan.models import StandardGroup
from actionplan.services import create_office
from imports import export
from imports.resolve import GroupMatcher
from indicators.models import ResultLevel
from printing import project as pdf
from projects import audit
from projects.models import EventAction, ItemKind, ProjectItem, ProjectSignature, SignatureRole
from tests import factories as f

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")  # python-format and python-brace-format
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def parse_po(text: str) -> list[dict]:
    """Entries as dicts: msgid, msgid_plural, msgstr / msgstr[n], plus 'flags' and 'obsolete'."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry: dict = {"flags": set(), "obsolete": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                match = KEYWORD.match(line)
                assert match, f"unexpected line in {PO.name}: {line!r}"
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
        entries.append(entry)
    return entries


def messages() -> list[dict]:
    """Every real entry (not the header, not obsolete ones)."""
    entries = parse_po(PO.read_text(encoding="utf-8"))
    return [e for e in entries if e.get("msgid") and not e["obsolete"]]


def translations(entry: dict) -> list[str]:
    return [v for k, v in sorted(entry.items()) if k.startswith("msgstr")]


def untranslated_or_fuzzy(entries: list[dict]) -> tuple[list[str], list[str]]:
    real = [e for e in entries if e.get("msgid") and not e["obsolete"]]
    untranslated = [e["msgid"] for e in real if not all(s.strip() for s in translations(e))]
    fuzzy = [e["msgid"] for e in real if "fuzzy" in e["flags"]]
    return untranslated, fuzzy


# What makemessages reads for the django domain (its default extensions), and the programs it runs.
SCANNED_SUFFIXES = {".py", ".html", ".txt"}
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
MISSING_TOOLS = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]


def copy_sources(dest: Path) -> None:
    """The files makemessages would read from BASE_DIR, copied under dest with their relative
    paths. Left out as makemessages leaves them out: hidden directories (.git, .venv),
    STATIC_ROOT and MEDIA_ROOT; and locale/, which the caller copies itself."""
    base = Path(settings.BASE_DIR).resolve()
    skipped = {
        Path(settings.STATIC_ROOT).resolve(),
        Path(settings.MEDIA_ROOT).resolve(),
        base / "locale",
    }
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".") and d != "__pycache__" and (here / d).resolve() not in skipped
        ]
        for name in filenames:
            if Path(name).suffix in SCANNED_SUFFIXES:
                target = dest / (here / name).relative_to(base)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)


def regenerated_catalogue(workdir: Path, extra: dict[str, str] | None = None) -> list[dict]:
    """Run `manage.py makemessages -l en --no-obsolete` on a copy of the sources and of locale/
    (never on the checkout: makemessages writes the .po and a .py next to every template it reads)
    and return the entries of the .po it writes. extra: more files for the copy (path: text)."""
    copy_sources(workdir)
    shutil.copytree(LOCALE_DIR.parent.parent, workdir / "locale")
    for relative, text in (extra or {}).items():
        (workdir / relative).parent.mkdir(parents=True, exist_ok=True)
        (workdir / relative).write_text(text, encoding="utf-8")
    cwd = os.getcwd()
    try:
        os.chdir(workdir)  # makemessages reads the tree under the current directory
        with override_settings(LOCALE_PATHS=[str(workdir / "locale")]):
            call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return parse_po((workdir / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))


def set_language(client, code: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": code, "next": next_url})


class TestSwitcher:
    def test_a_new_visitor_gets_thai(self, client, planner_a1, plan_a):
        page = client.get(reverse("login")).content.decode()
        assert "เข้าสู่ระบบ" in page and "Log in" not in page

        client.force_login(planner_a1)
        page = client.get(reverse("projects:project_list")).content.decode()
        assert ">โครงการ</a>" in page and "Projects" not in page

    def test_the_login_page_carries_the_switcher(self, client):
        page = client.get(reverse("login")).content.decode()
        action = re.escape(reverse("set_language"))
        form = re.search(rf'<form[^>]*action="{action}"[^>]*>(.*?)</form>', page, re.S)
        assert form, "no set_language form on the login page"
        body = form.group(1)
        assert 'name="csrfmiddlewaretoken"' in body
        assert 'name="next" value="/accounts/login/"' in body
        # Each language is offered under its own name, whatever the current language.
        assert '<option value="th" lang="th" selected>ภาษาไทย</option>' in body
        assert '<option value="en" lang="en">English</option>' in body
        assert "เปลี่ยนภาษา" in body
        assert "<script" not in page

    def test_switching_to_english_translates_the_login_page(self, client):
        response = set_language(client, "en", reverse("login"))
        assert response.status_code == 302 and response["Location"] == reverse("login")
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

        page = client.get(reverse("login")).content.decode()
        assert "Log in" in page and "Username" in page and "Password" in page
        assert "Change language" in page
        assert '<option value="en" lang="en" selected>English</option>' in page
        assert '<option value="th" lang="th">ภาษาไทย</option>' in page
        assert "เข้าสู่ระบบ" not in page

    def test_switching_to_english_translates_the_project_list_and_back(
        self, client, planner_a1, plan_a
    ):
        set_language(client, "en")
        client.force_login(planner_a1)  # the choice lives in a cookie, so it survives login
        page = client.get(reverse("projects:project_list")).content.decode()
        assert "Projects" in page and "My tasks" in page and "Log out" in page
        assert "Fiscal year" in page
        assert "ออกจากระบบ" not in page

        set_language(client, "th")
        page = client.get(reverse("projects:project_list")).content.decode()
        assert "ออกจากระบบ" in page and "Log out" not in page

    def test_an_unknown_language_is_ignored(self, client):
        set_language(client, "xx")
        page = client.get(reverse("login")).content.decode()
        assert "เข้าสู่ระบบ" in page


class TestRecentPagesInEnglish:
    """The pages added since the catalogue was first written speak English after the switch."""

    @pytest.mark.parametrize(
        ("url_name", "english", "thai"),
        [
            ("setup:index", ["Office setup", "Checklist", "Office details"], "ตั้งค่าสำนักงาน"),
            ("setup:staff_list", ["Staff accounts", "+ Add account"], "บัญชีบุคลากร"),
            (
                "notify:preferences",
                ["Notification preferences", "A project is submitted to me", "Email"],
                "ตั้งค่าการแจ้งเตือน",
            ),
            (
                "notify:line_targets",
                ["LINE notifications and delivery history", "Channel access token"],
                "การแจ้งเตือนทาง LINE และประวัติการส่ง",
            ),
            (
                "reference:reference_index",
                ["Policy frameworks and programmes", "Table, scrolls horizontally"],
                "กรอบนโยบายและแผนงาน",
            ),
        ],
    )
    def test_the_plan_administrator_sees_english(
        self, client, plan_admin_a, plan_a, url_name, english, thai
    ):
        set_language(client, "en")
        client.force_login(plan_admin_a)
        response = client.get(reverse(url_name))
        assert response.status_code == 200
        page = response.content.decode()
        assert '<html lang="en">' in page
        assert [word for word in english if word not in page] == []
        assert thai not in page
        assert "ตาราง เลื่อนดูด้านข้างได้" not in page


class TestCatalogue:
    def test_the_parser_sees_the_whole_catalogue(self):
        entries = messages()
        assert len(entries) > 400
        assert any("msgid_plural" in e for e in entries)

    def test_every_entry_is_translated_and_none_is_fuzzy(self):
        header = parse_po(PO.read_text(encoding="utf-8"))[0]
        assert header["msgid"] == "" and "fuzzy" not in header["flags"]
        assert "Language: en\n" in header["msgstr"]
        untranslated = [
            e["msgid"] for e in messages() if not all(s.strip() for s in translations(e))
        ]
        fuzzy = [e["msgid"] for e in messages() if "fuzzy" in e["flags"]]
        assert untranslated == []
        assert fuzzy == []

    def test_placeholders_are_kept(self):
        wrong = []
        for e in messages():
            for source in {e["msgid"], e.get("msgid_plural", e["msgid"])}:
                expected = sorted(PLACEHOLDER.findall(source))
                for text in translations(e):
                    if sorted(PLACEHOLDER.findall(text)) != expected:
                        wrong.append((e["msgid"], text))
        assert wrong == []

    def test_no_thai_is_left_in_the_english_text(self):
        # Thai numerals quoted as examples of accepted input are the only exception.
        thai = re.compile(r"[\u0e00-\u0e4f\u0e5a-\u0e7f]")
        leftover = [t for e in messages() for t in translations(e) if thai.search(t)]
        assert leftover == []

    @pytest.mark.skipif(
        bool(MISSING_TOOLS),
        reason=f"GNU gettext is not installed (no {', '.join(MISSING_TOOLS)}; apt package gettext)",
    )
    def test_every_string_in_the_code_has_an_english_translation(self, tmp_path):
        """makemessages over the current code adds no empty and no fuzzy entry to the catalogue:
        every translatable string of the code and templates is translated in django.po."""
        entries = regenerated_catalogue(tmp_path)
        # It did read the code: a model choice and a template heading are there.
        assert {"แผนปฏิบัติการประจำปี", "ตั้งค่าสำนักงาน"} <= {e.get("msgid") for e in entries}
        untranslated, fuzzy = untranslated_or_fuzzy(entries)
        listed = "\n".join(
            [f"  untranslated: {m!r}" for m in untranslated] + [f"  fuzzy: {m!r}" for m in fuzzy]
        )
        assert not untranslated and not fuzzy, (
            f"{len(untranslated)} string(s) of the code have no English translation and "
            f"{len(fuzzy)} would only get a fuzzy guess; run `manage.py makemessages -l en "
            f"--no-obsolete`, translate them in {PO.name} (drop the fuzzy flags), then "
            f"`manage.py compilemessages -l en`:\n{listed}"
        )

    @pytest.mark.skipif(bool(MISSING_TOOLS), reason="GNU gettext is not installed")
    def test_the_code_check_sees_a_new_template_string(self, tmp_path):
        template = '{% load i18n %}<p>{% translate "ข้อความใหม่ที่ยังไม่ได้แปล" %}</p>\n'
        entries = regenerated_catalogue(tmp_path, {"templates/i18n_probe.html": template})
        untranslated, fuzzy = untranslated_or_fuzzy(entries)
        # msgmerge may guess a translation from a similar Thai string: fuzzy, flagged all the same.
        assert "ข้อความใหม่ที่ยังไม่ได้แปล" in untranslated + fuzzy
        # The checkout is untouched: makemessages ran on the copy.
        assert not (Path(settings.BASE_DIR) / "templates" / "i18n_probe.html").exists()
        assert "ข้อความใหม่ที่ยังไม่ได้แปล" not in PO.read_text(encoding="utf-8")

    def test_the_committed_mo_matches_the_po(self):
        """The .mo is in the repository (no gettext needed to run); it must not be stale."""
        with MO.open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)
        stale = []
        for e in messages():
            strings = translations(e)
            if "msgid_plural" in e:
                got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
                if got != strings:
                    stale.append(e["msgid"])
            elif "msgctxt" in e:
                if compiled.pgettext(e["msgctxt"], e["msgid"]) != strings[0]:
                    stale.append(e["msgid"])
            elif compiled.gettext(e["msgid"]) != strings[0]:
                stale.append(e["msgid"])
        assert stale == [], "run `manage.py compilemessages` after editing django.po"

        # ... and nothing else: no entry that was removed from, or is fuzzy in, the .po.
        expected = set()
        for e in messages():
            if "fuzzy" in e["flags"]:
                continue
            key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
            if "msgid_plural" in e:
                expected.update((key, n) for n in range(len(translations(e))))
            else:
                expected.add(key)
        compiled_keys = {k for k in compiled._catalog if k != ""}
        assert compiled_keys - expected == set(), "django.mo has entries that are not in django.po"


@pytest.mark.parametrize(
    ("thai", "english"),
    [
        ("แผนปฏิบัติการประจำปี", "Annual Action Plan"),
        ("ส่งกลับแก้ไข", "Return for revision"),
        ("หมวดรายจ่าย", "Expense category"),
        ("แหล่งงบประมาณ", "Fund source"),
        ("ปีงบประมาณ", "Fiscal year"),
        ("ไตรมาส", "Quarter"),
        ("ร่าง", "Draft"),
    ],
)
def test_domain_terms_use_the_agreed_english(thai, english):
    by_id = {e["msgid"]: e for e in messages() if "msgctxt" not in e}
    assert by_id[thai]["msgstr"] == english


def test_an_english_browser_still_gets_thai_until_the_user_switches(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "เข้าสู่ระบบ" in page and '<html lang="th">' in page


class TestChoiceLabels:
    """Labels of choices follow the page language; what is kept or printed stays Thai."""

    def test_an_english_history_page_names_the_events_in_english(
        self, client, planner_a1, project_a1
    ):
        audit.record(project_a1, by=planner_a1, action=EventAction.CREATE, summary_th="สร้าง")
        audit.record(project_a1, by=planner_a1, action=EventAction.SUBMIT, summary_th="เสนอ")
        url = reverse("projects:project_history", args=[project_a1.pk])
        client.force_login(planner_a1)
        set_language(client, "en")
        page = client.get(url).content.decode()
        assert "Project created" in page and "Project submitted" in page
        assert "เสนอโครงการ" not in page

        set_language(client, "th")
        page = client.get(url).content.decode()
        assert "สร้างโครงการ" in page and "เสนอโครงการ" in page and "Project created" not in page

    def test_an_english_project_page_shows_english_labels(self, client, planner_a1, project_a1):
        f.make_indicator(project_a1, result_level=ResultLevel.OUTCOME)
        client.force_login(planner_a1)
        set_language(client, "en")
        page = client.get(reverse("projects:project_detail", args=[project_a1.pk])).content
        page = page.decode()
        assert "Outcome" in page and "at least" in page
        assert "ด้านผลลัพธ์" not in page and "ไม่น้อยกว่า" not in page


@pytest.fixture
def documented(project_a1, planner_a1):
    f.make_indicator(project_a1, result_level=ResultLevel.OUTCOME)
    ProjectItem.objects.create(project=project_a1, kind=ItemKind.OBJECTIVE, order=1, text_th="ข้อ")
    ProjectSignature.objects.create(
        project=project_a1, role=SignatureRole.PROPOSER, name_th="นายทดสอบ ลงนาม"
    )
    return project_a1


class TestDocumentsStayThai:
    def test_the_audit_document_and_its_digest_ignore_the_page_language(self, documented):
        thai_doc = audit.load_document(documented.pk)
        with translation.override("en"):
            english_doc = audit.load_document(documented.pk)
            assert translation.get_language() == "en"
        assert english_doc == thai_doc
        assert audit.digest(english_doc) == audit.digest(thai_doc)
        assert thai_doc["items"][0]["label"] == "วัตถุประสงค์"
        assert thai_doc["signatures"][0]["title"] == "ผู้เสนอโครงการ"
        assert thai_doc["indicators"][0]["level"] == "ด้านผลลัพธ์ (Outcome)"
        assert thai_doc["indicators"][0]["target"].startswith("ไม่น้อยกว่า ")

    def test_status_changes_are_recorded_in_thai(self):
        with translation.override("en"):
            changes = audit.status_changes("draft", "submitted")
        assert changes["fields"][0]["before"] == "ร่าง"
        assert changes["fields"][0]["after"] == "เสนอแล้ว"

    def test_the_print_context_is_thai_under_english(self, documented):
        with translation.override("en"):
            context = pdf.project_context(pdf.fetch_project(documented.pk))
        assert context["header"]["project_type"] == "โครงการต่อเนื่อง"
        assert "ด้านผลลัพธ์ (Outcome)" in str(context)
        assert "Outcome)" not in str(context).replace("ด้านผลลัพธ์ (Outcome)", "")

    def test_the_plan_export_is_the_same_thai_workbook_under_english(self, documented, plan_a):
        def cells(data: bytes) -> list:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            return [row for ws in book.worksheets for row in ws.iter_rows(values_only=True)]

        thai_cells = cells(export.plan_workbook(plan_a, export.export_projects(plan_a)))
        with translation.override("en"):
            english = export.plan_workbook(plan_a, export.export_projects(plan_a))
        assert cells(english) == thai_cells
        flat = {value for row in thai_cells for value in row}
        assert {"ด้านผลลัพธ์ (Outcome)", "ไม่น้อยกว่า", "โครงการต่อเนื่อง"} <= flat

    def test_a_new_office_gets_thai_group_names_under_english(self, db):
        with translation.override("en"):
            office = create_office(code="EN", name_th="สำนักงานทดสอบ", short_name_th="สพป.ทดสอบ")
        names = set(office.units.values_list("name_th", flat=True))
        assert "กลุ่มนโยบายและแผน" in names and "Policy and Planning Group" not in names

    def test_an_import_matches_thai_group_names_under_english(self, office_a):
        with translation.override("en"):
            matcher = GroupMatcher(office_a.units.all(), {})
            found = matcher.match("กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร")
        assert found.unit_id == f.group(office_a, StandardGroup.ICT).pk
