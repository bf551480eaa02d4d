"""The free tier's daily analysis allowance: 3 photo analyses per UTC day.

Only the window arithmetic and the decision live here; the atomic counting is a
store's job (a Redis script, or a conditional SQL update).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.identity.model import Tier

FREE_DAILY_ANALYSES = 3


@dataclass(frozen=True, slots=True)
class QuotaWindow:
    """One UTC day, and the instant the next one starts."""

    day: date
    resets_at: datetime

    @property
    def key(self) -> str:
        return self.day.isoformat()

    def seconds_left(self, now: datetime) -> int:
        return max(1, int((self.resets_at - now).total_seconds() + 0.999))


def utc_day_window(now: datetime) -> QuotaWindow:
    day = now.astimezone(UTC).date()
    return QuotaWindow(day, datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC))


def daily_limit(tier: Tier) -> int | None:
    """Photo analyses a tier may start per UTC day; None for no limit."""
    return FREE_DAILY_ANALYSES if tier is Tier.FREE else None


@dataclass(frozen=True, slots=True)
class QuotaStatus:
    """What the `X-RateLimit-*` headers say after a decision."""

    limit: int
    used: int
    window: QuotaWindow

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)
