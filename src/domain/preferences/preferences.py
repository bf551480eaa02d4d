"""A person's food and app preferences, with closed vocabularies and merge rules.

The document (`user_preferences`) has seven parts: dietary_restrictions,
allergens, disliked_foods, preferred_cuisines, wellness_goals,
notification_preferences and ui_preferences. Values outside the vocabularies
are refused with every offending field named. PUT replaces the document
(absent parts take their defaults); PATCH merges it like JSON Merge Patch
(RFC 7386): a part present replaces that part, nested objects merge key by
key, and null resets a part or key to its default.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.errors import FieldError, ValidationFailed
from domain.recipes.vocabulary import Allergen, Cuisine, Diet, parse_enum_values


class WellnessGoal(StrEnum):
    REDUCE_STRESS = "reduce_stress"
    BETTER_SLEEP = "better_sleep"
    MORE_ENERGY = "more_energy"
    BETTER_FOCUS = "better_focus"
    MOOD_BALANCE = "mood_balance"
    GUT_HEALTH = "gut_health"
    WEIGHT_MANAGEMENT = "weight_management"
    HEART_HEALTH = "heart_health"
    HYDRATION = "hydration"
    MUSCLE_GAIN = "muscle_gain"


class Channel(StrEnum):
    PUSH = "push"
    EMAIL = "email"


class Theme(StrEnum):
    LIGHT = "light"
    DARK = "dark"
    SYSTEM = "system"


class UnitSystem(StrEnum):
    METRIC = "metric"
    IMPERIAL = "imperial"


class Language(StrEnum):
    EN = "en"
    DE = "de"
    DA = "da"
    ES = "es"
    FR = "fr"
    IT = "it"
    NL = "nl"
    PT = "pt"


class WeekStart(StrEnum):
    MONDAY = "monday"
    SUNDAY = "sunday"


MAX_DISLIKED = 50
MAX_FOOD_NAME = 64
_CLOCK_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_TIMEZONE_RE = re.compile(r"^(?:UTC|[A-Za-z]+(?:/[A-Za-z0-9_+\-]+){1,2})$")


@dataclass(frozen=True, slots=True)
class NotificationPreferences:
    meal_reminders: bool = True
    wellness_insights: bool = True
    recommendations: bool = True
    weekly_summary: bool = True
    channels: tuple[Channel, ...] = (Channel.PUSH,)
    quiet_hours_start: str | None = None  # "HH:MM" local time
    quiet_hours_end: str | None = None


@dataclass(frozen=True, slots=True)
class UiPreferences:
    theme: Theme = Theme.SYSTEM
    units: UnitSystem = UnitSystem.METRIC
    language: Language = Language.EN
    timezone: str = "UTC"
    week_starts_on: WeekStart = WeekStart.MONDAY


@dataclass(frozen=True, slots=True)
class Preferences:
    user_id: uuid.UUID
    dietary_restrictions: frozenset[Diet] = frozenset()
    allergens: frozenset[Allergen] = frozenset()
    disliked_foods: tuple[str, ...] = ()
    preferred_cuisines: frozenset[Cuisine] = frozenset()
    wellness_goals: frozenset[WellnessGoal] = frozenset()
    notification_preferences: NotificationPreferences = field(
        default_factory=NotificationPreferences
    )
    ui_preferences: UiPreferences = field(default_factory=UiPreferences)
    updated_at: datetime | None = None

    def to_document(self) -> dict[str, Any]:
        """Plain JSON-ready form (what the API returns and the stores keep)."""
        n, u = self.notification_preferences, self.ui_preferences
        return {
            "dietary_restrictions": sorted(d.value for d in self.dietary_restrictions),
            "allergens": sorted(a.value for a in self.allergens),
            "disliked_foods": list(self.disliked_foods),
            "preferred_cuisines": sorted(c.value for c in self.preferred_cuisines),
            "wellness_goals": sorted(g.value for g in self.wellness_goals),
            "notification_preferences": {
                "meal_reminders": n.meal_reminders,
                "wellness_insights": n.wellness_insights,
                "recommendations": n.recommendations,
                "weekly_summary": n.weekly_summary,
                "channels": [c.value for c in n.channels],
                "quiet_hours_start": n.quiet_hours_start,
                "quiet_hours_end": n.quiet_hours_end,
            },
            "ui_preferences": {
                "theme": u.theme.value,
                "units": u.units.value,
                "language": u.language.value,
                "timezone": u.timezone,
                "week_starts_on": u.week_starts_on.value,
            },
        }


_LIST_PARTS: dict[str, type[StrEnum]] = {
    "dietary_restrictions": Diet,
    "allergens": Allergen,
    "preferred_cuisines": Cuisine,
    "wellness_goals": WellnessGoal,
}
_NESTED_PARTS = ("notification_preferences", "ui_preferences")
PARTS = (*_LIST_PARTS, "disliked_foods", *_NESTED_PARTS)


def default_preferences(user_id: uuid.UUID) -> Preferences:
    return Preferences(user_id=user_id)


def preferences_from_document(
    user_id: uuid.UUID, document: object, updated_at: datetime | None = None
) -> Preferences:
    """Validate a whole document (absent parts default). Raises ValidationFailed."""
    errors: list[FieldError] = []
    if not isinstance(document, dict):
        raise ValidationFailed.single("body", "must be an object")
    for key in document:
        if key not in PARTS:
            errors.append(FieldError(str(key), "unknown field"))
    values: dict[str, Any] = {}
    for part, enum in _LIST_PARTS.items():
        raw = document.get(part)
        if raw is None:
            continue
        known, unknown = parse_enum_values(enum, raw)
        if not isinstance(raw, list):
            errors.append(FieldError(part, "must be a list"))
        for value in unknown:
            allowed = ", ".join(m.value for m in enum)
            errors.append(FieldError(part, f"unknown value {value!r}; allowed: {allowed}"))
        values[part] = known
    if document.get("disliked_foods") is not None:
        values["disliked_foods"] = _disliked(document["disliked_foods"], errors)
    if document.get("notification_preferences") is not None:
        values["notification_preferences"] = _notifications(
            document["notification_preferences"], errors
        )
    if document.get("ui_preferences") is not None:
        values["ui_preferences"] = _ui(document["ui_preferences"], errors)
    if errors:
        raise ValidationFailed(errors)
    return Preferences(user_id=user_id, updated_at=updated_at, **values)


def merge_patch(current: Preferences, patch: object) -> Preferences:
    """Apply a JSON Merge Patch to the current preferences and validate the result."""
    if not isinstance(patch, dict):
        raise ValidationFailed.single("body", "must be an object")
    document = current.to_document()
    for key, value in patch.items():
        if key in _NESTED_PARTS and isinstance(value, dict):
            nested = dict(document[key])
            for inner_key, inner_value in value.items():
                if inner_value is None:
                    nested.pop(inner_key, None)
                else:
                    nested[inner_key] = inner_value
            document[key] = nested
        elif value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return preferences_from_document(current.user_id, document, current.updated_at)


def stamped(preferences: Preferences, now: datetime) -> Preferences:
    return replace(preferences, updated_at=now)


def _disliked(raw: object, errors: list[FieldError]) -> tuple[str, ...]:
    if not isinstance(raw, list):
        errors.append(FieldError("disliked_foods", "must be a list of food names"))
        return ()
    if len(raw) > MAX_DISLIKED:
        errors.append(FieldError("disliked_foods", f"at most {MAX_DISLIKED} foods"))
    names: dict[str, None] = {}
    for index, item in enumerate(raw):
        name = " ".join(item.split()).lower() if isinstance(item, str) else ""
        if not name or len(name) > MAX_FOOD_NAME or "<" in name or ">" in name:
            errors.append(
                FieldError(
                    f"disliked_foods[{index}]",
                    f"must be a food name of 1-{MAX_FOOD_NAME} characters",
                )
            )
            continue
        names[name] = None
    return tuple(names)


def _check_keys(
    part: str, raw: dict[str, Any], allowed: tuple[str, ...], errors: list[FieldError]
) -> None:
    for key in raw:
        if key not in allowed:
            errors.append(FieldError(f"{part}.{key}", "unknown field"))


def _enum(
    part: str, key: str, raw: object, enum: type[StrEnum], default: Any, errors: list[FieldError]
) -> Any:
    if raw is None:
        return default
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        errors.append(FieldError(f"{part}.{key}", f"unknown value {raw!r}; allowed: {allowed}"))
        return default


def _notifications(raw: object, errors: list[FieldError]) -> NotificationPreferences:
    part = "notification_preferences"
    defaults = NotificationPreferences()
    if not isinstance(raw, dict):
        errors.append(FieldError(part, "must be an object"))
        return defaults
    names = (
        "meal_reminders",
        "wellness_insights",
        "recommendations",
        "weekly_summary",
        "channels",
        "quiet_hours_start",
        "quiet_hours_end",
    )
    _check_keys(part, raw, names, errors)
    flags: dict[str, bool] = {}
    for key in names[:4]:
        value = raw.get(key, getattr(defaults, key))
        if not isinstance(value, bool):
            errors.append(FieldError(f"{part}.{key}", "must be true or false"))
            value = getattr(defaults, key)
        flags[key] = value
    channels = defaults.channels
    if raw.get("channels") is not None:
        known, unknown = parse_enum_values(Channel, raw["channels"])
        for value in unknown:
            errors.append(
                FieldError(f"{part}.channels", f"unknown value {value!r}; allowed: push, email")
            )
        channels = tuple(sorted(known))
    quiet: dict[str, str | None] = {}
    for key in ("quiet_hours_start", "quiet_hours_end"):
        value = raw.get(key)
        if value is not None and not (isinstance(value, str) and _CLOCK_RE.match(value)):
            errors.append(FieldError(f"{part}.{key}", "must be a time as HH:MM"))
            value = None
        quiet[key] = value
    if (quiet["quiet_hours_start"] is None) != (quiet["quiet_hours_end"] is None):
        errors.append(
            FieldError(f"{part}.quiet_hours_end", "quiet hours need both a start and an end")
        )
    return NotificationPreferences(**flags, channels=channels, **quiet)


def _ui(raw: object, errors: list[FieldError]) -> UiPreferences:
    part = "ui_preferences"
    defaults = UiPreferences()
    if not isinstance(raw, dict):
        errors.append(FieldError(part, "must be an object"))
        return defaults
    _check_keys(part, raw, ("theme", "units", "language", "timezone", "week_starts_on"), errors)
    timezone = raw.get("timezone", defaults.timezone)
    if not (isinstance(timezone, str) and _TIMEZONE_RE.match(timezone)):
        errors.append(FieldError(f"{part}.timezone", "must be an IANA time zone name"))
        timezone = defaults.timezone
    return UiPreferences(
        theme=_enum(part, "theme", raw.get("theme"), Theme, defaults.theme, errors),
        units=_enum(part, "units", raw.get("units"), UnitSystem, defaults.units, errors),
        language=_enum(part, "language", raw.get("language"), Language, defaults.language, errors),
        timezone=timezone,
        week_starts_on=_enum(
            part,
            "week_starts_on",
            raw.get("week_starts_on"),
            WeekStart,
            defaults.week_starts_on,
            errors,
        ),
    )
