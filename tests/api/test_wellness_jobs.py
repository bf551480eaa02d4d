"""The scheduled retention job over the real stores: seal hours past 30 days, delete raw
samples past 90, idempotently, while the hourly history stays readable through the API."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta

import pytest

from entrypoints.jobs.wellness import run_retention
from tests.support.app import Api, api_client, production_settings

pytestmark = pytest.mark.asyncio

# Earlier than any other suite's data in the shared session database: the job spans all users.
DAY = datetime(2026, 6, 1, tzinfo=UTC)


@contextlib.contextmanager
def warnings_of(logger: str):
    """The warnings one logger writes meanwhile, whatever handlers logging has."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger(logger).addHandler(handler)
    try:
        yield records
    finally:
        logging.getLogger(logger).removeHandler(handler)


def z(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


async def exercise(client, settings, clock) -> None:
    api = Api(client)
    clock.set(DAY + timedelta(hours=4))
    user, headers, _ = await api.user(consents={"biometrics": True, "food_photos": False})
    samples = [
        {
            "timestamp": z(DAY + timedelta(minutes=i)),
            "heart_rate": 60 + i % 9,
            "hrv_rmssd": 40.0 + i % 5,
            "source": "fitbit",
        }
        for i in range(150)
    ]
    r = await client.post("/api/v1/biometrics/samples", json={"samples": samples}, headers=headers)
    assert r.status_code == 201, r.text

    async def hours(headers):
        r = await client.get(
            "/api/v1/emotions",
            headers=headers,
            params={"from": z(DAY), "to": z(DAY + timedelta(days=1)), "resolution": "hour"},
        )
        assert r.status_code == 200, r.text
        return r.json()["data"]

    before = await hours(headers)
    assert [h["timestamp"] for h in before] == [z(DAY + timedelta(hours=h)) for h in range(3)]

    clock.set(DAY + timedelta(days=31))
    first = await run_retention(settings, clock=clock, seal_batch=2)
    second = await run_retention(settings, clock=clock, seal_batch=2)
    assert (first.sealed_hours, first.deleted_raw, first.finished) == (3, 0, True)
    assert (second.sealed_hours, second.deleted_raw) == (0, 0)

    clock.set(DAY + timedelta(days=91))
    # A budget of 3 batches: sealing's one (nothing left to seal) and two of deletion.
    with warnings_of("psi.jobs.wellness") as warnings:
        third = await run_retention(settings, clock=clock, delete_batch=40, max_batches=3)
    assert (third.deleted_raw, third.finished) == (80, False)  # bounded: the rest waits
    (warning,) = warnings
    assert "deletion unfinished" in warning.getMessage()
    fourth = await run_retention(settings, clock=clock, delete_batch=40, max_batches=3)
    assert (fourth.deleted_raw, fourth.finished) == (70, True)
    assert (await run_retention(settings, clock=clock)).deleted_raw == 0

    tokens = await api.login(user["email"], user["password"])
    fresh = {"Authorization": f"Bearer {tokens['access_token']}"}
    raw = await client.get(
        "/api/v1/emotions",
        headers=fresh,
        params={"from": z(DAY), "to": z(DAY + timedelta(days=1)), "resolution": "raw"},
    )
    assert raw.json()["meta"]["total"] == 0
    assert await hours(fresh) == before  # the hourly history outlives the raw samples


async def test_retention_job_in_each_profile(client, settings, clock):
    await exercise(client, settings, clock)


@pytest.mark.mongo
async def test_retention_job_with_the_series_on_mongodb(
    tmp_path, postgres_url, redis_url, mongo_uri, clock
):
    settings = production_settings(tmp_path, postgres_url, redis_url, mongodb_uri=mongo_uri)
    async with api_client(settings, clock) as client:
        await exercise(client, settings, clock)
    from pymongo import AsyncMongoClient

    mongo = AsyncMongoClient(mongo_uri)
    await mongo.drop_database(settings.mongodb_database)
    await mongo.close()
