"""`FoodDetector` on an ultralytics YOLO model exported to ONNX, run by ONNX Runtime."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from adapters.vision.class_names import context_labels, food_labels
from adapters.vision.onnx_detector import Found, OnnxDetector, open_session, to_detections
from adapters.vision.weights import WeightsError, resolve_onnx
from adapters.vision.yolo_decode import decode_end2end, decode_raw, letterbox
from domain.food.vision import Detection


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
    family: str = "yolo"


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


class OnnxYoloDetector(OnnxDetector):
    """Loads the session on first use (exporting a `.pt` once), then runs in a thread."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.config = config
        self._session: Any = None
        self._info: ModelInfo | None = None
        self._labels: dict[int, str | None] = {}
        self._context: dict[int, str | None] = {}
        self._wanted: np.ndarray = np.zeros(0, dtype=np.int64)
        self._wanted_context: np.ndarray = np.zeros(0, dtype=np.int64)

    @property
    def name(self) -> str:
        return self.config.weights.stem

    @property
    def info(self) -> ModelInfo:
        self._ensure_loaded()
        assert self._info is not None
        return self._info

    def _input_size(self) -> tuple[int, int]:
        return self.info.input_size

    def _load(self) -> None:
        onnx_path = resolve_onnx(self.config.weights, self.config.cache_dir, self.config.imgsz)
        session = open_session(onnx_path, self.config.threads)
        self._info = read_model_info(session)
        self._labels = food_labels(self._info.names)
        self._context = context_labels(self._info.names)
        self._wanted = np.asarray(sorted(i for i, n in self._labels.items() if n), dtype=np.int64)
        self._wanted_context = np.asarray(
            sorted(i for i, n in self._context.items() if n), dtype=np.int64
        )
        self._session = session

    def detect_sync(self, image: Image.Image) -> tuple[Detection, ...]:
        """The foods in a decoded image (what the latency bench times)."""
        return self.find(image).foods

    def find(self, image: Image.Image) -> Found:
        self._ensure_loaded()
        info = self._info
        assert info is not None
        tensor, lb = letterbox(image, info.input_size)
        output = self._session.run(None, {info.input_name: tensor})[0]
        cfg = self.config
        if info.end2end:
            raw = decode_end2end(output, lb, cfg.confidence)
            return Found(
                to_detections(raw, self._labels, cfg.max_detections),
                to_detections(raw, self._context, cfg.max_detections),
            )
        raw = decode_raw(
            output, lb, cfg.confidence, cfg.iou, max_det=cfg.max_detections * 3, wanted=self._wanted
        )
        context: tuple[Detection, ...] = ()
        if self._wanted_context.size:  # a separate pass: a bowl must not hide its pizza
            around = decode_raw(
                output,
                lb,
                cfg.confidence,
                cfg.iou,
                max_det=cfg.max_detections,
                wanted=self._wanted_context,
            )
            context = to_detections(around, self._context, cfg.max_detections)
        return Found(to_detections(raw, self._labels, cfg.max_detections), context)
