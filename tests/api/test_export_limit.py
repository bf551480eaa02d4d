"""The export limit (3 per hour) holds under concurrency, and its answer says `no-store`
once (issue 19)."""

from __future__ import annotations

import asyncio

from tests.api.test_identity import assert_error
from tests.support.app import Api
from tests.support.concurrent import concurrent_client


async def test_concurrent_exports_never_exceed_the_limit(settings):
    async with concurrent_client(settings) as racing:
        _, headers, _ = await Api(racing).user()
        answers = await asyncio.gather(
            *[racing.get("/api/v1/users/me/data-export", headers=headers) for _ in range(20)]
        )
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == 3, statuses
    assert statuses.count(429) == 17
    assert_error(next(r for r in answers if r.status_code == 429), 429, "PSI-RATE-4001")


async def test_the_export_says_no_store_once(api, client):
    _, headers, _ = await api.user()
    r = await client.get("/api/v1/users/me/data-export", headers=headers)
    assert r.status_code == 200
    assert r.headers.get_list("cache-control") == ["no-store"]
