"""What an authenticated request knows about its caller, and token lifetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.identity.model import Tier


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of an authenticated request, as proven by a verified access token."""

    user_id: UUID
    email: str
    tier: Tier
    token_id: str
    session_id: UUID
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshClaims:
    user_id: UUID
    token_id: str
    session_id: UUID
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    token_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: IssuedToken
    refresh: IssuedToken
    access_ttl_s: int
    refresh_ttl_s: int


class RotationOutcome(StrEnum):
    ROTATED = "rotated"
    REUSED = "reused"  # a spent token came back: the whole session is now revoked
    UNKNOWN = "unknown"  # expired, revoked or never existed
