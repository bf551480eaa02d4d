"""Session fixtures of the vision adapter tests: YOLO checkpoints built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.vision.extra import build_checkpoint, require


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("yolo")


@pytest.fixture(scope="session")
def yolo26_pt(model_dir: Path) -> Path:
    require("ultralytics", "torch", "onnxruntime", "onnx")
    return build_checkpoint("yolo26n.yaml", model_dir)


@pytest.fixture(scope="session")
def yolo11_pt(model_dir: Path) -> Path:
    require("ultralytics", "torch", "onnxruntime", "onnx")
    return build_checkpoint("yolo11n.yaml", model_dir)
