"""The free tier's daily allowance, charged atomically by the quota store."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.ports.food import AnalysisQuota
from domain.errors import DailyQuotaExceeded
from domain.food.quota import QuotaStatus, daily_limit, utc_day_window
from domain.identity.model import Tier

UPGRADE_URL = "/api/v1/users/me/subscription/checkout"


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


async def charge_quota(
    quota: AnalysisQuota, user_id: UUID, tier: Tier, now: datetime
) -> QuotaStatus | None:
    """Take one analysis from today's allowance, or raise 429 PSI-RATE-4002."""
    limit = daily_limit(tier)
    if limit is None:
        return None
    window = utc_day_window(now)
    taken, used = await quota.consume(user_id, window, limit)
    if not taken:
        raise quota_exceeded(limit, window, now)
    return QuotaStatus(limit, used, window)


async def refuse_if_spent(quota: AnalysisQuota, user_id: UUID, tier: Tier, now: datetime) -> None:
    """429 PSI-RATE-4002 when today's allowance is already used up (spends nothing)."""
    limit = daily_limit(tier)
    if limit is None:
        return
    window = utc_day_window(now)
    if await quota.used(user_id, window) >= limit:
        raise quota_exceeded(limit, window, now)


def quota_exceeded(limit: int, window, now: datetime) -> DailyQuotaExceeded:
    return DailyQuotaExceeded(
        retry_after_s=window.seconds_left(now),
        limit=limit,
        reset_time=_iso(window.resets_at),
        upgrade_url=UPGRADE_URL,
    )
