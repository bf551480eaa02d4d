"""The vision providers pick adapters from settings; the describer runs through the container."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.images.filesystem_store import FilesystemImageStore
from adapters.images.sanitiser import PillowImageSanitiser
from adapters.vision.claude import ClaudeMealDescriber, UnconfiguredDescriber
from adapters.vision.nanodet_onnx import SHIPPED_MODEL, OnnxNanoDetDetector
from adapters.vision.unconfigured import UnconfiguredDetector
from application.ports.vision import FoodDetector, ImageSanitiser, ImageStore, MealDescriber
from entrypoints.container import build_container
from entrypoints.providers.vision import build_detector, describer_config
from entrypoints.settings import load_settings
from tests.adapters.vision.extra import require
from tests.fixtures.images import samples
from tests.support.fake_anthropic import FakeAnthropic, tool_reply


def test_nothing_configured_means_the_shipped_detector_and_no_describer(tmp_path: Path) -> None:
    s = load_settings({}, var_dir=tmp_path)
    detector = build_detector(s)
    assert isinstance(detector, OnnxNanoDetDetector)
    assert detector.name == "nanodet-g-416"
    assert detector.config.weights == SHIPPED_MODEL and SHIPPED_MODEL.is_file()
    assert describer_config(s) is None


@pytest.mark.parametrize(
    "env", [{"PSI_DETECTOR": "off"}, {"PSI_DETECTOR": "off", "PSI_YOLO_WEIGHTS": "/x/m.onnx"}]
)
def test_the_detector_can_be_turned_off(tmp_path: Path, env: dict[str, str]) -> None:
    detector = build_detector(load_settings(env, var_dir=tmp_path))
    assert isinstance(detector, UnconfiguredDetector) and detector.name is None


def test_yolo_without_weights_is_no_detector_with_a_reason(tmp_path: Path) -> None:
    detector = build_detector(load_settings({"PSI_DETECTOR": "yolo"}, var_dir=tmp_path))
    assert isinstance(detector, UnconfiguredDetector)
    assert "PSI_YOLO_WEIGHTS" in detector.reason


def test_nanodet_settings_reach_the_adapter(tmp_path: Path) -> None:
    s = load_settings(
        {
            "PSI_DETECTOR": "nanodet",
            "PSI_NANODET_CONFIDENCE": "0.5",
            "PSI_NANODET_IOU": "0.4",
            "PSI_NANODET_WEIGHTS": str(tmp_path / "n.onnx"),
            "PSI_YOLO_WEIGHTS": str(tmp_path / "m.onnx"),
        },
        var_dir=tmp_path,
    )
    detector = build_detector(s)
    assert isinstance(detector, OnnxNanoDetDetector) and detector.name == "n"
    assert (detector.config.confidence, detector.config.iou) == (0.5, 0.4)


def test_settings_reach_the_adapters(tmp_path: Path) -> None:
    require("numpy", "onnxruntime")
    s = load_settings(
        {
            "PSI_YOLO_WEIGHTS": str(tmp_path / "m.onnx"),
            "PSI_YOLO_CONFIDENCE": "0.4",
            "PSI_ANTHROPIC_API_KEY": "k",
            "PSI_ANTHROPIC_MODEL": "claude-x",
            "PSI_ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
        },
        var_dir=tmp_path,
    )
    detector = build_detector(s)
    assert detector.name == "m"
    assert detector.config.confidence == 0.4  # type: ignore[attr-defined]
    assert detector.config.cache_dir == tmp_path / "models"  # type: ignore[attr-defined]
    config = describer_config(s)
    assert config is not None
    assert (config.api_key, config.model, config.base_url) == (
        "k",
        "claude-x",
        "http://127.0.0.1:9",
    )


async def test_container_provides_working_vision_adapters(tmp_path: Path) -> None:
    with FakeAnthropic(api_key="k") as fake:
        fake.push(
            tool_reply(
                {"foods": [{"name": "orange", "grams": 130}], "description": "Fruit on a table."}
            )
        )
        s = load_settings(
            {},
            var_dir=tmp_path,
            anthropic_api_key="k",
            anthropic_base_url=fake.base_url,
            anthropic_model="claude-test",
        )
        container = build_container(s)
        try:
            sanitiser = await container.get(ImageSanitiser)
            store = await container.get(ImageStore)
            describer = await container.get(MealDescriber)
            detector = await container.get(FoodDetector)
            assert isinstance(sanitiser, PillowImageSanitiser)
            assert isinstance(store, FilesystemImageStore)
            assert store.root == (tmp_path / "uploads").resolve()
            assert isinstance(describer, ClaudeMealDescriber)
            assert detector.name == "nanodet-g-416"  # the shipped model, by default

            image = sanitiser.sanitise(samples.fruits())
            key = await store.put(image, "user-1")
            report = await describer.describe(await store.get(key))
            assert report.describer == "claude-test"
            assert report.description is not None
            assert report.description.foods[0].food == "orange"
        finally:
            await container.close()


async def test_no_key_gives_the_unconfigured_describer(tmp_path: Path) -> None:
    container = build_container(load_settings({}, var_dir=tmp_path))
    try:
        assert isinstance(await container.get(MealDescriber), UnconfiguredDescriber)
    finally:
        await container.close()
