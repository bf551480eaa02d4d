"""Authentication and tier checks as Litestar dependencies.

Handlers that need a caller declare `principal: Principal`; admin-only handlers
declare `admin: Principal` instead. The caller is the request's `Principal` from the
container (`entrypoints/providers/request.py`): authenticated once per request, from
what the edge's admission found.
"""

from __future__ import annotations

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request
from litestar.di import Provide

from domain.errors import Forbidden
from domain.identity.model import Tier, tier_allows
from domain.identity.tokens import Principal
from entrypoints.http.read_your_writes import note_writer


@inject
async def _principal(caller: FromDishka[Principal], request: Request) -> Principal:
    note_writer(request.scope, request.method, caller.user_id)
    return caller


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
