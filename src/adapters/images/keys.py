"""Image keys: `<owner>/<32 random hex>.<jpg|png>`, nothing else is accepted.

Keys are made here from a random token, never from a client's file name, and
are checked against this shape before any store looks them up, so a key can
never climb out of the store (`..`, absolute paths, NUL bytes, ...).
"""

from __future__ import annotations

import re
import secrets

from domain.errors import NotFound
from domain.food.vision import SanitisedImage

_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_KEY = re.compile(r"(?P<owner>[A-Za-z0-9][A-Za-z0-9_-]{0,63})/[0-9a-f]{32}\.(?P<ext>jpg|png)")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def check_owner(owner: str) -> str:
    if not _OWNER.fullmatch(owner):
        raise ValueError(f"owner id not usable in an image key: {owner!r}")
    return owner


def new_key(owner: str, image: SanitisedImage) -> str:
    return f"{check_owner(owner)}/{secrets.token_hex(16)}{image.extension}"


_VARIANT = re.compile(r"[a-z0-9]{1,16}")


def variant_key(key: str, variant: str) -> str:
    """Where the variant of the image at `key` is kept: `<owner>/<hex>.<variant>.jpg`,
    beside the original, so a purge of the owner's folder takes it too."""
    parse_key(key)
    if not _VARIANT.fullmatch(variant):
        raise ValueError(f"variant name not usable: {variant!r}")
    stem = key.rsplit(".", 1)[0]
    return f"{stem}.{variant}.jpg"


def variants_prefix(key: str) -> str:
    """What every variant key of `key` starts with."""
    parse_key(key)
    return key.rsplit(".", 1)[0] + "."


def parse_key(key: str) -> tuple[str, str]:
    """(owner, media type) of a well-formed key; NotFound for anything else."""
    m = _KEY.fullmatch(key)
    if m is None:
        raise NotFound("no such image")
    return m["owner"], MEDIA_TYPES[m["ext"]]
