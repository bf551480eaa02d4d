"""Image intake with Pillow: judge an upload by decoding it, refuse what we cannot
use, and re-encode it without metadata (EXIF, GPS, XMP, text chunks).

Order matters: the format and the dimensions are read from the header before a
single pixel is decoded, so a decompression bomb costs a few bytes of parsing.
"""

from __future__ import annotations

import io
import struct
import sys
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from domain.errors import UnsupportedImage, UnusableImage
from domain.food.vision import SanitisedImage

# Pillow calls a multi-picture JPEG (what many phones write) "MPO"; it is a JPEG.
_FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png"}
_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}


@dataclass(frozen=True, slots=True)
class ImageLimits:
    min_side: int = 32
    max_side: int = 12_000
    max_pixels: int = 50_000_000  # a 48 MP phone photo passes; a 20,000 x 20,000 bomb does not
    jpeg_quality: int = 90


def _pillow_open():
    """Pillow's own `Image.open`. Importing ultralytics replaces it process-wide with a
    wrapper that tries to pip-install a HEIF plugin on unidentified images; uploads must
    be judged by Pillow alone."""
    patches = sys.modules.get("ultralytics.utils.patches")
    return getattr(patches, "_image_open", None) or Image.open


class PillowImageSanitiser:
    """`application.ports.vision.ImageSanitiser` on Pillow."""

    def __init__(self, limits: ImageLimits | None = None) -> None:
        self.limits = limits or ImageLimits()

    def check_header(self, data: bytes) -> None:
        self._check_switch(data)
        image = self._open(data)  # reads the header only: no pixel is decoded
        try:
            if _FORMATS.get(image.format or "") is None:
                raise UnsupportedImage("not a JPEG or PNG image", reason="format")
            self._check_dimensions(image.size)
        finally:
            image.close()

    @staticmethod
    def _check_switch(data: bytes) -> None:
        if not data:
            raise UnsupportedImage("empty upload", reason="empty")
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone flipped Pillow's global switch
            raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")

    def sanitise(self, data: bytes) -> SanitisedImage:
        if not data:
            raise UnsupportedImage("empty upload", reason="empty")
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone flipped Pillow's global switch
            raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
        # Pillow refuses above 2x its MAX_IMAGE_PIXELS at open (DecompressionBombError);
        # our own limits, lower, are checked from the header right after.
        image = self._open(data)
        try:
            media_type = _FORMATS.get(image.format or "")
            if media_type is None:  # another plugin claimed the bytes: judged by content
                raise UnsupportedImage("not a JPEG or PNG image", reason="format")
            self._check_dimensions(image.size)
            self._decode(image)
            if media_type == "image/png" and _orientation(image) == 1:
                stripped = strip_png_metadata(data)
                if stripped is not None:
                    return SanitisedImage(
                        data=stripped, media_type=media_type, width=image.width, height=image.height
                    )
            return self._reencode(image, media_type)
        finally:
            image.close()

    # -- steps ---------------------------------------------------------------

    @staticmethod
    def _open(data: bytes) -> Image.Image:
        try:
            image = _pillow_open()(io.BytesIO(data), formats=("JPEG", "PNG"))  # MPO via JPEG
        except UnidentifiedImageError as exc:
            raise UnsupportedImage("not a JPEG or PNG image", reason="format") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnusableImage("image has too many pixels", reason="too_many_pixels") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise UnsupportedImage("image header cannot be read", reason="header") from exc
        return image

    def _check_dimensions(self, size: tuple[int, int]) -> None:
        width, height = size
        lim = self.limits
        if width > lim.max_side or height > lim.max_side or width * height > lim.max_pixels:
            raise UnusableImage(
                f"image is {width}x{height} pixels, above the limit",
                reason="too_many_pixels",
                width=width,
                height=height,
            )
        if min(width, height) < lim.min_side:
            raise UnusableImage(
                f"image is {width}x{height} pixels, below {lim.min_side} px",
                reason="too_small",
                width=width,
                height=height,
            )

    @staticmethod
    def _decode(image: Image.Image) -> None:
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnusableImage("image has too many pixels", reason="too_many_pixels") from exc
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            # truncated data, bad Huffman tables, a PNG chunk with a wrong CRC, ...
            raise UnsupportedImage("image data cannot be decoded", reason="corrupt") from exc

    def _reencode(self, image: Image.Image, media_type: str) -> SanitisedImage:
        # Apply the EXIF orientation to the pixels: the stored copy has no EXIF left
        # to say how to turn it, so it must already be upright.
        upright = ImageOps.exif_transpose(image)
        if upright is image:  # never strip the caller's object; work on a copy
            upright = image.copy()
        # Pillow's encoders fall back to `info` for ICC profiles, EXIF and text
        # chunks: keep only what the pixels need (palette transparency).
        upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
        out = io.BytesIO()
        if media_type == "image/jpeg":
            if upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            # No exif=, icc_profile=, comment=: Pillow then writes none of them.
            upright.save(out, format="JPEG", quality=self.limits.jpeg_quality)
        else:
            if upright.mode not in _PNG_MODES:
                upright = upright.convert("RGBA")
            # No pnginfo= and no exif=: text, iTXt/zTXt and eXIf chunks are not written.
            upright.save(out, format="PNG", compress_level=3)
        return SanitisedImage(
            data=out.getvalue(), media_type=media_type, width=upright.width, height=upright.height
        )


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # an unreadable EXIF block: re-encode, which drops it
        return 0


# Chunks a PNG needs to show its pixels as intended; every other chunk (tEXt, zTXt,
# iTXt, eXIf, tIME, iCCP, pHYs, private and animation chunks, ...) is dropped.
_PNG_KEEP = frozenset(
    {b"IHDR", b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"IDAT", b"IEND"}
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def strip_png_metadata(data: bytes) -> bytes | None:
    """The PNG with only its pixel chunks, copied byte for byte (no re-compression, which
    costs seconds for a 12 MP photo). None when the chunk layout is odd: re-encode then.

    Only called once Pillow has decoded the whole image (CRCs checked), so the chunks
    kept are known to be sound; bytes after IEND are dropped too.
    """
    if not data.startswith(_PNG_SIGNATURE):
        return None
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        if kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    return None
