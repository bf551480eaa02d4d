"""The shipped NanoDet detector: facts of its input and outputs, TensorFlow's own
answer on a real photo, and what it finds on real food and non-food photos."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from adapters.images.sanitiser import PillowImageSanitiser
from adapters.vision import nanodet_decode as nd
from adapters.vision.class_names import COCO_NAMES, COCO_TABLEWARE
from adapters.vision.nanodet_onnx import SHIPPED_MODEL, NanoDetConfig, OnnxNanoDetDetector
from adapters.vision.yolo_decode import Letterbox
from domain.food.vision import SanitisedImage
from tests.fixtures.images import samples

REFERENCE = Path(__file__).parents[2] / "fixtures" / "nanodet" / "fruits-tf-reference.npz"
COCO_INDEX = {n: i for i, n in enumerate(COCO_NAMES)}
FOODS = {
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


@pytest.fixture(scope="module")
def nanodet() -> OnnxNanoDetDetector:
    return OnnxNanoDetDetector()


def sanitised(path: Path) -> SanitisedImage:
    return PillowImageSanitiser().sanitise(path.read_bytes())


def empty_outputs(shuffle: bool = False) -> list[np.ndarray]:
    """Six outputs of the model's shapes scoring nothing, logits all equal."""
    outs = []
    for stride in nd.STRIDES:
        cells = (416 // stride) ** 2
        outs += [np.zeros((1, cells, 80), np.float32), np.zeros((1, cells, 44), np.float32)]
    return outs[::-1] if shuffle else outs


def one_hot_logits(bins: tuple[int, int, int, int]) -> np.ndarray:
    z = np.full((4, nd.BINS), -50.0, np.float32)
    for side, b in enumerate(bins):
        z[side, b] = 50.0
    return z.reshape(44)


# --------------------------------------------------------------------------- facts


def test_input_is_bgr_normalised_and_centred() -> None:
    red = Image.new("RGB", (832, 416), (255, 0, 0))  # gain 0.5 -> 416 x 208, 104 px bands
    tensor, lb = nd.prepare(red)
    assert tensor.shape == (1, 3, 416, 416) and tensor.dtype == np.float32
    assert (lb.gain, lb.pad_x, lb.pad_y, lb.width, lb.height) == (0.5, 0, 104, 832, 416)
    inside = tensor[0, :, 200, 200]
    assert inside == pytest.approx(
        [(0 - 103.53) / 57.375, (0 - 116.28) / 57.12, (255 - 123.675) / 58.395], abs=1e-5
    )  # B, G, R
    assert not tensor[0, :, :104].any() and not tensor[0, :, 312:].any()  # padding is 0
    assert tensor[0, :, 104:312].all()


def test_distances_are_the_expectation_over_bins_times_the_stride() -> None:
    assert nd.distances(one_hot_logits((0, 3, 10, 5))[None], 16)[0] == pytest.approx(
        [0, 48, 160, 80], abs=1e-3
    )
    flat = np.zeros((1, 44), np.float32)  # uniform bins: expectation 5
    assert nd.distances(flat, 8)[0] == pytest.approx([40, 40, 40, 40])
    assert nd.cell_centres(np.array([0, 27]), grid=26, stride=16).tolist() == [
        [8.0, 8.0],
        [24.0, 24.0],
    ]  # cell 27 of a 26-wide grid: row 1, col 1


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_box_decodes_from_its_cell_whatever_the_output_order(shuffle: bool) -> None:
    outs = empty_outputs()
    # stride 32, row 6, col 6: centre (208, 208); sides 2, 1, 2, 3 bins -> 64, 32, 64, 96 px
    outs[5][0, 6 * 13 + 6] = one_hot_logits((2, 1, 2, 3))
    outs[4][0, 6 * 13 + 6, COCO_INDEX["pizza"]] = 0.9
    outs[4][0, 6 * 13 + 6, COCO_INDEX["bowl"]] = 0.8  # the plate around it
    outs[4][0, 6 * 13 + 6, COCO_INDEX["cake"]] = 0.5  # the same cell's weaker food
    outs[4][0, 6 * 13 + 6, COCO_INDEX["person"]] = 0.95  # not food, not tableware
    if shuffle:
        outs = [outs[i] for i in (3, 0, 5, 2, 4, 1)]
    lb = Letterbox(gain=0.5, pad_x=0.0, pad_y=104.0, width=832, height=416)
    foods = np.array([COCO_INDEX[n] for n in ("pizza", "cake")])
    tableware = np.array([COCO_INDEX["bowl"]])
    raw = nd.decode(outs, lb, conf=0.3, iou=0.6, groups=[foods, tableware])
    got = sorted(
        zip(
            (COCO_NAMES[c] for c in raw.classes),
            raw.scores.tolist(),
            raw.boxes.tolist(),
            strict=True,
        )
    )
    box = pytest.approx(
        [(208 - 64) * 2, (208 - 32 - 104) * 2, (208 + 64) * 2, (208 + 96 - 104) * 2], abs=1e-3
    )
    assert got == [("bowl", pytest.approx(0.8), box), ("pizza", pytest.approx(0.9), box)]
    every = nd.decode(outs, lb, conf=0.3, iou=0.6)  # no groups: every (cell, class) pair
    assert sorted(COCO_NAMES[c] for c in every.classes) == ["bowl", "cake", "person", "pizza"]


def test_nms_is_per_class_and_a_relabelled_object_is_dropped() -> None:
    outs = empty_outputs()
    # stride 32, row 6: cells 84, 85, 86 are neighbours 32 px apart; 3 bins a side make
    # 192 px boxes: neighbours overlap by IoU 0.71, cells two apart by 0.5
    for cell, (food, score) in {
        84: ("orange", 0.8),
        86: ("orange", 0.7),
        85: ("apple", 0.6),
        10: ("apple", 0.5),
    }.items():
        outs[4][0, cell, COCO_INDEX[food]] = score
        outs[5][0, cell] = one_hot_logits((3, 3, 3, 3))
    lb = Letterbox(1.0, 0.0, 0.0, 416, 416)
    foods = np.array([COCO_INDEX["orange"], COCO_INDEX["apple"]])
    raw = nd.decode(outs, lb, conf=0.3, iou=0.6, groups=[foods])
    # the two oranges overlap by 0.5 < 0.6: both kept; the apple between them is the same
    # object under another label (IoU 0.71 >= 0.7): dropped; the far apple stays
    assert [COCO_NAMES[c] for c in raw.classes] == ["orange", "orange", "apple"]
    assert raw.scores.tolist() == pytest.approx([0.8, 0.7, 0.5])
    classwise = nd.decode(outs, lb, conf=0.3, iou=0.6, groups=[foods], same_object_iou=1.0)
    assert [COCO_NAMES[c] for c in classwise.classes] == ["orange", "orange", "apple", "apple"]
    tighter = nd.decode(outs, lb, conf=0.3, iou=0.4, groups=[foods])
    assert [COCO_NAMES[c] for c in tighter.classes] == ["orange", "apple"]


def test_missing_outputs_are_refused() -> None:
    with pytest.raises(ValueError, match="stride 32"):
        nd.split_outputs(empty_outputs()[:4])


# --------------------------------------------------------------------------- reference


def test_the_shipped_model_describes_itself(nanodet: OnnxNanoDetDetector) -> None:
    assert SHIPPED_MODEL.is_file() and (SHIPPED_MODEL.parent / "NOTICE").is_file()
    assert (SHIPPED_MODEL.parent / "LICENSE-Apache-2.0").is_file()
    assert nanodet.name == "nanodet-g-416"
    assert nanodet.names == dict(enumerate(COCO_NAMES))


def test_onnx_runtime_agrees_with_tensorflow_on_a_real_photo(nanodet: OnnxNanoDetDetector) -> None:
    ref = np.load(REFERENCE)
    with Image.open(samples.FRUITS) as img:
        tensor, _ = nd.prepare(img.convert("RGB"))
    np.testing.assert_allclose(tensor[0, :, ::8, ::8], ref["input_sample"], atol=1e-5)
    levels = nd.split_outputs(nanodet.run(tensor))
    for level in levels:
        cells = ref[f"cells_{level.stride}"]
        assert len(cells) > 0
        np.testing.assert_allclose(level.scores[cells], ref[f"scores_{level.stride}"], atol=1e-4)
        np.testing.assert_allclose(level.logits[cells], ref[f"logits_{level.stride}"], atol=1e-4)
        elsewhere = np.setdiff1d(np.arange(level.grid**2), cells)
        assert level.scores[elsewhere].max() < 0.05 + 1e-4  # nothing was left out


def test_decoding_matches_the_literal_reference_decoder(nanodet: OnnxNanoDetDetector) -> None:
    ref = np.load(REFERENCE)
    threshold = float(ref["candidate_threshold"])
    with Image.open(samples.FRUITS) as img:
        tensor, _ = nd.prepare(img.convert("RGB"))
    boxes, scores, classes = nd.candidates(nd.split_outputs(nanodet.run(tensor)), threshold)
    expected = ref["candidates"]
    assert len(expected) == len(scores) > 0
    ours = np.concatenate([boxes, scores[:, None], classes[:, None]], axis=1)
    ours = ours[np.lexsort((ours[:, 0], ours[:, 5]))]
    expected = expected[np.lexsort((expected[:, 0], expected[:, 5]))]
    np.testing.assert_array_equal(ours[:, 5], expected[:, 5])
    np.testing.assert_allclose(ours[:, :4], expected[:, :4], atol=1e-2)  # input pixels
    np.testing.assert_allclose(ours[:, 4], expected[:, 4], atol=1e-4)


# --------------------------------------------------------------------------- real photos


async def test_fruit_photo_gives_fruit_in_a_bowl(nanodet: OnnxNanoDetDetector) -> None:
    image = sanitised(samples.FRUITS)
    report = await nanodet.detect(image)
    assert report.failure is None and report.detector == "nanodet-g-416"
    assert "orange" in {d.food for d in report.detections}
    assert {d.food for d in report.detections} <= FOODS
    assert [d.food for d in report.context] == ["bowl"]
    for d in report.detections + report.context:
        assert d.bbox.lies_within(image.width, image.height)
        assert d.confidence >= nanodet.config.confidence


async def test_an_orange_is_an_orange(nanodet: OnnxNanoDetDetector) -> None:
    report = await nanodet.detect(sanitised(samples.ORANGE))
    assert [d.food for d in report.detections] == ["orange"]
    box = report.detections[0].bbox
    assert box.x2 - box.x1 > 300 and box.y2 - box.y1 > 300  # the fruit fills the photo


@pytest.mark.parametrize(
    "photo", [samples.ASTRONAUT, samples.CHELSEA, samples.COFFEE], ids=["portrait", "cat", "coffee"]
)
async def test_photos_without_food_give_no_food(nanodet: OnnxNanoDetDetector, photo: Path) -> None:
    report = await nanodet.detect(sanitised(photo))
    assert report.failure is None and report.detector == "nanodet-g-416"
    assert report.detections == ()
    assert {d.food for d in report.context} <= COCO_TABLEWARE


async def test_a_large_jpeg_decodes_reduced_and_boxes_come_back_full_size(
    nanodet: OnnxNanoDetDetector,
) -> None:
    small = sanitised(samples.FRUITS)
    with Image.open(samples.FRUITS) as img:
        big = img.convert("RGB").resize((img.width * 4, img.height * 4), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    big.save(out, format="JPEG", quality=92)
    large = PillowImageSanitiser().sanitise(out.getvalue())
    a, b = await nanodet.detect(small), await nanodet.detect(large)
    best_small = a.context[0].bbox
    best_large = b.context[0].bbox
    assert b.context[0].food == "bowl"
    assert best_large.lies_within(large.width, large.height)
    scaled = [v * 4 for v in best_small.as_list()]
    assert best_large.as_list() == pytest.approx(scaled, abs=0.05 * large.width)


def test_preload_opens_the_model_before_the_first_photo() -> None:
    detector = OnnxNanoDetDetector()
    assert not detector.ready
    detector.preload()
    deadline = time.monotonic() + 60
    while not detector.ready:
        assert time.monotonic() < deadline, "the model never opened"
        time.sleep(0.05)
    assert detector.names == dict(enumerate(COCO_NAMES))


async def test_weights_that_are_not_nanodet_are_reported(tmp_path: Path) -> None:
    other = tmp_path / "other.onnx"
    other.write_bytes(b"not a model")
    broken = await OnnxNanoDetDetector(NanoDetConfig(weights=other)).detect(
        sanitised(samples.CHELSEA)
    )
    assert broken.detector is None and (broken.failure or "").startswith("model does not load")
    missing = await OnnxNanoDetDetector(NanoDetConfig(weights=tmp_path / "no.onnx")).detect(
        sanitised(samples.CHELSEA)
    )
    assert missing.detector is None and "not found" in (missing.failure or "")
