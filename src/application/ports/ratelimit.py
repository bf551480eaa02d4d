from __future__ import annotations

from typing import Protocol

from domain.ratelimit import Decision, Quota


class RateLimiter(Protocol):
    """Atomic per-key limits shared by every API process; must survive restarts."""

    async def hit(self, key: str, quota: Quota, cost: int = 1) -> Decision: ...

    async def peek(self, key: str, quota: Quota) -> Decision:
        """What `hit` would decide, without spending anything."""
        ...
