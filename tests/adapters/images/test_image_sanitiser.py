"""Image intake: judged by decoding, limits before pixels, no metadata kept."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from adapters.images.sanitiser import ImageLimits, PillowImageSanitiser
from domain.errors import UnsupportedImage, UnusableImage
from tests.fixtures.images import samples


@pytest.fixture
def sanitiser() -> PillowImageSanitiser:
    return PillowImageSanitiser()


def reopen(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_real_photo_passes_and_stays_a_jpeg(sanitiser: PillowImageSanitiser) -> None:
    out = sanitiser.sanitise(samples.fruits())
    assert (out.media_type, out.width, out.height) == ("image/jpeg", 512, 480)
    img = reopen(out.data)
    assert img.format == "JPEG"
    assert "comment" not in img.info  # the original carried a JPEG comment


def test_gps_exif_is_removed_from_the_stored_copy(sanitiser: PillowImageSanitiser) -> None:
    original = samples.jpeg_with_gps()
    assert reopen(original).getexif().get_ifd(samples.GPS_IFD)  # the input really has GPS
    out = sanitiser.sanitise(original)
    img = reopen(out.data)
    assert len(img.getexif()) == 0
    assert "exif" not in img.info
    assert b"PhoneModel" not in out.data and b"taken at home" not in out.data
    assert b"Exif\x00\x00" not in out.data


def test_orientation_is_applied_to_the_pixels(sanitiser: PillowImageSanitiser) -> None:
    # EXIF orientation 6: the camera held sideways, the viewer turns it 90 degrees clockwise
    out = sanitiser.sanitise(samples.jpeg_with_gps(320, 240, orientation=6))
    assert (out.width, out.height) == (240, 320)
    img = reopen(out.data).convert("RGB")
    # The red block drawn at the top-left of the sensor image ends up top-right.
    r, g, b = img.getpixel((240 - 10, 10))
    assert r > 150 and g < 100 and b < 100
    r, g, b = img.getpixel((10, 10))
    assert not (r > 150 and g < 100)


def test_png_text_and_exif_chunks_are_removed(sanitiser: PillowImageSanitiser) -> None:
    original = samples.png_with_metadata()
    assert b"secret note" in original and b"eXIf" in original
    out = sanitiser.sanitise(original)
    assert out.media_type == "image/png"
    assert b"secret note" not in out.data and b"eXIf" not in out.data
    assert b"tEXt" not in out.data and b"iTXt" not in out.data
    assert reopen(out.data).mode == "RGBA"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "empty", id="zero-bytes"),
        pytest.param(samples.gif_named_jpg(), "format", id="gif-renamed-jpg"),
        pytest.param(samples.webp(), "format", id="webp"),
        pytest.param(b"%PDF-1.7\n" + b"x" * 100, "format", id="pdf"),
        pytest.param(samples.truncated_jpeg(), "corrupt", id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 50, "format", id="jpeg-magic-only"),
    ],
)
def test_not_a_decodable_jpeg_or_png_is_415(
    sanitiser: PillowImageSanitiser, data: bytes, reason: str
) -> None:
    with pytest.raises(UnsupportedImage) as err:
        sanitiser.sanitise(data)
    assert err.value.status == 415
    assert err.value.details["reason"] == reason


def test_decompression_bomb_is_refused_from_the_header(sanitiser: PillowImageSanitiser) -> None:
    bomb = samples.png_bomb()
    assert len(bomb) < 200_000  # small on the wire, 400 million pixels inside
    started = time.perf_counter()
    with pytest.raises(UnusableImage) as err:
        sanitiser.sanitise(bomb)
    elapsed = time.perf_counter() - started
    assert err.value.status == 422
    assert err.value.details["reason"] == "too_many_pixels"
    assert elapsed < 5  # generous: decoding it would take far longer and 400 MB


def test_a_side_above_the_limit_is_422_before_decoding(sanitiser: PillowImageSanitiser) -> None:
    # 13,000 x 40 is few pixels (Pillow's own bomb check passes it) but too wide
    long_strip = samples.png_bomb(width=13_000, height=40)
    with pytest.raises(UnusableImage) as err:
        sanitiser.sanitise(long_strip)
    assert err.value.details == {"reason": "too_many_pixels", "width": 13_000, "height": 40}


def test_tiny_image_is_422(sanitiser: PillowImageSanitiser) -> None:
    with pytest.raises(UnusableImage) as err:
        sanitiser.sanitise(samples.tiny_png(16))
    assert err.value.details["reason"] == "too_small"


def test_limits_are_configurable() -> None:
    strict = PillowImageSanitiser(ImageLimits(min_side=8, max_pixels=100 * 100))
    assert strict.sanitise(samples.tiny_png(16)).width == 16
    with pytest.raises(UnusableImage):
        strict.sanitise(samples.encode(samples.scene(200, 100), "PNG"))


def test_cmyk_jpeg_is_stored_as_rgb(sanitiser: PillowImageSanitiser) -> None:
    out = sanitiser.sanitise(samples.encode(samples.scene(64, 64, "CMYK"), "JPEG"))
    assert reopen(out.data).mode == "RGB"


def test_palette_png_keeps_its_transparency(sanitiser: PillowImageSanitiser) -> None:
    img = samples.scene(64, 64).convert("P")
    out = sanitiser.sanitise(samples.encode(img, "PNG", transparency=0))
    assert "transparency" in reopen(out.data).info


def test_png_is_stripped_chunk_by_chunk_keeping_its_pixels(sanitiser: PillowImageSanitiser) -> None:
    original = samples.png_with_metadata() + b"trailing bytes after IEND"
    out = sanitiser.sanitise(original)
    assert out.data.endswith(b"IEND\xaeB`\x82")  # nothing after the image
    assert reopen(out.data).tobytes() == reopen(original).tobytes()  # lossless
    assert len(out.data) < len(original)


def test_png_with_an_orientation_is_re_encoded_upright(sanitiser: PillowImageSanitiser) -> None:
    original = samples.encode(
        samples.scene(120, 90), "PNG", exif=samples.gps_exif(orientation=6).tobytes()
    )
    out = sanitiser.sanitise(original)
    assert (out.width, out.height) == (90, 120)
    assert b"eXIf" not in out.data and b"PhoneModel" not in out.data
