"""Every HTTP router of the API; a feature adds its controller module's ROUTERS here."""

from __future__ import annotations

from entrypoints.http.controllers import (
    accounts,
    food,
    fridge,
    identity,
    nutrition,
    preferences,
    privacy,
    recipes,
    recommendations,
    system,
    wellness,
)

API_ROUTERS = [
    *identity.ROUTERS,
    *nutrition.ROUTERS,
    *preferences.ROUTERS,
    *recipes.ROUTERS,
    *fridge.ROUTERS,
    *recommendations.ROUTERS,
    *wellness.ROUTERS,
    *privacy.ROUTERS,
    *food.ROUTERS,
    *accounts.ROUTERS,
]
ROOT_ROUTERS = [*system.ROUTERS]
