"""A TCP proxy the tests can cut and restore, to take a dependency away from a process.

It runs its own event loop in a thread, so it keeps forwarding while the test blocks
(subprocess waits, sync HTTP calls). `cut()` closes every proxied connection (both
sides, at once) and stops listening, so new connections are refused; `restore()`
listens on the same port again. `blackhole()` keeps accepting but forwards nothing,
like a network partition: the client only finds out through its own timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any

from tests.support.services import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name=f"tcp-proxy-{self.port}"
        )
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._blackhole = False
        self.accepted = 0

    # --- control, from any thread ---------------------------------------------------

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self._call(self._cut())

    def restore(self) -> None:
        """Forward again, on the same port (connections held by `blackhole` are dropped)."""
        self._call(self._set_blackhole(False))

    def blackhole(self) -> None:
        """Drop every connection; accept new ones but never answer."""
        self._call(self._set_blackhole(True))

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def _call(self, coro: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- inside the proxy's loop ------------------------------------------------------

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._accept, self.host, self.port, reuse_address=True
            )

    async def _set_blackhole(self, on: bool) -> None:
        if on or self._blackhole:
            await self._drop_all()
        self._blackhole = on
        await self._listen()

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self._drop_all()

    async def _drop_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.add(writer)
        if self._blackhole:
            with contextlib.suppress(ConnectionError):
                await reader.read()  # swallow until the client gives up
            self._forget(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._forget(writer)
            writer.transport.abort()
            return
        self._writers.add(up_writer)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._forget(writer, up_writer)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    def _forget(self, *writers: asyncio.StreamWriter) -> None:
        for w in writers:
            self._writers.discard(w)
