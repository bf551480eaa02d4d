"""The detector when none is configured (no numpy or onnxruntime needed to say so)."""

from __future__ import annotations

from domain.food.vision import DetectionReport, SanitisedImage


class UnconfiguredDetector:
    """No weights configured: the analysis goes on without boxes (`models.detector: null`)."""

    def __init__(self, reason: str = "no detector weights configured (PSI_YOLO_WEIGHTS)") -> None:
        self.reason = reason

    @property
    def name(self) -> None:
        return None

    async def detect(self, image: SanitisedImage) -> DetectionReport:
        return DetectionReport.unavailable(self.reason)
