"""Readiness: ping every configured store, each within a bounded time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

ADVICE_TTL_S = 60.0


class Readiness:
    def __init__(self, timeout_s: float) -> None:
        self._timeout = timeout_s
        self._probes: dict[str, Callable[[], Awaitable[object]]] = {}
        self._advisories: dict[str, Callable[[], Awaitable[str | None]]] = {}
        self._advice: tuple[float, list[str]] | None = None
        self.draining = False

    def add(self, name: str, probe: Callable[[], Awaitable[object]]) -> None:
        self._probes[name] = probe

    def advise(self, name: str, check: Callable[[], Awaitable[str | None]]) -> None:
        """A check whose finding is named by /ready without taking the process out of
        rotation (e.g. reference data not imported: every other answer still works)."""
        self._advisories[name] = check

    async def warnings(self) -> list[str]:
        """What the advisory checks found, re-checked at most once a minute."""
        now = time.monotonic()
        if self._advice is not None and now - self._advice[0] < ADVICE_TTL_S:
            return self._advice[1]
        found: list[str] = []
        for name, check in self._advisories.items():
            try:
                async with asyncio.timeout(self._timeout):  # wait_for could lose a cancel
                    finding = await check()
            except Exception:  # noqa: S112 (a failing store shows in the probes)
                continue
            if finding:
                found.append(f"{name}: {finding}")
        self._advice = (now, found)
        return found

    async def check(self) -> dict[str, str]:
        async def run(name: str, probe) -> tuple[str, str]:
            try:
                async with asyncio.timeout(self._timeout):
                    await probe()
            except TimeoutError:
                return name, "timeout"
            except Exception as exc:  # any failure means "not ready", named by type only
                return name, f"error: {type(exc).__name__}"
            return name, "ok"

        results = dict(await asyncio.gather(*(run(n, p) for n, p in self._probes.items())))
        if self.draining:
            results["process"] = "draining"
        return results
