"""The wellness storage ports, one behaviour for every adapter.

EmotionSeries: memory, SQLite, PostgreSQL and MongoDB (SecantusDB over TCP, or a
real mongod via PSI_TEST_MONGODB_URI). MoodCheckIns and WellnessScores: memory,
SQLite, PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from adapters.memory.wellness import (
    MemoryEmotionSeries,
    MemoryMoodCheckIns,
    MemoryWellnessScores,
)
from adapters.mongo.emotions import HOURLY, KEYS, SAMPLES, TTL_SECONDS, MongoEmotionSeries
from adapters.sql.models import UserRow
from adapters.sql.wellness_records import sql_mood_check_ins, sql_wellness_scores
from adapters.sql.wellness_series import sql_emotion_series
from domain.wellness.emotion import Emotion
from domain.wellness.mood import new_check_in
from domain.wellness.samples import Source
from domain.wellness.score import DailyWellness
from domain.wellness.series import EmotionPoint, Resolution, aggregate_points

T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


class Users:
    """Creates users where the store has a users table to point at."""

    def __init__(self, db=None) -> None:
        self.db = db

    async def new(self) -> uuid.UUID:
        uid = uuid.uuid4()
        if self.db is not None:
            async with self.db.engine.begin() as conn:
                await conn.execute(
                    insert(UserRow.__table__).values(
                        id=uid,
                        email=f"{uid.hex}@example.com",
                        name="T",
                        password_hash="x",
                        subscription_tier="free",
                        email_verified=False,
                        created_at=T0,
                        updated_at=T0,
                    )
                )
        return uid


@pytest.fixture
async def series_and_users(document_store):
    kind, handle = document_store
    if kind == "memory":
        yield MemoryEmotionSeries(), Users()
    elif kind == "mongo":
        yield MongoEmotionSeries(handle), Users()
    else:
        yield sql_emotion_series(handle), Users(handle)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def records_and_users(request):
    if request.param == "memory":
        return MemoryMoodCheckIns(), MemoryWellnessScores(), Users()
    db = request.getfixturevalue(f"{request.param}_db")
    return sql_mood_check_ins(db), sql_wellness_scores(db), Users(db)


def pt(
    user,
    minute: int,
    *,
    source=Source.GARMIN,
    hr=60.0,
    rmssd: float | None = 40.0,
    emotion=Emotion.CALM,
    confidence=0.5,
    stress=20,
    base=T0,
) -> EmotionPoint:
    return EmotionPoint(
        user_id=user,
        timestamp=base + timedelta(minutes=minute),
        source=source,
        heart_rate=hr,
        hrv_rmssd=rmssd,
        hrv_sdnn=None if rmssd is None else 50.0,
        pnn50=None,
        stress_score=stress,
        emotion=emotion,
        confidence=confidence,
    )


class TestEmotionSeries:
    async def test_points_are_stored_once_per_user_source_and_instant(self, series_and_users):
        series, users = series_and_users
        user = await users.new()
        batch = [pt(user, m) for m in range(5)]
        assert await series.add(batch) == batch
        again = [*batch[:2], pt(user, 0, source=Source.OURA), pt(user, 9)]
        assert await series.add(again) == again[2:]
        assert await series.count_raw(user, T0, T0 + timedelta(hours=1)) == 7
        assert await series.add([]) == []

    async def test_raw_is_a_half_open_range_oldest_first_and_pages(self, series_and_users):
        series, users = series_and_users
        user = await users.new()
        await series.add([pt(user, m, hr=60 + m) for m in reversed(range(10))])
        got = await series.raw(user, T0 + timedelta(minutes=2), T0 + timedelta(minutes=8))
        assert [p.heart_rate for p in got] == [62, 63, 64, 65, 66, 67]
        page = await series.raw(user, T0, T0 + timedelta(hours=1), offset=3, limit=4)
        assert [p.heart_rate for p in page] == [63, 64, 65, 66]
        assert got[0] == pt(user, 2, hr=62)  # every field survives the round trip
        assert got[0].timestamp.utcoffset() == timedelta(0)

    async def test_latest(self, series_and_users):
        series, users = series_and_users
        user = await users.new()
        assert await series.latest(user) is None
        await series.add([pt(user, 30), pt(user, 90), pt(user, 10)])
        assert (await series.latest(user)).timestamp == T0 + timedelta(minutes=90)

    async def test_hourly_aggregates_follow_the_new_points_only(self, series_and_users):
        series, users = series_and_users
        user = await users.new()
        first = [pt(user, m, hr=50 + m, emotion=Emotion.CALM) for m in range(0, 30)]
        second = [
            pt(user, m, hr=100, rmssd=None, emotion=Emotion.STRESSED, confidence=0.9)
            for m in range(25, 70)
        ]
        await series.add(first)
        await series.add(second)  # minutes 25-29 are duplicates and must not count
        await series.add(second)
        hours = await series.hours(user, T0, T0 + timedelta(days=1))
        expected = aggregate_points([*first, *second[5:]], Resolution.HOUR)
        assert [h.start for h in hours] == [T0, T0 + timedelta(hours=1)]
        for got, want in zip(hours, expected, strict=True):
            assert (got.count, got.hr_min, got.hr_max) == (want.count, want.hr_min, want.hr_max)
            assert got.hr_mean == pytest.approx(want.hr_mean)
            assert got.rmssd_count == want.rmssd_count
            assert got.ln_rmssd_sum == pytest.approx(want.ln_rmssd_sum)
            assert got.emotion_counts == want.emotion_counts
            assert got.dominant_emotion is want.dominant_emotion
            assert got.confidence == pytest.approx(want.confidence)
            assert not got.sealed

    async def test_another_users_data_is_never_returned(self, series_and_users):
        series, users = series_and_users
        mine, theirs = await users.new(), await users.new()
        await series.add([pt(theirs, m) for m in range(10)])
        span = (T0, T0 + timedelta(days=1))
        assert await series.raw(mine, *span) == []
        assert await series.count_raw(mine, *span) == 0
        assert await series.hours(mine, *span) == []
        assert await series.latest(mine) is None

    # The job-facing queries span every user, and the SQL/Mongo stores are shared by the
    # session: these two tests work in periods of their own, long before T0.

    async def test_sealing_replaces_an_hour_and_late_points_unseal_it(self, series_and_users):
        series, users = series_and_users
        user = await users.new()
        base = T0 - timedelta(days=30)
        await series.add([pt(user, m, base=base) for m in range(0, 120, 10)])
        cutoff = base + timedelta(hours=2)
        pending = await series.unsealed_hours(cutoff, limit=10)
        assert pending == [(user, base), (user, base + timedelta(hours=1))]
        assert await series.unsealed_hours(cutoff, limit=1) == [(user, base)]
        exact = aggregate_points(
            await series.raw(user, base, base + timedelta(hours=1)), Resolution.HOUR
        )[0]
        await series.seal_hour(exact)
        assert await series.unsealed_hours(cutoff, 10) == [(user, base + timedelta(hours=1))]
        (sealed,) = await series.hours(user, base, base + timedelta(hours=1))
        assert sealed.sealed
        assert sealed.count == 6
        await series.add([pt(user, 55, hr=90, base=base)])  # a late sample
        (late,) = await series.hours(user, base, base + timedelta(hours=1))
        assert (late.count, late.hr_max, late.sealed) == (7, 90, False)

    async def test_old_raw_points_go_in_bounded_batches(self, series_and_users):
        series, users = series_and_users
        user, other = await users.new(), await users.new()
        base = T0 - timedelta(days=60)
        await series.add(
            [pt(user, m, base=base) for m in range(10)]
            + [pt(other, m, base=base) for m in range(3)]
        )
        cutoff = base + timedelta(minutes=5)
        assert await series.delete_raw_before(cutoff, limit=4) == 4
        assert await series.delete_raw_before(cutoff, limit=4) == 4
        assert await series.delete_raw_before(cutoff, limit=4) == 0
        span = (base, base + timedelta(hours=1))
        assert [p.timestamp.minute for p in await series.raw(user, *span)] == [5, 6, 7, 8, 9]
        assert await series.count_raw(other, *span) == 0
        assert len(await series.hours(user, *span)) == 1  # aggregates outlive raw points

    async def test_deleting_a_user_removes_every_trace_of_them_only(self, series_and_users):
        series, users = series_and_users
        user, other = await users.new(), await users.new()
        await series.add([pt(user, m) for m in range(5)] + [pt(other, m) for m in range(5)])
        await series.delete_user(user)
        span = (T0, T0 + timedelta(days=1))
        assert await series.count_raw(user, *span) == 0
        assert await series.hours(user, *span) == []
        assert await series.count_raw(other, *span) == 5
        # and the user's points can be sent again afterwards
        assert len(await series.add([pt(user, m) for m in range(5)])) == 5


@pytest.mark.parametrize("document_store", ["mongo"], indirect=True)
async def test_mongo_collections_indexes_and_ttl(series_and_users):
    series, users = series_and_users
    await series.add([pt(await users.new(), 0)])
    db = series._db
    names = set(await db.list_collection_names())
    assert {SAMPLES, KEYS, HOURLY} <= names
    info = await db[SAMPLES].options()
    assert info["timeseries"]["timeField"] == "timestamp"
    assert info["expireAfterSeconds"] == TTL_SECONDS == 90 * 24 * 3600
    sample_indexes = await db[SAMPLES].index_information()
    assert sample_indexes["user_timestamp"]["key"] == [("meta.user_id", 1), ("timestamp", 1)]
    key_indexes = await db[KEYS].index_information()
    assert key_indexes["ttl_90_days"]["expireAfterSeconds"] == TTL_SECONDS
    hourly_indexes = await db[HOURLY].index_information()
    assert hourly_indexes["user_start_unique"]["unique"]


def day(d: date, score: int = 70, ln: float | None = 3.7) -> DailyWellness:
    return DailyWellness(
        day=d,
        wellness_score=score,
        hrv_avg=41.2,
        ln_rmssd_mean=ln,
        heart_rate_avg=66.5,
        resting_hr=55.0,
        dominant_emotion=Emotion.RELAXED,
        emotion_confidence=0.61,
        data_points=300,
        components={
            "hrv_balance": 66.0,
            "resting_hr": 70.5,
            "stress_load": 72.0,
            "data_coverage": 93.8,
        },
        baseline_days=12,
    )


class TestWellnessScores:
    async def test_one_row_per_user_and_day_replaced_on_recompute(self, records_and_users):
        _, scores, users = records_and_users
        user, other = await users.new(), await users.new()
        d = date(2026, 11, 9)
        await scores.put(user, day(d, 70), T0)
        await scores.put(user, day(d, 64), T0)
        await scores.put(other, day(d, 99), T0)
        assert await scores.get(user, d) == day(d, 64)
        assert await scores.get(user, d + timedelta(days=1)) is None
        assert await scores.between(user, d, d) == [day(d, 64)]

    async def test_between_is_inclusive_and_ordered(self, records_and_users):
        _, scores, users = records_and_users
        user = await users.new()
        days = [date(2026, 11, 1) + timedelta(days=i) for i in range(10)]
        for d in reversed(days):
            await scores.put(user, day(d, ln=None), T0)
        got = await scores.between(user, days[2], days[5])
        assert [g.day for g in got] == days[2:6]
        assert got[0].ln_rmssd_mean is None

    async def test_what_explains_a_score_round_trips(self, records_and_users):
        _, scores, users = records_and_users
        user = await users.new()
        d = date(2026, 11, 9)
        explained = replace(
            day(d),
            resting_hr=None,
            coverage_factor=0.625,
            hours_observed=5,
            hours_expected=6.5,
            active_points=42,
            ln_rmssd_minute_var=0.09,
            components={
                "hrv_balance": 66.0,
                "resting_hr": None,
                "stress_load": 72.0,
                "data_coverage": 76.9,
            },
        )
        await scores.put(user, explained, T0)
        got = await scores.get(user, d)
        assert got == explained
        assert got.weights == {"hrv_balance": 0.40, "stress_load": 0.35}
        assert got.physiology().ln_rmssd_minute_var == 0.09


class TestMoodCheckIns:
    async def test_between_is_inclusive_oldest_first_and_private(self, records_and_users):
        moods, _, users = records_and_users
        user, other = await users.new(), await users.new()
        now = T0 + timedelta(hours=5)
        made = [
            new_check_in(
                id=uuid.uuid4(),
                user_id=user,
                now=now,
                valence=v,
                timestamp=T0 + timedelta(hours=h),
                label="calm",
                arousal=-1,
                note="ok",
            )
            for v, h in ((1, 3), (-2, 1), (0, 2))
        ]
        for c in made:
            await moods.add(c)
        await moods.add(new_check_in(id=uuid.uuid4(), user_id=other, now=now, valence=2))
        got = await moods.between(user, T0 + timedelta(hours=1), T0 + timedelta(hours=2))
        assert got == sorted(made, key=lambda c: c.timestamp)[:2]
        assert await moods.between(user, now, now + timedelta(hours=1)) == []


async def test_hour_readings_page_and_count(series_and_users):
    series, users = series_and_users
    user = await users.new()
    await series.add([pt(user, m) for m in range(0, 300, 30)])  # ten points over five hours
    span = (T0 + timedelta(hours=1), T0 + timedelta(hours=5))
    assert len(await series.hours(user, *span)) == 4
    page, total = await series.hour_readings(user, *span, offset=1, limit=2)
    assert total == 4
    assert [h.timestamp for h in page] == [T0 + timedelta(hours=2), T0 + timedelta(hours=3)]
