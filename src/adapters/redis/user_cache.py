"""Cache-aside for account records on Redis, in front of the SQL UserRepository.

Reads of the caller's own account are the hottest path of the API (every `/users/me`).
Writes go to SQL first, then replace the cached copy; entries expire after a short TTL so
a lost race between a reader and a writer heals itself. Redis failures fall back to SQL:
the cache is never the source of truth.

The request's admission script (`adapters/redis/admission.py`) reads the caller's cached
entry in the same round trip (`PrefetchedAccount`). The request's own view of this
repository (`for_request`, made by the container in the request's scope:
`entrypoints/providers/request.py`) answers reads of that account with it instead of
asking Redis again, as if it had read the cache at admission, microseconds earlier. Any
write through that view drops it, so a read after a write in the same request goes to
the stores.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from uuid import UUID

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from adapters.redis.keys import user_tag
from application.ports.identity import PrefetchedAccount, UserRepository
from domain.identity.model import Subscription, Tier, User


class _CachedUser(msgspec.Struct, array_like=True):
    """What requests need of an account. Never the password hash: a copy of it in a
    cache would be one more place to steal it from (`get(..., with_secret=True)` reads
    the store)."""

    id: UUID
    email: str
    name: str
    tier: str
    email_verified: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None
    deleted_at: datetime | None


def user_key(prefix: str, user_id: UUID) -> str:
    # v2: the record without the password hash (entries of the old layout are not read).
    return f"{prefix}user:v2:{user_tag(user_id)}"


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(_CachedUser)


def _pack(u: User) -> bytes:
    return _encoder.encode(
        _CachedUser(
            u.id,
            u.email,
            u.name,
            u.tier.value,
            u.email_verified,
            u.created_at,
            u.updated_at,
            u.last_login_at,
            u.deleted_at,
        )
    )


def unpack_user(raw: bytes) -> User | None:
    try:
        c = _decoder.decode(raw)
    except msgspec.DecodeError:  # written by another version: a miss
        return None
    return User(
        id=c.id,
        email=c.email,
        name=c.name,
        password_hash=None,
        tier=Tier(c.tier),
        email_verified=c.email_verified,
        created_at=c.created_at,
        updated_at=c.updated_at,
        last_login_at=c.last_login_at,
        deleted_at=c.deleted_at,
    )


@translates_failures(REDIS)
class RedisCachedUserRepository:
    def __init__(
        self,
        inner: UserRepository,
        redis: Redis,
        prefix: str,
        ttl_s: int = 60,
        prefetched: PrefetchedAccount | None = None,
    ) -> None:
        self._inner = inner
        self._r = redis
        self._p = prefix
        self._ttl = ttl_s
        # This request's read of the cache at admission (None: none, or not a request).
        self._prefetched = prefetched

    def for_request(self, prefetched: PrefetchedAccount) -> RedisCachedUserRepository:
        """This repository for one request, whose first reads of `prefetched.user_id`
        use what admission read of the cache."""
        return RedisCachedUserRepository(self._inner, self._r, self._p, self._ttl, prefetched)

    def _key(self, user_id: UUID) -> str:
        return user_key(self._p, user_id)

    async def _put(self, user: User) -> None:
        try:
            await self._r.set(self._key(user.id), _pack(user), ex=self._ttl)
        except RedisError:
            await self._forget(user.id)

    async def _forget(self, user_id: UUID) -> None:
        self._prefetched = None
        # The short TTL bounds staleness when Redis is unreachable.
        with contextlib.suppress(RedisError):
            await self._r.delete(self._key(user_id))

    async def add(self, user: User) -> None:
        self._prefetched = None
        await self._inner.add(user)

    async def get(self, user_id: UUID, *, with_secret: bool = False) -> User | None:
        if with_secret:
            return await self._inner.get(user_id, with_secret=True)
        hint = self._prefetched
        if hint is not None and hint.user_id == user_id:
            # Every read of the request uses it (authentication, then the handler): a
            # write through this repository drops it, so a read after a write still
            # goes to the stores.
            if hint.user is not None:
                return hint.user
        else:
            hint = None
            try:
                raw = await self._r.get(self._key(user_id))
            except RedisError:
                raw = None
            cached = unpack_user(raw) if raw is not None else None
            if cached is not None:
                return cached
        user = await self._inner.get(user_id)
        if user is None:
            return None
        await self._put(user)
        seen = unpack_user(_pack(user))
        if hint is not None:
            # The next read in this request needs no store.
            self._prefetched = PrefetchedAccount(user_id, seen)
        return seen

    async def get_by_email(self, email: str) -> User | None:
        return await self._inner.get_by_email(email)

    async def save(self, user: User) -> None:
        await self._inner.save(user)
        await self._forget(user.id)

    async def get_subscription(self, user_id: UUID) -> Subscription | None:
        return await self._inner.get_subscription(user_id)

    async def change_tier(self, user_id: UUID, tier: Tier, now: datetime) -> User | None:
        user = await self._inner.change_tier(user_id, tier, now)
        await self._forget(user_id)
        return user

    async def mark_deleted(
        self, user_id: UUID, now: datetime, purge_after: datetime, email: str, name: str
    ) -> bool:
        done = await self._inner.mark_deleted(user_id, now, purge_after, email, name)
        await self._forget(user_id)
        return done

    async def due_for_purge(self, now: datetime, limit: int) -> list[UUID]:
        return await self._inner.due_for_purge(now, limit)

    async def remove(self, user_id: UUID) -> None:
        await self._inner.remove(user_id)
        await self._forget(user_id)
