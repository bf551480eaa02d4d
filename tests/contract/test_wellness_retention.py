"""The retention job (`RunSeriesRetention`) over every EmotionSeries adapter: memory,
SQLite, PostgreSQL, MongoDB.

A run works batch by batch until its work is done or its budget is spent. These
tests never wait on time: a budget on a timer that does not move lasts until the
work is done, and a budget of a few batches stands for running out of time. The
invariant kept throughout: raw points go only once their hour is sealed, and the
hourly history is the same however many runs it took.

The job spans every user of the store, and the SQL and MongoDB stores are shared by
the test session: each test works in a period of its own, long before every other
suite's data, and removes its users at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from adapters.clock import ManualClock
from adapters.memory.wellness import MemoryEmotionSeries
from adapters.mongo.emotions import MongoEmotionSeries
from adapters.sql.wellness_series import sql_emotion_series
from application.wellness.retention import Budget, RunSeriesRetention
from domain.wellness.emotion import Emotion
from domain.wellness.series import Resolution, aggregate_points
from tests.contract import test_wellness_stores as stores
from tests.contract.test_wellness_series_columns import same_aggregates
from tests.contract.test_wellness_stores import pt


class TrackedUsers(stores.Users):
    def __init__(self, db=None) -> None:
        super().__init__(db)
        self.made: list = []

    async def new(self):
        self.made.append(await super().new())
        return self.made[-1]


@pytest.fixture
async def series_and_users(document_store):
    """The series and its users, as the rest of the contract has them; every user made
    here is removed afterwards, passed or failed, so no test sees another's backlog."""
    kind, handle = document_store
    if kind == "memory":
        series, users = MemoryEmotionSeries(), TrackedUsers()
    elif kind == "mongo":
        series, users = MongoEmotionSeries(handle), TrackedUsers()
    else:
        series, users = sql_emotion_series(handle), TrackedUsers(handle)
    yield series, users
    for user in users.made:
        await series.delete_user(user)


HOUR = timedelta(hours=1)
# Past both cutoffs of every period below (raw points are deleted after 90 days).
LATER = timedelta(days=91)


def stopped() -> float:
    """A monotonic timer that never moves: a budget of seconds never runs out."""
    return 0.0


def unlimited() -> Budget:
    return Budget(60, timer=stopped)


async def backlog(series, users, base: datetime):
    """Two users' raw points over five hours (130 points), none of them sealed yet."""
    heavy, light = await users.new(), await users.new()
    points = [
        pt(heavy, m, hr=55 + m % 40, emotion=Emotion.CALM if m % 3 else Emotion.STRESSED, base=base)
        for m in range(0, 4 * 60, 2)
    ] + [pt(light, 60 * 4 + m, hr=70, base=base) for m in range(10)]
    await series.add(points)
    return heavy, light, points


async def raw_left(series, users_, base: datetime) -> int:
    return sum([await series.count_raw(u, base, base + 5 * HOUR) for u in users_])


async def hours_of(series, users_, base: datetime):
    """The users' hours, oldest first (each hour of the backlog is one user's)."""
    return [h for u in users_ for h in await series.hours(u, base, base + 5 * HOUR)]


def exact_hours(points):
    return sorted(aggregate_points(points, Resolution.HOUR), key=lambda h: h.start)


async def test_a_backlog_of_many_batches_goes_in_one_run(series_and_users):
    """More batches than the old fixed cap of 100 per step: only time bounds a run now."""
    series, users = series_and_users
    base = datetime(2025, 1, 6, 8, tzinfo=UTC)
    heavy, light, points = await backlog(series, users, base)
    job = RunSeriesRetention(series, ManualClock(base + LATER), seal_batch=2, delete_batch=1)

    report = await job(unlimited())

    assert (report.sealed_hours, report.deleted_raw, report.finished) == (5, 130, True)
    assert await raw_left(series, [heavy, light], base) == 0
    hours = await hours_of(series, [heavy, light], base)
    assert all(h.sealed for h in hours)
    same_aggregates(hours, exact_hours(points))
    again = await job(unlimited())
    assert (again.sealed_hours, again.deleted_raw, again.finished) == (0, 0, True)


async def test_a_run_out_of_budget_reports_unfinished_and_leaves_the_history_whole(
    series_and_users,
):
    series, users = series_and_users
    base = datetime(2025, 2, 3, 8, tzinfo=UTC)
    heavy, light, points = await backlog(series, users, base)
    expected = exact_hours(points)
    job = RunSeriesRetention(series, ManualClock(base + LATER), seal_batch=2, delete_batch=25)

    # Out of time while sealing: the oldest hours are sealed, no raw point has gone.
    first = await job(Budget(60, batches=1, timer=stopped))
    assert (first.sealed_hours, first.deleted_raw) == (2, 0)
    assert (first.sealing_done, first.deleting_done, first.finished) == (False, False, False)
    assert await raw_left(series, [heavy, light], base) == 130
    hours = await hours_of(series, [heavy, light], base)
    assert [h.sealed for h in hours] == [True, True, False, False, False]

    # Out of time while deleting: the oldest raw points went, their hours sealed first.
    second = await job(Budget(60, batches=3, timer=stopped))
    assert (second.sealed_hours, second.deleted_raw) == (3, 25)
    assert (second.sealing_done, second.deleting_done, second.finished) == (True, False, False)
    assert await series.raw(heavy, base, base + HOUR, limit=1) == [points[25]]
    hours = await hours_of(series, [heavy, light], base)
    assert all(h.sealed for h in hours)
    same_aggregates(hours, expected)

    last = await job(unlimited())
    assert (last.deleted_raw, last.finished) == (105, True)
    same_aggregates(await hours_of(series, [heavy, light], base), expected)


async def test_an_hour_whose_raw_points_are_incomplete_is_sealed_as_kept(series_and_users):
    """Raw points deleted before their hour was sealed (an older job did): sealing must not
    recompute the hour from the ones left, which would drop the others from the history."""
    series, users = series_and_users
    base = datetime(2025, 3, 3, 8, tzinfo=UTC)
    user = await users.new()
    points = [pt(user, m, hr=50 + m, base=base) for m in range(10)]
    await series.add(points)
    await series.delete_raw_before(base + timedelta(minutes=4), 100)  # 4 of its 10 points

    assert await series.seal_hours(base + HOUR, 10) == 1

    (hour,) = await series.hours(user, base, base + HOUR)
    assert hour.sealed
    same_aggregates([hour], exact_hours(points))


@pytest.mark.parametrize("document_store", ["postgres"], indirect=True)
async def test_deletion_waits_for_an_hour_it_could_not_seal(series_and_users):
    """Postgres: an hour whose row another transaction holds (ingestion folding a point
    in) is skipped by sealing, not waited for; deletion then stops before that hour, and
    the next run finishes the work."""
    series, users = series_and_users
    base = datetime(2025, 4, 7, 8, tzinfo=UTC)
    heavy, light, points = await backlog(series, users, base)
    db = series._db
    job = RunSeriesRetention(series, ManualClock(base + LATER), seal_batch=10, delete_batch=50)
    async with db.engine.connect() as holder:
        await holder.execute(
            text("SELECT 1 FROM emotion_hourly WHERE user_id = :u AND start = :s FOR UPDATE"),
            {"u": heavy, "s": base + 2 * HOUR},
        )
        held = await job(unlimited())
        await holder.rollback()

    assert (held.sealed_hours, held.deleted_raw) == (4, 60)  # the two hours before it
    assert (held.sealing_done, held.deleting_done, held.finished) == (True, False, False)
    assert await series.count_raw(heavy, base + 2 * HOUR, base + 5 * HOUR) == 60
    assert not (await series.hours(heavy, base + 2 * HOUR, base + 3 * HOUR))[0].sealed

    done = await job(unlimited())
    assert (done.sealed_hours, done.deleted_raw, done.finished) == (1, 70, True)
    same_aggregates(await hours_of(series, [heavy, light], base), exact_hours(points))


async def test_raw_points_older_than_an_earlier_batch_go_with_the_next_cutoff(series_and_users):
    """A store may remember where its last batch stopped (Postgres does, to skip what that
    batch left for VACUUM); rows older than that, stored since, still go with the next
    cutoff."""
    series, users = series_and_users
    base = datetime(2025, 5, 5, 8, tzinfo=UTC)
    user = await users.new()
    await series.add([pt(user, m, base=base) for m in range(30, 40)])
    assert await series.delete_raw_before(base + HOUR, 5) == 5
    await series.add([pt(user, m, base=base) for m in range(10)])  # older: restored, say
    assert await series.delete_raw_before(base + 2 * HOUR, 100) == 15
    assert await series.count_raw(user, base, base + 2 * HOUR) == 0
