"""dishka providers, one module per area. The composition root installs every provider
listed in `FEATURE_PROVIDERS`; a feature adds its provider class here."""

from __future__ import annotations

from entrypoints.providers.accounts import AccountsProvider
from entrypoints.providers.food import FoodProvider
from entrypoints.providers.identity import IdentityProvider
from entrypoints.providers.nutrition import NutritionProvider
from entrypoints.providers.privacy import PrivacyProvider
from entrypoints.providers.recipes import RecipesProvider
from entrypoints.providers.replicas import ReplicaProvider
from entrypoints.providers.vision import VisionProvider
from entrypoints.providers.wellness import WellnessProvider

FEATURE_PROVIDERS: list[type] = [
    IdentityProvider,
    NutritionProvider,
    RecipesProvider,
    VisionProvider,
    WellnessProvider,
    PrivacyProvider,
    FoodProvider,
    AccountsProvider,
    ReplicaProvider,
]
