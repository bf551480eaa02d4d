"""The upload stream is cut at the limit without reading the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.images.size_guard import UPLOAD_LIMIT, read_limited, read_limited_sync
from domain.errors import UploadTooLarge

CHUNK = 64 * 1024


class CountingStream:
    """12 MB in 64 KB chunks; remembers how many chunks were pulled."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        while sent < self.total:
            self.pulled += 1
            size = min(CHUNK, self.total - sent)
            sent += size
            yield b"\x00" * size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


async def test_under_the_limit_returns_everything() -> None:
    stream = CountingStream(3 * CHUNK + 5)
    assert len(await read_limited(stream)) == 3 * CHUNK + 5


async def test_exactly_the_limit_is_accepted() -> None:
    assert len(await read_limited(CountingStream(UPLOAD_LIMIT))) == UPLOAD_LIMIT


async def test_twelve_megabytes_stop_at_ten_without_reading_the_rest() -> None:
    stream = CountingStream(12 * 1024 * 1024)
    with pytest.raises(UploadTooLarge) as err:
        await read_limited(stream)
    assert err.value.status == 413
    assert err.value.details["limit_bytes"] == UPLOAD_LIMIT
    # one chunk past 10 MB was pulled, none of the remaining 2 MB
    assert stream.pulled == UPLOAD_LIMIT // CHUNK + 1


def test_sync_variant_stops_too() -> None:
    stream = CountingStream(UPLOAD_LIMIT + 1)
    with pytest.raises(UploadTooLarge):
        read_limited_sync(stream)
    assert stream.pulled == UPLOAD_LIMIT // CHUNK + 1
