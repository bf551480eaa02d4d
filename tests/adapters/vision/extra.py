"""Helpers for the tests that need the optional `vision` extra.

Tests that need the optional `vision` extra (onnxruntime, onnx; ultralytics
and torch for exporting) are skipped, with a reason naming the extra, when it
is not installed, unless PSI_REQUIRE_VISION=1 (as CI sets) turns the skip into
a failure.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from adapters.vision.class_names import COCO_NAMES

INSTALL_HINT = "pip install -e '.[vision]'"


def require(*modules: str) -> None:
    """Skip (or fail under PSI_REQUIRE_VISION=1) when an extra's module is missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing:
        return
    reason = (
        f"needs the `vision` extra ({', '.join(missing)} missing: {INSTALL_HINT}); "
        "set PSI_REQUIRE_VISION=1 to fail instead of skipping"
    )
    if os.environ.get("PSI_REQUIRE_VISION") == "1":
        pytest.fail(reason)
    pytest.skip(reason, allow_module_level=True)


def build_checkpoint(cfg: str, folder: Path, names: dict[int, str] | None = None) -> Path:
    """A YOLO checkpoint built from an ultralytics model YAML (random weights, no download)."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    from ultralytics import YOLO

    model = YOLO(cfg)
    model.model.names = names or dict(enumerate(COCO_NAMES))
    target = folder / cfg.replace(".yaml", ".pt")
    model.save(str(target))
    return target
