"""The ingestion and hourly-read fast paths of EmotionSeries, one behaviour for every adapter.

`add_columns` must store exactly what `add` stores (idempotent per user, source and
instant, folded into the same hourly aggregates) and `hour_readings` must read exactly
what judging `hours` gives, the total included: memory, SQLite, PostgreSQL, MongoDB.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from domain.wellness.emotion import Emotion
from domain.wellness.samples import Source
from domain.wellness.series import PointColumns, Resolution, aggregate_points
from tests.contract import test_wellness_stores as stores
from tests.contract.test_wellness_stores import T0, pt

# The adapters and their users, exactly as the rest of the EmotionSeries contract has them.
series_and_users = stores.series_and_users


def columns(points) -> PointColumns:
    (user,) = {p.user_id for p in points}
    return PointColumns(
        user_id=user,
        timestamps=[p.timestamp for p in points],
        sources=[p.source.value for p in points],
        heart_rate=[p.heart_rate for p in points],
        hrv_rmssd=[p.hrv_rmssd for p in points],
        hrv_sdnn=[p.hrv_sdnn for p in points],
        pnn50=[p.pnn50 for p in points],
        stress_score=[p.stress_score for p in points],
        emotion=[p.emotion.value for p in points],
        confidence=[p.confidence for p in points],
    )


def same_aggregates(got, want) -> None:
    assert [h.start for h in got] == [h.start for h in want]
    for g, w in zip(got, want, strict=True):
        assert (g.count, g.hr_min, g.hr_max, g.rmssd_count) == (
            w.count,
            w.hr_min,
            w.hr_max,
            w.rmssd_count,
        )
        assert g.hr_sum == pytest.approx(w.hr_sum)
        assert g.ln_rmssd_sum == pytest.approx(w.ln_rmssd_sum)
        assert g.stress_sum == pytest.approx(w.stress_sum)
        assert g.emotion_counts == w.emotion_counts
        assert g.emotion_confidence == pytest.approx(w.emotion_confidence)


async def readings_of_hours(series, user, start, end, offset=0, limit=None):
    """The reference: every hour's aggregate, judged and paged here."""
    hours = await series.hours(user, start, end)
    page = hours[offset:] if limit is None else hours[offset : offset + limit]
    return [h.reading() for h in page], len(hours)


async def test_add_columns_stores_once_and_folds_like_add(series_and_users):
    series, users = series_and_users
    user = await users.new()
    first = [
        pt(
            user,
            m,
            hr=50 + m,
            rmssd=None if m % 4 == 0 else 30.0 + m,
            emotion=Emotion.CALM if m % 3 else Emotion.FOCUSED,
            confidence=0.4 + m / 100,
        )
        for m in range(0, 90)
    ]
    stored = await series.add_columns(columns(first))
    assert (stored.count, stored.days) == (90, frozenset({T0.date()}))
    assert await series.raw(user, T0, T0 + timedelta(days=1)) == first
    again = [*first[80:], pt(user, 80, source=Source.OURA), pt(user, 200, hr=120)]
    stored = await series.add_columns(columns(again))
    assert stored.count == 2  # the repeats are duplicates, the other device is not
    hours = await series.hours(user, T0, T0 + timedelta(days=1))
    same_aggregates(hours, aggregate_points([*first, *again[-2:]], Resolution.HOUR))
    assert not any(h.sealed for h in hours)
    assert (await series.add_columns(columns(first[:3]))).count == 0


async def test_add_columns_reports_the_utc_days_of_the_new_points(series_and_users):
    series, users = series_and_users
    user = await users.new()
    late_evening = T0.replace(hour=23, minute=50)
    batch = [pt(user, m, base=late_evening) for m in range(0, 20, 5)]
    stored = await series.add_columns(columns(batch))
    assert stored.days == frozenset({T0.date(), T0.date() + timedelta(days=1)})
    assert (await series.add_columns(columns(batch))).days == frozenset()


async def test_hour_readings_are_the_judged_hours_and_their_total(series_and_users):
    series, users = series_and_users
    user, other = await users.new(), await users.new()
    await series.add_columns(
        columns(
            [
                pt(
                    user,
                    m,
                    hr=55 + m % 40,
                    rmssd=20 + m % 30,
                    stress=m % 90,
                    emotion=[Emotion.CALM, Emotion.STRESSED, Emotion.UNKNOWN][m % 3],
                    confidence=0.33 + (m % 7) / 10,
                )
                for m in range(0, 600, 7)
            ]
        )
    )
    await series.add_columns(columns([pt(other, m) for m in range(30)]))
    span = (T0 + timedelta(hours=1), T0 + timedelta(hours=9))
    assert await series.hour_readings(user, *span) == await readings_of_hours(series, user, *span)
    page, total = await series.hour_readings(user, *span, offset=2, limit=3)
    assert (page, total) == await readings_of_hours(series, user, *span, offset=2, limit=3)
    assert [r.timestamp for r in page] == [T0 + timedelta(hours=h) for h in (3, 4, 5)]
    assert total == 8
    assert await series.hour_readings(user, *span, offset=50, limit=10) == ([], 8)
    assert await series.hour_readings(user, T0 - timedelta(days=2), T0) == ([], 0)


async def test_hour_readings_follow_late_points_and_sealing(series_and_users):
    series, users = series_and_users
    user = await users.new()
    base = T0 + timedelta(days=20)  # after T0: other tests seal and purge before it
    hour = (base, base + timedelta(hours=1))
    await series.add_columns(columns([pt(user, m, base=base, hr=60) for m in range(0, 60, 10)]))
    await series.add([pt(user, 55, base=base, hr=90, emotion=Emotion.STRESSED, confidence=0.9)])
    assert await series.hour_readings(user, *hour) == await readings_of_hours(series, user, *hour)
    (reading,), _ = await series.hour_readings(user, *hour)
    assert reading.heart_rate == round((6 * 60 + 90) / 7, 1)
    exact = aggregate_points(await series.raw(user, *hour), Resolution.HOUR)[0]
    await series.seal_hour(exact)
    assert await series.hour_readings(user, *hour) == ([exact.reading()], 1)
    await series.add_columns(columns([pt(user, 58, base=base, hr=150)]))
    (late,), _ = await series.hour_readings(user, *hour)
    assert late == (await series.hours(user, *hour))[0].reading()
    assert late.heart_rate == round((6 * 60 + 90 + 150) / 8, 1)


@pytest.mark.parametrize("document_store", ["postgres"], indirect=True)
async def test_hours_stored_before_readings_were_kept_are_judged_on_read(series_and_users):
    series, users = series_and_users
    user = await users.new()
    await series.add_columns(columns([pt(user, m, stress=m) for m in range(0, 180, 3)]))
    want = await readings_of_hours(series, user, T0, T0 + timedelta(days=1))
    async with series._db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE emotion_hourly SET reading_emotion = NULL, reading_confidence = NULL, "
                "reading_stress = NULL, reading_heart_rate = NULL, reading_hrv_rmssd = NULL "
                "WHERE user_id = :u AND start = :s"
            ),
            {"u": user, "s": T0 + timedelta(hours=1)},
        )
    assert await series.hour_readings(user, T0, T0 + timedelta(days=1)) == want


def activity_batch(user):
    """Half an hour at rest, then ten minutes of a walk the device reported."""
    points = [pt(user, m, hr=62.0 + m % 3, rmssd=40.0 + m % 5, stress=25) for m in range(30)]
    points += [
        pt(user, m, hr=105.0, rmssd=12.0, stress=0, emotion=Emotion.ACTIVE, confidence=0.7)
        for m in range(30, 40)
    ]
    return [
        p.__class__(
            **{
                **{f: getattr(p, f) for f in p.__slots__},
                "artefact_share": 0.02 if p.at_rest else 0.1,
                "steps": None if p.at_rest else 110.0,
                "activity": "rest" if p.at_rest else "walk",
                "interval_s": 60.0,
            }
        )
        for p in points
    ]


@pytest.mark.parametrize("write", ["add", "add_columns"])
async def test_activity_context_is_stored_and_kept_out_of_rest_sums(series_and_users, write):
    series, users = series_and_users
    user = await users.new()
    points = activity_batch(user)
    if write == "add":
        await series.add(points)
    else:
        cols = columns(points)
        cols = PointColumns(
            **{
                **{f: getattr(cols, f) for f in cols.__dataclass_fields__},
                "artefact_share": [p.artefact_share for p in points],
                "steps": [p.steps for p in points],
                "activity": [p.activity for p in points],
                "interval_s": [p.interval_s for p in points],
            }
        )
        await series.add_columns(cols)
    raw = await series.raw(user, T0, T0 + timedelta(hours=1))
    assert [(p.artefact_share, p.steps, p.activity, p.interval_s) for p in raw] == [
        (p.artefact_share, p.steps, p.activity, p.interval_s) for p in points
    ]
    assert [p.emotion for p in raw][-1] is Emotion.ACTIVE
    (hour,) = await series.hours(user, T0, T0 + timedelta(hours=1))
    (want,) = aggregate_points(points, Resolution.HOUR)
    assert (hour.count, hour.rest_count, hour.rmssd_count) == (40, 30, 30)
    assert hour.rest_hr_sum == pytest.approx(want.rest_hr_sum)
    assert hour.ln_rmssd_sq_sum == pytest.approx(want.ln_rmssd_sq_sum)
    assert hour.stress_mean == pytest.approx(25.0)  # the walk is not stress
    assert hour.rmssd_mean == pytest.approx(42.0)  # nor HRV at rest
    assert hour.hr_mean == pytest.approx(want.hr_mean)  # the heart rate shown is all of it
    readings, total = await series.hour_readings(user, T0, T0 + timedelta(hours=1))
    assert total == 1 and readings[0] == hour.reading()
    assert readings[0].stress_score == 25


async def test_a_batch_without_activity_context_stores_nulls(series_and_users):
    series, users = series_and_users
    user = await users.new()
    points = [pt(user, m) for m in range(3)]
    await series.add_columns(columns(points))
    raw = await series.raw(user, T0, T0 + timedelta(hours=1))
    assert {(p.artefact_share, p.steps, p.activity, p.interval_s) for p in raw} == {
        (None, None, None, None)
    }
    (hour,) = await series.hours(user, T0, T0 + timedelta(hours=1))
    assert hour.rest_count == 3
