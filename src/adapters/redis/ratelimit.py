"""GCRA on Redis: one Lua script, one round trip, Redis's own clock for every process."""

from __future__ import annotations

from redis.asyncio import Redis

from domain.ratelimit import Decision, Quota

# KEYS[1] key; ARGV interval_s, window_s, cost, dry_run -> {allowed, remaining*1000, tat*1000}
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval * cost
local allow_at = new_tat - window
if allow_at > now then
  local remaining = math.floor((now - (tat - window)) / interval)
  return {0, remaining, tostring(tat), tostring(allow_at - now), tostring(now)}
end
if ARGV[4] == '0' then
  redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
end
local remaining = math.floor((now - allow_at) / interval)
return {1, remaining, tostring(new_tat), '0', tostring(now)}
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._p = f"{prefix}rl:"
        self._script = redis.register_script(_GCRA)

    async def _run(self, key: str, quota: Quota, cost: int, dry: bool) -> Decision:
        allowed, remaining, tat, retry, _ = await self._script(
            keys=[self._p + key], args=[quota.interval, quota.window_s, cost, int(dry)])
        return Decision(bool(allowed), quota.limit, max(0, int(remaining)), float(tat),
                        float(retry))

    async def hit(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        return await self._run(key, quota, cost, False)

    async def peek(self, key: str, quota: Quota) -> Decision:
        return await self._run(key, quota, 1, True)
