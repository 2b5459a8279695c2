"""Login throttling behind a reverse proxy (docs/decisions/login-throttling-behind-proxy.md).

Behind nginx every request reaches Django from 127.0.0.1, so throttling must read the client
address from the X-Forwarded-For entry the proxy appended, and only that one: whatever a client
writes in its own X-Forwarded-For is ignored. The end-to-end tests run the app on a real
loopback server (pytest-django's live_server) behind a small real reverse proxy that sets
X-Forwarded-For like nginx's `$proxy_add_x_forwarded_for`; clients connect to the proxy from
different loopback source addresses (127.0.0.2, 127.0.0.3, …), which the proxy sees as
different clients. The settings are those settings.py computes with TRUSTED_PROXY_COUNT=1.
"""

from __future__ import annotations

import http.client
import http.server
import runpy
import threading
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "actionplan" / "settings.py"
IPWARE_SETTINGS = (
    "TRUSTED_PROXY_COUNT",
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "IPWARE_STRICT",
)
LOCKED_TITLE = "ระงับการเข้าสู่ระบบชั่วคราว"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "x-forwarded-for"}


def load_settings(monkeypatch, **env) -> dict:
    """settings.py executed afresh with this environment (the running settings stay as they are)."""
    monkeypatch.setenv("DEBUG", "1")
    for name in ("TRUSTED_PROXY_COUNT", "PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def use_proxy_settings(monkeypatch, settings, count: str) -> None:
    values = load_settings(monkeypatch, TRUSTED_PROXY_COUNT=count)
    for name in IPWARE_SETTINGS:
        setattr(settings, name, values[name])


def client_address(**meta) -> str | None:
    return get_client_ip_address(RequestFactory().get("/", **meta))


class TestSettings:
    def test_without_a_proxy_the_socket_address_is_the_client(self, monkeypatch):
        values = load_settings(monkeypatch)
        assert values["TRUSTED_PROXY_COUNT"] == 0
        assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
        assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]

    def test_behind_nginx_the_forwarded_header_is_read_from_the_right(self, monkeypatch):
        values = load_settings(monkeypatch, TRUSTED_PROXY_COUNT="1")
        assert values["TRUSTED_PROXY_COUNT"] == 1
        assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR"]
        # ipware counts the proxies whose own address is in the header: nginx appends its
        # peer, not itself, so one proxy in front is ipware's 0, read non-strictly.
        assert values["AXES_IPWARE_PROXY_COUNT"] == 0
        assert values["AXES_IPWARE_PROXY_ORDER"] == "left-most"
        assert values["IPWARE_STRICT"] is False

    def test_the_old_variable_name_is_still_read(self, monkeypatch):
        assert load_settings(monkeypatch, PROXY_COUNT="1")["TRUSTED_PROXY_COUNT"] == 1
        values = load_settings(monkeypatch, PROXY_COUNT="1", TRUSTED_PROXY_COUNT="2")
        assert values["TRUSTED_PROXY_COUNT"] == 2

    def test_a_negative_count_is_refused(self, monkeypatch):
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT"):
            load_settings(monkeypatch, TRUSTED_PROXY_COUNT="-1")


class TestClientAddress:
    def test_a_direct_client_cannot_choose_its_address(self, monkeypatch, settings):
        use_proxy_settings(monkeypatch, settings, "0")
        assert client_address(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="8.8.8.8") == "10.1.2.3"

    @pytest.mark.parametrize(
        "forwarded",
        ["10.1.2.3", "8.8.8.8, 10.1.2.3", "unknown, 8.8.4.4,10.1.2.3", "not-an-ip, 10.1.2.3"],
    )
    def test_behind_one_proxy_only_the_entry_it_appended_counts(
        self, monkeypatch, settings, forwarded
    ):
        use_proxy_settings(monkeypatch, settings, "1")
        assert client_address(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded) == "10.1.2.3"

    def test_behind_two_proxies_the_entry_the_outer_one_appended_counts(
        self, monkeypatch, settings
    ):
        use_proxy_settings(monkeypatch, settings, "2")
        forwarded = "8.8.8.8, 10.1.2.3, 192.168.5.5"  # forged, client, outer proxy
        assert client_address(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded) == "10.1.2.3"


# --- Behind a real proxy on loopback --------------------------------------------------------


class _NginxLikeProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to the upstream like nginx's `proxy_pass` with
    `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`: the client's own header (if
    any) followed by the address of the socket that connected to the proxy."""

    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        sent = self.headers.get_all("X-Forwarded-For") or []
        headers["X-Forwarded-For"] = ", ".join([*sent, self.client_address[0]])
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = do_POST = _forward

    def log_message(self, format, *args):  # noqa: A002 (the signature of the base class)
        pass


@pytest.fixture
def proxy(live_server):
    """A reverse proxy on 127.0.0.1 in front of the live server; yields its port."""
    upstream = urllib.parse.urlsplit(live_server.url)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NginxLikeProxy)
    server.upstream = (upstream.hostname, upstream.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(10)


class Browser:
    """One person at one loopback source address, talking to the proxy; keeps cookies."""

    def __init__(self, proxy_port: int, source: str):
        self.proxy_port, self.source, self.cookies = proxy_port, source, {}

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.proxy_port, timeout=30, source_address=(self.source, 0)
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, content

    def login(self, username: str, password: str, forged: str | None = None):
        path = reverse("login")
        self.request("GET", path)
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        return self.request("POST", path, form, {"X-Forwarded-For": forged} if forged else None)


@pytest.fixture
def behind_nginx(monkeypatch, settings):
    use_proxy_settings(monkeypatch, settings, "1")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("behind_nginx")
class TestBehindAProxy:
    def test_forged_addresses_neither_lock_out_the_victim_nor_spare_the_attacker(self, proxy):
        victim = f.make_user(username="victim")
        attacker = Browser(proxy, "127.0.0.2")
        answers = [
            attacker.login("victim", "wrong-password-1", forged=f"203.0.113.{n}")[0]
            for n in range(1, 6)
        ]
        # The victim, at another address, still logs in.
        status, _ = Browser(proxy, "127.0.0.3").login("victim", f.PASSWORD)
        assert status == 302
        victim.refresh_from_db()
        assert victim.last_login is not None
        # The forged header did not give the attacker five fresh addresses: five failures from
        # its one real address locked victim's name at that address, and another forged value
        # does not open it.
        assert answers == [200, 200, 200, 200, 429]
        status, page = attacker.login("victim", f.PASSWORD, forged="198.51.100.7")
        assert status == 429 and LOCKED_TITLE in page
        attempt = AccessAttempt.objects.get()
        assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
            "victim",
            "127.0.0.2",
            6,  # the refused sixth attempt counts too
        )

    def test_five_failures_lock_the_username_at_that_address_only(self, proxy):
        f.make_user(username="victim")
        office_pc = Browser(proxy, "127.0.0.4")
        answers = [office_pc.login("victim", "wrong-password-1")[0] for _ in range(5)]
        assert answers == [200, 200, 200, 200, 429]
        status, page = office_pc.login("victim", f.PASSWORD)  # even the right password
        assert status == 429
        assert LOCKED_TITLE in page and "กรุณารอ 15 นาทีแล้วลองใหม่" in page
        assert "sessionid" not in office_pc.cookies
        attempt = AccessAttempt.objects.get()
        assert (attempt.username, attempt.ip_address) == ("victim", "127.0.0.4")
        # The same person at another address still logs in.
        status, _ = Browser(proxy, "127.0.0.5").login("victim", f.PASSWORD)
        assert status == 302
