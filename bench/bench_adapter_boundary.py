"""What the adapter boundary and the logging pipeline cost per call (issue 13 items 3, 4).

- an adapter method call, plain and with `translates_failures` (one extra coroutine frame);
- one log line: the fast access line, a structlog event, a standard-library record
  through structlog's ProcessorFormatter (all JSON, written to an in-memory stream).

Best of 5 runs of N calls each, in nanoseconds per call.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import structlog

from adapters.failures import translates_failures
from adapters.sql.failures import DATABASE
from entrypoints.logging import configure_logging, log_access

N = 100_000
RUNS = 5


class Plain:
    async def get(self, value: int) -> int:
        return value


@translates_failures(DATABASE)
class Translated(Plain):
    pass


async def _calls(adapter: Plain) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        for i in range(N):
            await adapter.get(i)
        best = min(best, (time.perf_counter() - started) / N)
    return best * 1e9


def _lines(write) -> float:
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        for i in range(N // 10):
            write(i)
        best = min(best, (time.perf_counter() - started) / (N // 10))
    return best * 1e9


def main() -> None:
    plain = asyncio.run(_calls(Plain()))
    translated = asyncio.run(_calls(Translated()))
    sys.stdout, real = io.StringIO(), sys.stdout
    try:
        configure_logging("INFO", True)
        events = structlog.get_logger("bench")
        records = logging.getLogger("bench.stdlib")
        access = _lines(lambda i: log_access("GET", "/api/v1/users/me", 200, 1.25, "rid"))
        event = _lines(lambda i: events.info("job_done", job="x", seconds=0.1))
        record = _lines(lambda i: records.info("job done %s", i))
    finally:
        sys.stdout = real
        configure_logging("INFO", True)
    print("| what | ns per call |\n|---|---:|")
    print(f"| adapter method, plain | {plain:,.0f} |")
    print(f"| adapter method, `translates_failures` | {translated:,.0f} |")
    print(f"| access line (msgspec, unchanged) | {access:,.0f} |")
    print(f"| structlog event, JSON | {event:,.0f} |")
    print(f"| stdlib record via ProcessorFormatter, JSON | {record:,.0f} |")


if __name__ == "__main__":
    main()
