"""`FoodDetector` on NanoDet (COCO-80) through ONNX Runtime: the detector Psi ships.

`SHIPPED_MODEL` is NanoDet-g-416 converted by `scripts/convert_nanodet.py`
(licence and attribution in `models/NOTICE`). Pre- and post-processing live
in `nanodet_decode`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from adapters.vision import nanodet_decode
from adapters.vision.class_names import COCO_NAMES, context_labels, food_labels
from adapters.vision.onnx_detector import Found, OnnxDetector, open_session, to_detections
from adapters.vision.weights import WeightsError
from adapters.vision.yolo_onnx import ModelInfo

SHIPPED_MODEL = Path(__file__).parent / "models" / "nanodet-g-416.onnx"


def is_nanodet(path: Path) -> bool:
    """Whether an ONNX file says it is NanoDet (`scripts/convert_nanodet.py` writes it)."""
    if path.suffix.lower() != ".onnx" or not path.is_file():
        return False
    try:
        import onnxruntime as ort

        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception:  # not loadable: whichever family runs it says why
        return False
    return session.get_modelmeta().custom_metadata_map.get("family") == "nanodet"


@dataclass(frozen=True, slots=True)
class NanoDetConfig:
    """Thresholds: see docs/models.md (bench/eval_detector.py) for why these values.

    - `confidence`: a food or container is reported from this score up. NanoDet's
      scores are IoU-aware (a well-boxed fruit scores ~0.4-0.6, not 0.9).
    - `iou`: per-class NMS overlap above which the weaker box is dropped.
    """

    weights: Path = SHIPPED_MODEL
    confidence: float = 0.35
    iou: float = 0.6
    max_detections: int = 100
    threads: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence threshold must be in [0, 1], got {self.confidence}")
        if not 0.0 < self.iou <= 1.0:
            raise ValueError(f"iou threshold must be in (0, 1], got {self.iou}")


class OnnxNanoDetDetector(OnnxDetector):
    def __init__(self, config: NanoDetConfig | None = None) -> None:
        super().__init__()
        self.config = config or NanoDetConfig()
        self._session: Any = None
        self._input_name = ""
        self._size = nanodet_decode.INPUT_SIZE
        self._names: dict[int, str] = dict(enumerate(COCO_NAMES))
        self._labels: dict[int, str | None] = {}
        self._context: dict[int, str | None] = {}
        self._groups: tuple[np.ndarray, ...] = ()

    @property
    def name(self) -> str:
        return self.config.weights.stem

    @property
    def names(self) -> dict[int, str]:
        self._ensure_loaded()
        return self._names

    @property
    def info(self) -> ModelInfo:
        self._ensure_loaded()
        return ModelInfo(
            self._input_name, (self._size, self._size), self._names, end2end=False, family="nanodet"
        )

    def _input_size(self) -> tuple[int, int]:
        return self._size, self._size

    def _load(self) -> None:
        path = self.config.weights
        if not path.is_file():
            raise WeightsError(f"weights file not found: {path}")
        session = open_session(path, self.config.threads)
        meta = session.get_modelmeta().custom_metadata_map
        if meta.get("family") != "nanodet":
            raise WeightsError(
                f"{path.name} is not a NanoDet model (no family=nanodet "
                "metadata; convert it with scripts/convert_nanodet.py)"
            )
        inp = session.get_inputs()[0]
        shape = inp.shape
        if len(shape) != 4 or shape[2] != shape[3] or not isinstance(shape[2], int):
            raise WeightsError(f"NanoDet input should be (1, 3, S, S), got {shape}")
        if "names" in meta:  # a dict literal; literal_eval runs no code
            self._names = {int(k): str(v) for k, v in ast.literal_eval(meta["names"]).items()}
        self._size = int(shape[2])
        self._input_name = inp.name
        self._labels = food_labels(self._names)
        self._context = context_labels(self._names)
        self._groups = tuple(
            np.asarray(sorted(i for i, n in labels.items() if n), dtype=np.int64)
            for labels in (self._labels, self._context)
        )
        self._session = session

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        """The raw outputs for a prepared tensor."""
        self._ensure_loaded()
        return self._session.run(None, {self._input_name: tensor})

    def find(self, image: Image.Image) -> Found:
        self._ensure_loaded()
        cfg = self.config
        tensor, lb = nanodet_decode.prepare(image, self._size)
        raw = nanodet_decode.decode(
            self.run(tensor),
            lb,
            cfg.confidence,
            cfg.iou,
            max_det=cfg.max_detections * 2,
            groups=self._groups,
            size=self._size,
        )
        return Found(
            to_detections(raw, self._labels, cfg.max_detections),
            to_detections(raw, self._context, cfg.max_detections),
        )
