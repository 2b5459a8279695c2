"""Thai-first UI with an English catalogue: the switcher, the default language and the catalogue.

The catalogue checks read locale/en/LC_MESSAGES/django.po with a tiny parser (no polib) and the
committed django.mo with the standard library, so they run on a machine without gettext.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
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
            elif compiled.gettext(e["msgid"]) != strings[0]:
                stale.append(e["msgid"])
        assert stale == [], "run `manage.py compilemessages` after editing django.po"


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
    by_id = {e["msgid"]: e for e in messages()}
    assert by_id[thai]["msgstr"] == english


def test_an_english_browser_still_gets_thai_until_the_user_switches(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "เข้าสู่ระบบ" in page and '<html lang="th">' in page
