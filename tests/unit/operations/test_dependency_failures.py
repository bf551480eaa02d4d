"""SIGTERM's drain step (how a store's failure becomes 503 PSI-SYS-5003 is
tests/unit/operations/test_failure_translation.py; end to end tests/e2e/test_faults.py)."""

from __future__ import annotations

import asyncio
import signal

from entrypoints.http.drain import drain_on_sigterm
from entrypoints.readiness import Readiness
from entrypoints.settings import load_settings
from tests.support.app import TEST_SECRET


def test_drain_grace_defaults_by_profile(tmp_path):
    assert load_settings({}, var_dir=tmp_path).drain_s == 0.0
    production = {"env": "production", "jwt_secret": TEST_SECRET, "var_dir": tmp_path}
    assert load_settings({}, **production).drain_s == 5.0
    assert load_settings({"PSI_SHUTDOWN_GRACE_S": "1.5"}, **production).drain_s == 1.5


async def test_sigterm_drains_first_then_hands_over_to_the_server():
    calls: list[tuple[int, float]] = []
    loop = asyncio.get_running_loop()
    previous = signal.signal(
        signal.SIGTERM, lambda signum, frame: calls.append((signum, loop.time()))
    )
    try:
        readiness = Readiness(1.0)
        assert drain_on_sigterm(readiness, 0.2)
        started = loop.time()
        signal.raise_signal(signal.SIGTERM)
        assert readiness.draining and calls == []  # still serving
        assert (await readiness.check()) == {"process": "draining"}
        await asyncio.sleep(0.4)
        assert [c[0] for c in calls] == [signal.SIGTERM]
        assert calls[0][1] - started >= 0.2
        signal.raise_signal(signal.SIGTERM)  # a second one goes straight through
        assert len(calls) == 2
    finally:
        signal.signal(signal.SIGTERM, previous)


async def test_no_server_handler_means_nothing_to_wrap():
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        assert not drain_on_sigterm(Readiness(1.0), 1.0)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
