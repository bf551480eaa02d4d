"""`MealDescriber` on Anthropic Claude through the official `anthropic` SDK.

The image goes as base64 (downscaled to at most 1568 px on its long side, the
size Claude reads at full detail), and the model is forced to answer through one
tool whose JSON schema lists foods with grams and a one-paragraph description.
The SDK retries 408/409/429/5xx (529 overloaded included) with exponential
backoff, honouring `retry-after`; an overall deadline bounds the whole call.
Whatever goes wrong, `describe` returns `describer unavailable: <reason>` and
never raises: Claude failing must not fail the analysis.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
from dataclasses import dataclass
from typing import Any

import anthropic
from PIL import Image

from adapters.vision.describer_output import (
    TOOL_NAME,
    TOOL_SCHEMA,
    InvalidOutput,
    parse_tool_input,
)
from domain.food.vision import Description, DescriptionReport, SanitisedImage

log = logging.getLogger(__name__)

MAX_SIDE = 1568
PROMPT = (
    "This photo was taken by a person logging a meal. Identify every distinct food and "
    "drink in it. For each, give its common English name (singular), your estimate of the "
    "edible weight in grams of everything visible, the number of pieces when countable, "
    "and how confident you are (0 to 1). Then describe the meal in one short paragraph. "
    "If there is no food, return an empty list and say so in the description. "
    f"Answer only by calling the {TOOL_NAME} tool."
)


@dataclass(frozen=True, slots=True)
class DescriberConfig:
    api_key: str
    model: str = "claude-sonnet-5"
    base_url: str | None = None
    timeout_s: float = 30.0  # one HTTP attempt
    max_retries: int = 2
    deadline_s: float = 60.0  # the whole call, retries and backoff included
    max_tokens: int = 1024


def prepare_image(image: SanitisedImage) -> tuple[str, str]:
    """(media type, base64 data), downscaled when larger than Claude reads anyway."""
    if max(image.width, image.height) <= MAX_SIDE:
        return image.media_type, base64.b64encode(image.data).decode("ascii")
    with Image.open(io.BytesIO(image.data)) as img:
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if image.media_type == "image/png":
            img.save(out, format="PNG")
        else:
            img.convert("RGB").save(out, format="JPEG", quality=85)
    return image.media_type, base64.b64encode(out.getvalue()).decode("ascii")


def failure_reason(exc: BaseException) -> str:
    """A short reason for `models.describer`, never a secret or a stack trace."""
    if isinstance(exc, TimeoutError | anthropic.APITimeoutError):
        return "timeout"
    if isinstance(exc, anthropic.APIStatusError):
        kind = {
            401: "authentication failed",
            403: "permission denied",
            429: "rate limited",
            529: "overloaded",
        }.get(exc.status_code)
        return f"HTTP {exc.status_code}" + (f" {kind}" if kind else "")
    if isinstance(exc, anthropic.APIConnectionError):
        return "connection failed"
    if isinstance(exc, InvalidOutput):
        return f"invalid output: {exc}"
    if isinstance(exc, anthropic.APIResponseValidationError | ValueError):
        return "malformed response"  # e.g. a body that is not JSON (JSONDecodeError)
    return f"unexpected error: {type(exc).__name__}"


class ClaudeMealDescriber:
    def __init__(
        self, config: DescriberConfig, client: anthropic.AsyncAnthropic | None = None
    ) -> None:
        self.config = config
        self._client = client or anthropic.AsyncAnthropic(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout_s,
            max_retries=config.max_retries,
        )

    @property
    def name(self) -> str:
        return self.config.model

    async def aclose(self) -> None:
        await self._client.close()

    async def describe(self, image: SanitisedImage) -> DescriptionReport:
        try:
            async with asyncio.timeout(self.config.deadline_s):
                message = await self._ask(image)
            return DescriptionReport.success(self.config.model, self._read(message))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = failure_reason(exc)
            log.warning("describer unavailable: %s", reason)
            return DescriptionReport.unavailable(reason)

    async def _ask(self, image: SanitisedImage) -> Any:
        media_type, data = await asyncio.to_thread(prepare_image, image)
        return await self._client.messages.create(
            model=self.config.model,
            max_tokens=self.config.max_tokens,
            tools=[
                {
                    "name": TOOL_NAME,
                    "description": "Report the foods in the meal photo with estimated grams.",
                    "input_schema": TOOL_SCHEMA,
                }
            ],
            tool_choice={"type": "tool", "name": TOOL_NAME},
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": media_type, "data": data},
                        },
                        {"type": "text", "text": PROMPT},
                    ],
                }
            ],
        )

    @staticmethod
    def _read(message: Any) -> Description:
        for block in getattr(message, "content", None) or []:
            if getattr(block, "type", None) == "tool_use" and block.name == TOOL_NAME:
                return parse_tool_input(block.input)
        stop = getattr(message, "stop_reason", None)
        raise InvalidOutput(f"no {TOOL_NAME} tool call (stop_reason={stop})")


class UnconfiguredDescriber:
    """No API key configured: description null and `models.describer: null`."""

    @property
    def name(self) -> None:
        return None

    async def describe(self, image: SanitisedImage) -> DescriptionReport:
        return DescriptionReport.not_configured()
