"""Read an upload stream up to a limit, and stop at the first byte past it.

The rest of the stream is never read (nor buffered): a 12 MB upload costs at
most `limit` bytes of memory before it is refused with `UploadTooLarge`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable

from domain.errors import UploadTooLarge

UPLOAD_LIMIT = 10 * 1024 * 1024


async def read_limited(chunks: AsyncIterable[bytes], limit: int = UPLOAD_LIMIT) -> bytes:
    buf = bytearray()
    async for chunk in chunks:
        if len(buf) + len(chunk) > limit:
            raise UploadTooLarge(f"upload exceeds {limit} bytes", limit_bytes=limit)
        buf += chunk
    return bytes(buf)


def read_limited_sync(chunks: Iterable[bytes], limit: int = UPLOAD_LIMIT) -> bytes:
    buf = bytearray()
    for chunk in chunks:
        if len(buf) + len(chunk) > limit:
            raise UploadTooLarge(f"upload exceeds {limit} bytes", limit_bytes=limit)
        buf += chunk
    return bytes(buf)
