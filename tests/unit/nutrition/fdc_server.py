"""A local HTTP server that speaks FoodData Central's API from recorded answers.

It checks what the real service checks (the key, at most 20 ids per ``/v1/foods``), filters
by ``dataType`` and ``pageSize`` like it, and can be told to fail: ``mode`` = ``"429"``,
``"500"``, ``"garbage"`` (not JSON), ``"wrong-shape"`` or ``"slow"`` (answers after
``delay_s``).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDED = json.loads((Path(__file__).parent / "fdc_recorded.json").read_text())
API_KEY = "test-fdc-key"


class FakeFdc:
    def __init__(self) -> None:
        self.mode = "ok"
        self.delay_s = 2.0
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
                payload = raw if raw is not None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append((self.path, body, dict(self.headers)))
                if self.headers.get("X-Api-Key") != API_KEY:
                    self._send(
                        403,
                        {
                            "error": {
                                "code": "API_KEY_INVALID",
                                "message": "An invalid api_key was supplied.",
                            }
                        },
                    )
                    return
                if fake.mode == "slow":
                    time.sleep(fake.delay_s)
                if fake.mode == "429":
                    self._send(
                        429,
                        {
                            "error": {
                                "code": "OVER_RATE_LIMIT",
                                "message": "You have exceeded your rate limit.",
                            }
                        },
                    )
                    return
                if fake.mode == "500":
                    self._send(500, {"message": "Internal Server Error"})
                    return
                if fake.mode == "garbage":
                    self._send(200, None, raw=b"<html>maintenance</html>")
                    return
                if fake.mode == "wrong-shape":
                    self._send(
                        200,
                        [{"fdcId": "x", "description": 5}]
                        if self.path == "/v1/foods"
                        else {"foods": [{"fdcId": -1}]},
                    )
                    return
                if self.path == "/v1/foods/search":
                    self._search(body)
                elif self.path == "/v1/foods":
                    self._foods(body)
                else:
                    self._send(404, {"message": "Not Found"})

            def _search(self, body: dict[str, Any]) -> None:
                recorded = RECORDED["search"].get(str(body.get("query", "")).lower())
                if recorded is None:
                    self._send(
                        200, {"totalHits": 0, "currentPage": 1, "totalPages": 0, "foods": []}
                    )
                    return
                wanted = set(body.get("dataType") or [])
                foods = [f for f in recorded["foods"] if not wanted or f["dataType"] in wanted]
                answer = dict(
                    recorded, foods=foods[: int(body.get("pageSize", 50))], totalHits=len(foods)
                )
                self._send(200, answer)

            def _foods(self, body: dict[str, Any]) -> None:
                ids = body.get("fdcIds") or []
                if len(ids) > 20:
                    self._send(400, {"error": "fdcIds: size must be between 1 and 20"})
                    return
                self._send(
                    200, [RECORDED["foods"][str(i)] for i in ids if str(i) in RECORDED["foods"]]
                )

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeFdc:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
