"""YOLO pre- and post-processing in numpy (no torch, no OpenCV at inference time).

- `letterbox`: resize keeping the aspect ratio, pad with grey (114) to the
  model's square input, as ultralytics does.
- `decode_end2end`: YOLO26 (NMS-free head), output ``(1, max_det, 6)`` rows of
  ``x1, y1, x2, y2, score, class``.
- `decode_raw`: YOLOv8/11 (and YOLO26 exported without its one-to-one head),
  output ``(1, 4 + nc, anchors)``: ``cx, cy, w, h`` and one score per class;
  needs non-maximum suppression, done here per class.
Boxes come back in pixels of the original image, clipped to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

PAD_VALUE = 114


@dataclass(frozen=True, slots=True)
class Letterbox:
    """How an image was fitted into the model input, to map boxes back."""

    gain: float
    pad_x: float
    pad_y: float
    width: int  # original image
    height: int


@dataclass(frozen=True, slots=True)
class RawBoxes:
    boxes: np.ndarray  # (n, 4) float32 x1 y1 x2 y2, original image pixels
    scores: np.ndarray  # (n,)
    classes: np.ndarray  # (n,) int


def letterbox(image: Image.Image, size: tuple[int, int]) -> tuple[np.ndarray, Letterbox]:
    """An RGB image -> a (1, 3, H, W) float32 tensor in [0, 1] and how it was placed."""
    in_h, in_w = size
    w, h = image.size
    gain = min(in_w / w, in_h / h)
    new_w, new_h = round(w * gain), round(h * gain)
    pad_x, pad_y = (in_w - new_w) / 2, (in_h - new_h) / 2
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    resized = (
        rgb.resize((new_w, new_h), Image.Resampling.BILINEAR) if (new_w, new_h) != (w, h) else rgb
    )
    canvas = np.full((in_h, in_w, 3), PAD_VALUE, dtype=np.uint8)
    top, left = round(pad_y - 0.1), round(pad_x - 0.1)
    canvas[top : top + new_h, left : left + new_w] = np.asarray(resized, dtype=np.uint8)
    tensor = canvas.transpose(2, 0, 1)[None].astype(np.float32) / 255.0
    return np.ascontiguousarray(tensor), Letterbox(gain, left, top, w, h)


def _to_image(boxes: np.ndarray, lb: Letterbox) -> np.ndarray:
    out = boxes.astype(np.float32, copy=True)
    out[:, [0, 2]] = (out[:, [0, 2]] - lb.pad_x) / lb.gain
    out[:, [1, 3]] = (out[:, [1, 3]] - lb.pad_y) / lb.gain
    out[:, [0, 2]] = out[:, [0, 2]].clip(0, lb.width)
    out[:, [1, 3]] = out[:, [1, 3]].clip(0, lb.height)
    return out


def _keep_visible(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray) -> RawBoxes:
    """Drop boxes that clipping squashed to nothing (they lay outside the photo)."""
    visible = (boxes[:, 2] - boxes[:, 0] >= 1.0) & (boxes[:, 3] - boxes[:, 1] >= 1.0)
    return RawBoxes(boxes[visible], scores[visible], classes[visible])


def decode_end2end(output: np.ndarray, lb: Letterbox, conf: float) -> RawBoxes:
    rows = np.asarray(output, dtype=np.float32).reshape(-1, output.shape[-1])
    if rows.shape[1] < 6:
        raise ValueError(f"end-to-end output needs 6 values per row, got {rows.shape[1]}")
    rows = rows[rows[:, 4] >= conf]
    return _keep_visible(_to_image(rows[:, :4], lb), rows[:, 4], rows[:, 5].astype(np.int64))


def decode_raw(
    output: np.ndarray,
    lb: Letterbox,
    conf: float,
    iou: float,
    max_det: int = 300,
    max_candidates: int = 3000,
    wanted: np.ndarray | None = None,
) -> RawBoxes:
    """`wanted`: class indices worth reporting; a box's class is the best among
    them (a COCO box that is 0.8 "bowl" and 0.5 "pizza" is a pizza to us)."""
    pred = np.asarray(output, dtype=np.float32)
    if pred.ndim == 3:
        pred = pred[0]
    if pred.shape[0] < 5:
        raise ValueError(f"raw output needs 4 box rows and class rows, got {pred.shape}")
    pred = pred.T  # (anchors, 4 + nc)
    class_scores = pred[:, 4:]
    if wanted is not None:
        masked = np.full_like(class_scores, -np.inf)
        masked[:, wanted] = class_scores[:, wanted]
        class_scores = masked
    classes = class_scores.argmax(axis=1)
    scores = class_scores[np.arange(len(classes)), classes]
    keep = scores >= conf
    pred, scores, classes = pred[keep], scores[keep], classes[keep]
    if len(scores) > max_candidates:
        top = np.argpartition(-scores, max_candidates)[:max_candidates]
        pred, scores, classes = pred[top], scores[top], classes[top]
    cx, cy, w, h = pred[:, 0], pred[:, 1], pred[:, 2], pred[:, 3]
    xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    kept = nms(xyxy, scores, classes, iou)[:max_det]
    return _keep_visible(_to_image(xyxy[kept], lb), scores[kept], classes[kept].astype(np.int64))


def nms(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, iou: float) -> np.ndarray:
    """Indices kept by per-class greedy non-maximum suppression, best score first.

    Boxes of different classes never suppress each other: each class is moved
    to its own region of the plane (the usual offset trick).
    """
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    offset = classes.astype(np.float32)[:, None] * (float(np.abs(boxes).max()) + 1.0) * 2.0
    b = boxes + offset
    areas = (b[:, 2] - b[:, 0]).clip(0) * (b[:, 3] - b[:, 1]).clip(0)
    order = np.argsort(-scores, kind="stable")
    kept: list[int] = []
    while order.size:
        i = order[0]
        kept.append(int(i))
        rest = order[1:]
        xx1 = np.maximum(b[i, 0], b[rest, 0])
        yy1 = np.maximum(b[i, 1], b[rest, 1])
        xx2 = np.minimum(b[i, 2], b[rest, 2])
        yy2 = np.minimum(b[i, 3], b[rest, 3])
        inter = (xx2 - xx1).clip(0) * (yy2 - yy1).clip(0)
        union = areas[i] + areas[rest] - inter
        overlap = np.where(union > 0, inter / np.where(union > 0, union, 1), 0)
        order = rest[overlap <= iou]
    return np.asarray(kept, dtype=np.int64)
