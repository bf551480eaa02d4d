from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from application.ports.identity import PrefetchedAccount
from domain.identity.tokens import Principal
from domain.ratelimit import Decision, Quota


class RateLimiter(Protocol):
    """Atomic per-key limits shared by every API process; must survive restarts."""

    async def hit(self, key: str, quota: Quota, cost: int = 1) -> Decision: ...

    async def peek(self, key: str, quota: Quota) -> Decision:
        """What `hit` would decide, without spending anything."""
        ...

    async def forget(self, key: str) -> None:
        """Drop `key`'s state (its quota is whole again). Idempotent."""
        ...

    async def forget_user(self, user_id: UUID) -> int:
        """Drop the state of every key that names `user_id` (the privacy purge); returns
        how many keys were dropped. Idempotent."""
        ...


@dataclass(frozen=True, slots=True)
class Admission:
    decision: Decision
    revoked: bool | None  # None when no principal was presented (nothing to check)
    # The caller's cached account, where the store reads it in the same step as the
    # revocation (only for a caller whose token is not revoked).
    account: PrefetchedAccount | None = None
    # Whether the caller wrote within the read-your-writes window (`adapters.sql.replicas`),
    # where the store reads the writer mark in the same step (None: not read).
    wrote_lately: bool | None = None


class RequestAdmission(Protocol):
    """The per-request gate: spend one unit of `key`'s quota and, for an authenticated
    caller, tell whether its token is revoked. Adapters may answer both in one round trip."""

    async def admit(self, key: str, quota: Quota, principal: Principal | None) -> Admission: ...
