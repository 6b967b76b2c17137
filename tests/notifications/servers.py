"""Real servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP SMS gateway."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingSmtp:
    """Accepts every message and records it; with `stall`, hangs before answering DATA;
    refuses for good (550) the recipients in `unknown`."""

    def __init__(self) -> None:
        self.messages: list = []
        self.stalled: list = []
        self.stall = False
        self.unknown: set[str] = set()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.unknown:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        if self.stall:
            # The sender never gets its 250, so by SMTP the message was never accepted.
            self.stalled.append(parsed)
            await asyncio.sleep(3600)
            return "451 stalled"
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def start(self) -> RecordingSmtp:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class RecordingGateway:
    """An HTTP SMS gateway that records requests and answers from a script of status codes."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[int] = []  # next answers; 200 once empty
        self.always: int | None = None
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(raw)}
                )
                status = gateway.always or (gateway.script.pop(0) if gateway.script else 200)
                answer = json.dumps(
                    {"id": f"sms-{len(gateway.requests)}"}
                    if status == 200
                    else {"error": "surcharge"}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> RecordingGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
