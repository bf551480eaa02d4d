"""`ImageStore` in process memory, for unit tests of use cases."""

from __future__ import annotations

from adapters.images.keys import check_owner, new_key, parse_key
from domain.errors import NotFound
from domain.food.vision import SanitisedImage


class InMemoryImageStore:
    def __init__(self) -> None:
        self.images: dict[str, SanitisedImage] = {}

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
        return self.images.pop(key, None) is not None

    async def delete_owner(self, owner: str) -> int:
        prefix = f"{check_owner(owner)}/"
        doomed = [k for k in self.images if k.startswith(prefix)]
        for k in doomed:
            del self.images[k]
        return len(doomed)
