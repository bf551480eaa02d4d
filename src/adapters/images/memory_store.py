"""`ImageStore` in process memory, for unit tests of use cases."""

from __future__ import annotations

from adapters.images.keys import check_owner, new_key, parse_key, variant_key, variants_prefix
from domain.errors import NotFound
from domain.food.vision import SanitisedImage


class MemoryImageStore:
    def __init__(self) -> None:
        self.images: dict[str, SanitisedImage] = {}
        self.variants: dict[str, bytes] = {}

    async def put(self, image: SanitisedImage, owner: str) -> str:
        key = new_key(owner, image)
        self.images[key] = image
        return key

    async def get(self, key: str) -> SanitisedImage:
        parse_key(key)
        try:
            return self.images[key]
        except KeyError as exc:
            raise NotFound("no such image") from exc

    async def delete(self, key: str) -> bool:
        found = self.images.pop(key, None) is not None
        try:
            prefix = variants_prefix(key)
        except NotFound:
            return found
        for k in [k for k in self.variants if k.startswith(prefix)]:
            del self.variants[k]
        return found

    async def put_variant(self, key: str, variant: str, data: bytes) -> None:
        name = variant_key(key, variant)
        if key not in self.images:
            raise NotFound("no such image")
        self.variants[name] = data

    async def get_variant(self, key: str, variant: str) -> bytes | None:
        try:
            return self.variants.get(variant_key(key, variant))
        except NotFound:
            return None

    async def keys_of(self, owner: str) -> list[str]:
        prefix = f"{check_owner(owner)}/"
        return sorted(k for k in (*self.images, *self.variants) if k.startswith(prefix))

    async def delete_owner(self, owner: str) -> int:
        prefix = f"{check_owner(owner)}/"
        doomed = [k for k in self.images if k.startswith(prefix)]
        for k in doomed:
            del self.images[k]
        for k in [k for k in self.variants if k.startswith(prefix)]:
            del self.variants[k]
        return len(doomed)
