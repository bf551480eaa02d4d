"""The describer's structured output, checked like user input.

A language model's JSON is untrusted: wrong types, out-of-range numbers,
extra keys, markup or control characters in names all happen. What passes
becomes a `Description`; what does not is dropped (one bad item) or makes the
whole answer unusable (wrong shape).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from domain.food.vision import DescribedFood, Description

TOOL_NAME = "report_meal"
MAX_FOODS = 20
MAX_NAME = 80
MAX_TEXT = 1000
MAX_GRAMS = 5000.0
MAX_COUNT = 50

TOOL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "foods": {
            "type": "array",
            "maxItems": MAX_FOODS,
            "description": "Every distinct food or drink visible, one entry each.",
            "items": {
                "type": "object",
                "properties": {
                    "name": {
                        "type": "string",
                        "maxLength": MAX_NAME,
                        "description": "Common English name, singular, e.g. 'fried egg'.",
                    },
                    "grams": {
                        "type": "number",
                        "exclusiveMinimum": 0,
                        "maximum": MAX_GRAMS,
                        "description": "Estimated edible weight in grams of all of it.",
                    },
                    "count": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_COUNT,
                        "description": "How many pieces, when countable.",
                    },
                    "confidence": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1,
                        "description": "How sure you are this food is there.",
                    },
                },
                "required": ["name", "grams"],
                "additionalProperties": False,
            },
        },
        "description": {
            "type": "string",
            "maxLength": MAX_TEXT,
            "description": "One paragraph describing the meal.",
        },
    },
    "required": ["foods", "description"],
    "additionalProperties": False,
}


class InvalidOutput(ValueError):
    """The answer's shape is wrong; the message is the reason reported."""


_TAG = re.compile(r"<[^>]{0,200}>")
_NAME_PUNCT = set(" -'(),.&/+%")


def _clean_text(value: str, limit: int) -> str:
    text = _TAG.sub(" ", value)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())[:limit].strip()


def clean_food_name(value: Any) -> str | None:
    """Letters, digits, spaces and a little punctuation; 1-80 characters; else None."""
    if not isinstance(value, str):
        return None
    text = _clean_text(value, MAX_NAME * 2)
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN" or ch in _NAME_PUNCT)
    name = " ".join(kept.split())[:MAX_NAME].strip(" -'(),.&/+%")
    return name if any(ch.isalpha() for ch in name) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _food(item: Any) -> DescribedFood | None:
    if not isinstance(item, dict):
        return None
    name = clean_food_name(item.get("name"))
    if name is None:
        return None
    grams = _number(item.get("grams"))
    if grams is not None and not 0 < grams <= MAX_GRAMS:
        grams = None
    count_raw = item.get("count")
    count = (
        count_raw
        if isinstance(count_raw, int)
        and not isinstance(count_raw, bool)
        and 1 <= count_raw <= MAX_COUNT
        else None
    )
    confidence = _number(item.get("confidence"))
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        confidence = None
    return DescribedFood(food=name, grams=grams, count=count, confidence=confidence)


def parse_tool_input(payload: Any) -> Description:
    if not isinstance(payload, dict):
        raise InvalidOutput("tool input is not an object")
    foods_raw = payload.get("foods")
    if not isinstance(foods_raw, list):
        raise InvalidOutput("'foods' is not a list")
    text_raw = payload.get("description")
    if not isinstance(text_raw, str):
        raise InvalidOutput("'description' is not a string")
    foods = tuple(f for f in (_food(item) for item in foods_raw[:MAX_FOODS]) if f is not None)
    text = _clean_text(text_raw, MAX_TEXT)
    if not foods and not text:
        raise InvalidOutput("no usable food and no description")
    return Description(foods=foods, text=text)
