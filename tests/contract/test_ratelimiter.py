"""The RateLimiter port on every adapter: memory, SQLite, Postgres, Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.redis.ratelimit import RedisRateLimiter
from adapters.sql.ratelimit import SqlRateLimiter
from domain.ratelimit import Quota


@pytest.fixture(params=["memory", "sqlite", "postgres", "redis", "redis cluster"])
def limiter(request):
    if request.param == "memory":
        return MemoryRateLimiter()
    if request.param.startswith("redis"):
        client = "redis_cluster_client" if request.param == "redis cluster" else "redis_client"
        return RedisRateLimiter(
            request.getfixturevalue(client), f"psi-test-{uuid.uuid4().hex[:8]}:"
        )
    return SqlRateLimiter(request.getfixturevalue(f"{request.param}_db"))


async def test_limit_then_refusal_with_retry_after(limiter):
    key, quota = f"k-{uuid.uuid4().hex}", Quota(3, 60)
    decisions = [await limiter.hit(key, quota) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert 0 < decisions[3].retry_after_s <= 20.5
    assert decisions[3].limit == 3


async def test_peek_spends_nothing(limiter):
    key, quota = f"k-{uuid.uuid4().hex}", Quota(1, 60)
    for _ in range(3):
        assert (await limiter.peek(key, quota)).allowed
    assert (await limiter.hit(key, quota)).allowed
    assert not (await limiter.peek(key, quota)).allowed


async def test_keys_are_independent(limiter):
    quota = Quota(1, 60)
    a, b = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    assert (await limiter.hit(a, quota)).allowed
    assert (await limiter.hit(b, quota)).allowed
    assert not (await limiter.hit(a, quota)).allowed


async def test_concurrent_hits_never_exceed_the_limit(limiter):
    key, quota = f"c-{uuid.uuid4().hex}", Quota(5, 60)
    results = await asyncio.gather(*(limiter.hit(key, quota) for _ in range(20)))
    assert sum(d.allowed for d in results) == 5


async def test_forget_user_drops_every_key_naming_the_user_and_nothing_else(limiter):
    quota = Quota(1, 60)
    user, other = uuid.uuid4(), uuid.uuid4()
    mine = [f"user:{user}", f"upload:{user}:day"]
    theirs = [f"user:{other}", f"ip:{uuid.uuid4().hex}"]
    for key in mine + theirs:
        assert (await limiter.hit(key, quota)).allowed
    assert await limiter.forget_user(user) == 2
    for key in mine:  # a fresh quota, and the state is gone
        assert (await limiter.peek(key, quota)).allowed
    for key in theirs:
        assert not (await limiter.peek(key, quota)).allowed
    assert await limiter.forget_user(user) == 0  # idempotent


async def test_forget_makes_the_quota_whole_again_for_that_key_only(limiter):
    quota = Quota(2, 60)
    key, other = f"k-{uuid.uuid4().hex}", f"k-{uuid.uuid4().hex}"
    for k in (key, other):
        for _ in range(2):
            assert (await limiter.hit(k, quota)).allowed
    await limiter.forget(key)
    await limiter.forget(f"never-{uuid.uuid4().hex}")  # idempotent, unknown keys too
    assert (await limiter.hit(key, quota)).allowed
    assert not (await limiter.hit(other, quota)).allowed


async def test_an_attempt_meter_counts_what_peek_sees():
    """The sign-in policy reads an account's recent failures from a peek of its meter."""
    from adapters.memory.ratelimit import MemoryRateLimiter
    from domain.ratelimit import LoginThrottlePolicy

    policy = LoginThrottlePolicy(Quota(5, 900), Quota(30, 900), 10, 900, 4.0)
    limiter = MemoryRateLimiter(lambda: 1_000_000.0)
    assert policy.failures(await limiter.peek("m", policy.account_meter)) == 0
    for _ in range(7):
        await limiter.hit("m", policy.account_meter)
    assert policy.failures(await limiter.peek("m", policy.account_meter)) == 7
