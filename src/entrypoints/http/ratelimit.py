"""Request rate limits (architecture: 100/min per user, 20/min per IP unauthenticated).

Pure ASGI, in front of routing: a refused request costs one limiter round trip and no
handler work. The client IP comes from X-Forwarded-For only when the direct peer is a
configured trusted proxy.
"""

from __future__ import annotations

import ipaddress
import math

import msgspec
import structlog
from dishka import AsyncContainer
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from application.identity.sessions import RevocationCheck
from application.ports.clock import Clock
from application.ports.identity import TokenCodec
from application.ports.ratelimit import RequestAdmission
from domain.errors import DependencyUnavailable, PsiError, RateLimited
from domain.ratelimit import Decision, Quota
from entrypoints.http.errors import envelope_of
from entrypoints.settings import Settings

log = structlog.get_logger("psi.ratelimit")

REVOCATION_CHECKED = "psi.revocation_checked"
_EXEMPT = (
    "/api/v1/health",
    "/api/v1/ready",
    "/api/v1/docs",
    "/api/v1/redoc",
    "/api/v1/openapi.json",
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


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


async def _send_error(send: Send, exc: PsiError, headers: list[tuple[bytes, bytes]]) -> None:
    body = msgspec.json.encode(envelope_of(exc))
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _headers(d: Decision) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(d.limit).encode()),
        (b"x-ratelimit-remaining", str(d.remaining).encode()),
        (b"x-ratelimit-reset", str(math.ceil(d.reset_at)).encode()),
    ]


def rate_limit_middleware(app: ASGIApp, container: AsyncContainer, settings: Settings) -> ASGIApp:
    trusted = frozenset(settings.trusted_proxies)
    per_user = Quota(settings.rate_limit_user_per_min, 60)
    per_ip = Quota(settings.rate_limit_ip_per_min, 60)
    state: dict[str, object] = {}

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        ip = client_ip(scope, trusted)
        scope.setdefault("state", {})["client_ip"] = ip
        path: str = scope["path"]
        if (
            not settings.rate_limit_enabled
            or not path.startswith("/api/")
            or path.startswith(_EXEMPT)
            or scope["method"] == "OPTIONS"
        ):
            await app(scope, receive, send)
            return
        if not state:
            state["admission"] = await container.get(RequestAdmission)
            state["tokens"] = await container.get(TokenCodec)
            state["clock"] = await container.get(Clock)
        admission: RequestAdmission = state["admission"]  # type: ignore[assignment]
        key, quota, principal = f"ip:{ip}", per_ip, None
        token = _bearer(scope)
        if token:
            try:
                principal = state["tokens"].decode_access(  # type: ignore[union-attr]
                    token, state["clock"].now()
                )  # type: ignore[union-attr]
                key, quota = f"user:{principal.user_id}", per_user
            except PsiError:
                pass  # a bad token is limited as anonymous, then refused by the handler
        try:
            admitted = await admission.admit(key, quota, principal)
        except Exception as exc:  # fail closed: no limiter, no service
            log.warning("rate_limiter_unavailable", error_type=type(exc).__name__)
            await _send_error(send, DependencyUnavailable("rate limiter"), [])
            return
        decision = admitted.decision
        if admitted.revoked is not None:
            # Authentication reuses this answer instead of asking the session store again.
            scope["state"][REVOCATION_CHECKED] = RevocationCheck(token, admitted.revoked, principal)
        extra = _headers(decision)
        if not decision.allowed:
            retry = max(1, math.ceil(decision.retry_after_s))
            await _send_error(
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

        await app(scope, receive, send_with_headers)

    return middleware
