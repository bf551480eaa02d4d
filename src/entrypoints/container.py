"""The composition root: the profile's store providers (none: embedded; Redis and/or
MongoDB: production) and every feature provider, which picks its adapters by the stores
the container has."""

from __future__ import annotations

from dishka import AsyncContainer, Provider, make_async_container
from dishka.integrations.litestar import LitestarProvider

from application.ports.clock import Clock
from entrypoints.providers import FEATURE_PROVIDERS
from entrypoints.providers.infrastructure import InfrastructureProvider, store_providers
from entrypoints.settings import Settings


def build_container(
    settings: Settings,
    *,
    clock: Clock | None = None,
    extra: tuple[Provider, ...] = (),
    http: bool = False,
) -> AsyncContainer:
    providers: list[Provider] = [InfrastructureProvider(settings, clock)]
    providers += [cls() for cls in FEATURE_PROVIDERS]
    providers += store_providers(settings)
    if settings.metrics_port is not None:
        from entrypoints.providers.metrics import ModelTimingProvider

        providers.append(ModelTimingProvider())
    if http:
        from entrypoints.providers.request import RequestProvider

        providers += [LitestarProvider(), RequestProvider()]
    return make_async_container(*providers, *extra)
