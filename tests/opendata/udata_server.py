"""A real local HTTP server speaking the part of udata's API v1 the plugin uses, recording
every call (method, path, headers, JSON body)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count


class RecordingUdata:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.calls: list[dict] = []
        self.fail_with: int | None = None  # answer every call with this status
        self.raw_lines: list[str] = []  # the request lines as received (for the URL check)
        ids = count(1)
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                portal.raw_lines.append(self.requestline)
                body = json.loads(raw) if raw else None
                portal.calls.append(
                    {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                     "body": body}
                )  # fmt: skip
                if portal.fail_with:
                    status, answer = portal.fail_with, {"message": "erreur"}
                elif self.headers.get("X-API-KEY") != portal.api_key:
                    status, answer = 401, {"message": "Invalid API Key"}
                else:
                    status = 201 if self.command == "POST" else 200
                    answer = dict(body or {})
                    answer.setdefault(
                        "id", f"{'res' if 'resources' in self.path else 'ds'}-{next(ids)}"
                    )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT = _answer  # noqa: N815 (http.server's names)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> RecordingUdata:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
