"""Request admission from two separate ports, for stores that cannot do it in one step."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.identity import SessionStore
from application.ports.ratelimit import Admission, RateLimiter
from domain.identity.tokens import Principal
from domain.ratelimit import Quota


@dataclass(slots=True)
class SequentialAdmission:
    limiter: RateLimiter
    sessions: SessionStore

    async def admit(self, key: str, quota: Quota, principal: Principal | None) -> Admission:
        decision = await self.limiter.hit(key, quota)
        if principal is None or not decision.allowed:
            return Admission(decision, None)
        return Admission(decision, await self.sessions.is_revoked(principal))
