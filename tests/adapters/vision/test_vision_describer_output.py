"""The describer's tool output is untrusted: any JSON either parses into a clean
Description or is refused with InvalidOutput, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.vision.describer_output import (
    MAX_FOODS,
    MAX_NAME,
    MAX_TEXT,
    TOOL_SCHEMA,
    InvalidOutput,
    clean_food_name,
    parse_tool_input,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(
            st.sampled_from(["name", "grams", "count", "confidence", "foods", "description", "x"]),
            children,
            max_size=6,
        )
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_parsed_or_refused_cleanly(payload: object) -> None:
    try:
        description = parse_tool_input(payload)
    except InvalidOutput:
        return
    assert len(description.foods) <= MAX_FOODS and len(description.text) <= MAX_TEXT
    for food in description.foods:
        assert 0 < len(food.food) <= MAX_NAME and food.food == food.food.strip()
        assert food.grams is None or 0 < food.grams <= 5000
        assert food.confidence is None or 0 <= food.confidence <= 1


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Fried   egg ", "Fried egg"),
        ("<img src=x onerror=alert(1)>Toast", "Toast"),
        ("crème brûlée", "crème brûlée"),
        ("ramen 🍜", "ramen"),
        ("mac & cheese", "mac & cheese"),
        ("---", None),
        ("12345", None),
        ("", None),
        (None, None),
        (["rice"], None),
    ],
)
def test_food_names_are_sanitised(raw: object, clean: str | None) -> None:
    assert clean_food_name(raw) == clean


def test_schema_forbids_unknown_keys_and_bounds_numbers() -> None:
    item = TOOL_SCHEMA["properties"]["foods"]["items"]
    assert TOOL_SCHEMA["additionalProperties"] is False and item["additionalProperties"] is False
    assert item["properties"]["grams"]["maximum"] == 5000
    assert set(TOOL_SCHEMA["required"]) == {"foods", "description"}
