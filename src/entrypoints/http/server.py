"""The HTTP/1.1 server protocol `psi run` serves with: uvicorn's httptools protocol, plus

- a header-read deadline: a connection that has not sent a complete request head within
  `header_timeout_s` of connecting (or of the first byte of its next request) is closed.
  uvicorn itself only times out idle keep-alive connections, so a client sending its
  headers a byte at a time (slowloris) held a connection, and its memory, for ever;
- the parser's own 400 (a malformed request line or header, before any ASGI app runs)
  answered in the contract's JSON envelope with the security headers, instead of
  uvicorn's plain-text "Invalid HTTP request received.".

`entrypoints.serving.uvicorn_options` is the one place the server is configured (no
`server: uvicorn` header).
"""

from __future__ import annotations

import asyncio
import functools

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from domain.errors import ValidationFailed
from entrypoints.http.errors import envelope_of
from entrypoints.http.middleware import API_CSP, STATIC_HEADERS
from entrypoints.settings import load_settings


@functools.cache
def _header_timeout_s() -> float:
    # Read once per process: a protocol instance is made per connection, by uvicorn,
    # in each worker process (so it cannot be handed a value by the parent).
    return load_settings().header_timeout_s


class PsiHttpProtocol(HttpToolsProtocol):
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(
                _header_timeout_s(), self._header_timed_out
            )

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _header_timed_out(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self._disarm_header_deadline()
        body = msgspec.json.encode(
            envelope_of(ValidationFailed.single("request", "malformed HTTP request"))
        )
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in [
            *self.server_state.default_headers,
            *STATIC_HEADERS,
            (b"content-security-policy", API_CSP),
            (b"cache-control", b"no-store"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]:
            head.append(name + b": " + value + b"\r\n")
        self.transport.write(b"".join(head) + b"\r\n" + body)
        self.transport.close()
