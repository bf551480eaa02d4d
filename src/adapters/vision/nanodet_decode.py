"""NanoDet (GFL head) pre- and post-processing in numpy.

The shipped model is NanoDet-g-416 (COCO-80), converted from TensorFlow.js
(`scripts/convert_nanodet.py`). What its graph expects and answers, measured:

- input ``(1, 3, 416, 416)`` float32, NCHW, **BGR**, each channel
  ``(x - mean) / std`` with mean ``(103.53, 116.28, 123.675)`` and std
  ``(57.375, 57.12, 58.395)``; the photo is resized keeping its aspect ratio and
  centred, the margins left at 0 (the mean colour after normalisation);
- six outputs, two per stride 8 / 16 / 32 (grids 52 / 26 / 13, cells row-major),
  in no fixed order, told apart by shape: class scores ``(1, N, 80)``, already
  sigmoid; box logits ``(1, N, 44)``: 4 sides (left, top, right, bottom) x 11 bins;
- a side's distance is the expectation of the softmax over its bins against
  0..10, times the stride, measured from the cell centre ``((col + 0.5) s, (row + 0.5) s)``.

A cell proposes its best food and its best container (a box may be both a bowl
and the oranges in it); non-maximum suppression is per class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from adapters.vision.yolo_decode import Letterbox, RawBoxes, nms

INPUT_SIZE = 416
STRIDES = (8, 16, 32)
BINS = 11  # distances 0..10 strides
NUM_CLASSES = 80
MEAN_BGR = np.array([103.53, 116.28, 123.675], dtype=np.float32)
STD_BGR = np.array([57.375, 57.12, 58.395], dtype=np.float32)
# (x - mean) / std as x * scale + shift, in RGB order to apply before flipping to BGR
_SCALE_RGB = (1.0 / STD_BGR)[::-1].copy()
_SHIFT_RGB = (-MEAN_BGR / STD_BGR)[::-1].copy()


def prepare(image: Image.Image, size: int = INPUT_SIZE) -> tuple[np.ndarray, Letterbox]:
    """An image -> the model's (1, 3, size, size) BGR tensor and how it was placed."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    w, h = rgb.size
    gain = min(size / w, size / h)
    new_w, new_h = max(1, round(w * gain)), max(1, round(h * gain))
    if (new_w, new_h) != (w, h):
        rgb = rgb.resize((new_w, new_h), Image.Resampling.BILINEAR)
    left, top = (size - new_w) // 2, (size - new_h) // 2
    pixels = np.asarray(rgb, dtype=np.float32) * _SCALE_RGB + _SHIFT_RGB  # (h, w, RGB)
    tensor = np.zeros((1, 3, size, size), dtype=np.float32)
    tensor[0, :, top : top + new_h, left : left + new_w] = pixels.transpose(2, 0, 1)[::-1]
    return tensor, Letterbox(gain, float(left), float(top), w, h)


@dataclass(frozen=True, slots=True)
class Level:
    """One stride's outputs: scores (N, classes) and box logits (N, 4 * BINS)."""

    stride: int
    grid: int
    scores: np.ndarray
    logits: np.ndarray


def split_outputs(outputs: Sequence[np.ndarray], size: int = INPUT_SIZE) -> list[Level]:
    """Pair the six outputs per stride by their shapes (their order is not fixed)."""
    by_cells: dict[int, dict[str, np.ndarray]] = {}
    for out in outputs:
        arr = np.asarray(out)
        if arr.ndim == 3:
            arr = arr[0]
        if arr.ndim != 2:
            raise ValueError(f"unexpected NanoDet output shape {np.shape(out)}")
        kind = "logits" if arr.shape[1] == 4 * BINS else "scores"
        by_cells.setdefault(arr.shape[0], {})[kind] = arr
    levels = []
    for stride in STRIDES:
        grid = -(-size // stride)
        pair = by_cells.get(grid * grid, {})
        if "scores" not in pair or "logits" not in pair:
            raise ValueError(f"NanoDet outputs lack stride {stride} ({grid}x{grid} cells)")
        levels.append(Level(stride, grid, pair["scores"], pair["logits"]))
    return levels


def distances(logits: np.ndarray, stride: int) -> np.ndarray:
    """(n, 44) bin logits -> (n, 4) distances in input pixels (left, top, right, bottom)."""
    z = logits.reshape(-1, 4, BINS).astype(np.float32)
    z = np.exp(z - z.max(axis=2, keepdims=True))
    expected = (z @ np.arange(BINS, dtype=np.float32)) / z.sum(axis=2)
    return expected * stride


def cell_centres(cells: np.ndarray, grid: int, stride: int) -> np.ndarray:
    """Cell indices (row-major) -> (n, 2) centres x, y in input pixels."""
    row, col = np.divmod(cells, grid)
    return np.stack([(col + 0.5) * stride, (row + 0.5) * stride], axis=1).astype(np.float32)


def _pairs(
    scores: np.ndarray, conf: float, groups: Sequence[np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """(cell, class) pairs kept: every pair >= conf, or each cell's best class of each group."""
    if groups is None:
        cells_kept, classes_kept = np.nonzero(scores >= conf)
        return cells_kept, classes_kept
    cells, classes = [], []
    for group in groups:
        if group.size == 0:
            continue
        sub = scores[:, group]
        best = sub.argmax(axis=1)
        keep = np.nonzero(sub[np.arange(len(best)), best] >= conf)[0]
        cells.append(keep)
        classes.append(group[best[keep]])
    if not cells:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(cells), np.concatenate(classes)


def candidates(
    levels: Sequence[Level],
    conf: float,
    groups: Sequence[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes (input pixels), scores and classes of the (cell, class) pairs scoring >= `conf`.

    `groups`: class-index arrays (foods, containers); a cell then proposes only its
    best class of each group (a bowl of oranges is one bowl and one orange, not
    also a doughnut). None: every pair, as NanoDet's own multi-class NMS takes them.
    """
    boxes, scores, classes = [], [], []
    for level in levels:
        cells, cls = _pairs(level.scores, conf, groups)
        if cells.size == 0:
            continue
        unique, inverse = np.unique(cells, return_inverse=True)  # decode each cell once
        centre = cell_centres(unique, level.grid, level.stride)
        dist = distances(level.logits[unique], level.stride)
        xyxy = np.concatenate([centre - dist[:, :2], centre + dist[:, 2:]], axis=1)
        boxes.append(xyxy[inverse])
        scores.append(level.scores[cells, cls].astype(np.float32))
        classes.append(cls.astype(np.int64))
    if not boxes:
        return (np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64))
    return np.concatenate(boxes), np.concatenate(scores), np.concatenate(classes)


def decode(
    outputs: Sequence[np.ndarray],
    lb: Letterbox,
    conf: float,
    iou: float,
    max_det: int = 100,
    groups: Sequence[np.ndarray] | None = None,
    same_object_iou: float = 0.7,
    max_candidates: int = 1000,
    size: int = INPUT_SIZE,
) -> RawBoxes:
    """Raw outputs -> boxes in original-image pixels, best first.

    NMS is per class (`iou`); then, within a group, a box overlapping a better one
    of another class by `same_object_iou` or more is the same object labelled
    twice (an orange also called an apple by a neighbouring cell): dropped.
    """
    boxes, scores, classes = candidates(split_outputs(outputs, size), conf, groups)
    if len(scores) > max_candidates:
        top = np.argpartition(-scores, max_candidates)[:max_candidates]
        boxes, scores, classes = boxes[top], scores[top], classes[top]
    kept = nms(boxes, scores, classes, iou)
    boxes, scores, classes = boxes[kept], scores[kept], classes[kept]
    if groups is not None and same_object_iou < 1.0:
        group_of = np.full(len(classes), -1, dtype=np.int64)
        for g, members in enumerate(groups):
            group_of[np.isin(classes, members)] = g
        kept = nms(boxes, scores, group_of, same_object_iou)
        boxes, scores, classes = boxes[kept], scores[kept], classes[kept]
    boxes, scores, classes = boxes[:max_det], scores[:max_det], classes[:max_det]
    out = boxes.copy()
    out[:, [0, 2]] = ((out[:, [0, 2]] - lb.pad_x) / lb.gain).clip(0, lb.width)
    out[:, [1, 3]] = ((out[:, [1, 3]] - lb.pad_y) / lb.gain).clip(0, lb.height)
    visible = (out[:, 2] - out[:, 0] >= 1.0) & (out[:, 3] - out[:, 1] >= 1.0)
    return RawBoxes(out[visible], scores[visible], classes[visible])
