"""Model-call latency for the metrics endpoint: the detector and describer ports wrapped
(dishka `decorate`) when the process serves metrics."""

from __future__ import annotations

import time

from dishka import Provider, Scope, decorate

from application.ports.vision import FoodDetector, MealDescriber
from domain.food.vision import DescriptionReport, DetectionReport, SanitisedImage
from entrypoints.metrics import MODEL_LATENCY


class TimedDetector:
    def __init__(self, inner: FoodDetector) -> None:
        self._inner = inner

    @property
    def name(self) -> str | None:
        return self._inner.name

    async def detect(self, image: SanitisedImage) -> DetectionReport:
        started = time.perf_counter()
        try:
            return await self._inner.detect(image)
        finally:
            if self._inner.name is not None:
                MODEL_LATENCY.labels("detector").observe(time.perf_counter() - started)


class TimedDescriber:
    def __init__(self, inner: MealDescriber) -> None:
        self._inner = inner

    @property
    def name(self) -> str | None:
        return self._inner.name

    async def describe(self, image: SanitisedImage) -> DescriptionReport:
        started = time.perf_counter()
        try:
            return await self._inner.describe(image)
        finally:
            if self._inner.name is not None:
                MODEL_LATENCY.labels("describer").observe(time.perf_counter() - started)


class ModelTimingProvider(Provider):
    scope = Scope.APP

    @decorate
    def detector(self, inner: FoodDetector) -> FoodDetector:
        return TimedDetector(inner)

    @decorate
    def describer(self, inner: MealDescriber) -> MealDescriber:
        return TimedDescriber(inner)
