from __future__ import annotations

import msgspec


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Request bodies: unknown fields are a 400, never silently kept."""


class Output(msgspec.Struct, kw_only=True, frozen=True):
    """Response bodies."""
