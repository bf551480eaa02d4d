"""GET/PUT/PATCH /users/me/preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import get, patch, put

from application.preferences.use_cases import GetPreferences, PatchPreferences, ReplacePreferences
from domain.identity.tokens import Principal
from domain.preferences.preferences import (
    MAX_DISLIKED,
    MAX_FOOD_NAME,
    Channel,
    Language,
    Preferences,
    Theme,
    UnitSystem,
    WeekStart,
    WellnessGoal,
)
from domain.recipes.vocabulary import Allergen, Cuisine, Diet
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.envelopes import Envelope, iso, ok
from entrypoints.http.openapi_docs import errors
from entrypoints.http.schemas.base import Input, Output

UNSET = msgspec.UNSET
Clock = Annotated[
    str, msgspec.Meta(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$", description="Local time HH:MM")
]
FoodName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_FOOD_NAME)]
DislikedFoods = Annotated[list[FoodName], msgspec.Meta(max_length=MAX_DISLIKED)]
# A list of vocabulary values needs no more entries than the largest vocabulary (53
# cuisines); the bound caps the work per request (the domain merges duplicates).
MAX_CHOICES = 64
Channels = Annotated[list[Channel], msgspec.Meta(max_length=MAX_CHOICES)]
Diets = Annotated[list[Diet], msgspec.Meta(max_length=MAX_CHOICES)]
Allergens = Annotated[list[Allergen], msgspec.Meta(max_length=MAX_CHOICES)]
Cuisines = Annotated[list[Cuisine], msgspec.Meta(max_length=MAX_CHOICES)]
WellnessGoals = Annotated[list[WellnessGoal], msgspec.Meta(max_length=MAX_CHOICES)]


class NotificationPreferencesIn(Input):
    meal_reminders: bool | msgspec.UnsetType = UNSET
    wellness_insights: bool | msgspec.UnsetType = UNSET
    recommendations: bool | msgspec.UnsetType = UNSET
    weekly_summary: bool | msgspec.UnsetType = UNSET
    channels: Channels | msgspec.UnsetType | None = UNSET
    quiet_hours_start: Clock | msgspec.UnsetType | None = UNSET
    quiet_hours_end: Clock | msgspec.UnsetType | None = UNSET


class UiPreferencesIn(Input):
    theme: Theme | msgspec.UnsetType | None = UNSET
    units: UnitSystem | msgspec.UnsetType | None = UNSET
    language: Language | msgspec.UnsetType | None = UNSET
    timezone: Annotated[str, msgspec.Meta(max_length=64)] | msgspec.UnsetType | None = UNSET
    week_starts_on: WeekStart | msgspec.UnsetType | None = UNSET


class PreferencesIn(Input):
    """PUT: absent parts take their defaults. PATCH: absent parts stay, `null` resets a part
    (or a key of a nested object) to its default, nested objects merge key by key."""

    dietary_restrictions: Diets | msgspec.UnsetType | None = UNSET
    allergens: Allergens | msgspec.UnsetType | None = UNSET
    disliked_foods: DislikedFoods | msgspec.UnsetType | None = UNSET
    preferred_cuisines: Cuisines | msgspec.UnsetType | None = UNSET
    wellness_goals: WellnessGoals | msgspec.UnsetType | None = UNSET
    notification_preferences: NotificationPreferencesIn | msgspec.UnsetType | None = UNSET
    ui_preferences: UiPreferencesIn | msgspec.UnsetType | None = UNSET


def _plain(value: Any) -> Any:
    """The struct as the dict the client sent: unset keys left out, nulls kept."""
    if isinstance(value, msgspec.Struct):
        return {
            f: _plain(getattr(value, f))
            for f in value.__struct_fields__
            if getattr(value, f) is not UNSET
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class NotificationPreferencesOut(Output):
    meal_reminders: bool
    wellness_insights: bool
    recommendations: bool
    weekly_summary: bool
    channels: list[str]
    quiet_hours_start: str | None
    quiet_hours_end: str | None


class UiPreferencesOut(Output):
    theme: str
    units: str
    language: str
    timezone: str
    week_starts_on: str


class PreferencesOut(Output):
    dietary_restrictions: list[str]
    allergens: list[str]
    disliked_foods: list[str]
    preferred_cuisines: list[str]
    wellness_goals: list[str]
    notification_preferences: NotificationPreferencesOut
    ui_preferences: UiPreferencesOut
    updated_at: datetime | None

    @classmethod
    def of(cls, p: Preferences) -> PreferencesOut:
        doc = p.to_document()
        return cls(
            dietary_restrictions=doc["dietary_restrictions"],
            allergens=doc["allergens"],
            disliked_foods=doc["disliked_foods"],
            preferred_cuisines=doc["preferred_cuisines"],
            wellness_goals=doc["wellness_goals"],
            notification_preferences=NotificationPreferencesOut(**doc["notification_preferences"]),
            ui_preferences=UiPreferencesOut(**doc["ui_preferences"]),
            updated_at=iso(p.updated_at),
        )


@get(
    "/users/me/preferences",
    summary="The caller's food and app preferences",
    security=BEARER,
    responses=errors(401),
)
async def get_preferences(
    principal: Principal, use: FromDishka[GetPreferences]
) -> Envelope[PreferencesOut]:
    return ok(PreferencesOut.of(await use(principal.user_id)))


@put(
    "/users/me/preferences",
    summary="Replace the preferences (absent parts take defaults)",
    security=BEARER,
    responses=errors(401),
)
async def put_preferences(
    principal: Principal, data: PreferencesIn, use: FromDishka[ReplacePreferences]
) -> Envelope[PreferencesOut]:
    document = {k: v for k, v in _plain(data).items() if v is not None}
    return ok(PreferencesOut.of(await use(principal.user_id, document)))


@patch(
    "/users/me/preferences",
    summary="Merge changes into the preferences (JSON Merge Patch)",
    security=BEARER,
    responses=errors(401),
)
async def patch_preferences(
    principal: Principal, data: PreferencesIn, use: FromDishka[PatchPreferences]
) -> Envelope[PreferencesOut]:
    return ok(PreferencesOut.of(await use(principal.user_id, _plain(data))))


ROUTERS = [
    DishkaRouter(
        path="/",
        dependencies=AUTH_DEPENDENCIES,
        tags=["preferences"],
        route_handlers=[get_preferences, put_preferences, patch_preferences],
    )
]
