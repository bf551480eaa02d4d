"""Value objects of what the vision models answered."""

from __future__ import annotations

import pytest

from domain.food.vision import (
    BoundingBox,
    Description,
    DescriptionReport,
    DetectionReport,
    SanitisedImage,
)


def test_description_report_says_which_model_or_why_not() -> None:
    ok = DescriptionReport.success("claude-x", Description((), "Empty plate."))
    assert ok.describer == "claude-x" and not ok.failed
    down = DescriptionReport.unavailable("timeout")
    assert down.describer == "describer unavailable: timeout" and down.failed
    assert down.description is None
    none = DescriptionReport.not_configured()
    assert none.describer is None and not none.failed


def test_detection_report_unavailable_has_no_detector() -> None:
    report = DetectionReport.unavailable("no weights")
    assert report.detector is None and report.detections == () and report.failure == "no weights"


def test_bounding_box_helpers() -> None:
    a = BoundingBox(10.04, 20, 30, 40.06)
    assert a.as_list() == [10.0, 20.0, 30.0, 40.1]
    assert a.union(BoundingBox(0, 25, 15, 50)) == BoundingBox(0, 20, 30, 50)
    assert a.lies_within(30, 40.06) and not a.lies_within(29.9, 50)
    assert BoundingBox(5, 5, 5, 5).as_list() == [5.0, 5.0, 5.0, 5.0]  # a point is a box


@pytest.mark.parametrize(("media_type", "ext"), [("image/jpeg", ".jpg"), ("image/png", ".png")])
def test_sanitised_image_extension(media_type: str, ext: str) -> None:
    assert SanitisedImage(b"x", media_type, 1, 1).extension == ext
