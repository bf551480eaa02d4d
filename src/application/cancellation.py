"""Cancelling tasks on Python 3.11 without losing the cancel or waiting forever.

`asyncio.wait_for` returns normally when the cancel comes as its awaitable completes
(CPython gh-86296; 3.12 rewrote it), and drivers run their calls under it (redis-py, with
`socket_timeout` set, every command). A task can be asked to stop and never see the
CancelledError, so:

- a long-running loop calls `raise_if_cancelled()` after the awaits that reach a driver:
  the request stays counted (`Task.cancelling()`) even when its exception was lost;
- a stop path ends tasks with `cancel_and_wait`: bounded, the cancel repeated for code
  that dropped one, and the stopper's own cancel still raised (`asyncio.wait` raises it;
  `suppress(CancelledError)` around `await task` would swallow it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

RECANCEL_S = 1.0  # cancel_and_wait: how often a task that dropped its cancel is asked again


def cancel_requested() -> bool:
    """True once the running task has been asked to cancel, its CancelledError lost or not."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def raise_if_cancelled() -> None:
    """Raise the CancelledError of a cancel that an await let pass as a normal return."""
    if cancel_requested():
        raise asyncio.CancelledError


async def cancel_and_wait(
    tasks: Iterable[asyncio.Future[Any]], timeout_s: float
) -> set[asyncio.Future[Any]]:
    """Cancel `tasks` and wait for them to end, `timeout_s` at most, cancelling those still
    running again every `RECANCEL_S`; return the ones still running at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    left = {task for task in tasks if not task.done()}
    while left:
        for task in left:
            task.cancel()
        wait_s = min(RECANCEL_S, deadline - loop.time())
        if wait_s <= 0:
            break
        _, pending = await asyncio.wait(left, timeout=wait_s)
        left = set(pending)
    return left
