"""Real servers on loopback that speak the protocols the app talks: SMTP (aiosmtpd) and LINE's
Messaging API push endpoint (http.server), each able to refuse or be down."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An SMTP server: accepts, or answers each RCPT with `refuse` (e.g. "451 try later")."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: str | None = None
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


class LineApi:
    """LINE's POST /v2/bot/message/push: records the request after checking what the real API
    checks (bearer token, JSON body with `to` and text messages); answers `status` when set."""

    def __init__(self, token: str):
        self.token, self.requests, self.status = token, [], None
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                record = {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type", ""),
                    "retry_key": self.headers.get("X-Line-Retry-Key"),
                    "body": json.loads(body or b"{}"),
                }
                api.requests.append(record)
                ok = (
                    record["path"] == "/v2/bot/message/push"
                    and record["authorization"] == f"Bearer {api.token}"
                    and record["content_type"].startswith("application/json")
                    and record["body"].get("to")
                    and all(m.get("type") == "text" for m in record["body"].get("messages", []))
                )
                status = api.status or (200 if ok else 400)
                if not ok and record["authorization"] != f"Bearer {api.token}":
                    status = 401
                payload = json.dumps(
                    {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
                    if status == 200
                    else {"message": "error"}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
