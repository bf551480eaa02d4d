"""Uploads do the cheap checks first (issue 19): consent and the daily quota before the
body is read, the header's facts before the quota, the decode last and a few at a time.
A free user past the quota costs no decode: whatever the bytes, the answer is the 429."""

from __future__ import annotations

import asyncio

import pytest

from application.food.upload import DecodeSlots
from tests.api.test_food import CONSENT, upload
from tests.api.test_identity import assert_error
from tests.fixtures.images.samples import encode, png_bomb, scene, truncated_jpeg


async def test_past_the_quota_nothing_is_decoded(api, client):
    _, headers, _ = await api.user(**CONSENT)
    for _ in range(3):
        assert (await upload(client, headers, encode(scene(), "JPEG"))).status_code == 202
    # Undecodable or a decompression bomb: a decode would refuse them (415/422). The
    # quota is checked first, so the answer is the 429.
    for data in (truncated_jpeg(), png_bomb(), b"\xff\xd8" + b"\x00" * 5_000_000):
        assert_error(await upload(client, headers, data), 429, "PSI-RATE-4002")


async def test_a_refused_image_does_not_use_the_quota(api, client):
    _, headers, _ = await api.user(**CONSENT)
    for _ in range(4):
        r = await upload(client, headers, truncated_jpeg())
        assert r.status_code in (415, 422), r.text
    r = await upload(client, headers, encode(scene(), "JPEG"))
    assert r.status_code == 202 and r.headers["x-ratelimit-remaining"] == "2"


async def test_decode_slots_bound_concurrent_decodes():
    slots = DecodeSlots(2)
    running = peak = 0

    async def decode() -> None:
        nonlocal running, peak
        async with slots.slot():
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(decode() for _ in range(8)))
    assert peak == 2


@pytest.mark.parametrize("size", [0, -3])
def test_decode_slots_always_allow_one(size):
    assert DecodeSlots(size).size == 1
