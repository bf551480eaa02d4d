"""Every HTTP router of the API; a feature adds its controller module's ROUTERS here."""

from __future__ import annotations

from entrypoints.http.controllers import identity, system

API_ROUTERS = [*identity.ROUTERS]
ROOT_ROUTERS = [*system.ROUTERS]
