"""Cache-aside for account records on Redis, in front of the SQL UserRepository.

Reads of the caller's own account are the hottest path of the API (every `/users/me`).
Writes go to SQL first, then replace the cached copy; entries expire after a short TTL so
a lost race between a reader and a writer heals itself. Redis failures fall back to SQL:
the cache is never the source of truth.

The request's admission script (`adapters/redis/admission.py`) reads the caller's cached
entry in the same round trip and leaves it here (`prefetch`) for this request only: the
first read of that account in the request uses it instead of asking Redis again, as if it
had read the cache at admission, microseconds earlier. Any write through this repository
drops it, so a read after a write in the same request goes to the stores.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from datetime import datetime
from uuid import UUID

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from adapters.redis.keys import user_tag
from application.ports.identity import UserRepository
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


# Per request: each request runs in its own task, with its own copy of the context.
_prefetched: ContextVar[tuple[UUID, bytes | None] | None] = ContextVar(
    "psi_prefetched_user", default=None
)


def user_key(prefix: str, user_id: UUID) -> str:
    # v2: the record without the password hash (entries of the old layout are not read).
    return f"{prefix}user:v2:{user_tag(user_id)}"


def prefetch(user_id: UUID, raw: bytes | None) -> None:
    """What the cache held for `user_id` at admission (None: nothing), for this request."""
    _prefetched.set((user_id, raw))


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


def _unpack(raw: bytes) -> User | None:
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
    def __init__(self, inner: UserRepository, redis: Redis, prefix: str, ttl_s: int = 60) -> None:
        self._inner = inner
        self._r = redis
        self._p = prefix
        self._ttl = ttl_s

    def _key(self, user_id: UUID) -> str:
        return user_key(self._p, user_id)

    async def _put(self, user: User) -> None:
        try:
            await self._r.set(self._key(user.id), _pack(user), ex=self._ttl)
        except RedisError:
            await self._forget(user.id)

    async def _forget(self, user_id: UUID) -> None:
        _prefetched.set(None)
        # The short TTL bounds staleness when Redis is unreachable.
        with contextlib.suppress(RedisError):
            await self._r.delete(self._key(user_id))

    async def add(self, user: User) -> None:
        _prefetched.set(None)
        await self._inner.add(user)

    async def get(self, user_id: UUID, *, with_secret: bool = False) -> User | None:
        if with_secret:
            return await self._inner.get(user_id, with_secret=True)
        hint = _prefetched.get()
        if hint is not None and hint[0] == user_id:
            # Every read of the request uses it (authentication, then the handler): a
            # write through this repository drops it, so a read after a write still
            # goes to the stores.
            raw = hint[1]
        else:
            try:
                raw = await self._r.get(self._key(user_id))
            except RedisError:
                raw = None
        cached = _unpack(raw) if raw is not None else None
        if cached is not None:
            return cached
        user = await self._inner.get(user_id)
        if user is None:
            return None
        await self._put(user)
        packed = _pack(user)
        if hint is not None and hint[0] == user_id:
            prefetch(user_id, packed)  # the next read in this request needs no store
        return _unpack(packed)

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
