"""Pure ASGI middleware: request ids, security headers and one access-log line per request."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from application.context import request_id_var
from entrypoints.http.edge import canonical_path
from entrypoints.logging import log_access

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; "
    b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    b"worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"
)
_DOCS_PREFIXES = ("/docs", "/redoc", "/static/docs", "/api/v1/docs", "/api/v1/redoc")
STATIC_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


_OWNED = frozenset({b"x-request-id", b"content-security-policy"})
_API_OWNED = _OWNED | {b"cache-control"}


def _api_cache_control(given) -> bytes:
    """API answers are never stored by any cache, except what a handler marks as the
    owner's own (`private`, e.g. a meal photo with its ETag): one value either way."""
    for name, value in given:
        if name.lower() == b"cache-control" and value.lower().startswith(b"private"):
            return value
    return b"no-store"


# What else learns of each answered request, from the same measurement as the access line:
# (method, the router's path template or None when nothing matched, status, seconds).
RequestObserver = Callable[[str, str | None, int, float], None]


def request_context_middleware(app: ASGIApp, observe: RequestObserver | None = None) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or os.urandom(16).hex()
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        path = canonical_path(scope)
        csp = _DOCS_CSP if path.startswith(_DOCS_PREFIXES) else API_CSP
        api = path.startswith("/api/")
        rid = request_id.encode()
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Headers this layer owns are set here once, whatever a handler set.
                owned = _API_OWNED if api else _OWNED
                given = message.get("headers", [])
                headers = [h for h in given if h[0].lower() not in owned]
                headers.extend(STATIC_HEADERS)
                headers.append((b"content-security-policy", csp))
                headers.append((b"x-request-id", rid))
                if api:
                    headers.append((b"cache-control", _api_cache_control(given)))
                message["headers"] = headers
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            seconds = time.perf_counter() - started
            log_access(scope["method"], path, status, round(seconds * 1000, 2), request_id)
            if observe is not None:
                observe(scope["method"], scope.get("path_template"), status, seconds)
            request_id_var.reset(token)
            # The request state holds the request's DI container, whose context holds the
            # Request, which holds this scope: a reference cycle per request that only the
            # garbage collector could free. Emptied here, it is freed at once instead, and
            # the collector's full passes (tens of ms, every request in flight stalled)
            # stay rare. Nothing reads the state once the response is sent.
            scope["state"].clear()

    return middleware


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            try:
                candidate = value.decode("ascii")
            except UnicodeDecodeError:
                return None
            return candidate if _SAFE_ID.match(candidate) else None
    return None
