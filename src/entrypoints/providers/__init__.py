"""dishka providers, one module per area. The composition root installs every provider
listed in `FEATURE_PROVIDERS`; a feature adds its provider class here."""

from __future__ import annotations

from entrypoints.providers.identity import IdentityProvider

FEATURE_PROVIDERS: list[type] = [IdentityProvider]
