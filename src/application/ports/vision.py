"""Ports the food analysis needs from the vision side: intake, storage, detector, describer."""

from __future__ import annotations

from typing import Protocol

from domain.food.vision import DescriptionReport, DetectionReport, SanitisedImage


class ImageSanitiser(Protocol):
    """Judges an upload by decoding it and returns a metadata-free copy.

    Raises `domain.errors.UnsupportedImage` (not a decodable JPEG/PNG) or
    `domain.errors.UnusableImage` (decodes, but too small or too many pixels).
    """

    def check_header(self, data: bytes) -> None:
        """What the header tells without decoding a pixel (format, dimensions): raises
        what `sanitise` would for them. Cheap: run before the quota and any decode."""
        ...

    def sanitise(self, data: bytes) -> SanitisedImage: ...


class ImageStore(Protocol):
    """Where meal photos are kept. Keys are opaque; images are never public."""

    async def put(self, image: SanitisedImage, owner: str) -> str:
        """Store the image for `owner` (a user id) and return its key."""
        ...

    async def get(self, key: str) -> SanitisedImage:
        """The stored image. Raises `domain.errors.NotFound` for an unknown key."""
        ...

    async def delete(self, key: str) -> bool:
        """Remove one image and every variant of it; False when there was none (deleting
        twice is fine)."""
        ...

    async def put_variant(self, key: str, variant: str, data: bytes) -> None:
        """Keep a derived copy of the image at `key` (a thumbnail, say) under the name
        `variant` (lowercase letters and digits): JPEG bytes, owned like the original.
        Raises `domain.errors.NotFound` when the original is not there."""
        ...

    async def get_variant(self, key: str, variant: str) -> bytes | None:
        """The variant's bytes; None when it was not made (yet)."""
        ...

    async def delete_owner(self, owner: str) -> int:
        """Remove every image of `owner` (account purge), every variant with it; returns
        how many originals."""
        ...

    async def keys_of(self, owner: str) -> list[str]:
        """Every key `owner` has in the store, originals and variants, sorted (for the
        data export and the purge's check)."""
        ...


class ImageResizer(Protocol):
    """Derived copies of a stored image, EXIF-free JPEG bytes."""

    def thumbnail(self, image: SanitisedImage, max_side: int) -> bytes:
        """The image scaled down (never up) to at most `max_side` px on its longest side."""
        ...

    def as_jpeg(self, image: SanitisedImage) -> bytes:
        """The image at its size as a JPEG (the image itself when it already is one)."""
        ...


class FoodDetector(Protocol):
    """Finds foods and their boxes in an image. Never raises for a model failure:
    the report then has `detector=None` and a `failure` reason."""

    @property
    def name(self) -> str | None:
        """The model's name, or None when no detector is configured."""
        ...

    async def detect(self, image: SanitisedImage) -> DetectionReport: ...


class MealDescriber(Protocol):
    """Names the foods of a meal with estimated grams and a short paragraph.
    Never raises: a failure comes back as `DescriptionReport.unavailable(reason)`."""

    @property
    def name(self) -> str | None:
        """The model's name, or None when no describer is configured."""
        ...

    async def describe(self, image: SanitisedImage) -> DescriptionReport: ...
