"""Every HTTP router of the API; a feature adds its controller module's ROUTERS here."""

from __future__ import annotations

from entrypoints.http.controllers import (
    fridge,
    identity,
    nutrition,
    preferences,
    recipes,
    recommendations,
    system,
    wellness,
)

API_ROUTERS = [*identity.ROUTERS, *nutrition.ROUTERS, *preferences.ROUTERS, *recipes.ROUTERS,
               *fridge.ROUTERS, *recommendations.ROUTERS, *wellness.ROUTERS]
ROOT_ROUTERS = [*system.ROUTERS]
