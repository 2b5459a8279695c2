"""The main pages, as every demo role gets them, are valid HTML for the Nu HTML checker (vnu.jar,
the W3C validator's engine) and have exactly one <h1>.

The jar is installed by `make test` (the Makefile's vnu target: npm into tests/.node). The check
skips only when there is no Java to run it; a missing jar with Java present fails, so CI cannot
pass without checking. All pages go to one java run: the JVM is slow to start."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from actionplan import views as app_views
from actionplan.models import User
from tests.main_pages import ANONYMOUS_PAGES, ROLES, load_site

pytestmark = pytest.mark.django_db

VNU = Path(__file__).resolve().parent / ".node" / "node_modules" / "vnu-jar" / "build" / "dist"
JAR = VNU / "vnu.jar"
H1 = re.compile(r"<h1[\s>]")


def error_pages() -> dict[str, str]:
    """The 400, 500 and CSRF pages, which no address of the app answers by itself."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return {
        "error_400": app_views.bad_request(request, None).content.decode(),
        "error_500": app_views.server_error(request).content.decode(),
        "error_csrf": app_views.csrf_failure(request).content.decode(),
    }


def collect(client, site) -> dict[str, str]:
    """{role-page: html} for every page a role sees (200), plus the anonymous and error pages;
    the 403 page as a planner gets it from the plan validation page."""
    found = {}
    for name in ANONYMOUS_PAGES:
        response = client.get(site.pages[name])
        assert response.status_code in {200, 404}, name
        found[f"anonymous-{name}"] = response.content.decode()
    for role in ROLES:
        client.force_login(User.objects.get(username=role))
        for name, url in site.pages.items():
            if name in ANONYMOUS_PAGES and name != "not_found":
                continue
            response = client.get(url)
            if response.status_code == 200 or name == "not_found":
                found[f"{role}-{name}"] = response.content.decode()
            elif response.status_code == 403 and "error_403" not in found:
                found["error_403"] = response.content.decode()
        client.logout()
    found.update(error_pages())
    return found


def test_every_main_page_is_valid_html_with_one_h1(client, settings, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: the Nu HTML checker (vnu.jar) needs Java 11 or later")
    assert JAR.exists(), f"{JAR} is missing: run `make vnu` (part of `make test`)"
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    site = load_site()
    pages = collect(client, site)
    seen = {key.split("-", 1)[1] for key in pages if "-" in key}
    assert set(site.pages) - seen == set()  # every page answers some role
    h1s = {key: len(H1.findall(html)) for key, html in pages.items()}
    folder = tmp_path / "html"
    folder.mkdir()
    for key, html in pages.items():
        (folder / f"{key}.html").write_text(html, encoding="utf-8")
    run = subprocess.run(
        ["java", "-jar", str(JAR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = sorted(
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    )
    distinct = sorted({e.split("-", 1)[-1] for e in errors})  # one line per page kind
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(distinct[:80])
    assert {key: n for key, n in h1s.items() if n != 1} == {}
