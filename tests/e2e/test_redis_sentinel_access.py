"""Sentinels guarded by an ACL user and password of their own, apart from the data
nodes' password, and Sentinel over TLS: real `redis-server` processes (a primary with
`requirepass` and its sentinel, TLS-only in the second set: no plaintext port at all).

The right sentinel credentials reach the primary; none, wrong ones, or the data nodes'
password in their place are refused, and the refusal names authentication. Over TLS the
certificate is verified against the CA the URL names."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.redis.connect import RedisTopology, SentinelAccess, connect
from tests.support.app import api_client, production_settings
from tests.support.redis_topologies import SENTINEL_MASTER, GuardedSentinel
from tests.support.tls import loopback_certificate

pytestmark = [pytest.mark.asyncio, pytest.mark.redis]
DATA_PASSWORD = secrets.token_urlsafe(16)
SENTINEL_PASSWORD = secrets.token_urlsafe(16)
USER = GuardedSentinel.SENTINEL_USER
RIGHT = SentinelAccess(USER, SENTINEL_PASSWORD)


@pytest.fixture(scope="module")
def guarded() -> Iterator[GuardedSentinel]:
    s = GuardedSentinel(DATA_PASSWORD, SENTINEL_PASSWORD)
    try:
        s.start()
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def guarded_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuardedSentinel]:
    certificate = loopback_certificate(tmp_path_factory.mktemp("redis-tls"))
    s = GuardedSentinel(DATA_PASSWORD, SENTINEL_PASSWORD, tls=certificate)
    try:
        s.start()
        yield s
    finally:
        s.stop()


def _url(s: GuardedSentinel, data_password: str | None = DATA_PASSWORD) -> str:
    credentials = f":{data_password}@" if data_password else ""
    if s.tls is None:
        return f"redis://{credentials}{SENTINEL_MASTER}/0"
    return f"rediss://{credentials}{SENTINEL_MASTER}/0?ssl_ca_certs={s.tls.ca}"


def _topology(s: GuardedSentinel, access: SentinelAccess, url: str | None = None):
    return RedisTopology(
        url or _url(s),
        "sentinel",
        sentinels=(f"127.0.0.1:{s.sentinel_port}",),
        sentinel_master=SENTINEL_MASTER,
        sentinel_access=access,
    )


async def _round_trip(topology: RedisTopology) -> None:
    client = connect(topology, socket_timeout=2, socket_connect_timeout=2)
    key = f"psi-test-sentinel:{uuid.uuid4().hex}"
    try:
        await client.set(key, "v", ex=30)
        assert await client.get(key) == b"v"
    finally:
        await client.aclose()


async def _refusal(topology: RedisTopology) -> str:
    client = connect(topology, socket_timeout=2, socket_connect_timeout=2)
    try:
        with pytest.raises(RedisConnectionError) as caught:
            await client.ping()
    finally:
        await client.aclose()
    return str(caught.value)


async def test_the_sentinels_own_credentials_reach_the_primary(guarded: GuardedSentinel):
    await _round_trip(_topology(guarded, RIGHT))


@pytest.mark.parametrize(
    "access",
    [
        SentinelAccess(),
        SentinelAccess(USER, "not-the-password"),
        SentinelAccess(USER, DATA_PASSWORD),  # the data nodes' password is not theirs
    ],
    ids=["none", "wrong", "data-password"],
)
async def test_a_sentinel_refuses_other_credentials_by_name(guarded, access):
    message = await _refusal(_topology(guarded, access))
    assert "No master found" in message and "AuthenticationError" in message, message


async def test_the_primary_wants_its_own_password(guarded: GuardedSentinel):
    message = await _refusal(_topology(guarded, RIGHT, _url(guarded, data_password=None)))
    assert "authenticat" in message.lower(), message  # redis-py says it through HELLO


async def test_sentinel_and_primary_over_tls(guarded_tls: GuardedSentinel):
    # TLS to the sentinel follows rediss:// (the primary has no plaintext port either).
    await _round_trip(_topology(guarded_tls, RIGHT))
    await _round_trip(_topology(guarded_tls, SentinelAccess(USER, SENTINEL_PASSWORD, tls=True)))


async def test_tls_is_verified_and_not_optional(guarded_tls: GuardedSentinel):
    plaintext = SentinelAccess(USER, SENTINEL_PASSWORD, tls=False)
    message = await _refusal(_topology(guarded_tls, plaintext))
    assert "No master found" in message, message
    # Without the CA the server's certificate is not trusted.
    untrusted = _url(guarded_tls).split("?", 1)[0]
    message = await _refusal(_topology(guarded_tls, RIGHT, untrusted))
    assert "CERTIFICATE_VERIFY_FAILED" in message or "certificate verify failed" in message


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
async def test_ready_through_guarded_sentinels(tmp_path: Path, postgres_url, request, tls):
    """The settings (PSI_REDIS_SENTINEL_USERNAME / _PASSWORD, rediss:// with its CA)
    reach the client: ready with them, `redis` not ready without the password."""
    s: GuardedSentinel = request.getfixturevalue("guarded_tls" if tls else "guarded")

    def settings(**access: str):
        return production_settings(
            tmp_path,
            postgres_url,
            _url(s),
            redis_mode="sentinel",
            redis_sentinels=(f"127.0.0.1:{s.sentinel_port}",),
            redis_sentinel_master=SENTINEL_MASTER,
            dependency_timeout_s=1.0,
            **access,
        )

    guarded = settings(redis_sentinel_username=USER, redis_sentinel_password=SENTINEL_PASSWORD)
    async with api_client(guarded) as client:
        r = await client.get("/api/v1/ready")
        assert r.status_code == 200, r.text
    async with api_client(settings()) as client:
        r = await client.get("/api/v1/ready")
    assert r.status_code == 503, r.text
    assert r.json()["error"]["details"]["failed"] == ["redis"]
