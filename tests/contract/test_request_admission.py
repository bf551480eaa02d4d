"""The RequestAdmission port: the Redis one-round-trip adapter and the sequential
composition over every other limiter/session-store pair must agree."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.memory.identity import MemorySessionStore, MemoryUserRepository
from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.redis.admission import RedisAdmission
from adapters.redis.connect import lane_for
from adapters.redis.sessions import RedisSessionStore
from adapters.sql.ratelimit import SqlRateLimiter
from adapters.sql.recent_writers import RedisRecentWriters
from adapters.sql.sessions import SqlSessionStore
from adapters.sql.users import SqlUserRepository
from application.identity.admission import SequentialAdmission
from domain.ratelimit import Quota
from tests.contract.test_identity_ports import NOW, make_user, principal_for


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        "postgres",
        "redis",
        "redis (redis-py)",
        "redis cluster",
        "redis cluster (redis-py)",
    ]
)
def gate(request):
    """(admission, session store, user repository) sharing one backing store."""
    if request.param == "memory":
        sessions = MemorySessionStore()
        return SequentialAdmission(MemoryRateLimiter(), sessions), sessions, MemoryUserRepository()
    if request.param.startswith("redis"):  # on its own pipelined lane, or via redis-py
        cluster = request.param.startswith("redis cluster")
        client = request.getfixturevalue("redis_cluster_client" if cluster else "redis_client")
        prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"
        lane = lane_for(client) if "redis-py" not in request.param else None
        return (
            RedisAdmission(client, prefix, lane),
            RedisSessionStore(client, prefix, 3600 * 24, 3600),
            MemoryUserRepository(),
        )
    db = request.getfixturevalue(f"{request.param}_db")
    sessions = SqlSessionStore(db)
    return SequentialAdmission(SqlRateLimiter(db), sessions), sessions, SqlUserRepository(db)


async def _session(sessions, users):
    user = make_user()
    await users.add(user)
    sid = uuid.uuid4()
    await sessions.start(sid, user.id, "r1", NOW + timedelta(days=30), NOW)
    return principal_for(user.id, sid)


async def test_anonymous_callers_are_only_limited(gate):
    admission, _, _ = gate
    key, quota = f"ip:{uuid.uuid4().hex}", Quota(2, 60)
    results = [await admission.admit(key, quota, None) for _ in range(3)]
    assert [r.decision.allowed for r in results] == [True, True, False]
    assert [r.revoked for r in results] == [None, None, None]
    assert results[0].decision.remaining == 1 and results[2].decision.retry_after_s > 0


async def test_live_session_is_admitted_and_not_revoked(gate):
    admission, sessions, users = gate
    principal = await _session(sessions, users)
    result = await admission.admit(f"user:{principal.user_id}", Quota(5, 60), principal)
    assert result.decision.allowed and result.decision.limit == 5
    assert result.revoked is False


async def test_revoked_session_is_reported(gate):
    admission, sessions, users = gate
    principal = await _session(sessions, users)
    await sessions.revoke_session(principal.session_id, NOW)
    result = await admission.admit(f"user:{principal.user_id}", Quota(5, 60), principal)
    assert result.revoked is True


async def test_account_cutoff_revokes_earlier_tokens_only(gate):
    admission, sessions, users = gate
    principal = await _session(sessions, users)
    await sessions.revoke_user(principal.user_id, NOW + timedelta(minutes=1))
    quota = Quota(5, 60)
    assert (await admission.admit("user:a", quota, principal)).revoked is True
    new_session = uuid.uuid4()  # a login after the cutoff
    await sessions.start(
        new_session, principal.user_id, "n1", NOW + timedelta(days=30), NOW + timedelta(minutes=2)
    )
    later = principal_for(principal.user_id, new_session, issued_at=NOW + timedelta(minutes=2))
    assert (await admission.admit("user:b", quota, later)).revoked is False


async def test_the_redis_store_reads_the_writer_mark_in_the_same_step(request, redis_variant):
    """With read replicas the admission reads the caller's read-your-writes mark (the key
    RedisRecentWriters sets) with the rest; without, it does not read it."""
    client, lane = redis_variant
    prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"
    sessions = RedisSessionStore(client, prefix, 3600 * 24, 3600)
    admission = RedisAdmission(client, prefix, lane, writer_marks=True)
    principal = await _session(sessions, MemoryUserRepository())
    quota = Quota(50, 60)
    key = f"user:{principal.user_id}"
    assert (await admission.admit(key, quota, principal)).wrote_lately is False
    await RedisRecentWriters(client, prefix, 5.0, lane=lane).mark(principal.user_id)
    assert (await admission.admit(key, quota, principal)).wrote_lately is True
    assert (await admission.admit(f"ip:{uuid.uuid4().hex}", quota, None)).wrote_lately is None
    plain = RedisAdmission(client, prefix, lane)
    assert (await plain.admit(key, quota, principal)).wrote_lately is None
    await sessions.revoke_session(principal.session_id, NOW)
    revoked = await admission.admit(key, quota, principal)
    assert revoked.revoked is True and revoked.wrote_lately is None


@pytest.fixture(params=["redis", "redis (redis-py)", "redis cluster", "redis cluster (redis-py)"])
def redis_variant(request):
    cluster = request.param.startswith("redis cluster")
    client = request.getfixturevalue("redis_cluster_client" if cluster else "redis_client")
    return client, (lane_for(client) if "redis-py" not in request.param else None)
