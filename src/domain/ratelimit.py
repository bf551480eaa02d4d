"""Rate-limit decisions (GCRA: a token bucket held as one timestamp per key)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    window_s: float

    @property
    def interval(self) -> float:
        return self.window_s / self.limit


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # epoch seconds when the bucket is full again
    retry_after_s: float  # 0 when allowed


def gcra(tat: float | None, now: float, quota: Quota, cost: int = 1) -> tuple[Decision, float]:
    """Decide one request given the stored theoretical arrival time; returns the decision
    and the new TAT to store (unchanged when refused)."""
    tat = max(tat if tat is not None else now, now)
    new_tat = tat + quota.interval * cost
    allow_at = new_tat - quota.window_s
    if allow_at > now:
        remaining = max(0, math.floor((now - (tat - quota.window_s)) / quota.interval))
        return Decision(False, quota.limit, remaining, tat, allow_at - now), tat
    remaining = max(0, math.floor((now - allow_at) / quota.interval))
    return Decision(True, quota.limit, remaining, new_tat, 0.0), new_tat


@dataclass(frozen=True, slots=True)
class LoginThrottlePolicy:
    """OWASP-style brute-force slowing: failures are counted per account and address (tight)
    and per account (loose, so an attacker elsewhere cannot lock the owner out for long)."""

    per_account_address: Quota
    per_account: Quota
