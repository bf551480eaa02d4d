"""Read replicas (`PSI_DATABASE_REPLICA_URLS`) against a real streaming replica.

The tests start their own primary and `pg_basebackup` replica (`tests/support/replica.py`)
and make the replica lag on purpose (`pg_wal_replay_pause()`): a person's own write is
visible to their next read at once (it goes to the primary), someone else's read is served
by the lagging replica, and a replica that cannot be reached is no error at all.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from dishka import Scope as DIScope
from sqlalchemy import text

from adapters.clock import ManualClock
from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE as DATABASE_FAILURES
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.pg_direct import pg_connection
from adapters.sql.recent_writers import InProcessRecentWriters, RecentWriters
from adapters.sql.replicas import ReplicaReads
from application.context import RequestContext
from application.ports.reads import ReadRouting
from entrypoints.container import build_container
from tests.api.test_wellness import CONSENT, NOW, post, raw_total, simple
from tests.contract.test_identity_ports import principal_for
from tests.support.app import Api, api_client, production_settings
from tests.support.replica import PostgresPair, postgres_pair
from tests.support.services import sqlalchemy_pg_url

pytestmark = pytest.mark.asyncio

DATABASE = "psi"
STICKY_S = 3.0
CALLER = principal_for(uuid.uuid4(), uuid.uuid4())


@pytest.fixture(scope="module")
def pair() -> Iterator[PostgresPair]:
    with postgres_pair() as started:
        _create_database(started)
        upgrade_to_head(sqlalchemy_pg_url(started.dsn(started.primary_port, DATABASE)))
        yield started


def _create_database(pair: PostgresPair) -> None:
    async def create() -> None:
        conn = await asyncpg.connect(pair.primary)
        try:
            await conn.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:  # the tests' own loop may be running here
        pool.submit(asyncio.run, create()).result()


async def _on(dsn: str, sql: str, *args: object) -> object:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def _caught_up(pair: PostgresPair, timeout_s: float = 10.0) -> None:
    target = await _on(pair.primary, "SELECT pg_current_wal_lsn()")
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await _on(pair.replica, "SELECT pg_last_wal_replay_lsn() >= $1", target):
        assert asyncio.get_running_loop().time() < deadline, "the replica never caught up"
        await asyncio.sleep(0.05)


def _settings(tmp_path: Path, pair: PostgresPair, redis_url: str, *replicas: str):
    return production_settings(
        tmp_path,
        sqlalchemy_pg_url(pair.dsn(pair.primary_port, DATABASE)),
        redis_url,
        database_replica_urls=list(replicas),
        database_replica_sticky_s=STICKY_S,
    )


async def test_the_writer_reads_their_write_while_others_read_the_lagging_replica(
    pair: PostgresPair, redis_url: str, tmp_path: Path
) -> None:
    clock = ManualClock(NOW)
    settings = _settings(tmp_path, pair, redis_url, pair.dsn(pair.replica_port, DATABASE))
    async with api_client(settings, clock) as client:
        api = Api(client)
        _, alice, _ = await api.user(**CONSENT)
        _, bob, _ = await api.user(**CONSENT)
        await _caught_up(pair)
        await _on(pair.replica, "SELECT pg_wal_replay_pause()")
        try:
            # Bob writes while the replica replays nothing, then waits out his stickiness:
            # his reads go to the replica, which has not seen his samples.
            assert (await post(client, bob, simple(4))).status_code == 201
            await asyncio.sleep(STICKY_S + 0.5)
            assert await raw_total(client, bob) == 0
            # Alice reads right after her own write: from the primary, all of it.
            assert (await post(client, alice, simple(5))).status_code == 201
            assert await raw_total(client, alice) == 5
        finally:
            await _on(pair.replica, "SELECT pg_wal_replay_resume()")
        await _caught_up(pair)
        assert await raw_total(client, bob) == 4  # the replica caught up


async def test_an_unreachable_replica_falls_back_to_the_primary(
    pair: PostgresPair, redis_url: str, tmp_path: Path
) -> None:
    with socket.socket() as s:  # a port nobody listens on: the replica is down
        s.bind(("127.0.0.1", 0))
        gone = pair.dsn(s.getsockname()[1], DATABASE)
    settings = _settings(tmp_path, pair, redis_url, sqlalchemy_pg_url(gone))
    async with api_client(settings, ManualClock(NOW)) as client:
        _, headers, _ = await Api(client).user(**CONSENT)
        assert (await post(client, headers, simple(3))).status_code == 201
        await asyncio.sleep(STICKY_S + 0.5)  # past the stickiness: reads try the replica
        for _ in range(3):
            assert await raw_total(client, headers) == 3
        scores = await client.get("/api/v1/wellness/scores", headers=headers)
        assert scores.status_code == 200, scores.text
        ready = await client.get("/ready")
        assert ready.status_code == 200  # a replica is no readiness dependency


@translates_failures(DATABASE_FAILURES)
class _Probe:
    """Which server answers, through the engine and through a pooled asyncpg connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def on_standby(self) -> tuple[bool, bool]:
        async with self._db.engine.connect() as conn:
            through_engine = (await conn.execute(text("SELECT pg_is_in_recovery()"))).scalar()
        async with pg_connection(self._db) as pg:
            through_driver = await pg.fetchval("SELECT pg_is_in_recovery()")
        return bool(through_engine), bool(through_driver)


async def test_reads_go_round_the_replicas_and_skip_one_that_is_down(pair: PostgresPair) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        gone = Database(sqlalchemy_pg_url(pair.dsn(s.getsockname()[1], DATABASE)))
    primary = Database(sqlalchemy_pg_url(pair.dsn(pair.primary_port, DATABASE)))
    replica = Database(sqlalchemy_pg_url(pair.dsn(pair.replica_port, DATABASE)))
    now = [0.0]
    writers = InProcessRecentWriters(5.0)
    routing = ReplicaReads(primary, [gone, replica], writers, clock=lambda: now[0])
    probe = _Probe(primary)
    try:
        assert await probe.on_standby() == (False, False)  # outside the routing: primary
        user = uuid.uuid4()
        assert await routing.read(user, probe.on_standby) == (False, False)  # gone: primary
        assert await routing.read(user, probe.on_standby) == (True, True)  # the replica
        assert await routing.read(None, probe.on_standby) == (True, True)  # gone is skipped
        await writers.mark(user)
        assert await routing.read(user, probe.on_standby) == (False, False)  # read your writes
        assert await routing.read(None, probe.on_standby) == (True, True)  # others: replica
        now[0] += 11  # past the pause: the dead replica is tried again, and fails over again
        assert await routing.read(None, probe.on_standby) == (False, False)
    finally:
        await routing.dispose()
        await primary.dispose()


async def test_a_request_view_routes_its_caller_by_what_admission_read(pair: PostgresPair) -> None:
    """The edge's admission reads the caller's writer mark in its own round trip; the
    request's view routes by that answer, and asks the writers' store of anyone else."""
    primary = Database(sqlalchemy_pg_url(pair.dsn(pair.primary_port, DATABASE)))
    replica = Database(sqlalchemy_pg_url(pair.dsn(pair.replica_port, DATABASE)))
    writers = InProcessRecentWriters(5.0)
    routing = ReplicaReads(primary, [replica], writers)
    probe = _Probe(primary)
    caller, other = uuid.uuid4(), uuid.uuid4()
    await writers.mark(other)
    try:
        wrote = routing.for_request(caller, wrote_lately=True)
        assert await wrote.read(caller, probe.on_standby) == (False, False)
        assert await wrote.read(other, probe.on_standby) == (False, False)  # asked: wrote
        assert await wrote.read(None, probe.on_standby) == (True, True)
        await writers.mark(caller)  # marked after admission: this request goes by admission
        did_not = routing.for_request(caller, wrote_lately=False)
        assert await did_not.read(caller, probe.on_standby) == (True, True)
        assert await routing.read(caller, probe.on_standby) == (False, False)  # a new ask
    finally:
        await routing.dispose()
        await primary.dispose()


async def test_the_http_container_gives_each_request_a_view_of_what_admission_read(
    pair: PostgresPair, redis_url: str, tmp_path: Path
) -> None:
    """Wiring: a request whose admission found no writer mark reads from the replica even
    when the mark appeared since; a request that was not admitted (no mark read) asks."""
    settings = _settings(tmp_path, pair, redis_url, pair.dsn(pair.replica_port, DATABASE))
    container = build_container(settings, http=True)
    try:
        primary = await container.get(Database)
        await (await container.get(RecentWriters)).mark(CALLER.user_id)
        probe = _Probe(primary)
        seen = {}
        for wrote_lately in (False, True, None):
            context = RequestContext("r", "127.0.0.1", principal=CALLER, wrote_lately=wrote_lately)
            async with container({RequestContext: context}, scope=DIScope.REQUEST) as scoped:
                reads = await scoped.get(ReadRouting)
                seen[wrote_lately] = await reads.read(CALLER.user_id, probe.on_standby)
        assert seen == {False: (True, True), True: (False, False), None: (False, False)}
    finally:
        await container.close()
