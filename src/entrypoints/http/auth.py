"""Authentication and tier checks as Litestar dependencies.

Handlers that need a caller declare `principal: Principal`; admin-only handlers
declare `admin: Principal` instead.
"""

from __future__ import annotations

from litestar import Request
from litestar.di import Provide

from application.identity.sessions import Authenticate
from domain.errors import Forbidden
from domain.identity.model import Tier, tier_allows
from domain.identity.tokens import Principal
from entrypoints.http.ratelimit import REVOCATION_CHECKED
from entrypoints.http.read_your_writes import note_writer


async def _principal(request: Request) -> Principal:
    # scope["state"] directly: `request.state` builds a new State object on every access.
    state = request.scope["state"]
    authenticate = await state["dishka_container"].get(Authenticate)
    principal = await authenticate(
        request.headers.get("authorization"), state.get(REVOCATION_CHECKED)
    )
    note_writer(request.scope, request.method, principal.user_id)
    return principal


def _requires(tier: Tier):
    async def check(principal: Principal) -> Principal:
        if not tier_allows(principal.tier, tier):
            raise Forbidden()
        return principal

    return check


AUTH_DEPENDENCIES = {
    "principal": Provide(_principal),
    "premium": Provide(_requires(Tier.PREMIUM)),
    "admin": Provide(_requires(Tier.ADMIN)),
}
BEARER = [{"BearerAuth": []}]
