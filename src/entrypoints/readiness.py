"""Readiness: ping every configured store, each within a bounded time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Readiness:
    def __init__(self, timeout_s: float) -> None:
        self._timeout = timeout_s
        self._probes: dict[str, Callable[[], Awaitable[object]]] = {}
        self.draining = False

    def add(self, name: str, probe: Callable[[], Awaitable[object]]) -> None:
        self._probes[name] = probe

    async def check(self) -> dict[str, str]:
        async def run(name: str, probe) -> tuple[str, str]:
            try:
                await asyncio.wait_for(probe(), self._timeout)
            except TimeoutError:
                return name, "timeout"
            except Exception as exc:  # any failure means "not ready", named by type only
                return name, f"error: {type(exc).__name__}"
            return name, "ok"

        results = dict(await asyncio.gather(*(run(n, p) for n, p in self._probes.items())))
        if self.draining:
            results["process"] = "draining"
        return results
