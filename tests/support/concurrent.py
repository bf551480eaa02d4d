"""Truly concurrent requests to the real app.

Litestar's AsyncTestClient runs each request to its end before the next (its async
transport calls the blocking one, on a loop of its own), so `asyncio.gather` over it is
sequential. Here the app is started on the test's own loop and httpx's ASGI transport runs
every request as its own task: they interleave at every await, as in a served process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from adapters.clock import ManualClock
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


@asynccontextmanager
async def concurrent_client(
    settings: Settings, clock: ManualClock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=("testclient", 50000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver.local"
        ) as client:
            yield client
