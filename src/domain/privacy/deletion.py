"""Account deletion: effective at once, hard purge after a grace period."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

PURGE_GRACE = timedelta(days=30)
ANONYMISED_NAME = "Deleted user"


def purge_after(now: datetime) -> datetime:
    return now + PURGE_GRACE


def anonymised_email(user_id: UUID) -> str:
    """Frees the address for a new account and keeps nothing that identifies the person."""
    return f"deleted-{user_id.hex}@deleted.invalid"
