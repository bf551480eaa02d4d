"""The API (production profile, in process) on a Redis Cluster and behind Sentinel, with a
failover in the middle of a bounded load: every answer is its normal answer or the 503
envelope (PSI-SYS-5003), never a 500 or a hang; every session that was accepted before
the failover (and, for a cluster's coordinated failover, during it) still refreshes
afterwards; and the API serves again without a restart.

Redis replicates asynchronously. A coordinated failover (`CLUSTER FAILOVER` on a replica)
waits for the replica to catch up, so nothing acknowledged is lost; a primary that is
killed, or a Sentinel failover, can lose the writes of its last moments (docs/operations.md),
so there only the sessions from before the fault are held to it."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.app import Api, api_client, production_settings
from tests.support.redis_topologies import SENTINEL_MASTER, LocalCluster, LocalSentinel, cli

pytestmark = [pytest.mark.asyncio, pytest.mark.slow, pytest.mark.redis]
REQUESTS = 200
BOUND_S = 10.0
UNLIMITED = {
    "rate_limit_user_per_min": 1_000_000,
    "rate_limit_ip_per_min": 1_000_000,
    "login_attempts_per_ip": 1_000_000,
    "login_failures_per_account_ip": 1_000_000,
}


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    c = LocalCluster()
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture
def sentinel() -> Iterator[LocalSentinel]:
    s = LocalSentinel()
    try:
        s.start()
        yield s
    finally:
        s.stop()


def _answered(r, expected: int) -> str:
    """'ok', or 'unavailable' for the 503 envelope; anything else fails the test."""
    if r.status_code == expected:
        return "ok"
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["error"]["code"] == "PSI-SYS-5003", body
    return "unavailable"


class Load:
    """Logins (each writes a session) and `/users/me` reads (admission, session checks,
    the cached account) from a few accounts, `REQUESTS` in all, eight at a time."""

    def __init__(self, api: Api, users: list[tuple[dict, dict[str, str]]]) -> None:
        self.api = api
        self.users = users
        self.outcomes: Counter[str] = Counter()
        self.sessions: list[str] = []  # refresh tokens of accepted logins
        self.sent = 0

    async def one(self, i: int) -> None:
        user, headers = self.users[i % len(self.users)]
        started = time.monotonic()
        if i % 4 == 0:
            r = await self.api.client.post(
                "/api/v1/auth/login", json={"email": user["email"], "password": user["password"]}
            )
            outcome = _answered(r, 200)
            if outcome == "ok":
                self.sessions.append(r.json()["data"]["refresh_token"])
        else:
            outcome = _answered(await self.api.client.get("/api/v1/users/me", headers=headers), 200)
        assert time.monotonic() - started < BOUND_S
        self.outcomes[outcome] += 1

    async def run(self, fault_after: int, fault) -> None:
        fault_task: asyncio.Task | None = None
        for start in range(0, REQUESTS, 8):
            if start >= fault_after and fault_task is None:
                fault_task = asyncio.create_task(asyncio.to_thread(fault))
            await asyncio.gather(*(self.one(i) for i in range(start, start + 8)))
            await asyncio.sleep(0.02)  # spread the load over the failover
        if fault_task is not None:
            await fault_task


async def _accounts(api: Api, n: int = 4) -> list[tuple[dict, dict[str, str]]]:
    return [(u, h) for u, h, _ in [await api.user() for _ in range(n)]]


async def _serves_again(api: Api, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 30
    while True:
        r = await api.client.get("/api/v1/users/me", headers=headers)
        if r.status_code == 200:
            return
        _answered(r, 200)
        assert time.monotonic() < deadline, "the API did not serve again after the failover"
        await asyncio.sleep(0.2)


async def _all_refresh(api: Api, refresh_tokens: list[str]) -> None:
    for token in refresh_tokens:
        r = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert r.status_code == 200, r.text


def _cluster_settings(tmp_path: Path, postgres_url: str, cluster: LocalCluster, **extra):
    nodes = tuple(f"127.0.0.1:{p}" for p in cluster.ports)
    return production_settings(
        tmp_path,
        postgres_url,
        f"redis://{nodes[0]}",
        redis_mode="cluster",
        redis_cluster_nodes=nodes,
        dependency_timeout_s=1.0,
        **{**UNLIMITED, **extra},
    )


@pytest.mark.parametrize("lane", [True, False], ids=["lane", "redis-py"])
async def test_coordinated_cluster_failover_loses_nothing(tmp_path, postgres_url, cluster, lane):
    settings = _cluster_settings(tmp_path, postgres_url, cluster, redis_lane=lane)
    async with api_client(settings) as client:
        api = Api(client)
        users = await _accounts(api)
        before = [(await api.login(u["email"]))["refresh_token"] for u, _ in users]
        primary = random.choice(cluster.primaries())
        replica = cluster.replica_of(primary)

        def failover() -> None:
            assert cli(replica, "CLUSTER", "FAILOVER").strip() == "OK"

        load = Load(api, users)
        await load.run(REQUESTS // 4, failover)
        assert "role:master" in cli(replica, "INFO", "replication")
        assert sum(load.outcomes.values()) == REQUESTS
        await _serves_again(api, users[0][1])
        await _all_refresh(api, before + load.sessions)


async def test_a_killed_cluster_primary_costs_503s_only(tmp_path, postgres_url, cluster):
    settings = _cluster_settings(tmp_path, postgres_url, cluster)
    async with api_client(settings) as client:
        api = Api(client)
        users = await _accounts(api)
        before = [(await api.login(u["email"]))["refresh_token"] for u, _ in users]
        await asyncio.sleep(0.5)  # replicated (asynchronously) before the fault
        primary = random.choice(cluster.primaries())
        replica = cluster.replica_of(primary)

        load = Load(api, users)
        await load.run(REQUESTS // 4, lambda: cluster.kill(primary))
        assert sum(load.outcomes.values()) == REQUESTS
        deadline = time.monotonic() + 30  # the replica takes over after the node timeout
        while "role:master" not in cli(replica, "INFO", "replication"):
            assert time.monotonic() < deadline, "no replica took over"
            await asyncio.sleep(0.2)
        await _serves_again(api, users[0][1])
        await _all_refresh(api, before)


async def test_sentinel_failover_under_load(tmp_path, postgres_url, sentinel):
    settings = production_settings(
        tmp_path,
        postgres_url,
        f"redis://{SENTINEL_MASTER}/0",
        redis_mode="sentinel",
        redis_sentinels=tuple(f"127.0.0.1:{p}" for p in sentinel.sentinels),
        redis_sentinel_master=SENTINEL_MASTER,
        dependency_timeout_s=1.0,
        **UNLIMITED,
    )
    async with api_client(settings) as client:
        api = Api(client)
        users = await _accounts(api)
        before = [(await api.login(u["email"]))["refresh_token"] for u, _ in users]
        await asyncio.sleep(0.5)
        old = sentinel.current_primary()

        def failover() -> None:
            assert "OK" in cli(sentinel.sentinels[0], "SENTINEL", "FAILOVER", SENTINEL_MASTER)

        load = Load(api, users)
        await load.run(REQUESTS // 4, failover)
        deadline = time.monotonic() + 30
        while sentinel.current_primary() == old:
            assert time.monotonic() < deadline, "Sentinel did not fail over"
            await asyncio.sleep(0.2)
        assert sum(load.outcomes.values()) == REQUESTS
        await _serves_again(api, users[0][1])
        await _all_refresh(api, before)
        # Writes go to the new primary: a login after the failover refreshes too.
        after = (await api.login(users[0][0]["email"]))["refresh_token"]
        await _all_refresh(api, [after])
