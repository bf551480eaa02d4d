"""A local HTTP server speaking the Anthropic Messages API wire format.

Tests point the real `anthropic` SDK at it (`base_url`). It answers
`POST /v1/messages` the way the real API does: a `message` object with
`tool_use` content blocks, `usage`, `stop_reason`, a `request-id` header; errors
as `{"type": "error", "error": {"type": ..., "message": ...}}` with the real
status codes (400, 401, 429, 500, 529) and `retry-after` headers. A script of
replies lets a test queue failures, garbage and slow answers; every request is
recorded for assertions.

    with FakeAnthropic(api_key="k") as fake:
        fake.push(rate_limited(), tool_reply({"foods": [...], "description": "..."}))
        client = AsyncAnthropic(api_key="k", base_url=fake.base_url)
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw text when it did not parse


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


Responder = Callable[[dict[str, Any]], Reply]


def _json(status: int, payload: Any, **headers: str) -> Reply:
    return Reply(
        status, json.dumps(payload).encode(), {"content-type": "application/json", **headers}
    )


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": f"req_{secrets.token_hex(12)}",
    }


def message_body(
    request: dict[str, Any], content: list[dict[str, Any]], stop_reason: str
) -> dict[str, Any]:
    return {
        "id": f"msg_{secrets.token_hex(12)}",
        "type": "message",
        "role": "assistant",
        "model": request.get("model", "claude-test"),
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 1529,
            "output_tokens": 187,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def tool_reply(tool_input: Any, *, delay_s: float = 0.0) -> Responder:
    """A forced tool call answered with `tool_input` (whatever its shape)."""

    def respond(request: dict[str, Any]) -> Reply:
        choice = request.get("tool_choice") or {}
        name = choice.get("name") or (request.get("tools") or [{}])[0].get("name", "tool")
        block = {
            "type": "tool_use",
            "id": f"toolu_{secrets.token_hex(12)}",
            "name": name,
            "input": tool_input,
        }
        reply = _json(200, message_body(request, [block], "tool_use"))
        reply.delay_s = delay_s
        return reply

    return respond


def text_reply(text: str) -> Responder:
    """The model answered in prose instead of calling the tool."""
    return lambda request: _json(
        200, message_body(request, [{"type": "text", "text": text}], "end_turn")
    )


def rate_limited(retry_after_ms: int = 10) -> Responder:
    return lambda request: _json(
        429,
        error_body(
            "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"
        ),
        **{"retry-after": "1", "retry-after-ms": str(retry_after_ms)},
    )


def overloaded(retry_after_ms: int | None = 10) -> Responder:
    headers = {} if retry_after_ms is None else {"retry-after-ms": str(retry_after_ms)}
    return lambda request: _json(529, error_body("overloaded_error", "Overloaded"), **headers)


def server_error(retry_after_ms: int | None = 10) -> Responder:
    headers = {} if retry_after_ms is None else {"retry-after-ms": str(retry_after_ms)}
    return lambda request: _json(500, error_body("api_error", "Internal server error"), **headers)


def garbage(body: bytes = b'{"id": "msg_1", "content": [{"type": "tool_u') -> Responder:
    """Truncated JSON served as JSON."""
    return lambda request: Reply(200, body, {"content-type": "application/json"})


def slow(responder: Responder, delay_s: float) -> Responder:
    def respond(request: dict[str, Any]) -> Reply:
        reply = responder(request)
        reply.delay_s = delay_s
        return reply

    return respond


# Shaped like a real key: production refuses a low-variety one (entrypoints.secret_policy).
API_KEY = "sk-ant-psi-fake-Zq8rT2vX9mK4wL7n"


class FakeAnthropic:
    def __init__(self, api_key: str = API_KEY, default: Responder | None = None) -> None:
        self.api_key = api_key
        self.default = default
        self.script: deque[Responder] = deque()
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, *responders: Responder) -> None:
        with self._lock:
            self.script.extend(responders)

    def start(self) -> FakeAnthropic:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:  # shutdown() waits for a loop that must be running
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving ---------------------------------------------------------------

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            responder = self.script.popleft() if self.script else self.default
        if responder is None:
            return _json(500, error_body("api_error", "fake: nothing scripted"))
        return responder(request)

    def _check(self, headers: dict[str, str], body: Any) -> Reply | None:
        # SDK versions send the key as `x-api-key` or as `Authorization: Bearer`.
        bearer = headers.get("authorization", "")
        presented = headers.get("x-api-key") or (
            bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else None
        )
        if presented != self.api_key:
            return _json(401, error_body("authentication_error", "invalid x-api-key"))
        if "anthropic-version" not in headers:
            return _json(
                400, error_body("invalid_request_error", "anthropic-version: header is required")
            )
        if not isinstance(body, dict):
            return _json(400, error_body("invalid_request_error", "body is not JSON"))
        for key, kind in (("model", str), ("max_tokens", int), ("messages", list)):
            if not isinstance(body.get(key), kind):
                return _json(400, error_body("invalid_request_error", f"{key}: Field required"))
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                with fake._lock:
                    fake.requests.append(RecordedRequest(self.path, headers, body))
                if self.path.split("?")[0] != "/v1/messages":
                    self._send(_json(404, error_body("not_found_error", "Not found")))
                    return
                reply = fake._check(headers, body) or fake._next(body)
                deadline = time.monotonic() + reply.delay_s
                while time.monotonic() < deadline and not fake._stopping.is_set():
                    time.sleep(0.01)
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("request-id", f"req_{secrets.token_hex(12)}")
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to answer

        return Handler
