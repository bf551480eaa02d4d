"""The admission script (one per request) four ways: the pipelined lane and redis-py, on one
Redis server and on a Redis Cluster (three primaries, a replica each). On the cluster the
lane routes by slot (`ClusterLane`) and redis-py is `RedisCluster`; an authenticated
admission there is three commands (rate script, session marker, account keys), on one
server one script.

Reports admissions per second and the CPU seconds of this process per 1,000 admissions
(the client's cost, what an API process pays); Redis's own CPU is not included.

Run: `PYTHONPATH=src:. python bench/bench_redis_cluster.py` (starts its own cluster from
redis-server/redis-cli; PSI_BENCH_REDIS_CLUSTER_NODES=host:port,... uses an existing one;
PSI_BENCH_REDIS_URL the single server, default redis://127.0.0.1:6379/0;
PSI_BENCH_N admissions per case, default 20,000; 64 at a time).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).parents[1])]

from adapters.redis.admission import RedisAdmission  # noqa: E402
from adapters.redis.connect import RedisTopology, connect, lane_for  # noqa: E402
from adapters.redis.sessions import RedisSessionStore  # noqa: E402
from domain.identity.model import Tier  # noqa: E402
from domain.identity.tokens import Principal  # noqa: E402
from domain.ratelimit import Quota  # noqa: E402

N = int(os.environ.get("PSI_BENCH_N", "20000"))
CONCURRENCY = 64
QUOTA = Quota(1_000_000_000, 60)


async def case(topology: RedisTopology, with_lane: bool) -> tuple[float, float]:
    client = connect(topology, socket_timeout=5, socket_connect_timeout=5)
    lane = lane_for(client) if with_lane else None
    prefix = f"psi-bench-{uuid.uuid4().hex[:8]}:"
    admission = RedisAdmission(client, prefix, lane)
    sessions = RedisSessionStore(client, prefix, 86_400, 3_600)
    now = datetime.now(UTC)
    principals = []
    for _ in range(64):
        user, sid = uuid.uuid4(), uuid.uuid4()
        await sessions.start(sid, user, "r", now.replace(year=now.year + 1), now)
        principals.append(
            Principal(
                user_id=user,
                email="bench@example.com",
                tier=Tier.FREE,
                token_id="t",  # noqa: S106 (not a secret: a token's id)
                session_id=sid,
                issued_at=now,
                expires_at=now,
            )
        )

    async def worker(w: int) -> None:
        p = principals[w]
        for _ in range(N // CONCURRENCY):
            await admission.admit(f"user:{p.user_id}", QUOTA, p)

    await asyncio.gather(*(worker(w) for w in range(8)))  # warm: scripts loaded, maps known
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(CONCURRENCY)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done = (N // CONCURRENCY) * CONCURRENCY
    keys = [k async for k in client.scan_iter(match=f"{prefix}*", count=1000)]
    if keys:
        await client.delete(*keys)
    if lane is not None:
        await lane.aclose()
    await client.aclose()
    return done / wall, cpu / done * 1_000_000


def main() -> None:
    from tests.support.redis_topologies import LocalCluster

    started: LocalCluster | None = None
    nodes = os.environ.get("PSI_BENCH_REDIS_CLUSTER_NODES")
    if not nodes:
        started = LocalCluster()
        nodes = ",".join(f"127.0.0.1:{p}" for p in started.start())
    seeds = tuple(n.strip() for n in nodes.split(","))
    single = RedisTopology(os.environ.get("PSI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    cluster = RedisTopology(f"redis://{seeds[0]}", "cluster", seeds)
    try:
        print(f"{N} authenticated admissions per case, {CONCURRENCY} at a time")
        print("| topology | client | admissions/s | client CPU ms per 1,000 |")
        print("|---|---|---|---|")
        for name, topology in (("one server", single), ("cluster (3 primaries)", cluster)):
            for label, with_lane in (("lane", True), ("redis-py", False)):
                rate, cpu_ms = asyncio.run(case(topology, with_lane))
                print(f"| {name} | {label} | {rate:,.0f} | {cpu_ms:.0f} |")
    finally:
        if started is not None:
            started.stop()


if __name__ == "__main__":
    main()
