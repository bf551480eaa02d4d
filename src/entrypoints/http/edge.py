"""The edge of the app: what every request and every answer goes through, whatever routes it.

- One path for every decision. Litestar routes `//api/v1/users/me/` as `/api/v1/users/me`
  (`litestar.utils.normalize_path`: slashes merged, the trailing one dropped). The path in
  the scope is replaced by that spelling before anything looks at it, so the limiter, the
  authentication, the security headers and the access log decide on the path the router
  uses, not on one of its spellings.
- No control characters in the path or the query (NUL reaches Postgres as an error, other
  control characters are never text a person typed): 400 before any handler runs.
- Every error answer is the JSON envelope, whoever produced it (the OpenAPI plugin answers
  unknown root paths with an HTML page).
- A body the app did not read to its end is read and discarded, up to a bound, before the
  answer goes out (as nginx's lingering close): a client that writes its whole body before
  reading (urllib, many mobile stacks) then sees the 413 instead of a connection reset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast
from urllib.parse import unquote_to_bytes

import anyio
import msgspec
from litestar.types import ASGIApp, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send
from litestar.utils import normalize_path

from domain.errors import (
    Forbidden,
    InvalidToken,
    MethodNotAllowed,
    NotFound,
    PsiError,
    RequestTooLarge,
    ValidationFailed,
)
from entrypoints.http.errors import envelope_of

# What is discarded of an unread body before answering, at most; a larger one is cut off
# (the client may then see a reset instead of the answer).
LINGER_MAX_BYTES = 64 * 1024 * 1024
LINGER_MAX_S = 10.0

# C0 controls, DEL and C1 controls, as text (the path) and as UTF-8 bytes (the query).
_CONTROL_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def canonical_path(scope: Scope) -> str:
    """Put the router's spelling of the path in the scope and return it."""
    path: str = scope["path"]
    if "//" in path or (path.endswith("/") and path != "/"):
        path = normalize_path(path)
        scope["path"] = path
        scope["raw_path"] = path.encode()
    return path


def _control_characters(scope: Scope) -> str | None:
    if _CONTROL_TEXT.search(scope["path"]):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if query and (
        _CONTROL_BYTES.search(query)
        or (b"%" in query and _CONTROL_BYTES.search(unquote_to_bytes(query)))
    ):
        return "query"
    return None


def _declares_body(scope: HTTPScope) -> bool:
    if scope["method"] not in _BODY_METHODS:
        return False
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.strip() not in (b"0", b"")
        if name == b"transfer-encoding":
            return True
    return False


_BY_STATUS: dict[int, type[PsiError]] = {
    404: NotFound,
    405: MethodNotAllowed,
    401: InvalidToken,
    403: Forbidden,
    413: RequestTooLarge,
}


def _envelope_for(status: int) -> PsiError:
    if status in _BY_STATUS:
        return _BY_STATUS[status]()
    if 400 <= status < 500:
        return ValidationFailed.single("request", "invalid request")
    return PsiError()


async def send_psi_error(
    send: Send, exc: PsiError, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """An error answered by ASGI middleware, before the router: the contract's envelope."""
    body = msgspec.json.encode(envelope_of(exc))
    start: Any = {
        "type": "http.response.start",
        "status": exc.status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def edge_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        field = _control_characters(scope)
        if field is not None:
            await send_psi_error(
                send, ValidationFailed.single(field, "must not contain control characters")
            )
            return
        if not _declares_body(cast("HTTPScope", scope)):
            await app(scope, receive, _json_errors(send))
            return
        body_done = False

        async def tracking_receive() -> ReceiveMessage:
            nonlocal body_done
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def drain() -> None:
            discarded = 0
            with anyio.move_on_after(LINGER_MAX_S):
                while not body_done and discarded <= LINGER_MAX_BYTES:
                    message = await tracking_receive()
                    discarded += len(cast("bytes", message.get("body", b"")))

        inner_send = _json_errors(send)

        async def lingering_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not body_done:
                await drain()
            await inner_send(message)

        await app(scope, tracking_receive, lingering_send)

    return middleware


def _json_errors(send: Send) -> Send:
    """Error answers that are not JSON (HTML from a plugin, plain text) become the envelope."""
    replaced = False

    async def wrapper(message: Message) -> None:
        nonlocal replaced
        if message["type"] == "http.response.start" and message["status"] >= 400:
            content_type = next(
                (v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b""
            )
            if b"json" not in content_type:
                replaced = True
                await send_psi_error(send, _envelope_for(message["status"]))
                return
        if replaced:
            return  # the original body of a replaced answer
        await send(message)

    return wrapper
