"""The edge's admission step: the one place a request's `RequestContext` is made, and
the request's scope of the container opened with it.

For each HTTP request: the client address (X-Forwarded-For only when the direct peer is
a configured trusted proxy), then `AdmitRequest` (the rate limit, architecture: 100/min
per user, 20/min per IP unauthenticated; the token decoded once; its revocation and the
caller's cached account in the same store round trip), then the handler runs inside a
dishka REQUEST scope whose context holds the `Request` and the `RequestContext`:
handlers and use cases take them from there (`entrypoints/providers/request.py`).

A refused request costs one store round trip and no handler work: 429 with the limit
headers; no limiter answering is 503 (fail closed). Paths outside the API, the
probes, the docs and CORS preflights are not limited: their context has no decision.
Neither is the Stripe webhook: its signature is its gate (checked before any store work,
which makes refusing a forged one cheaper than the limiter's round trip), and Stripe's
bursts and retries come from a few addresses that 20/min would refuse.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from typing import cast

import structlog
from dishka import AsyncContainer
from dishka import Scope as DIScope
from litestar import Request
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from application.context import RequestContext, request_id_var
from application.identity.admission import AdmitRequest
from domain.errors import DependencyUnavailable, RateLimited
from domain.ratelimit import Decision
from entrypoints.http.edge import send_psi_error

log = structlog.get_logger("psi.ratelimit")

_EXEMPT = (
    "/api/v1/health",
    "/api/v1/ready",
    "/api/v1/docs",
    "/api/v1/redoc",
    "/api/v1/openapi.json",
)
_SIGNED_BY_CALLER = frozenset({"/api/v1/webhooks/stripe"})


def rate_limited_path(path: str) -> bool:
    """Whether admission counts a request to this canonical path (the OpenAPI document
    says the same: `openapi_polish`)."""
    return (
        path.startswith("/api/") and not path.startswith(_EXEMPT) and path not in _SIGNED_BY_CALLER
    )


def client_ip(scope: Scope, trusted: frozenset[str]) -> str:
    peer = (scope.get("client") or ("unknown", 0))[0]
    if peer not in trusted:
        return peer
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            hops = [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
            # The right-most address not added by one of our own proxies is the client.
            for hop in reversed(hops):
                if hop not in trusted and _is_ip(hop):
                    return hop
    return peer


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _authorization(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return value.decode("latin-1")
    return None


def _headers(d: Decision) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(d.limit).encode()),
        (b"x-ratelimit-remaining", str(d.remaining).encode()),
        (b"x-ratelimit-reset", str(math.ceil(d.reset_at)).encode()),
    ]


@dataclass(slots=True)
class EdgeAdmission:
    """What the admission step needs, given once the container has started (the app's
    start-up resolves `admit`; nothing is looked up per request)."""

    container: AsyncContainer
    trusted_proxies: frozenset[str]
    rate_limit_enabled: bool
    admit: AdmitRequest | None = None

    def limits(self, scope: HTTPScope) -> bool:
        return (
            self.rate_limit_enabled
            and rate_limited_path(scope["path"])
            and scope["method"] != "OPTIONS"
        )


def admission_middleware(app: ASGIApp, admission: EdgeAdmission) -> ASGIApp:
    container = admission.container

    async def run(scope: Scope, receive: Receive, send: Send, context: RequestContext) -> None:
        request: Request = Request(scope)
        async with container(
            {Request: request, RequestContext: context}, scope=DIScope.REQUEST
        ) as request_container:
            # Where dishka's Litestar integration finds the request's container for
            # `FromDishka` parameters.
            scope["state"]["dishka_container"] = request_container
            await app(scope, receive, send)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        scope.setdefault("state", {})
        request_id = request_id_var.get() or ""
        client = client_ip(scope, admission.trusted_proxies)
        authorization = _authorization(scope)
        if not admission.limits(cast("HTTPScope", scope)):
            await run(scope, receive, send, RequestContext(request_id, client, authorization))
            return
        admit = admission.admit
        try:
            if admit is None:
                raise DependencyUnavailable("rate limiter")  # not started
            context = await admit(request_id, client, authorization)
        except Exception as exc:  # fail closed: no limiter, no service
            log.warning("rate_limiter_unavailable", error_type=type(exc).__name__)
            await send_psi_error(send, DependencyUnavailable("rate limiter"), [])
            return
        decision = context.decision
        assert decision is not None, "an admitted request carries its decision"
        extra = _headers(decision)
        if not decision.allowed:
            retry = max(1, math.ceil(decision.retry_after_s))
            await send_psi_error(
                send, RateLimited(retry), [*extra, (b"retry-after", str(retry).encode())]
            )
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                # A handler with a quota of its own (uploads) has set these already.
                if not any(h[0].lower() == b"x-ratelimit-limit" for h in headers):
                    message["headers"] = [*headers, *extra]
            await send(message)

        await run(scope, receive, send_with_headers, context)

    return middleware
