"""A lean, pipelined Redis connection for the one command every request sends.

redis-py spends about 100 µs of CPU on each command in its own layers (pool checkout,
retry wrapper, two timeouts, observability hooks), more than the rest of a `/users/me`
request's own work. `RedisLane` keeps one connection per process for the admission
script and pipelines every caller's command on it: a caller writes its command and
waits for its reply, which Redis sends on that connection in the order the commands
came; hiredis parses the replies.

Failures: a lost connection fails the commands waiting on it with `ConnectionError`
and the next command connects again (a command lost with its connection is retried
once, on a new one, as redis-py does). A connection whose oldest command has waited
longer than `timeout` is aborted (one watchdog timer per connection, not one per
command), and its waiting commands fail with `TimeoutError`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Sequence
from typing import Any, Protocol

import hiredis
from redis import exceptions as r
from redis.asyncio import Redis
from redis.asyncio.connection import Connection

Arg = str | int | float | bytes

# Error replies that say the server cannot serve now (not that the command is wrong): raised
# as redis-py's exceptions, which the adapters' failure rules answer with a 503.
_UNAVAILABLE_REPLIES: dict[str, type[Exception]] = {
    "LOADING": r.BusyLoadingError,
    "READONLY": r.ReadOnlyError,
    "CLUSTERDOWN": r.ClusterDownError,
    "MASTERDOWN": r.MasterDownError,
    "TRYAGAIN": r.TryAgainError,
    "OOM": r.OutOfMemoryError,
}


def _failure_of(reply: hiredis.ReplyError) -> Exception:
    kind = _UNAVAILABLE_REPLIES.get(str(reply).split(" ", 1)[0])
    return kind(str(reply)) if kind is not None else reply


class Lane(Protocol):
    """A lane to one server (`RedisLane`) or to a cluster (`ClusterLane`)."""

    async def execute(self, *args: Arg) -> Any: ...

    async def aclose(self) -> None: ...


def pack(args: Sequence[Arg]) -> bytes:
    """One command in RESP: an array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class _Pipe(asyncio.Protocol):
    """One connection: replies are matched to the commands waiting, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self._loop = loop
        self._timeout = timeout
        self._reader = hiredis.Reader()
        self.waiting: deque[tuple[asyncio.Future[Any], float]] = deque()
        self.transport: asyncio.Transport | None = None
        self.open = False
        self._failure: tuple[type[Exception], str] = (ConnectionError, "Redis connection lost")
        self._watchdog: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.open = True
        self._watchdog = self._loop.call_later(self._timeout / 4, self._watch)

    def send(self, command: bytes) -> asyncio.Future[Any]:
        future = self._loop.create_future()
        self.waiting.append((future, self._loop.time()))
        self.transport.write(command)  # type: ignore[union-attr]
        return future

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        gets, waiting = self._reader.gets, self.waiting
        while True:
            try:
                reply = gets()
            except hiredis.ProtocolError:
                self._fail(ConnectionError, "Redis sent an unreadable reply")
                return
            if reply is False:
                return
            if not waiting:  # a reply nobody asked for: the stream is out of step
                self._fail(ConnectionError, "Redis sent an unexpected reply")
                return
            future = waiting.popleft()[0]
            if future.done():  # its caller gave up (cancelled)
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(_failure_of(reply))
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._watchdog is not None:
            self._watchdog.cancel()
        while self.waiting:
            future = self.waiting.popleft()[0]
            if not future.done():
                kind, message = self._failure
                future.set_exception(kind(message))

    def _watch(self) -> None:
        if not self.open:
            return
        if self.waiting and self._loop.time() - self.waiting[0][1] > self._timeout:
            self._fail(TimeoutError, "Redis did not answer in time")
            return
        self._watchdog = self._loop.call_later(self._timeout / 4, self._watch)

    def _fail(self, kind: type[Exception], message: str) -> None:
        """Drop the connection; its waiting commands fail with `kind(message)`."""
        self._failure = (kind, message)
        self.open = False
        self.transport.abort()  # type: ignore[union-attr]

    def close(self) -> None:
        if self.open and self.transport is not None:
            self.transport.close()


class RedisLane:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        db: int = 0,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 5.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self._host, self._port, self._db = host, port, db
        self._username, self._password = username, password
        self._timeout, self._connect_timeout = timeout, connect_timeout
        self._pipe: _Pipe | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Lock | None = None

    @classmethod
    def of(cls, redis: Redis) -> RedisLane | None:
        """A lane to the server `redis` talks to, with its credentials and timeouts;
        None where the lane does not go (TLS, Unix sockets): use redis-py there."""
        pool = redis.connection_pool
        if pool.connection_class is not Connection:
            return None
        kw = pool.connection_kwargs
        timeout = kw.get("socket_timeout") or 5.0
        return cls(
            kw.get("host", "localhost"),
            int(kw.get("port", 6379)),
            db=int(kw.get("db", 0) or 0),
            username=kw.get("username"),
            password=kw.get("password"),
            timeout=timeout,
            connect_timeout=kw.get("socket_connect_timeout") or timeout,
        )

    async def execute(self, *args: Arg) -> Any:
        """Send a command and return its reply (an error reply is raised as
        `hiredis.ReplyError`)."""
        command = pack(args)
        try:
            return await (await self._open()).send(command)
        except ConnectionError:  # the connection died before answering: once more
            return await (await self._open()).send(command)

    async def execute_asking(self, *args: Arg) -> Any:
        """`ASKING` then the command, adjacent on one connection (a cluster slot being
        migrated: the target node serves it only right after ASKING)."""
        pipe = await self._open()
        asking = pipe.send(pack(("ASKING",)))
        reply = pipe.send(pack(args))
        await asking
        return await reply

    async def _open(self) -> _Pipe:
        pipe = self._pipe
        if pipe is not None and pipe.open and self._loop is asyncio.get_running_loop():
            return pipe
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): nothing carries over
            self._loop, self._pipe, self._connecting = loop, None, asyncio.Lock()
        assert self._connecting is not None
        async with self._connecting:
            if self._pipe is None or not self._pipe.open:
                self._pipe = await self._connect(loop)
            return self._pipe

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Pipe:
        async with asyncio.timeout(self._connect_timeout):
            _, pipe = await loop.create_connection(
                lambda: _Pipe(loop, self._timeout), self._host, self._port
            )
            setup = []
            if self._password is not None:
                auth = (
                    ("AUTH", self._username, self._password)
                    if self._username
                    else ("AUTH", self._password)
                )
                setup.append(pipe.send(pack(auth)))
            if self._db:
                setup.append(pipe.send(pack(("SELECT", self._db))))
            try:
                for reply in setup:
                    await reply
            except BaseException:
                pipe.close()
                raise
        return pipe

    async def aclose(self) -> None:
        if self._pipe is not None:
            with contextlib.suppress(RuntimeError):  # its loop may be closed already
                self._pipe.close()
            self._pipe = None
