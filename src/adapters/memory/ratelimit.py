from __future__ import annotations

import time
from uuid import UUID

from domain.ratelimit import Decision, Quota, gcra


class MemoryRateLimiter:
    def __init__(self, clock=time.time) -> None:
        self._tat: dict[str, float] = {}
        self._clock = clock

    async def hit(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        decision, tat = gcra(self._tat.get(key), self._clock(), quota, cost)
        if decision.allowed:
            self._tat[key] = tat
        return decision

    async def peek(self, key: str, quota: Quota) -> Decision:
        return gcra(self._tat.get(key), self._clock(), quota)[0]

    async def forget(self, key: str) -> None:
        self._tat.pop(key, None)

    async def forget_user(self, user_id: UUID) -> int:
        keys = [k for k in self._tat if str(user_id) in k]
        for key in keys:
            del self._tat[key]
        return len(keys)
