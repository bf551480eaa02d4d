"""GCRA on Redis: one Lua script, one round trip, Redis's own clock for every process."""

from __future__ import annotations

from uuid import UUID

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from domain.ratelimit import Decision, Quota

RATE_KEY_PREFIX = "rl:"

# gcra(key, interval_s, window_s, cost, dry_run) -> {allowed, remaining, tat, retry, now}
GCRA_LUA = """
local function gcra(key, interval, window, cost, dry_run)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval * cost
  local allow_at = new_tat - window
  if allow_at > now then
    local remaining = math.floor((now - (tat - window)) / interval)
    return {0, remaining, tostring(tat), tostring(allow_at - now), tostring(now)}
  end
  if dry_run == '0' then
    redis.call('SET', key, tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
  end
  local remaining = math.floor((now - allow_at) / interval)
  return {1, remaining, tostring(new_tat), '0', tostring(now)}
end
"""

_GCRA = (
    GCRA_LUA
    + """
return gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
"""
)


def decision_of(reply: list, quota: Quota) -> Decision:
    allowed, remaining, tat, retry = reply[:4]
    return Decision(bool(allowed), quota.limit, max(0, int(remaining)), float(tat), float(retry))


@translates_failures(REDIS)
class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._p = prefix + RATE_KEY_PREFIX
        self._script = redis.register_script(_GCRA)
        self._redis = redis

    async def _run(self, key: str, quota: Quota, cost: int, dry: bool) -> Decision:
        reply = await self._script(
            keys=[self._p + key], args=[quota.interval, quota.window_s, cost, int(dry)]
        )
        return decision_of(reply, quota)

    async def hit(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        return await self._run(key, quota, cost, False)

    async def peek(self, key: str, quota: Quota) -> Decision:
        return await self._run(key, quota, 1, True)

    async def forget(self, key: str) -> None:
        await self._redis.delete(self._p + key)

    async def forget_user(self, user_id: UUID) -> int:
        """SCAN (never KEYS) for this limiter's keys that name the user, then UNLINK."""
        keys = [k async for k in self._redis.scan_iter(match=f"{self._p}*{user_id}*", count=1000)]
        return await self._redis.unlink(*keys) if keys else 0
