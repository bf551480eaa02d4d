from __future__ import annotations

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


@given(st.lists(st.floats(min_value=0, max_value=600), min_size=1, max_size=300),
       st.integers(min_value=1, max_value=50))
def test_never_more_than_limit_in_any_window(times, limit):
    q = Quota(limit, 60)
    tat = None
    accepted = []
    for t in sorted(times):
        d, tat = gcra(tat, t, q)
        if d.allowed:
            accepted.append(t)
        assert 0 <= d.remaining <= limit
    for start in accepted:
        in_window = [t for t in accepted if start <= t < start + 60]
        assert len(in_window) <= limit + 1  # GCRA allows the burst plus the emission edge
