"""Security promises: headers, login throttling, session limits, no raw HTML in templates."""

import re
import time
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from actionplan import services
from actionplan.middleware import AUTH_AT, SEEN_AT
from tests import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


class TestHeaders:
    def test_html_pages_carry_csp_without_inline_scripts_and_the_other_headers(
        self, client, planner_a1
    ):
        client.force_login(planner_a1)
        response = client.get(reverse("projects:project_list"))
        csp = response.headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"

    def test_session_and_csrf_cookies_are_httponly_and_samesite(self, client, planner_a1):
        response = login(client, planner_a1.username, f.PASSWORD)
        cookie = response.cookies["sessionid"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"


class TestLoginThrottling:
    def test_five_failures_lock_the_username_from_that_address_only(
        self, client, planner_a1, planner_a2
    ):
        for _ in range(4):
            assert login(client, planner_a1.username, "wrong-password").status_code == 200
        assert login(client, planner_a1.username, "wrong-password").status_code == 429
        locked = login(client, planner_a1.username, f.PASSWORD)  # even the right password
        assert locked.status_code == 429
        assert "ระงับการเข้าสู่ระบบชั่วคราว" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        # A colleague behind the same office address still logs in…
        assert login(client, planner_a2.username, f.PASSWORD).status_code == 302
        client.logout()
        # …and so does the same user from another address.
        assert login(client, planner_a1.username, f.PASSWORD, ip="10.0.0.2").status_code == 302

    def test_unknown_user_and_wrong_password_get_the_same_message(self, client, planner_a1):
        unknown = login(client, "nobody-here", "whatever-123").content.decode()
        wrong = login(client, planner_a1.username, "whatever-123").content.decode()
        message = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
        assert message in unknown and message in wrong


class TestSessions:
    def test_login_rotates_the_session_key(self, client, planner_a1):
        client.get(reverse("login"))
        client.session.save()
        before = client.session.session_key
        login(client, planner_a1.username, f.PASSWORD)
        assert client.session.session_key != before

    def test_logout_deletes_the_session_on_the_server(self, client, planner_a1):
        login(client, planner_a1.username, f.PASSWORD)
        key = client.session.session_key
        client.post(reverse("logout"))
        assert not Session.objects.filter(session_key=key).exists()

    @pytest.mark.parametrize(("field", "age"), [(SEEN_AT, 61 * 60), (AUTH_AT, 10 * 60 * 60 + 1)])
    def test_idle_and_absolute_limits_end_the_session(self, client, planner_a1, field, age):
        login(client, planner_a1.username, f.PASSWORD)
        session = client.session
        session[field] = int(time.time()) - age
        session.save()
        response = client.get(reverse("projects:project_list"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_an_active_session_within_the_limits_stays(self, client, planner_a1):
        login(client, planner_a1.username, f.PASSWORD)
        assert client.get(reverse("projects:project_list")).status_code == 200

    def test_an_administrator_ends_every_session_of_a_user(self, client, planner_a1, planner_a2):
        from django.test import Client

        other_device = Client()
        login(client, planner_a1.username, f.PASSWORD)
        login(other_device, planner_a1.username, f.PASSWORD, ip="10.0.0.9")
        bystander = Client()
        login(bystander, planner_a2.username, f.PASSWORD)
        assert services.end_sessions(user=planner_a1) == 2
        assert client.get(reverse("projects:project_list")).status_code == 302
        assert other_device.get(reverse("projects:project_list")).status_code == 302
        assert bystander.get(reverse("projects:project_list")).status_code == 200


# Templates and code that may emit raw HTML, each for a reason; anything else fails the test.
RAW_HTML_ALLOWED: dict[str, str] = {
    "projects/forms.py": "EditorRenderer and OptionsSelect draw Django's widget templates in "
    "Python; every value goes through esc, Django's conditional_escape without its lazy check "
    "(the same html.escape; tests/test_xss.py, the editor page)",
    "projects/templatetags/editor.py": "the editor's field, line row and month boxes, drawn "
    "like the partials they replace; every value goes through esc/format_html",
}


def test_no_template_or_module_turns_off_escaping_outside_the_allow_list():
    offenders = []
    patterns = [r"\|\s*safe\b", r"\bmark_safe\(", r"autoescape\s+off", r"\bformat_html\(.*\|safe"]
    for path in [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("*/*.py"),
        *ROOT.glob("*/templatetags/*.py"),
    ]:
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        rel = str(path.relative_to(ROOT))
        text = path.read_text(encoding="utf-8")
        if any(re.search(p, text) for p in patterns) and rel not in RAW_HTML_ALLOWED:
            offenders.append(rel)
    assert offenders == []


def test_no_template_has_an_inline_script():
    """CSP forbids inline scripts; JSON data blocks (json_script) are not executed."""
    offenders = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(encoding="utf-8")):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert offenders == []


def test_pdf_and_spreadsheet_downloads_carry_the_same_security_headers(
    client, plan_admin_a, project_a1, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(plan_admin_a)
    for url in (
        reverse("print:project_pdf", args=[project_a1.pk]),
        reverse("imports:plan_export_xlsx", args=[project_a1.plan_id]),
        reverse("imports:plan_export_csv", args=[project_a1.plan_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["X-Frame-Options"] == "DENY", url
