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
    """Sign-in throttling that slows attackers without locking the owner out.

    - Every attempt is counted *before* the password is checked, atomically, per account
      and address (`per_account_address`, tight) and per address over all accounts
      (`per_address`): past either, 429 and no check. A successful sign-in clears its
      (account, address) count.
    - Per account, over every address, failures are never a refusal (that would let an
      attacker with many addresses lock the owner out): past `account_free_failures` in
      the window, every attempt on the account waits `delay_for(failures)` before it is
      checked, growing with the failures and capped at `max_delay_s`.
    """

    per_account_address: Quota
    per_address: Quota
    account_free_failures: int
    window_s: int
    max_delay_s: float

    @property
    def account_meter(self) -> Quota:
        """Counts an account's recent failures (decaying over the window); never refuses
        in practice."""
        return Quota(100_000, self.window_s)

    def failures(self, meter: Decision) -> int:
        """Recent failures from a `peek` of the meter (which counts the attempt it
        would make: one less)."""
        return max(0, meter.limit - 1 - meter.remaining)

    def delay_for(self, failures: int) -> float:
        over = failures - self.account_free_failures
        if over <= 0:
            return 0.0
        return min(self.max_delay_s, 0.25 * 2 ** (min(over, 200) / 5))
