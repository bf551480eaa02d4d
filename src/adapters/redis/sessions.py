"""SessionStore on Redis: production security state, shared by every API process.

Keys (all under the configured prefix; the braces are Redis Cluster hash tags):
  sess:{s:<sid>}          hash {user, cur}  the refresh family, expires with it
  sess-revoked:{s:<sid>}  "1"               set when the family is revoked
  user-cutoff:{u:<uid>}   epoch seconds     tokens issued at or before are revoked
  user-sessions:{u:<uid>} set of sids       the families to revoke with the account
                                            (a password change, `revoke_user`)
Authenticating a request costs one round trip (two GETs, pipelined: on a cluster the two
keys live in different slots).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from adapters.redis.keys import session_tag, user_tag
from domain.identity.tokens import Principal, RotationOutcome

# Compare-and-set in one atomic step: the presented id must be the current one.
_ROTATE = """
local cur = redis.call('HGET', KEYS[1], 'cur')
if not cur or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if cur ~= ARGV[1] then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
  return 2
end
redis.call('HSET', KEYS[1], 'cur', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


def revoked_key(prefix: str, session_id: UUID | str) -> str:
    return f"{prefix}sess-revoked:{session_tag(session_id)}"


def cutoff_key(prefix: str, user_id: UUID) -> str:
    return f"{prefix}user-cutoff:{user_tag(user_id)}"


def revoked_by_cutoff(principal: Principal, cutoff: bytes | str | None) -> bool:
    return cutoff is not None and int(principal.issued_at.timestamp()) <= int(cutoff)


@translates_failures(REDIS)
class RedisSessionStore:
    def __init__(self, redis: Redis, prefix: str, refresh_ttl_s: int, access_ttl_s: int) -> None:
        self._r = redis
        self._p = prefix
        self._refresh_ttl = refresh_ttl_s
        # A revocation marker must outlive every token it revokes.
        self._marker_ttl = max(refresh_ttl_s, access_ttl_s) + 60
        self._rotate = redis.register_script(_ROTATE)

    def _sess(self, sid: UUID) -> str:
        return f"{self._p}sess:{session_tag(sid)}"

    def _revoked(self, sid: UUID) -> str:
        return revoked_key(self._p, sid)

    def _cutoff(self, uid: UUID) -> str:
        return cutoff_key(self._p, uid)

    def _user_sessions(self, uid: UUID) -> str:
        return f"{self._p}user-sessions:{user_tag(uid)}"

    async def start(
        self,
        session_id: UUID,
        user_id: UUID,
        refresh_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        ttl = max(1, int((expires_at - now).total_seconds()))
        # The account's list first (its slot, then the family's: one slot per step on a
        # cluster), so no family exists that revoking the account's sessions would miss.
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.sadd(self._user_sessions(user_id), str(session_id))
            pipe.expire(self._user_sessions(user_id), self._marker_ttl)
            await pipe.execute()
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(
                self._sess(session_id), mapping={"user": str(user_id), "cur": refresh_token_id}
            )
            pipe.expire(self._sess(session_id), ttl)
            await pipe.execute()

    async def rotate(
        self,
        session_id: UUID,
        presented_token_id: str,
        new_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> RotationOutcome:
        ttl = max(1, int((expires_at - now).total_seconds()))
        result = await self._rotate(
            keys=[self._sess(session_id), self._revoked(session_id)],
            args=[presented_token_id, new_token_id, ttl, self._marker_ttl],
        )
        return {1: RotationOutcome.ROTATED, 2: RotationOutcome.REUSED}.get(
            int(result), RotationOutcome.UNKNOWN
        )

    async def revoke_session(self, session_id: UUID, now: datetime) -> None:
        await self._r.set(self._revoked(session_id), "1", ex=self._marker_ttl)

    async def revoke_user(self, user_id: UUID, now: datetime) -> None:
        # The cutoff refuses the access tokens already issued; the families must end too,
        # or a refresh token would be rotated into an access token issued after it.
        await self._r.set(self._cutoff(user_id), str(int(now.timestamp())), ex=self._marker_ttl)
        await self.revoke_sessions(user_id, now)

    async def revoke_sessions(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        members = await self._r.smembers(self._user_sessions(user_id))
        sids = [m.decode() if isinstance(m, bytes) else str(m) for m in members]
        doomed = [sid for sid in sids if keep is None or sid != str(keep)]
        if not doomed:
            return
        async with self._r.pipeline(transaction=False) as pipe:
            for sid in doomed:
                pipe.set(revoked_key(self._p, sid), "1", ex=self._marker_ttl)
            await pipe.execute()

    async def is_revoked(self, principal: Principal) -> bool:
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.get(self._revoked(principal.session_id))
            pipe.get(self._cutoff(principal.user_id))
            revoked, cutoff = await pipe.execute()
        return revoked is not None or revoked_by_cutoff(principal, cutoff)

    async def ping(self) -> None:
        await self._r.ping()
