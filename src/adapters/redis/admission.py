"""Request admission on Redis in one round trip: the GCRA rate limit of the caller's key
and, for an authenticated caller, its session's revocation marker and its account's
revocation cutoff (the keys RedisSessionStore writes), and its cached account record
(the key RedisCachedUserRepository writes), returned as the request's `PrefetchedAccount`,
and, with read replicas, the caller's read-your-writes mark (the key RedisRecentWriters
writes), so a routed read asks nothing more.

On one server (or a Sentinel-managed primary) that is one script over all four keys. On a
Redis Cluster the keys live in three slots (the rate key's, the session's `{s:..}`, the
account's `{u:..}`), and a script may touch one slot only: the rate script, the session
marker and the account's two keys go as three commands at once (one round trip's
latency, each on its own slot's primary). The reads are then not one atomic snapshot,
which changes nothing a request can see: revocation is decided as of admission either way.

The script goes by the process's `RedisLane` (one pipelined connection, parsed by
hiredis) when it has one, as every request sends it; by redis-py's script object
otherwise."""

from __future__ import annotations

import asyncio
from typing import Any

import hiredis
from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.connect import is_cluster
from adapters.redis.failures import REDIS
from adapters.redis.keys import writer_key
from adapters.redis.lane import Lane
from adapters.redis.ratelimit import GCRA_LUA, RATE_KEY_PREFIX, decision_of
from adapters.redis.sessions import cutoff_key, revoked_key
from adapters.redis.user_cache import unpack_user, user_key
from application.ports.identity import PrefetchedAccount
from application.ports.ratelimit import Admission
from domain.identity.tokens import Principal
from domain.ratelimit import Quota

# KEYS rate key [, session marker, user cutoff, cached user [, writer mark]];
# ARGV interval, window, cost, dry, issued_at
_ADMIT = (
    GCRA_LUA
    + """
local reply = gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4])
if #KEYS >= 4 then
  local revoked = redis.call('EXISTS', KEYS[2])
  if revoked == 0 then
    local cutoff = redis.call('GET', KEYS[3])
    if cutoff and tonumber(ARGV[5]) <= tonumber(cutoff) then revoked = 1 end
  end
  reply[6] = revoked
  if revoked == 0 then
    reply[7] = redis.call('GET', KEYS[4])
    if #KEYS == 5 then reply[8] = redis.call('EXISTS', KEYS[5]) end
  end
end
return reply
"""
)


@translates_failures(REDIS)
class RedisAdmission:
    def __init__(
        self, redis: Redis, prefix: str, lane: Lane | None = None, *, writer_marks: bool = False
    ) -> None:
        """`writer_marks`: read the caller's read-your-writes mark too (read replicas)."""
        self._redis = redis
        self._writer_marks = writer_marks
        self._prefix = prefix
        self._rate_prefix = prefix + RATE_KEY_PREFIX
        self._script = redis.register_script(_ADMIT)
        self._lane = lane
        self._split = is_cluster(redis)

    async def _command(self, *args: str) -> Any:
        if self._lane is not None:
            return await self._lane.execute(*args)
        return await self._redis.execute_command(*args)

    async def _run_split(self, keys: list[str], args: list[int]) -> Any:
        """The script's reply from one command per slot (a cluster)."""
        rate = self._run(keys[:1], args)
        if len(keys) == 1:
            return await rate
        # The account's keys share its tag: one MGET.
        reply, marker, (cutoff, cached, *wrote) = await asyncio.gather(
            rate, self._command("EXISTS", keys[1]), self._command("MGET", *keys[2:])
        )
        revoked = int(marker) or int(cutoff is not None and args[4] <= int(cutoff))
        if revoked:
            return [*reply[:5], revoked]
        return [*reply[:5], revoked, cached, *(int(w is not None) for w in wrote)]

    async def _run(self, keys: list[str], args: list[int]) -> Any:
        lane = self._lane
        if lane is None:
            return await self._script(keys=keys, args=args)
        try:
            return await lane.execute("EVALSHA", self._script.sha, len(keys), *keys, *args)
        except hiredis.ReplyError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
            # Not cached by this server (restarted, flushed): EVAL caches it again.
            return await lane.execute("EVAL", _ADMIT, len(keys), *keys, *args)

    async def admit(self, key: str, quota: Quota, principal: Principal | None) -> Admission:
        keys = [self._rate_prefix + key]
        issued_at = 0
        if principal is not None:
            keys += [
                revoked_key(self._prefix, principal.session_id),
                cutoff_key(self._prefix, principal.user_id),
                user_key(self._prefix, principal.user_id),
            ]
            if self._writer_marks:
                keys.append(writer_key(self._prefix, principal.user_id))
            issued_at = int(principal.issued_at.timestamp())
        run = self._run_split if self._split else self._run
        reply = await run(keys, [quota.interval, quota.window_s, 1, 0, issued_at])
        if principal is None:
            return Admission(decision_of(reply, quota), None)
        if reply[5]:
            return Admission(decision_of(reply, quota), True)
        # reply[6] is Lua's false (None here) when nothing is cached: Redis drops a
        # trailing nil from a table, so it may be missing too.
        raw = reply[6] if len(reply) > 6 and reply[6] else None
        account = PrefetchedAccount(principal.user_id, unpack_user(raw) if raw else None)
        wrote = bool(reply[7]) if self._writer_marks and len(reply) > 7 else None
        return Admission(decision_of(reply, quota), False, account, wrote)
