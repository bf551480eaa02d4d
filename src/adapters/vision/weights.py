"""Detector weights: a `.onnx` file is used as it is; a `.pt` checkpoint is
exported to ONNX once with ultralytics and the result cached under a cache dir
(keyed by the checkpoint's content, so replacing the file re-exports).

ultralytics (and torch) are needed only for the export, never for inference.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


class WeightsError(Exception):
    """The weights cannot be used; the message says why (shown in `psi models`)."""


def content_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def cached_onnx_path(pt: Path, cache_dir: Path, imgsz: int) -> Path:
    return cache_dir / f"{pt.stem}-{content_digest(pt)}-{imgsz}.onnx"


def resolve_onnx(
    weights: Path, cache_dir: Path, imgsz: int = 640, *, export_missing: bool = True
) -> Path:
    """The ONNX file to run for `weights`, exporting a `.pt` on first use."""
    if not weights.is_file():
        raise WeightsError(f"weights file not found: {weights}")
    suffix = weights.suffix.lower()
    if suffix == ".onnx":
        return weights
    if suffix != ".pt":
        raise WeightsError(f"weights must be a .pt or .onnx file, got {weights.name}")
    target = cached_onnx_path(weights, cache_dir, imgsz)
    if target.is_file():
        return target
    if not export_missing:
        raise WeightsError(
            f"{weights.name} has not been exported to ONNX yet (run `psi models export {weights}`)"
        )
    return export_to_onnx(weights, target, imgsz)


def export_to_onnx(pt: Path, target: Path, imgsz: int = 640) -> Path:
    """Export a checkpoint with ultralytics into `target` (atomically)."""
    os.environ.setdefault("YOLO_OFFLINE", "1")  # no DNS probes or telemetry from ultralytics
    os.environ.setdefault("YOLO_AUTOINSTALL", "false")  # never pip-install at run time
    try:
        from ultralytics import YOLO
    except ImportError as exc:
        raise WeightsError(
            "exporting .pt weights needs the `vision` extra "
            "(ultralytics and torch); or configure a .onnx file"
        ) from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp) / pt.name
        shutil.copyfile(pt, work)  # ultralytics writes the .onnx beside its input
        try:
            model = YOLO(str(work))
            head = model.model.model[-1] if hasattr(model.model, "model") else None
            # A YOLO26 head has a one-to-one branch: nms=False exports it end to end
            # (no NMS needed); older heads export their raw output.
            nms_free = getattr(head, "one2one_cv2", None) is not None
            exported = model.export(
                format="onnx",
                imgsz=imgsz,
                dynamic=False,
                simplify=False,
                nms=False if nms_free else None,
                verbose=False,
            )
        except Exception as exc:
            raise WeightsError(f"export of {pt.name} failed: {exc}") from exc
        os.replace(exported, target)
    return target
