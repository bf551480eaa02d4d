"""`FoodDetector` on an ultralytics YOLO model exported to ONNX, run by ONNX Runtime."""

from __future__ import annotations

import ast
import asyncio
import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from adapters.vision.class_names import food_labels
from adapters.vision.weights import WeightsError, resolve_onnx
from adapters.vision.yolo_decode import RawBoxes, decode_end2end, decode_raw, letterbox
from domain.food.vision import BoundingBox, Detection, DetectionReport, SanitisedImage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    weights: Path
    cache_dir: Path
    confidence: float = 0.25
    iou: float = 0.7
    max_detections: int = 100
    imgsz: int = 640
    threads: int = 0  # 0: ONNX Runtime's default (one per physical core)

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence threshold must be in [0, 1], got {self.confidence}")
        if not 0.0 < self.iou <= 1.0:
            raise ValueError(f"iou threshold must be in (0, 1], got {self.iou}")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What an exported model says about itself (ultralytics writes ONNX metadata)."""

    input_name: str
    input_size: tuple[int, int]  # (height, width)
    names: dict[int, str]
    end2end: bool


def read_model_info(session: Any) -> ModelInfo:
    meta = session.get_modelmeta().custom_metadata_map
    inp = session.get_inputs()[0]
    shape = inp.shape
    if len(shape) != 4:
        raise WeightsError(f"model input should be NCHW, got shape {shape}")
    if isinstance(shape[2], int) and isinstance(shape[3], int):
        size = (shape[2], shape[3])
    else:
        imgsz = ast.literal_eval(meta.get("imgsz", "[640, 640]"))
        size = (int(imgsz[0]), int(imgsz[1]))
    out_shape = session.get_outputs()[0].shape
    names_meta = meta.get("names")
    if names_meta:
        parsed = ast.literal_eval(names_meta)  # a dict literal; literal_eval runs no code
        names = {int(k): str(v) for k, v in parsed.items()}
    else:
        nc = out_shape[1] - 4 if isinstance(out_shape[1], int) else 0
        names = {i: f"class{i}" for i in range(max(nc, 0))}
    end2end = meta.get("end2end") == "True" or out_shape[-1] == 6
    return ModelInfo(inp.name, size, names, end2end)


class OnnxYoloDetector:
    """Loads the session on first use (exporting a `.pt` once), then runs in a thread."""

    def __init__(self, config: DetectorConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._session: Any = None
        self._info: ModelInfo | None = None
        self._labels: dict[int, str | None] = {}
        self._wanted: np.ndarray = np.zeros(0, dtype=np.int64)
        self._load_error: str | None = None  # a failed load is reported, not retried

    @property
    def name(self) -> str:
        return self.config.weights.stem

    @property
    def info(self) -> ModelInfo:
        self._ensure_loaded()
        assert self._info is not None
        return self._info

    def _ensure_loaded(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            if self._load_error is not None:  # don't re-export/re-load for every image
                raise WeightsError(self._load_error)
            try:
                self._load()
            except WeightsError as exc:
                self._load_error = str(exc)
                raise
            except Exception as exc:
                self._load_error = f"model does not load: {type(exc).__name__}"
                raise WeightsError(self._load_error) from exc

    def _load(self) -> None:
        import onnxruntime as ort

        onnx_path = resolve_onnx(self.config.weights, self.config.cache_dir,
                                 self.config.imgsz)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.config.threads:
            opts.intra_op_num_threads = self.config.threads
        opts.inter_op_num_threads = 1
        # Idle ORT threads spin-wait by default: on a few shared cores (the API, the
        # event loop, other processes) that triples latency. Measured: 2 threads,
        # spinning 301 ms vs 103 ms without, on the 2-core VM under load.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(str(onnx_path), sess_options=opts,
                                       providers=["CPUExecutionProvider"])
        self._info = read_model_info(session)
        self._labels = food_labels(self._info.names)
        self._wanted = np.asarray(sorted(i for i, n in self._labels.items() if n),
                                  dtype=np.int64)
        self._session = session

    def detect_sync(self, image: Image.Image) -> tuple[Detection, ...]:
        self._ensure_loaded()
        info = self._info
        assert info is not None
        tensor, lb = letterbox(image, info.input_size)
        output = self._session.run(None, {info.input_name: tensor})[0]
        cfg = self.config
        if info.end2end:
            raw = decode_end2end(output, lb, cfg.confidence)
        else:
            raw = decode_raw(output, lb, cfg.confidence, cfg.iou,
                             max_det=cfg.max_detections * 3, wanted=self._wanted)
        return self._to_detections(raw)

    def _to_detections(self, raw: RawBoxes) -> tuple[Detection, ...]:
        found: list[Detection] = []
        order = np.argsort(-raw.scores, kind="stable")
        for i in order:
            label = self._labels.get(int(raw.classes[i]))
            if label is None:  # not a food (a cup, a person) or unknown to the model
                continue
            if len(found) == self.config.max_detections:
                break
            x1, y1, x2, y2 = (float(v) for v in raw.boxes[i])
            score = min(1.0, max(0.0, float(raw.scores[i])))
            found.append(Detection(label, score, BoundingBox(x1, y1, x2, y2)))
        return tuple(found)

    async def detect(self, image: SanitisedImage) -> DetectionReport:
        try:
            detections = await asyncio.to_thread(self._detect_bytes, image.data)
        except WeightsError as exc:
            log.warning("detector unavailable: %s", exc)
            return DetectionReport.unavailable(str(exc))
        except Exception as exc:  # a model failure must not fail the analysis
            log.exception("detector failed")
            return DetectionReport.unavailable(f"detector failed: {type(exc).__name__}")
        return DetectionReport(detector=self.name, detections=detections)

    def _detect_bytes(self, data: bytes) -> tuple[Detection, ...]:
        with Image.open(io.BytesIO(data)) as img:
            return self.detect_sync(img.convert("RGB"))

