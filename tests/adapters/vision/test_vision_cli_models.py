"""`psi models export | validate | classes` on a real exported YOLO model."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.cli import main
from tests.adapters.vision.extra import require
from tests.fixtures.images import samples


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in (
        "PSI_YOLO_WEIGHTS",
        "PSI_YOLO_CACHE_DIR",
        "PSI_UPLOAD_DIR",
        "PSI_DETECTOR",
        "PSI_NANODET_WEIGHTS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PSI_VAR_DIR", str(tmp_path / "var"))
    return tmp_path / "var" / "models"


def test_export_validate_and_classes(
    env: Path, yolo26_pt: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["models", "export", str(yolo26_pt)]) == 0
    exported = list(env.glob("yolo26n-*-640.onnx"))
    assert len(exported) == 1
    assert main(["models", "export", str(yolo26_pt)]) == 0
    assert "already exported" in capsys.readouterr().out

    monkeypatch.setenv("PSI_YOLO_WEIGHTS", str(yolo26_pt))  # the default WEIGHTS
    assert main(["models", "validate", "--image", str(samples.FRUITS)]) == 0
    out = capsys.readouterr().out
    assert "head:       end-to-end (no NMS)" in out
    assert "80 (COCO, 10 reported as food)" in out
    assert "image:      512x480" in out and out.rstrip().endswith("ok")

    assert main(["models", "classes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 80
    assert any("donut" in line and line.endswith("-> doughnut") for line in lines)
    assert any("person" in line and "(ignored" in line for line in lines)


def test_validate_of_raw_onnx_with_nms(
    env: Path, yolo11_pt: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    onnx_file = tmp_path / "yolo11n.onnx"
    assert main(["models", "export", str(yolo11_pt), "--out", str(onnx_file)]) == 0
    assert onnx_file.is_file()
    assert main(["models", "validate", str(onnx_file)]) == 0
    assert "head:       raw (NMS in numpy)" in capsys.readouterr().out


def test_unexported_pt_is_refused_unless_asked(
    env: Path, yolo11_pt: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "validate", str(yolo11_pt)]) == 1
    assert "psi models export" in capsys.readouterr().err
    assert main(["models", "validate", str(yolo11_pt), "--export"]) == 0


def test_the_shipped_nanodet_is_the_default(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["models", "validate", "--image", str(samples.FRUITS)]) == 0
    out = capsys.readouterr().out
    assert "nanodet-g-416.onnx" in out and "input_1:0 416x416" in out and "NanoDet" in out
    assert "\n  orange " in out and "(bowl: context)" in out
    assert main(["models", "classes"]) == 0
    out = capsys.readouterr().out
    assert "  54  donut                    -> doughnut" in out
    assert "  45  bowl                     -> (context: tableware, never a food)" in out
    assert "   0  person                   -> (ignored: not a food)" in out
    monkeypatch.setenv("PSI_DETECTOR", "off")
    assert main(["models", "classes"]) == 1
    assert "PSI_DETECTOR=off" in capsys.readouterr().err


def test_missing_weights_are_a_clear_error(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require("numpy", "onnxruntime")
    monkeypatch.setenv("PSI_DETECTOR", "yolo")
    assert main(["models", "classes"]) == 1
    assert "PSI_YOLO_WEIGHTS is not set" in capsys.readouterr().err
    assert main(["models", "validate", str(tmp_path / "absent.onnx")]) == 1
    assert "weights file not found" in capsys.readouterr().err
    bad = tmp_path / "garbage.onnx"
    bad.write_bytes(b"\x00" * 64)
    assert main(["models", "validate", str(bad)]) == 1
    assert "does not load" in capsys.readouterr().err
