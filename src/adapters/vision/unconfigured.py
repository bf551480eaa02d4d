"""The detector when none is configured (no numpy or onnxruntime needed to say so)."""

from __future__ import annotations

from domain.food.vision import DetectionReport, SanitisedImage


class UnconfiguredDetector:
    """No detector (turned off, or it cannot run here): the analysis goes on without
    boxes (`models.detector: null`) and `reason` says why."""

    def __init__(self, reason: str = "no detector configured (PSI_DETECTOR=off)") -> None:
        self.reason = reason

    @property
    def name(self) -> None:
        return None

    async def detect(self, image: SanitisedImage) -> DetectionReport:
        return DetectionReport.unavailable(self.reason)
