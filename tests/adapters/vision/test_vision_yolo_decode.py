"""Letterbox and YOLO output decoding in numpy, checked against hand-computed boxes."""

from __future__ import annotations

import pytest

from tests.adapters.vision.extra import require

require("numpy")

import numpy as np  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PIL import Image  # noqa: E402

from adapters.vision.yolo_decode import (  # noqa: E402
    PAD_VALUE,
    Letterbox,
    decode_end2end,
    decode_raw,
    letterbox,
    nms,
)


def test_letterbox_keeps_aspect_and_pads_evenly() -> None:
    img = Image.new("RGB", (512, 480), (255, 0, 0))
    tensor, lb = letterbox(img, (640, 640))
    assert tensor.shape == (1, 3, 640, 640) and tensor.dtype == np.float32
    assert lb == Letterbox(gain=1.25, pad_x=0, pad_y=20, width=512, height=480)
    assert tensor[0, :, :20, :].max() == pytest.approx(PAD_VALUE / 255)  # grey band on top
    assert tensor[0, :, 620:, :].min() == pytest.approx(PAD_VALUE / 255)  # and at the bottom
    assert tensor[0, 0, 20:620, :].min() == pytest.approx(1.0)  # red channel of the photo
    assert tensor[0, 1, 20:620, :].max() == pytest.approx(0.0)


def test_end2end_rows_map_back_to_image_pixels() -> None:
    lb = Letterbox(gain=1.25, pad_x=0, pad_y=20, width=512, height=480)
    out = np.zeros((1, 300, 6), dtype=np.float32)
    out[0, 0] = [100, 120, 300, 320, 0.9, 3]
    out[0, 1] = [-50, 600, 700, 700, 0.8, 1]  # reaches beyond the photo: clipped
    out[0, 2] = [0, 0, 640, 15, 0.95, 2]  # lies in the padding only: dropped
    out[0, 3] = [10, 30, 50, 60, 0.2, 4]  # under the threshold
    raw = decode_end2end(out, lb, conf=0.25)
    np.testing.assert_allclose(raw.boxes, [[80, 80, 240, 240], [0, 464, 512, 480]])
    np.testing.assert_allclose(raw.scores, [0.9, 0.8])
    assert raw.classes.tolist() == [3, 1]


def raw_output(rows: list[tuple[float, float, float, float, list[float]]]) -> np.ndarray:
    """(1, 4 + nc, n) like YOLOv8/11: centre, size and one score per class."""
    cols = [[cx, cy, w, h, *scores] for cx, cy, w, h, scores in rows]
    return np.asarray(cols, dtype=np.float32).T[None]


def test_raw_output_is_suppressed_per_class() -> None:
    lb = Letterbox(gain=1.0, pad_x=0, pad_y=0, width=640, height=640)
    out = raw_output(
        [
            (100, 100, 50, 50, [0.9, 0.0]),
            (102, 101, 50, 50, [0.8, 0.0]),  # same class, overlaps the first: suppressed
            (101, 100, 50, 50, [0.0, 0.7]),  # other class, same place: kept
            (400, 400, 40, 40, [0.6, 0.1]),
            (300, 300, 40, 40, [0.1, 0.2]),  # under the threshold
        ]
    )
    raw = decode_raw(out, lb, conf=0.25, iou=0.5)
    assert raw.scores.tolist() == pytest.approx([0.9, 0.7, 0.6])
    assert raw.classes.tolist() == [0, 1, 0]
    np.testing.assert_allclose(raw.boxes[0], [75, 75, 125, 125])


def test_raw_output_respects_max_det() -> None:
    lb = Letterbox(gain=1.0, pad_x=0, pad_y=0, width=640, height=640)
    out = raw_output([(20 * i + 10, 10, 8, 8, [0.5 + i / 100]) for i in range(30)])
    assert len(decode_raw(out, lb, conf=0.1, iou=0.5, max_det=7).scores) == 7


boxes_strategy = st.lists(
    st.tuples(
        st.floats(0, 600),
        st.floats(0, 600),
        st.floats(1, 120),
        st.floats(1, 120),
        st.floats(0.01, 1),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(boxes_strategy, st.sampled_from([0.3, 0.5, 0.7]))
def test_nms_agrees_with_torchvision(rows: list[tuple[float, ...]], iou: float) -> None:
    require("torch", "torchvision")
    import torch
    import torchvision

    arr = np.asarray([[x, y, x + w, y + h] for x, y, w, h, _, _ in rows], dtype=np.float32)
    scores = np.asarray([r[4] for r in rows], dtype=np.float32)
    classes = np.asarray([r[5] for r in rows], dtype=np.int64)
    if len(set(scores.tolist())) != len(scores):
        return  # ties: both are right in their own order
    ours = nms(arr, scores, classes, iou)
    ref = torchvision.ops.batched_nms(
        torch.from_numpy(arr), torch.from_numpy(scores), torch.from_numpy(classes), iou
    ).numpy()
    assert sorted(ours.tolist()) == sorted(ref.tolist())


def test_raw_box_takes_its_best_wanted_class() -> None:
    lb = Letterbox(gain=1.0, pad_x=0, pad_y=0, width=640, height=640)
    out = raw_output([(100, 100, 50, 50, [0.8, 0.5, 0.1])])  # "bowl" 0.8, "pizza" 0.5
    raw = decode_raw(out, lb, conf=0.25, iou=0.5, wanted=np.asarray([1, 2]))
    assert raw.classes.tolist() == [1] and raw.scores.tolist() == pytest.approx([0.5])
    none = decode_raw(out, lb, conf=0.0, iou=0.5, wanted=np.asarray([], dtype=np.int64))
    assert len(none.scores) == 0


def ultralytics_tensor(image: Image.Image) -> np.ndarray:
    """What ultralytics feeds its models: LetterBox on BGR, then RGB, CHW, /255."""
    from ultralytics.data.augment import LetterBox

    bgr = np.asarray(image)[:, :, ::-1]
    boxed = LetterBox(new_shape=(640, 640), auto=False, stride=32)(image=bgr)
    return boxed[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0


def test_letterbox_matches_ultralytics_preprocessing_exactly_without_resize() -> None:
    require("ultralytics", "cv2")
    from tests.fixtures.images import samples

    with Image.open(samples.FRUITS) as img:
        photo = img.convert("RGB").crop((0, 0, 512, 400))
    ours, _ = letterbox(photo.resize((640, 500)), (640, 640))  # fits at scale 1: no resize
    theirs = ultralytics_tensor(photo.resize((640, 500)))
    np.testing.assert_array_equal(ours, theirs)  # same channel order, scale and padding


def test_letterbox_resize_stays_close_to_ultralytics() -> None:
    require("ultralytics", "cv2")
    from tests.fixtures.images import samples

    with Image.open(samples.FRUITS) as img:
        photo = img.convert("RGB")  # 512 x 480: upscaled by 1.25
    ours, _ = letterbox(photo, (640, 640))
    theirs = ultralytics_tensor(photo)
    assert ours.shape == theirs.shape
    assert float(np.abs(ours - theirs).mean()) < 0.01  # Pillow vs OpenCV bilinear
