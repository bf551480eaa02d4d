"""Claude describer: the real `anthropic` SDK against a local Messages API server."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import pytest
from PIL import Image

from adapters.images.sanitiser import PillowImageSanitiser
from adapters.vision.claude import ClaudeMealDescriber, DescriberConfig, UnconfiguredDescriber
from adapters.vision.describer_output import TOOL_NAME
from domain.food.vision import DescribedFood, SanitisedImage
from tests.fixtures.images import samples
from tests.support.fake_anthropic import (
    FakeAnthropic,
    garbage,
    overloaded,
    rate_limited,
    server_error,
    slow,
    text_reply,
    tool_reply,
)

KEY = "sk-ant-test-0123456789"
MEAL = {
    "foods": [
        {"name": "banana", "grams": 118, "count": 1, "confidence": 0.9},
        {"name": "Greek yogurt", "grams": 170},
    ],
    "description": "A bowl of Greek yogurt with a sliced banana on the side.",
}


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(api_key=KEY) as server:
        yield server


@pytest.fixture(scope="module")
def photo() -> SanitisedImage:
    return PillowImageSanitiser().sanitise(samples.fruits())


def describer(fake: FakeAnthropic, **kw: object) -> ClaudeMealDescriber:
    config = {
        "api_key": KEY,
        "model": "claude-test-model",
        "base_url": fake.base_url,
        "timeout_s": 5.0,
        "max_retries": 2,
        "deadline_s": 20.0,
        **kw,
    }
    return ClaudeMealDescriber(DescriberConfig(**config))  # type: ignore[arg-type]


async def test_success_sends_the_image_and_forces_the_tool(
    fake: FakeAnthropic, photo: SanitisedImage
) -> None:
    fake.push(tool_reply(MEAL))
    report = await describer(fake).describe(photo)
    assert report.describer == "claude-test-model" and not report.failed
    assert report.description is not None
    assert report.description.foods == (
        DescribedFood("banana", grams=118, count=1, confidence=0.9),
        DescribedFood("Greek yogurt", grams=170),
    )
    assert report.description.text == MEAL["description"]

    (req,) = fake.requests
    assert req.path == "/v1/messages"
    presented = req.headers.get("x-api-key") or req.headers["authorization"].removeprefix("Bearer ")
    assert presented == KEY and "anthropic-version" in req.headers
    body = req.body
    assert body["model"] == "claude-test-model"
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert body["tools"][0]["input_schema"]["required"] == ["foods", "description"]
    image_block = body["messages"][0]["content"][0]
    assert image_block["source"]["media_type"] == "image/jpeg"
    sent = Image.open(io.BytesIO(base64.b64decode(image_block["source"]["data"])))
    assert sent.size == (512, 480)


async def test_large_photos_are_downscaled_before_sending(fake: FakeAnthropic) -> None:
    big = PillowImageSanitiser().sanitise(samples.encode(samples.scene(3000, 2000), "JPEG"))
    fake.push(tool_reply(MEAL))
    await describer(fake).describe(big)
    data = fake.requests[0].body["messages"][0]["content"][0]["source"]["data"]
    assert Image.open(io.BytesIO(base64.b64decode(data))).size == (1568, 1045)


@pytest.mark.parametrize(
    "failure", [rate_limited, overloaded, server_error], ids=["429", "529", "500"]
)
async def test_transient_errors_are_retried(
    fake: FakeAnthropic, photo: SanitisedImage, failure
) -> None:  # type: ignore[no-untyped-def]
    fake.push(failure(), failure(), tool_reply(MEAL))
    report = await describer(fake, max_retries=2).describe(photo)
    assert report.describer == "claude-test-model"
    assert len(fake.requests) == 3


async def test_backoff_without_retry_after_still_recovers(
    fake: FakeAnthropic, photo: SanitisedImage
) -> None:
    fake.push(server_error(retry_after_ms=None), tool_reply(MEAL))
    report = await describer(fake, max_retries=1).describe(photo)
    assert not report.failed and len(fake.requests) == 2


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ([overloaded()] * 3, "HTTP 529 overloaded"),
        ([rate_limited()] * 3, "HTTP 429 rate limited"),
        ([server_error()] * 3, "HTTP 500"),
    ],
)
async def test_retries_exhausted_is_unavailable_not_an_exception(
    fake: FakeAnthropic, photo: SanitisedImage, script: list, reason: str
) -> None:  # type: ignore[type-arg]
    fake.push(*script)
    report = await describer(fake, max_retries=2).describe(photo)
    assert report.failed and report.description is None
    assert report.describer == f"describer unavailable: {reason}"
    assert len(fake.requests) == 3


async def test_wrong_key_is_not_retried(fake: FakeAnthropic, photo: SanitisedImage) -> None:
    d = ClaudeMealDescriber(DescriberConfig(api_key="wrong", base_url=fake.base_url, max_retries=2))
    report = await d.describe(photo)
    assert report.describer == "describer unavailable: HTTP 401 authentication failed"
    assert len(fake.requests) == 1
    assert "wrong" not in (report.describer or "")


async def test_slow_answer_beyond_the_timeout(fake: FakeAnthropic, photo: SanitisedImage) -> None:
    fake.push(slow(tool_reply(MEAL), 3.0))
    report = await describer(fake, timeout_s=0.3, max_retries=0).describe(photo)
    assert report.describer == "describer unavailable: timeout"


async def test_overall_deadline_bounds_the_retries(
    fake: FakeAnthropic, photo: SanitisedImage
) -> None:
    fake.push(*[slow(tool_reply(MEAL), 3.0)] * 5)
    report = await describer(fake, timeout_s=1.0, max_retries=4, deadline_s=0.5).describe(photo)
    assert report.describer == "describer unavailable: timeout"
    assert len(fake.requests) == 1


async def test_garbage_json_is_unavailable(fake: FakeAnthropic, photo: SanitisedImage) -> None:
    fake.push(garbage())
    report = await describer(fake, max_retries=0).describe(photo)
    assert report.failed
    assert report.describer == "describer unavailable: malformed response"


async def test_prose_instead_of_the_tool_is_unavailable(
    fake: FakeAnthropic, photo: SanitisedImage
) -> None:
    fake.push(text_reply("Looks like fruit!"))
    report = await describer(fake).describe(photo)
    assert report.describer == (
        f"describer unavailable: invalid output: no {TOOL_NAME} tool call (stop_reason=end_turn)"
    )


@pytest.mark.parametrize(
    "tool_input",
    [
        {"foods": "pizza", "description": "pizza"},
        {"foods": [], "description": 42},
        ["not", "an", "object"],
        {"foods": [{"name": "<b></b>", "grams": 10}], "description": "   "},
    ],
)
async def test_wrong_schema_is_unavailable(
    fake: FakeAnthropic, photo: SanitisedImage, tool_input: object
) -> None:
    fake.push(tool_reply(tool_input))
    report = await describer(fake).describe(photo)
    assert report.failed
    assert (report.describer or "").startswith("describer unavailable: invalid output: ")


async def test_tool_output_is_validated_like_user_input(
    fake: FakeAnthropic, photo: SanitisedImage
) -> None:
    fake.push(
        tool_reply(
            {
                "foods": [
                    {"name": "<script>alert(1)</script>Rice\x00 ", "grams": 180, "secret": "x"},
                    {"name": "soup", "grams": -5, "count": 0, "confidence": 7},
                    {"name": "steak", "grams": True, "count": 2.5},
                    {"name": 12, "grams": 100},
                    {"grams": 100},
                    "pasta",
                    {"name": "x" * 300, "grams": 99999},
                ]
                + [{"name": f"item {i}", "grams": 1} for i in range(40)],
                "description": "A <i>meal</i>.\u202e\x07 " + "y" * 5000,
                "unexpected": {"nested": True},
            }
        )
    )
    report = await describer(fake).describe(photo)
    assert report.description is not None
    foods = report.description.foods
    assert len(foods) <= 20
    assert foods[0] == DescribedFood("alert(1) Rice", grams=180)
    assert foods[1] == DescribedFood("soup")  # out-of-range numbers dropped, food kept
    assert foods[2] == DescribedFood("steak")
    assert foods[3].food == "x" * 80 and foods[3].grams is None
    text = report.description.text
    assert len(text) == 1000 and "<i>" not in text and "\x07" not in text
    assert "\u202e" not in text


async def test_connection_refused_is_unavailable(photo: SanitisedImage) -> None:
    server = FakeAnthropic(api_key=KEY)
    url = server.base_url
    server.stop()  # nothing listens there any more
    d = ClaudeMealDescriber(DescriberConfig(api_key=KEY, base_url=url, max_retries=0))
    report = await d.describe(photo)
    assert report.describer == "describer unavailable: connection failed"


async def test_no_key_configured_means_no_describer(photo: SanitisedImage) -> None:
    d = UnconfiguredDescriber()
    report = await d.describe(photo)
    assert d.name is None and report.describer is None and report.description is None
