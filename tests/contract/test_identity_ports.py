"""One suite per identity port, run against every adapter of that port."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.identity import (
    MemoryConsentRepository,
    MemorySessionStore,
    MemoryUserRepository,
)
from adapters.redis.sessions import RedisSessionStore
from adapters.redis.user_cache import RedisCachedUserRepository
from adapters.sql.consents import SqlConsentRepository
from adapters.sql.sessions import SqlSessionStore
from adapters.sql.users import SqlUserRepository
from domain.errors import EmailAlreadyRegistered
from domain.identity.model import Tier, User
from domain.identity.tokens import Principal, RotationOutcome
from domain.privacy.consent import Consents

NOW = datetime(2026, 11, 10, 14, 30, tzinfo=UTC)


def make_user(**kw) -> User:
    uid = kw.pop("id", uuid.uuid4())
    return User(
        id=uid,
        email=kw.pop("email", f"{uid.hex[:10]}@example.com"),
        name="Test",
        password_hash="$argon2id$fake",
        tier=Tier.FREE,
        email_verified=False,
        created_at=NOW,
        updated_at=NOW,
        **kw,
    )


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        "postgres",
        "redis-cached postgres",
        "redis-cluster-cached postgres",
    ]
)
def users(request):
    if request.param == "memory":
        return MemoryUserRepository()
    if request.param.endswith("cached postgres"):
        client = "redis_cluster_client" if "cluster" in request.param else "redis_client"
        return RedisCachedUserRepository(
            SqlUserRepository(request.getfixturevalue("postgres_db")),
            request.getfixturevalue(client),
            f"psi-test-{uuid.uuid4().hex[:8]}:",
        )
    return SqlUserRepository(request.getfixturevalue(f"{request.param}_db"))


@pytest.fixture(params=["memory", "sqlite", "postgres", "redis", "redis cluster"])
def sessions_and_users(request):
    """A session store plus a user repository the store can see (SQL stores keep
    sessions beside the users table)."""
    if request.param == "memory":
        return MemorySessionStore(), MemoryUserRepository()
    if request.param.startswith("redis"):
        cluster = request.param == "redis cluster"
        client = request.getfixturevalue("redis_cluster_client" if cluster else "redis_client")
        return (
            RedisSessionStore(client, f"psi-test-{uuid.uuid4().hex[:8]}:", 3600 * 24, 3600),
            MemoryUserRepository(),
        )
    db = request.getfixturevalue(f"{request.param}_db")
    return SqlSessionStore(db), SqlUserRepository(db)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def consents_and_users(request):
    if request.param == "memory":
        return MemoryConsentRepository(), MemoryUserRepository()
    db = request.getfixturevalue(f"{request.param}_db")
    return SqlConsentRepository(db), SqlUserRepository(db)


def without_secret(user):
    """`get` may leave the password hash out (None: not loaded); nothing else."""
    return None if user is None else replace(user, password_hash=None)


class TestUserRepository:
    async def test_add_then_get_by_id_and_email(self, users):
        user = make_user()
        await users.add(user)
        assert without_secret(await users.get(user.id)) == without_secret(user)
        assert await users.get(user.id, with_secret=True) == user
        assert await users.get_by_email(user.email) == user
        assert await users.get(uuid.uuid4()) is None
        assert await users.get_by_email("missing@example.com") is None

    async def test_duplicate_email_is_refused(self, users):
        user = make_user()
        await users.add(user)
        with pytest.raises(EmailAlreadyRegistered):
            await users.add(make_user(email=user.email))

    async def test_new_user_has_free_subscription(self, users):
        user = make_user()
        await users.add(user)
        sub = await users.get_subscription(user.id)
        assert sub is not None and sub.tier is Tier.FREE and sub.status == "active"

    async def test_save_persists_changes(self, users):
        user = make_user()
        await users.add(user)
        assert without_secret(await users.get(user.id)) == without_secret(user)  # cached now
        later = NOW + timedelta(minutes=5)
        await users.save(user.renamed("Renamed", later).logged_in(later, "$argon2id$new"))
        got = await users.get(user.id, with_secret=True)
        assert (got.name, got.password_hash, got.last_login_at) == (
            "Renamed",
            "$argon2id$new",
            later,
        )

    async def test_saving_a_copy_without_the_hash_keeps_the_stored_hash(self, users):
        user = make_user()
        await users.add(user)
        later = NOW + timedelta(minutes=5)
        await users.save(replace(user.renamed("Renamed", later), password_hash=None))
        got = await users.get(user.id, with_secret=True)
        assert (got.name, got.password_hash) == ("Renamed", user.password_hash)

    async def test_change_tier_updates_user_and_subscription(self, users):
        user = make_user()
        await users.add(user)
        changed = await users.change_tier(user.id, Tier.PREMIUM, NOW + timedelta(hours=1))
        assert changed.tier is Tier.PREMIUM
        assert (await users.get_subscription(user.id)).tier is Tier.PREMIUM
        assert await users.change_tier(uuid.uuid4(), Tier.ADMIN, NOW) is None


def principal_for(user_id, session_id, issued_at=NOW) -> Principal:
    return Principal(
        user_id=user_id,
        email="x@example.com",
        tier=Tier.FREE,
        token_id="a1",
        session_id=session_id,
        issued_at=issued_at,
        expires_at=issued_at + timedelta(hours=1),
    )


class TestSessionStore:
    async def _session(self, store, users):
        user = make_user()
        await users.add(user)
        sid = uuid.uuid4()
        await store.start(sid, user.id, "r1", NOW + timedelta(days=30), NOW)
        return user, sid

    async def test_rotation_swaps_the_current_token(self, sessions_and_users):
        store, users = sessions_and_users
        user, sid = await self._session(store, users)
        exp = NOW + timedelta(days=30)
        assert await store.rotate(sid, "r1", "r2", exp, NOW) is RotationOutcome.ROTATED
        assert await store.rotate(sid, "r2", "r3", exp, NOW) is RotationOutcome.ROTATED
        assert not await store.is_revoked(principal_for(user.id, sid))

    async def test_reuse_revokes_the_family(self, sessions_and_users):
        store, users = sessions_and_users
        user, sid = await self._session(store, users)
        exp = NOW + timedelta(days=30)
        await store.rotate(sid, "r1", "r2", exp, NOW)
        assert await store.rotate(sid, "r1", "rX", exp, NOW) is RotationOutcome.REUSED
        assert await store.rotate(sid, "r2", "r3", exp, NOW) is RotationOutcome.UNKNOWN
        assert await store.is_revoked(principal_for(user.id, sid))

    async def test_revoke_sessions_keeps_only_the_named_one(self, sessions_and_users):
        store, users = sessions_and_users
        user, sid = await self._session(store, users)
        other, third = uuid.uuid4(), uuid.uuid4()
        await store.start(other, user.id, "o1", NOW + timedelta(days=30), NOW)
        stranger, stranger_sid = await self._session(store, users)
        await store.revoke_sessions(user.id, NOW, keep=sid)
        assert not await store.is_revoked(principal_for(user.id, sid))
        assert await store.is_revoked(principal_for(user.id, other))
        assert (
            await store.rotate(other, "o1", "o2", NOW + timedelta(days=1), NOW)
            is RotationOutcome.UNKNOWN
        )
        assert (
            await store.rotate(sid, "r1", "r2", NOW + timedelta(days=1), NOW)
            is RotationOutcome.ROTATED
        )
        assert not await store.is_revoked(principal_for(stranger.id, stranger_sid))
        # Without `keep`, every login ends; a login started afterwards is unaffected.
        await store.revoke_sessions(user.id, NOW)
        assert await store.is_revoked(principal_for(user.id, sid))
        await store.start(third, user.id, "t1", NOW + timedelta(days=30), NOW)
        assert not await store.is_revoked(principal_for(user.id, third))

    async def test_unknown_session(self, sessions_and_users):
        store, _ = sessions_and_users
        outcome = await store.rotate(uuid.uuid4(), "r1", "r2", NOW + timedelta(days=1), NOW)
        assert outcome is RotationOutcome.UNKNOWN

    async def test_revoke_session_is_scoped_to_that_session(self, sessions_and_users):
        store, users = sessions_and_users
        user, sid = await self._session(store, users)
        other = uuid.uuid4()
        await store.start(other, user.id, "o1", NOW + timedelta(days=30), NOW)
        await store.revoke_session(sid, NOW)
        assert await store.is_revoked(principal_for(user.id, sid))
        assert not await store.is_revoked(principal_for(user.id, other))
        assert (
            await store.rotate(sid, "r1", "r2", NOW + timedelta(days=1), NOW)
            is RotationOutcome.UNKNOWN
        )

    async def test_revoke_user_cuts_off_earlier_tokens(self, sessions_and_users):
        store, users = sessions_and_users
        user, sid = await self._session(store, users)
        await store.revoke_user(user.id, NOW + timedelta(minutes=1))
        assert await store.is_revoked(principal_for(user.id, sid, issued_at=NOW))

    async def test_revoke_user_ends_every_refresh_family(self, sessions_and_users):
        store, users = sessions_and_users
        user, sid = await self._session(store, users)
        other = uuid.uuid4()
        await store.start(other, user.id, "o1", NOW + timedelta(days=30), NOW)
        exp = NOW + timedelta(days=30)
        assert await store.rotate(sid, "r1", "r2", exp, NOW) is RotationOutcome.ROTATED
        stranger, stranger_sid = await self._session(store, users)
        cutoff = NOW + timedelta(minutes=1)
        await store.revoke_user(user.id, cutoff)
        later = cutoff + timedelta(minutes=1)
        # A refresh token issued before the cutoff is not exchanged for one issued after.
        assert await store.rotate(sid, "r2", "r3", exp, later) is RotationOutcome.UNKNOWN
        assert await store.rotate(other, "o1", "o2", exp, later) is RotationOutcome.UNKNOWN
        assert await store.is_revoked(principal_for(user.id, other, issued_at=later))
        assert await store.rotate(stranger_sid, "r1", "r2", exp, later) is (RotationOutcome.ROTATED)
        assert not await store.is_revoked(principal_for(stranger.id, stranger_sid))

    async def test_only_one_of_two_racing_rotations_wins(self, sessions_and_users):
        import asyncio

        store, users = sessions_and_users
        _, sid = await self._session(store, users)
        exp = NOW + timedelta(days=30)
        results = await asyncio.gather(
            store.rotate(sid, "r1", "a", exp, NOW), store.rotate(sid, "r1", "b", exp, NOW)
        )
        assert sorted(r.value for r in results) == ["reused", "rotated"]


class TestConsentRepository:
    async def test_missing_then_put_then_overwrite(self, consents_and_users):
        repo, users = consents_and_users
        user = make_user()
        await users.add(user)
        assert await repo.get(user.id) is None
        await repo.put(Consents(user.id, True, False, NOW))
        assert await repo.get(user.id) == Consents(user.id, True, False, NOW)
        later = NOW + timedelta(days=1)
        await repo.put(Consents(user.id, False, True, later))
        assert await repo.get(user.id) == Consents(user.id, False, True, later)
