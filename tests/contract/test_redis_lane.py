"""`RedisLane`, the pipelined connection the admission script goes by: on real Redis
(replies in order under concurrency, error replies, a killed connection, the database
and credentials of the URL), and against a local RESP peer that stops answering."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator

import hiredis
import pytest
from redis.asyncio import Redis

from adapters.redis.admission import RedisAdmission
from adapters.redis.lane import RedisLane, pack
from domain.ratelimit import Quota

pytestmark = pytest.mark.redis  # asyncio_mode = auto


@pytest.fixture
async def lane(redis_client: Redis) -> AsyncIterator[RedisLane]:
    found = RedisLane.of(redis_client)
    assert found is not None
    yield found
    await found.aclose()


def test_commands_are_packed_as_resp_arrays():
    assert pack(("SET", "k", 12, b"\x00\xff")) == (
        b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n$2\r\n\x00\xff\r\n"
    )
    assert pack(("GET", "é")) == "*2\r\n$3\r\nGET\r\n$2\r\né\r\n".encode()


async def test_concurrent_callers_each_get_their_own_reply(lane, redis_client):
    key = f"psi-test-lane-{uuid.uuid4().hex}"
    keys = [f"{key}:{i}" for i in range(300)]
    await asyncio.gather(*(lane.execute("SET", k, f"value-{i}") for i, k in enumerate(keys)))
    replies = await asyncio.gather(*(lane.execute("GET", k) for k in keys))
    assert replies == [f"value-{i}".encode() for i in range(300)]
    counts = await asyncio.gather(*(lane.execute("INCR", key) for _ in range(200)))
    assert sorted(counts) == list(range(1, 201))
    assert await lane.execute("EVAL", "return {1, false, 'x'}", 0) == [1, None, b"x"]
    await redis_client.delete(key, *keys)


async def test_an_error_reply_fails_its_command_only(lane):
    bad, good = await asyncio.gather(
        lane.execute("EVALSHA", "0" * 40, 0), lane.execute("PING"), return_exceptions=True
    )
    assert isinstance(bad, hiredis.ReplyError) and str(bad).startswith("NOSCRIPT")
    assert good == b"PONG"


async def test_a_killed_connection_is_replaced(lane, redis_client):
    name = f"lane-{uuid.uuid4().hex[:8]}"
    await lane.execute("CLIENT", "SETNAME", name)
    killed = await redis_client.execute_command("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal")
    assert killed >= 1
    assert await lane.execute("PING") == b"PONG"  # a new connection, without the name
    assert await lane.execute("CLIENT", "GETNAME") is None


async def test_the_url_database_is_used(redis_url):
    client = Redis.from_url(redis_url.rsplit("/", 1)[0] + "/5")
    lane = RedisLane.of(client)
    key = f"psi-test-lane-{uuid.uuid4().hex}"
    try:
        await lane.execute("SET", key, "in-5")
        assert await client.get(key) == b"in-5"
        assert await Redis.from_url(redis_url).get(key) is None  # not in db 0
    finally:
        await client.delete(key)
        await client.aclose()
        await lane.aclose()


async def test_admission_reloads_a_flushed_script(redis_client, lane):
    admission = RedisAdmission(redis_client, f"psi-test-{uuid.uuid4().hex[:8]}:", lane)
    await redis_client.script_flush()
    first = await admission.admit("ip:a", Quota(2, 60), None)
    second = await admission.admit("ip:a", Quota(2, 60), None)
    assert (first.decision.remaining, second.decision.remaining) == (1, 0)


class _Peer:
    """A RESP peer on loopback: answers AUTH, SELECT and PING with what it is told,
    remembers the commands, and can be told to stop answering."""

    def __init__(self) -> None:
        self.commands: list[list[bytes]] = []
        self.silent = False
        self.garbage = False
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        parser = hiredis.Reader()
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                parser.feed(data)
                while (command := parser.gets()) is not False:
                    self.commands.append(command)
                    if self.garbage:
                        writer.write(b"?what\r\n")
                    elif not self.silent:
                        writer.write(b"+OK\r\n" if command[0] != b"PING" else b"+PONG\r\n")
                await writer.drain()
        writer.close()

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()


@pytest.fixture
async def peer() -> AsyncIterator[_Peer]:
    started = _Peer()
    started.port = await started.start()
    yield started
    await started.stop()


@pytest.fixture
async def lane_to(peer: _Peer):
    """Lanes to the peer, closed after the test."""
    made: list[RedisLane] = []

    def make(**options) -> RedisLane:
        made.append(RedisLane("127.0.0.1", peer.port, **options))
        return made[-1]

    yield make
    for lane in made:
        await lane.aclose()


async def test_credentials_and_database_are_sent_first(peer, lane_to):
    lane = lane_to(db=2, username="psi", password="s3cret")
    assert await lane.execute("PING") == b"PONG"
    assert peer.commands == [[b"AUTH", b"psi", b"s3cret"], [b"SELECT", b"2"], [b"PING"]]


async def test_a_server_that_stops_answering_times_out_and_the_next_call_reconnects(peer, lane_to):
    lane = lane_to(timeout=0.4, connect_timeout=1)
    assert await lane.execute("PING") == b"PONG"
    peer.silent = True
    started = time.monotonic()
    results = await asyncio.gather(
        *(lane.execute("PING") for _ in range(5)), return_exceptions=True
    )
    waited = time.monotonic() - started
    assert all(isinstance(r, TimeoutError) for r in results), results
    assert 0.4 <= waited < 2.0
    peer.silent = False
    assert await lane.execute("PING") == b"PONG"


async def test_an_unreadable_reply_drops_the_connection(peer, lane_to):
    lane = lane_to(timeout=1, connect_timeout=1)
    peer.garbage = True
    with pytest.raises(ConnectionError):
        await lane.execute("PING")
    peer.garbage = False
    assert await lane.execute("PING") == b"PONG"


async def test_a_refused_connection_is_a_connection_error(peer, lane_to):
    await peer.stop()
    lane = lane_to(timeout=0.5, connect_timeout=0.5)
    with pytest.raises(ConnectionError):
        await lane.execute("PING")
