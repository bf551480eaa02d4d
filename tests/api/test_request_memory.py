"""A served request is freed by reference counting, not left to the garbage collector.

Objects in reference cycles wait for a collection; a full collection over a busy heap
stalls every request in flight (the p99 of the API was made of such pauses). So a
request, answered or refused, must leave no cyclic garbage behind.
"""

from __future__ import annotations

import gc

import pytest
from dishka import AsyncContainer
from litestar.connection import Request

from tests.support.app import Api


async def _cyclic_garbage_of(send) -> list[object]:
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(5):
            await send()
        gc.collect()
        return [o for o in gc.garbage if isinstance(o, Request | AsyncContainer)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize("authorized", [True, False], ids=["answered", "refused"])
async def test_requests_leave_no_reference_cycles(api: Api, authorized: bool) -> None:
    _, headers, _ = await api.user()
    headers = headers if authorized else {"Authorization": "Bearer not-a-token"}

    async def send() -> None:
        r = await api.client.get("/api/v1/users/me", headers=headers)
        assert r.status_code == (200 if authorized else 401)

    await send()  # first use builds the lazily made parts of the app
    assert await _cyclic_garbage_of(send) == []
