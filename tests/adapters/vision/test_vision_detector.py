"""The ONNX Runtime detector end to end: weights -> session -> Detections.

Two kinds of model:
- tiny hand-built ONNX graphs that output known boxes (with ultralytics'
  metadata), so coordinates, thresholds and class mapping are checked exactly;
- real YOLO26n / YOLO11n networks built by ultralytics from their YAML
  (random weights: no download), exported once per session, run on a real photo.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.vision.extra import require

require("numpy", "onnxruntime", "onnx")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from adapters.images.sanitiser import PillowImageSanitiser  # noqa: E402
from adapters.vision.class_names import COCO_NAMES  # noqa: E402
from adapters.vision.unconfigured import UnconfiguredDetector  # noqa: E402
from adapters.vision.weights import WeightsError, cached_onnx_path, resolve_onnx  # noqa: E402
from adapters.vision.yolo_onnx import DetectorConfig, OnnxYoloDetector  # noqa: E402
from domain.food.vision import BoundingBox, SanitisedImage  # noqa: E402
from tests.fixtures.images import samples  # noqa: E402

COCO = dict(enumerate(COCO_NAMES))


def constant_model(path: Path, output: np.ndarray, names: dict[int, str], end2end: bool) -> Path:
    """An ONNX graph images(1,3,640,640) -> `output`, with ultralytics-style metadata."""
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 640, 640])
    out = helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
        helper.make_node("Add", ["canned", "nothing"], ["output0"]),
    ]
    inits = [
        numpy_helper.from_array(output.astype(np.float32), "canned"),
        numpy_helper.from_array(np.zeros((), np.float32), "zero"),
    ]
    graph = helper.make_graph(nodes, "canned", [images], [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    for key, value in {
        "names": repr(names),
        "imgsz": "[640, 640]",
        "stride": "32",
        "task": "detect",
        "end2end": str(end2end),
    }.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.fixture(scope="module")
def fruits() -> SanitisedImage:
    return PillowImageSanitiser().sanitise(samples.fruits())  # 512 x 480


def detector(weights: Path, tmp: Path, **kw: object) -> OnnxYoloDetector:
    return OnnxYoloDetector(DetectorConfig(weights=weights, cache_dir=tmp / "cache", **kw))


async def test_end2end_boxes_in_image_coordinates_and_coco_foods(
    tmp_path: Path, fruits: SanitisedImage
) -> None:
    rows = np.zeros((1, 300, 6), np.float32)
    idx = {n: i for i, n in COCO.items()}
    rows[0, 0] = [100, 120, 300, 320, 0.9, idx["donut"]]
    rows[0, 1] = [400, 400, 500, 500, 0.5, idx["banana"]]
    rows[0, 2] = [10, 30, 50, 60, 0.99, idx["cup"]]  # tableware: never a food
    rows[0, 3] = [10, 30, 50, 60, 0.98, idx["person"]]
    rows[0, 4] = [200, 200, 260, 260, 0.1, idx["apple"]]  # under the threshold
    weights = constant_model(tmp_path / "canned26.onnx", rows, COCO, end2end=True)
    report = await detector(weights, tmp_path, confidence=0.25).detect(fruits)
    assert report.detector == "canned26" and report.failure is None
    assert [(d.food, d.confidence) for d in report.detections] == [
        ("doughnut", pytest.approx(0.9)),
        ("banana", pytest.approx(0.5)),
    ]
    # letterbox: gain 1.25, 20 px of padding on top
    assert report.detections[0].bbox == BoundingBox(80, 80, 240, 240)
    assert report.detections[1].bbox == BoundingBox(320, 304, 400, 384)
    assert [(d.food, d.confidence) for d in report.context] == [("cup", pytest.approx(0.99))]

    lower = await detector(weights, tmp_path, confidence=0.05).detect(fruits)
    assert {d.food for d in lower.detections} == {"doughnut", "banana", "apple"}


async def test_raw_head_with_custom_names_and_nms(tmp_path: Path, fruits: SanitisedImage) -> None:
    names = {0: "fried_rice", 1: "miso_soup"}
    cols = np.asarray(
        [
            [320, 320, 100, 100, 0.8, 0.0],
            [322, 321, 100, 100, 0.7, 0.0],  # the same rice again: suppressed
            [100, 200, 80, 60, 0.0, 0.6],
        ],
        np.float32,
    ).T[None]
    weights = constant_model(tmp_path / "custom.onnx", cols, names, end2end=False)
    report = await detector(weights, tmp_path).detect(fruits)
    assert [d.food for d in report.detections] == ["fried rice", "miso soup"]
    assert report.detections[0].bbox == BoundingBox(216, 200, 296, 280)


async def test_broken_weights_report_unavailable_without_raising(
    tmp_path: Path, fruits: SanitisedImage
) -> None:
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a model")
    broken = detector(bad, tmp_path)
    report = await broken.detect(fruits)
    assert report.detector is None and report.detections == ()
    assert report.failure and report.failure.startswith("model does not load: ")
    assert (await broken.detect(fruits)).failure == report.failure  # remembered, not retried

    missing = await detector(tmp_path / "absent.onnx", tmp_path).detect(fruits)
    assert missing.detector is None and "not found" in (missing.failure or "")

    wrong = tmp_path / "weights.bin"
    wrong.write_bytes(b"x")
    with pytest.raises(WeightsError, match=r"\.pt or \.onnx"):
        resolve_onnx(wrong, tmp_path)


async def test_the_detector_turned_off_says_so(fruits: SanitisedImage) -> None:
    none = UnconfiguredDetector()
    assert none.name is None
    report = await none.detect(fruits)
    assert report.detector is None and "PSI_DETECTOR=off" in (report.failure or "")
    assert report.detections == () and report.context == ()


@pytest.mark.parametrize("checkpoint", ["yolo26_pt", "yolo11_pt"])
async def test_real_yolo_model_exported_once_runs_on_a_real_photo(
    checkpoint: str, request: pytest.FixtureRequest, tmp_path: Path, fruits: SanitisedImage
) -> None:
    pt: Path = request.getfixturevalue(checkpoint)
    cache = tmp_path / "cache"
    onnx_path = resolve_onnx(pt, cache)
    assert onnx_path == cached_onnx_path(pt, cache, 640) and onnx_path.is_file()
    stamp = onnx_path.stat().st_mtime_ns
    assert resolve_onnx(pt, cache) == onnx_path  # cached: not exported again
    assert onnx_path.stat().st_mtime_ns == stamp

    # random weights score every class near zero: threshold 0 lets them through
    det = OnnxYoloDetector(
        DetectorConfig(weights=pt, cache_dir=cache, confidence=0.0, max_detections=50)
    )
    report = await det.detect(fruits)
    assert report.failure is None and report.detector == pt.stem
    assert det.info.names == COCO and det.info.input_size == (640, 640)
    assert det.info.end2end is (checkpoint == "yolo26_pt")
    assert 0 < len(report.detections) <= 50
    food_names = {
        "banana",
        "apple",
        "sandwich",
        "orange",
        "broccoli",
        "carrot",
        "hot dog",
        "pizza",
        "doughnut",
        "cake",
    }
    for d in report.detections:
        assert d.food in food_names
        assert d.bbox.lies_within(fruits.width, fruits.height)
        assert d.bbox.x2 - d.bbox.x1 >= 1 and d.bbox.y2 - d.bbox.y1 >= 1


def test_pt_without_export_is_refused_when_export_is_off(yolo26_pt: Path, tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="psi models export"):
        resolve_onnx(yolo26_pt, tmp_path / "empty-cache", export_missing=False)
    assert not (tmp_path / "empty-cache").exists()
