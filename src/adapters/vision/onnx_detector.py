"""What every ONNX Runtime detector family shares: a lazily opened session, the
JPEG decode, class indices -> foods and context, and a report that never raises.

A family (YOLO, NanoDet) says how to load its model and how to find boxes in a
decoded image (`find`); this base does the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from adapters.vision.weights import WeightsError
from adapters.vision.yolo_decode import RawBoxes
from domain.food.vision import BoundingBox, Detection, DetectionReport, SanitisedImage

log = logging.getLogger(__name__)


def open_session(path: Path, threads: int = 0) -> Any:
    """An ONNX Runtime CPU session tuned for a few shared cores, shared by every detector of
    the process that opens the same file (a session's `run` is thread-safe): an app built
    twice in one process, as tests and embedded restarts do, loads the model once."""
    stat = path.stat()
    return _cached_session(str(path.resolve()), stat.st_mtime_ns, stat.st_size, threads)


@functools.lru_cache(maxsize=4)
def _cached_session(path: str, mtime_ns: int, size: int, threads: int) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # Idle ORT threads spin-wait by default: on a few shared cores (the API, the
    # event loop, other processes) that triples latency. Measured: 2 threads,
    # spinning 301 ms vs 103 ms without, on the 2-core VM under load.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


@dataclass(frozen=True, slots=True)
class Found:
    """Boxes in one image: foods, and the tableware around them (context, never food)."""

    foods: tuple[Detection, ...] = ()
    context: tuple[Detection, ...] = ()


def to_detections(
    raw: RawBoxes, labels: Mapping[int, str | None], limit: int
) -> tuple[Detection, ...]:
    """Boxes whose class has a label, best first, at most `limit`."""
    found: list[Detection] = []
    for i in np.argsort(-raw.scores, kind="stable"):
        label = labels.get(int(raw.classes[i]))
        if label is None:
            continue
        if len(found) == limit:
            break
        x1, y1, x2, y2 = (float(v) for v in raw.boxes[i])
        score = min(1.0, max(0.0, float(raw.scores[i])))
        found.append(Detection(label, score, BoundingBox(x1, y1, x2, y2)))
    return tuple(found)


def _rescale(
    dets: tuple[Detection, ...], sx: float, sy: float, width: int, height: int
) -> tuple[Detection, ...]:
    return tuple(
        Detection(
            d.food,
            d.confidence,
            BoundingBox(
                min(d.bbox.x1 * sx, width),
                min(d.bbox.y1 * sy, height),
                min(d.bbox.x2 * sx, width),
                min(d.bbox.y2 * sy, height),
            ),
        )
        for d in dets
    )


class OnnxDetector:
    """Loads the model on first use (a failed load is remembered, not retried for
    every image), then runs in a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        self._load_error: str | None = None

    # ---- what a family provides
    @property
    def name(self) -> str:
        raise NotImplementedError

    def _load(self) -> None:
        """Open the session; raise `WeightsError` with a reason a person can act on."""
        raise NotImplementedError

    def _input_size(self) -> tuple[int, int]:
        """(height, width) of the model input, once loaded."""
        raise NotImplementedError

    def find(self, image: Image.Image) -> Found:
        raise NotImplementedError

    # ---- shared
    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            if self._load_error is not None:
                raise WeightsError(self._load_error)
            try:
                self._load()
            except WeightsError as exc:
                self._load_error = str(exc)
                raise
            except Exception as exc:
                self._load_error = f"model does not load: {type(exc).__name__}"
                raise WeightsError(self._load_error) from exc
            self._loaded = True

    @property
    def ready(self) -> bool:
        """Whether the model is open (`preload` or a first photo opened it)."""
        return self._loaded

    def preload(self) -> None:
        """Open the session in a background thread, so the first photo does not wait for
        it (~0.3 s); a failure is remembered and reported by `detect`."""

        def load() -> None:
            with contextlib.suppress(WeightsError):
                self._ensure_loaded()

        threading.Thread(target=load, name="detector-preload", daemon=True).start()

    async def detect(self, image: SanitisedImage) -> DetectionReport:
        try:
            found = await asyncio.to_thread(self.find_in_bytes, image.data)
        except WeightsError as exc:
            log.warning("detector unavailable: %s", exc)
            return DetectionReport.unavailable(str(exc))
        except Exception as exc:  # a model failure must not fail the analysis
            log.exception("detector failed")
            return DetectionReport.unavailable(f"detector failed: {type(exc).__name__}")
        return DetectionReport(detector=self.name, detections=found.foods, context=found.context)

    def find_in_bytes(self, data: bytes) -> Found:
        """Decode a JPEG/PNG and find boxes, in pixels of the full image.

        A JPEG much larger than the model input is decoded at 1/2, 1/4 or 1/8
        scale (libjpeg's DCT scaling; a 12 MP phone photo decodes ~10x faster),
        never below the size the model input needs.
        """
        self._ensure_loaded()
        in_h, in_w = self._input_size()
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            gain = min(in_w / width, in_h / height)
            if gain < 1.0:
                img.draft("RGB", (math.ceil(width * gain), math.ceil(height * gain)))
            rgb = img.convert("RGB")
        found = self.find(rgb)
        if rgb.size == (width, height):
            return found
        sx, sy = width / rgb.size[0], height / rgb.size[1]
        return Found(
            _rescale(found.foods, sx, sy, width, height),
            _rescale(found.context, sx, sy, width, height),
        )
