"""Start-up hooks: async callables run once when the API starts, after migrations.

A feature registers one from its provider module (e.g. to load an index)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dishka import AsyncContainer

from entrypoints.settings import Settings

StartupHook = Callable[[AsyncContainer, Settings], Awaitable[None]]
STARTUP_HOOKS: list[StartupHook] = []
