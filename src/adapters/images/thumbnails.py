"""`ImageResizer` on Pillow: thumbnails and JPEG copies of stored (already EXIF-free,
upright) images, written without any metadata."""

from __future__ import annotations

import io

from PIL import Image

from domain.food.vision import SanitisedImage

THUMB_QUALITY = 82
FULL_QUALITY = 90


class PillowResizer:
    def thumbnail(self, image: SanitisedImage, max_side: int) -> bytes:
        with Image.open(io.BytesIO(image.data)) as img:
            # A JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that is still larger
            # than the thumbnail: a fraction of the full decode's cost.
            img.draft("RGB", (max_side * 2, max_side * 2))
            small = _rgb(img)
            small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            return _jpeg(small, THUMB_QUALITY)

    def as_jpeg(self, image: SanitisedImage) -> bytes:
        if image.media_type == "image/jpeg":
            return image.data
        with Image.open(io.BytesIO(image.data)) as img:
            return _jpeg(_rgb(img), FULL_QUALITY)


def _rgb(img: Image.Image) -> Image.Image:
    """RGB pixels; transparency is laid on white (a JPEG has no alpha)."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return img.convert("RGB") if img.mode != "RGB" else img.copy()


def _jpeg(img: Image.Image, quality: int) -> bytes:
    img.info = {}
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality, optimize=False)
    return out.getvalue()
