from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from domain.ratelimit import Quota, gcra


def test_burst_up_to_the_limit_then_refused():
    q = Quota(5, 60)
    tat = None
    for i in range(5):
        d, tat = gcra(tat, 1000.0, q)
        assert d.allowed and d.remaining == 4 - i
    d, tat2 = gcra(tat, 1000.0, q)
    assert not d.allowed and tat2 == tat
    assert abs(d.retry_after_s - 12.0) < 1e-6  # one token every 60/5 s


@given(
    st.lists(st.floats(min_value=0, max_value=600), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=50),
)
def test_never_more_than_limit_in_any_window(times, limit):
    q = Quota(limit, 60)
    tat = None
    accepted = []
    for t in sorted(times):
        d, tat = gcra(tat, t, q)
        if d.allowed:
            accepted.append(t)
        assert 0 <= d.remaining <= limit
    # GCRA's guarantee: a burst of `limit`, then one more per interval (60/limit s). So a
    # window shorter than an interval holds at most `limit`, and one of a whole period up
    # to about twice that (a burst at its start, then the refills: 6 at t=0 and one at
    # 10, 20, ..., 50 s are all allowed with a limit of 6 per minute).
    for start in accepted:
        for width in (q.interval / 2, q.interval, q.window_s):
            inside = sum(1 for t in accepted if start <= t < start + width)
            assert inside <= limit + math.floor(width / q.interval + 1e-9), (width, inside)


def test_a_burst_then_one_per_interval_is_what_a_period_allows():
    q, tat, allowed = Quota(6, 60), None, []
    for t in [0.0] * 7 + [5.0, 10.0, 20.0, 30.0, 40.0, 50.0]:
        d, tat = gcra(tat, t, q)
        allowed.append(d.allowed)
    assert allowed == [True] * 6 + [False, False] + [True] * 5
