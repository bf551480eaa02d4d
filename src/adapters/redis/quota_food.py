"""`AnalysisQuota` on Redis: one key per user and UTC day, checked and incremented in
one Lua script (atomic across every API process), expiring some time after the day."""

from __future__ import annotations

from uuid import UUID

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from adapters.redis.keys import user_tag
from domain.food.quota import QuotaWindow

_CONSUME = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return {0, used} end
used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return {1, used}
"""
_REFUND = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""
# The key names its day, so expiry is only clean-up: two days outlive any clock skew
# between API processes and Redis.
KEY_TTL_S = 2 * 86_400


@translates_failures(REDIS)
class RedisAnalysisQuota:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._consume = redis.register_script(_CONSUME)
        self._refund = redis.register_script(_REFUND)

    def _key(self, user_id: UUID, window: QuotaWindow) -> str:
        return f"{self._prefix}quota:food:{user_tag(user_id)}:{window.key}"

    async def consume(self, user_id: UUID, window: QuotaWindow, limit: int) -> tuple[bool, int]:
        taken, used = await self._consume(
            keys=[self._key(user_id, window)], args=[limit, KEY_TTL_S]
        )
        return bool(taken), int(used)

    async def refund(self, user_id: UUID, window: QuotaWindow) -> None:
        await self._refund(keys=[self._key(user_id, window)])

    async def used(self, user_id: UUID, window: QuotaWindow) -> int:
        value = await self._redis.get(self._key(user_id, window))
        return int(value or 0)
