"""Moving the security state of the untagged key layout to the tagged one: the session
store then sees every session, revocation and cutoff written before, with its expiry,
on the same server (RENAME) and on a Redis Cluster (DUMP/RESTORE)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.redis.retag import retag, tagged
from adapters.redis.sessions import RedisSessionStore
from domain.identity.tokens import RotationOutcome
from tests.contract.test_identity_ports import NOW, principal_for

pytestmark = pytest.mark.redis


def test_only_old_layout_security_keys_are_renamed():
    sid = uuid.uuid4()
    assert tagged("psi:", f"psi:sess:{sid}") == f"psi:sess:{{s:{sid}}}"
    assert tagged("psi:", f"psi:user-cutoff:{sid}") == f"psi:user-cutoff:{{u:{sid}}}"
    assert tagged("psi:", f"psi:sess:{{s:{sid}}}") is None  # already moved
    assert tagged("psi:", f"psi:prefs:{sid}") is None  # a cache: left to expire
    assert tagged("psi:", f"other:sess:{sid}") is None


async def _old_layout(client, prefix: str):
    user, live, revoked = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await client.hset(f"{prefix}sess:{live}", mapping={"user": str(user), "cur": "r1"})
    await client.expire(f"{prefix}sess:{live}", 3600)
    await client.sadd(f"{prefix}user-sessions:{user}", str(live), str(revoked))
    await client.set(f"{prefix}sess-revoked:{revoked}", "1", ex=3600)
    return user, live, revoked


@pytest.fixture(params=["same server", "cluster"])
def target(request):
    """Where the keys go: None (renamed in place) or a Redis Cluster's client."""
    return request.getfixturevalue("redis_cluster_client") if request.param == "cluster" else None


async def test_sessions_and_revocations_survive_the_move(target, redis_client):
    prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"
    user, live, revoked = await _old_layout(redis_client, prefix)
    assert await retag(redis_client, prefix, target) == 3
    assert await retag(redis_client, prefix, target) == 0  # idempotent
    store = RedisSessionStore(target or redis_client, prefix, 86_400, 3_600)
    assert await store.rotate(live, "r1", "r2", NOW + timedelta(days=1), NOW) == (
        RotationOutcome.ROTATED
    )
    assert await store.is_revoked(principal_for(user, revoked))
    assert not await store.is_revoked(principal_for(user, live))
    await store.revoke_sessions(user, NOW, keep=live)  # the list moved too
    assert await (target or redis_client).ttl(f"{prefix}sess-revoked:{{s:{revoked}}}") > 3_000
