"""The composition root picks every adapter by the stores the profile has: the embedded
profile gets the SQL and in-process adapters, Redis and MongoDB bring theirs, and the
collected lists (readiness probes, personal-data stores) follow. Only the container is
built; nothing but the stream queue connects to a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.images.filesystem_store import FilesystemImageStore
from adapters.images.s3_store import S3ImageStore
from adapters.mongo.emotions import MongoEmotionSeries
from adapters.mongo.preferences import MongoPreferencesStore
from adapters.queue.in_process import InProcessQueue
from adapters.queue.redis_stream import RedisStreamQueue
from adapters.redis.admission import RedisAdmission
from adapters.redis.sessions import RedisSessionStore
from adapters.redis.user_cache import RedisCachedUserRepository
from adapters.sql.preferences import SqlPreferencesStore
from adapters.sql.sessions import SqlSessionStore
from adapters.sql.wellness_series import SqlEmotionSeries
from application.identity.admission import SequentialAdmission
from application.ports.food import AnalysisQueue
from application.ports.identity import SessionStore, UserRepository
from application.ports.preferences import PreferencesStore
from application.ports.ratelimit import RequestAdmission
from application.ports.vision import ImageStore
from application.ports.wellness import EmotionSeries
from entrypoints.container import build_container
from entrypoints.providers.privacy import PersonalDataStores
from entrypoints.readiness import Readiness
from tests.support.app import embedded_settings, production_settings

pytestmark = pytest.mark.asyncio
# Never dialled: building the container only makes lazy clients.
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:1/psi"
REDIS = "redis://127.0.0.1:1/0"
MONGO = "mongodb://127.0.0.1:1/"


async def resolve(settings, *types):
    # The HTTP app's graph (request scope included) must build too, in every profile.
    await build_container(settings, http=True).close()
    container = build_container(settings)
    try:
        return [await container.get(t) for t in types]
    finally:
        await container.close()


async def test_the_embedded_profile_has_sql_and_in_process_adapters(tmp_path: Path):
    sessions, admission, series, preferences, stores, readiness, images = await resolve(
        embedded_settings(tmp_path),
        SessionStore,
        RequestAdmission,
        EmotionSeries,
        PreferencesStore,
        PersonalDataStores,
        Readiness,
        ImageStore,
    )
    assert type(images) is FilesystemImageStore
    assert type(sessions) is SqlSessionStore
    assert type(admission) is SequentialAdmission
    assert type(series) is SqlEmotionSeries
    assert type(preferences) is SqlPreferencesStore
    assert [s.name for s in stores] == ["payments", "images", "sql"]
    assert list(readiness._probes) == ["database"]


async def test_redis_and_mongodb_bring_their_adapters(tmp_path: Path):
    settings = production_settings(tmp_path, POSTGRES, REDIS, mongodb_uri=MONGO)
    users, sessions, admission, series, preferences, stores, readiness = await resolve(
        settings,
        UserRepository,
        SessionStore,
        RequestAdmission,
        EmotionSeries,
        PreferencesStore,
        PersonalDataStores,
        Readiness,
    )
    assert type(users) is RedisCachedUserRepository
    assert type(sessions) is RedisSessionStore
    assert type(admission) is RedisAdmission
    assert type(series) is MongoEmotionSeries
    assert type(preferences) is MongoPreferencesStore
    # Purge order: the payment provider first, SQL (the account row) last.
    assert [s.name for s in stores] == ["payments", "images", "redis", "mongodb", "sql"]
    assert sorted(readiness._probes) == ["database", "mongodb", "redis"]


async def test_an_s3_image_store_brings_its_bucket_and_probe(tmp_path: Path):
    settings = production_settings(
        tmp_path,
        POSTGRES,
        REDIS,
        image_store="s3",
        s3_bucket="psi-never-dialled",
        s3_endpoint_url="http://127.0.0.1:1",
        s3_owner_key="composition-test-owner-key-0123456789",
    )
    images, readiness = await resolve(settings, ImageStore, Readiness)
    assert type(images) is S3ImageStore
    assert sorted(readiness._probes) == ["database", "image_store", "redis"]
    assert list(readiness._advisories) == ["image_store"]


@pytest.mark.redis
async def test_each_profile_has_its_queue(tmp_path: Path, redis_url: str, redis_client):
    (embedded,) = await resolve(embedded_settings(tmp_path / "e"), AnalysisQueue)
    assert type(embedded) is InProcessQueue
    # The stream queue declares its consumer group when it starts: a real Redis.
    settings = production_settings(tmp_path / "p", POSTGRES, redis_url)
    (production,) = await resolve(settings, AnalysisQueue)
    assert type(production) is RedisStreamQueue
    keys = [k async for k in redis_client.scan_iter(match=f"{settings.redis_prefix}*")]
    if keys:
        await redis_client.delete(*keys)
