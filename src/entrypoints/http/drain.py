"""SIGTERM for an API process under uvicorn: drain first, then stop.

uvicorn's own SIGTERM handling closes the listener at once and gives in-flight requests
`timeout_graceful_shutdown` to finish. A load balancer still routing here would see
refused connections in the meantime, so a SIGTERM becomes two steps:

1. at once: `Readiness.draining` is set, `/ready` answers 503 (`process: draining`),
   every request is still served;
2. after `Settings.drain_s`: uvicorn's handler runs (listener closed, in-flight requests
   finish, then the app's shutdown closes the pools).

A second SIGTERM skips the rest of the grace. SIGINT (Ctrl-C) is left to uvicorn.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType

import structlog
from litestar import Litestar

from entrypoints.readiness import Readiness

log = structlog.get_logger("psi.shutdown")


def drain_on_sigterm(readiness: Readiness, grace_s: float) -> bool:
    """Wrap the SIGTERM handler installed by the server; call from the serving loop.

    Returns False (and changes nothing) where there is no server handler to wrap:
    outside the main thread, or when the app is not served by uvicorn (tests)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    server_handler = signal.getsignal(signal.SIGTERM)
    if not callable(server_handler):
        return False
    stop: Callable[[int, FrameType | None], object] = server_handler
    loop = asyncio.get_running_loop()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        if readiness.draining or grace_s <= 0:
            readiness.draining = True
            stop(signum, frame)
            return
        readiness.draining = True
        log.warning("draining", grace_s=grace_s)
        loop.call_soon_threadsafe(loop.call_later, grace_s, stop, signum, None)

    signal.signal(signal.SIGTERM, on_sigterm)
    return True


async def install_drain(app: Litestar) -> None:
    """`on_startup` hook of the served app (`app_factory`): uvicorn has installed its
    signal handlers by the time the lifespan starts."""
    readiness = await app.state.dishka_container.get(Readiness)
    drain_on_sigterm(readiness, app.state.settings.drain_s)
