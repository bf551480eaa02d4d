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
        """Remove one image; False when there was none (deleting twice is fine)."""
        ...

    async def delete_owner(self, owner: str) -> int:
        """Remove every image of `owner` (account purge); returns how many."""
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
