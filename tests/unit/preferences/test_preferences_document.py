"""The preferences document: vocabularies, PUT defaults, PATCH merge semantics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.errors import ValidationFailed
from domain.preferences.preferences import (
    Preferences,
    Theme,
    WellnessGoal,
    default_preferences,
    merge_patch,
    preferences_from_document,
)
from domain.recipes.vocabulary import Allergen, Cuisine, Diet

USER = uuid.uuid4()


def fields_of(exc: pytest.ExceptionInfo) -> list[str]:
    return [e["field"] for e in exc.value.details["errors"]]


def test_a_full_document_round_trips():
    doc = {
        "dietary_restrictions": ["vegetarian", "gluten_free"],
        "allergens": ["peanuts", "sesame"],
        "disliked_foods": ["Coriander", "olives"],
        "preferred_cuisines": ["indian", "italian"],
        "wellness_goals": ["reduce_stress"],
        "notification_preferences": {
            "meal_reminders": False,
            "channels": ["email", "push"],
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
        },
        "ui_preferences": {"theme": "dark", "units": "imperial", "timezone": "Europe/Paris"},
    }
    prefs = preferences_from_document(USER, doc)
    assert prefs.dietary_restrictions == {Diet.VEGETARIAN, Diet.GLUTEN_FREE}
    assert prefs.allergens == {Allergen.PEANUTS, Allergen.SESAME}
    assert prefs.disliked_foods == ("coriander", "olives")
    assert prefs.preferred_cuisines == {Cuisine.INDIAN, Cuisine.ITALIAN}
    assert prefs.ui_preferences.theme is Theme.DARK
    again = preferences_from_document(USER, prefs.to_document())
    assert again == prefs


def test_absent_parts_take_their_defaults():
    prefs = preferences_from_document(USER, {"allergens": ["milk"]})
    default = default_preferences(USER)
    assert prefs.dietary_restrictions == frozenset()
    assert prefs.notification_preferences == default.notification_preferences
    assert prefs.ui_preferences == default.ui_preferences


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"allergens": ["shellfish"]}, "allergens"),
        ({"dietary_restrictions": ["carnivore"]}, "dietary_restrictions"),
        ({"preferred_cuisines": ["martian"]}, "preferred_cuisines"),
        ({"wellness_goals": ["live_forever"]}, "wellness_goals"),
        ({"allergens": "milk"}, "allergens"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"ui_preferences": {"theme": "neon"}}, "ui_preferences.theme"),
        ({"ui_preferences": {"font": "big"}}, "ui_preferences.font"),
        ({"ui_preferences": {"timezone": "not a zone!"}}, "ui_preferences.timezone"),
        (
            {"notification_preferences": {"meal_reminders": "yes"}},
            "notification_preferences.meal_reminders",
        ),
        (
            {
                "notification_preferences": {
                    "quiet_hours_start": "25:00",
                    "quiet_hours_end": "07:00",
                }
            },
            "notification_preferences.quiet_hours_start",
        ),
        (
            {"notification_preferences": {"quiet_hours_start": "22:00"}},
            "notification_preferences.quiet_hours_end",
        ),
        ({"disliked_foods": ["<script>"]}, "disliked_foods[0]"),
        ({"disliked_foods": ["x" * 65]}, "disliked_foods[0]"),
    ],
)
def test_values_outside_the_vocabularies_are_refused(doc, field):
    with pytest.raises(ValidationFailed) as exc:
        preferences_from_document(USER, doc)
    assert field in fields_of(exc)


def test_every_offending_value_is_reported():
    with pytest.raises(ValidationFailed) as exc:
        preferences_from_document(USER, {"allergens": ["milk", "dust", "pollen"]})
    assert len(exc.value.details["errors"]) == 2


def current() -> Preferences:
    return preferences_from_document(
        USER,
        {
            "allergens": ["milk"],
            "dietary_restrictions": ["vegan"],
            "disliked_foods": ["olives"],
            "wellness_goals": ["better_sleep"],
            "ui_preferences": {"theme": "dark", "units": "imperial"},
        },
        updated_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_patch_replaces_the_parts_it_names_and_keeps_the_rest():
    patched = merge_patch(current(), {"allergens": ["peanuts", "eggs"]})
    assert patched.allergens == {Allergen.PEANUTS, Allergen.EGGS}
    assert patched.dietary_restrictions == {Diet.VEGAN}
    assert patched.disliked_foods == ("olives",)
    assert patched.wellness_goals == {WellnessGoal.BETTER_SLEEP}


def test_patch_merges_nested_objects_key_by_key():
    patched = merge_patch(current(), {"ui_preferences": {"units": "metric"}})
    assert patched.ui_preferences.theme is Theme.DARK
    assert patched.ui_preferences.units.value == "metric"


def test_patch_null_resets_to_the_default():
    patched = merge_patch(current(), {"allergens": None, "ui_preferences": {"theme": None}})
    assert patched.allergens == frozenset()
    assert patched.ui_preferences.theme is Theme.SYSTEM
    assert patched.ui_preferences.units.value == "imperial"


def test_patch_validates_like_put():
    with pytest.raises(ValidationFailed) as exc:
        merge_patch(current(), {"allergens": ["gluten", "moonbeams"]})
    assert fields_of(exc) == ["allergens"]
    with pytest.raises(ValidationFailed):
        merge_patch(current(), ["not", "an", "object"])
