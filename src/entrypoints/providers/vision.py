"""Vision wiring: image intake and store, the food detector and the Claude describer.

- Detector (`PSI_DETECTOR`): "nanodet" runs the NanoDet-g-416 model shipped in
  the package (`PSI_NANODET_WEIGHTS` to point at another conversion); "yolo"
  runs `PSI_YOLO_WEIGHTS` (`.pt` or `.onnx`; a `.pt` is exported to ONNX once
  under `settings.models_dir`, `psi models export` does it ahead of time);
  "off" runs none (`models.detector: null`). Unset: "yolo" when
  `PSI_YOLO_WEIGHTS` is set, else "nanodet". Inference needs onnxruntime and
  numpy (core dependencies); without them the detector says so.
- Describer: `PSI_ANTHROPIC_API_KEY`; unset -> no describer (`description: null`).
- Images (`PSI_IMAGE_STORE`): "filesystem" under `settings.images_dir` (`var/uploads`
  by default), or "s3": the `PSI_S3_*` bucket (the `s3` extra, aioboto3), which
  `S3ImagesProvider` (entrypoints/providers/s3_images.py) puts in its place.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.images.filesystem_store import FilesystemImageStore
from adapters.images.sanitiser import PillowImageSanitiser
from adapters.images.thumbnails import PillowResizer
from adapters.vision.claude import ClaudeMealDescriber, DescriberConfig, UnconfiguredDescriber
from adapters.vision.unconfigured import UnconfiguredDetector
from application.ports.vision import (
    FoodDetector,
    ImageResizer,
    ImageSanitiser,
    ImageStore,
    MealDescriber,
)
from entrypoints.settings import Settings

log = logging.getLogger(__name__)

VISION_EXTRA_HINT = "install onnxruntime and numpy: pip install psi"


def build_detector(s: Settings) -> FoodDetector:
    family = s.detector_family
    if family == "off":
        return UnconfiguredDetector("detector turned off (PSI_DETECTOR=off)")
    if family == "yolo" and s.yolo_weights is None:
        reason = "PSI_DETECTOR=yolo but PSI_YOLO_WEIGHTS is not set"
        log.warning("detector unavailable: %s", reason)
        return UnconfiguredDetector(reason)
    missing = [m for m in ("onnxruntime", "numpy") if importlib.util.find_spec(m) is None]
    if missing:
        reason = f"the {family} detector needs {', '.join(missing)}: {VISION_EXTRA_HINT}"
        log.warning("detector unavailable: %s", reason)
        return UnconfiguredDetector(reason)
    if family == "nanodet":
        from adapters.vision.nanodet_onnx import (
            SHIPPED_MODEL,
            NanoDetConfig,
            OnnxNanoDetDetector,
        )

        return OnnxNanoDetDetector(
            NanoDetConfig(
                weights=s.nanodet_weights or SHIPPED_MODEL,
                confidence=s.nanodet_confidence,
                iou=s.nanodet_iou,
                threads=s.yolo_threads,
            )
        )
    from adapters.vision.yolo_onnx import DetectorConfig, OnnxYoloDetector

    assert s.yolo_weights is not None
    if not s.yolo_weights.is_file():
        log.warning("detector weights not found: %s", s.yolo_weights)
    return OnnxYoloDetector(
        DetectorConfig(
            weights=s.yolo_weights,
            cache_dir=s.models_dir,
            confidence=s.yolo_confidence,
            iou=s.yolo_iou,
            threads=s.yolo_threads,
        )
    )


def describer_config(s: Settings) -> DescriberConfig | None:
    if not s.anthropic_api_key:
        return None
    return DescriberConfig(
        api_key=s.anthropic_api_key,
        model=s.anthropic_model,
        base_url=s.anthropic_base_url,
        timeout_s=s.anthropic_timeout_s,
        max_retries=s.anthropic_max_retries,
        deadline_s=s.anthropic_deadline_s,
    )


class VisionProvider(Provider):
    scope = Scope.APP

    @provide
    def sanitiser(self) -> ImageSanitiser:
        return PillowImageSanitiser()

    @provide
    def image_store(self, s: Settings) -> ImageStore:
        """The filesystem store; with PSI_IMAGE_STORE=s3, `S3ImagesProvider` replaces it."""
        return FilesystemImageStore(s.images_dir)

    @provide
    def resizer(self) -> ImageResizer:
        return PillowResizer()

    @provide
    def detector(self, s: Settings) -> FoodDetector:
        detector = build_detector(s)
        preload = getattr(detector, "preload", None)
        if preload is not None:  # an ONNX model: open it now, not on the first photo
            preload()
        return detector

    @provide
    async def describer(self, s: Settings) -> AsyncIterator[MealDescriber]:
        config = describer_config(s)
        if config is None:
            yield UnconfiguredDescriber()
            return
        claude = ClaudeMealDescriber(config)
        yield claude
        await claude.aclose()
