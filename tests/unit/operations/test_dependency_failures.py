"""How failures of a store become 503 PSI-SYS-5003, and SIGTERM's drain step
(the end-to-end behaviour is tests/e2e/test_faults.py)."""

from __future__ import annotations

import asyncio
import signal

import pytest
from pymongo.errors import NetworkTimeout, OperationFailure, _OperationCancelled
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from sqlalchemy.exc import OperationalError

from entrypoints.http.drain import drain_on_sigterm
from entrypoints.http.errors import _unavailable_dependency
from entrypoints.readiness import Readiness
from entrypoints.settings import load_settings
from tests.support.app import TEST_SECRET


def raised_in(module: str, exc: BaseException) -> BaseException:
    """`exc` as if a function of `module` had raised it (the frame names the module)."""
    namespace: dict = {"__name__": module}
    exec("def fail(e):\n    raise e\n", namespace)  # noqa: S102 (a fixed test snippet)
    try:
        namespace["fail"](exc)
    except BaseException as caught:
        return caught
    raise AssertionError("not raised")


@pytest.mark.parametrize("exc, store", [
    (RedisConnectionError("refused"), "redis"),
    (NetworkTimeout("timed out"), "mongodb"),
    (_OperationCancelled("operation cancelled"), "mongodb"),  # a private subclass
    (OperationalError("SELECT 1", {}, Exception("gone")), "database"),
    # asyncpg lets the socket's own errors through while connecting
    (raised_in("asyncpg.connect_utils", ConnectionRefusedError(111, "refused")), "database"),
    (raised_in("asyncpg.connect_utils", TimeoutError()), "database"),
    (raised_in("asyncpg.connect_utils", OSError(113, "no route to host")), "database"),
    (raised_in("redis.asyncio.connection", OSError(113, "no route to host")), "redis"),
    (ExceptionGroup("both", [RedisConnectionError("a"), NetworkTimeout("b")]), "redis"),
])
def test_connection_failures_name_their_store(exc, store):
    assert _unavailable_dependency(exc) == store


@pytest.mark.parametrize("exc", [
    ResponseError("WRONGTYPE"), OperationFailure("bad query"), KeyError("x"),
    OSError(28, "no space left on device"),  # not a store: a 500, not a 503
    ExceptionGroup("mixed", [RedisConnectionError("a"), KeyError("b")]),
])
def test_other_failures_are_not_unavailability(exc):
    assert _unavailable_dependency(exc) is None


def test_drain_grace_defaults_by_profile(tmp_path):
    assert load_settings({}, var_dir=tmp_path).drain_s == 0.0
    production = {"env": "production", "jwt_secret": TEST_SECRET, "var_dir": tmp_path}
    assert load_settings({}, **production).drain_s == 5.0
    assert load_settings({"PSI_SHUTDOWN_GRACE_S": "1.5"}, **production).drain_s == 1.5


async def test_sigterm_drains_first_then_hands_over_to_the_server():
    calls: list[tuple[int, float]] = []
    loop = asyncio.get_running_loop()
    previous = signal.signal(signal.SIGTERM,
                             lambda signum, frame: calls.append((signum, loop.time())))
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
