"""`GET /food/analysis/{id}/image` and `/food/history/{id}/image`: a person's own meal
photo back, full size or as a thumbnail, as an EXIF-free JPEG.

A thumbnail is made the first time it is asked for and kept beside the original in the
image store (deleted with it). Stored images never change under a key, so the ETag is
the key's and the size's digest: a revalidation needs no image read at all.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from application.ports.food import AnalysisRepository
from application.ports.vision import ImageResizer, ImageStore
from domain.errors import NotFound

THUMB_MAX_SIDE = 256
# The variants' names in the store; a new name when their making changes, so no stale
# copy (or ETag) survives the change.
_VARIANTS = {"thumb": f"thumb{THUMB_MAX_SIDE}", "full": "fulljpeg"}


class ImageSize(StrEnum):
    THUMB = "thumb"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class LocatedImage:
    key: str
    size: ImageSize
    etag: str  # quoted, as the header carries it


@dataclass(slots=True)
class GetMealImage:
    analyses: AnalysisRepository
    images: ImageStore
    resizer: ImageResizer

    async def locate(
        self, user_id: UUID, analysis_id: UUID, size: ImageSize, entry_only: bool = False
    ) -> LocatedImage:
        """The user's own image (of a history entry, with `entry_only`); NotFound for
        another user's, a missing one, or an entry without a photo."""
        key = await self.analyses.image_ref(analysis_id, user_id, entry_only)
        if key is None:
            raise NotFound("no such image")
        digest = hashlib.blake2b(f"{_VARIANTS[size]}:{key}".encode(), digest_size=12)
        return LocatedImage(key, size, f'"{digest.hexdigest()}"')

    async def read(self, found: LocatedImage) -> bytes:
        variant = _VARIANTS[found.size]
        data = await self.images.get_variant(found.key, variant)
        if data is not None:
            return data
        original = await self.images.get(found.key)
        if found.size is ImageSize.FULL and original.media_type == "image/jpeg":
            return original.data
        if found.size is ImageSize.THUMB:
            data = await asyncio.to_thread(self.resizer.thumbnail, original, THUMB_MAX_SIDE)
        else:
            data = await asyncio.to_thread(self.resizer.as_jpeg, original)
        await self.images.put_variant(found.key, variant, data)
        return data
