"""Emotion-series retention on PostgreSQL: how many users one run of `psi jobs` keeps up with.

Seeds a scratch database (generate_series, in time order as ingestion writes) with
PSI_BENCH_USERS users x PSI_BENCH_HOURS hours of per-minute samples in each of three
periods: expired (older than 90 days; their hours sealed, as a run 60 days earlier left
them), due for sealing (31 days old, hours unsealed) and recent (not due, so the table
is larger than the work). Then:
- the old job's statements on a slice, as the baseline: the per-hour seal loop
  (`unsealed_hours`, `raw`, `hours`, `seal_hour`) and the old DELETE of 500 rows;
- `EXPLAIN (ANALYZE, BUFFERS)` of one batch of each new statement (rolled back);
- `RunSeriesRetention` itself with an unlimited budget: rows deleted per second, hours
  sealed per second, and what that means in users at 960 samples and 16 hours a day
  (4.8 M rows a day per 5,000 users) for a budget of PSI_RETENTION_BUDGET_S.

Run: `PYTHONPATH=src python bench/bench_retention.py` (PSI_BENCH_POSTGRES_URL: a server to
create the scratch database on, default postgresql://postgres@127.0.0.1:5432/postgres;
PSI_BENCH_USERS, default 1000; PSI_BENCH_HOURS, default 16).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.common import machine  # noqa: E402

ADMIN = os.environ.get("PSI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
USERS = int(os.environ.get("PSI_BENCH_USERS", "1000"))
HOURS = int(os.environ.get("PSI_BENCH_HOURS", "16"))
BUDGET_S = float(os.environ.get("PSI_RETENTION_BUDGET_S", "120"))
NOW = datetime(2027, 1, 1, tzinfo=UTC)
PERIODS = {  # first hour of each period, and whether its hours are sealed already
    "expired": (NOW - timedelta(days=92), True),
    "due for sealing": (NOW - timedelta(days=32), False),
    "recent": (NOW - timedelta(days=2), False),
}
SAMPLES_PER_USER_DAY, HOURS_PER_USER_DAY = 960, 16
OLD_SEAL_HOURS, OLD_DELETE_BATCHES, OLD_BATCH = min(500, USERS * HOURS // 10), 10, 500

RAW = """
INSERT INTO emotion_samples (user_id, timestamp, source, heart_rate, hrv_rmssd, hrv_sdnn,
                             pnn50, stress_score, emotion, confidence, artefact_share,
                             interval_s)
SELECT u.id, $1::timestamptz + make_interval(mins => m), 'garmin', 58 + m % 31,
       25 + (m * 7) % 50, 45, 12, (m * 13) % 100,
       (ARRAY['calm', 'relaxed', 'focused', 'stressed', 'active'])[1 + m % 5], 0.4 + m % 5 / 10.0,
       0, 60
FROM generate_series(0, $2 * 60 - 1) AS m, (SELECT id FROM users ORDER BY id) AS u
ORDER BY m, u.id
"""


def hours_sql() -> str:
    from adapters.sql.wellness_models import EMOTION_CONFIDENCE_COLUMNS, EMOTION_COUNT_COLUMNS
    from adapters.sql.wellness_series import _hour_fold

    return f"""
    INSERT INTO emotion_hourly (user_id, start, count, hr_min, hr_max, hr_sum, rmssd_sum,
                                ln_rmssd_sum, rmssd_count, stress_sum, sealed,
                                {", ".join(EMOTION_COUNT_COLUMNS.values())},
                                {", ".join(EMOTION_CONFIDENCE_COLUMNS.values())},
                                rest_count, rest_hr_sum, ln_rmssd_sq_sum)
    SELECT user_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
           {_hour_fold("$3")}
    FROM emotion_samples WHERE timestamp >= $1 AND timestamp < $2 GROUP BY 1, 2
    """  # noqa: S608 (fixed names)


async def seed(dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    await conn.execute(
        """INSERT INTO users (id, email, name, password_hash, subscription_tier,
                              email_verified, created_at, updated_at)
           SELECT gen_random_uuid(), 'bench' || i || '@example.com', 'B', 'x', 'free', true,
                  now(), now()
           FROM generate_series(1, $1) AS i""",
        USERS,
    )
    for name, (first, sealed) in PERIODS.items():
        started = time.perf_counter()
        await conn.execute(RAW, first, HOURS)
        await conn.execute(hours_sql(), first, first + timedelta(hours=HOURS), sealed)
        print(
            f"seeded {name}: {USERS * HOURS * 60:,} raw rows, {USERS * HOURS:,} hours "
            f"({time.perf_counter() - started:.1f} s)"
        )
    await conn.execute("VACUUM ANALYZE emotion_samples")
    await conn.execute("VACUUM ANALYZE emotion_hourly")
    size = await conn.fetchval("SELECT pg_total_relation_size('emotion_samples')")
    print(f"emotion_samples: {3 * USERS * HOURS * 60:,} rows, {size / 2**20:.0f} MiB with indexes")
    await conn.close()


class Timed:
    """The series, with the time of each call of the retention methods kept."""

    def __init__(self, series) -> None:
        self._series = series
        self.calls: dict[str, list[float]] = {"seal_hours": [], "delete_raw_before": []}

    def __getattr__(self, name):
        method = getattr(self._series, name)
        if name not in self.calls:
            return method

        async def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self.calls[name].append(time.perf_counter() - started)

        return timed

    def batches(self, name: str) -> str:
        ms = [round(s * 1000) for s in self.calls[name]]
        return f"{len(ms)} batches, ms each: first {ms[:3]}, last {ms[-3:]}, slowest {max(ms)}"


async def old_job_slice(db) -> tuple[float, float]:
    """The old job's statements on a slice: seconds per hour sealed, per row deleted."""
    from adapters.sql.wellness_series import PostgresEmotionSeries, SqlEmotionSeries
    from domain.wellness.series import EmotionAggregate, Resolution, aggregate_points

    series = PostgresEmotionSeries(db)
    cutoff = NOW - timedelta(days=30)
    started = time.perf_counter()
    pending = await series.unsealed_hours(cutoff, OLD_SEAL_HOURS)
    for user_id, start in pending:  # the old RunSeriesRetention._seal, verbatim
        points = await series.raw(user_id, start, start + timedelta(hours=1))
        if points:
            (aggregate,) = aggregate_points(points, Resolution.HOUR)
        else:
            aggregate = EmotionAggregate(user_id=user_id, start=start, resolution=Resolution.HOUR)
            for existing in await series.hours(user_id, start, start + timedelta(hours=1)):
                aggregate.add_aggregate(existing)
        await series.seal_hour(aggregate)
    per_hour = (time.perf_counter() - started) / len(pending)
    old_delete = SqlEmotionSeries(db).delete_raw_before  # Postgres ran this one before
    async with db.engine.connect() as conn:
        plan = await conn.exec_driver_sql(
            "EXPLAIN (COSTS OFF) DELETE FROM emotion_samples WHERE (user_id, timestamp, source)"
            " IN (SELECT user_id, timestamp, source FROM emotion_samples"
            " WHERE timestamp < $1 ORDER BY timestamp LIMIT $2)",
            (NOW - timedelta(days=90), OLD_BATCH),
        )
        print("old DELETE plan:", " / ".join(r[0].strip() for r in plan if "->" in r[0]))
    started = time.perf_counter()
    gone = 0
    for _ in range(OLD_DELETE_BATCHES):
        gone += await old_delete(NOW - timedelta(days=90), OLD_BATCH)
    per_row = (time.perf_counter() - started) / gone
    print(
        f"old job's statements: {1 / per_hour:,.0f} hours sealed/s ({len(pending)} hours, "
        f"one by one), {1 / per_row:,.0f} rows deleted/s ({OLD_DELETE_BATCHES} batches of "
        f"{OLD_BATCH}); its fixed budget: {OLD_BATCH * 100:,} of each per run"
    )
    return per_hour, per_row


async def explain_rolled_back(dsn: str) -> None:
    """One batch of each new statement, analysed, then rolled back."""
    import asyncpg

    from adapters.sql.wellness_series import _BEGINNING, _PG_DELETE_RAW, _PG_DUE_HOURS

    conn = await asyncpg.connect(dsn)
    for label, stmt, args in (
        (
            "delete batch (20,000 rows)",
            _PG_DELETE_RAW,
            (_BEGINNING, NOW - timedelta(days=90), 20_000),
        ),
        ("seal batch, read side (2,000 hours)", _PG_DUE_HOURS, (NOW - timedelta(days=30), 2_000)),
    ):
        tx = conn.transaction()
        await tx.start()
        try:
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {stmt}", *args)
        finally:
            await tx.rollback()
        print(f"EXPLAIN ANALYZE, {label}:")
        for (line,) in plan:
            print("   ", line.rstrip())
    await conn.close()


async def run_job(db) -> tuple[float, float]:
    from adapters.clock import ManualClock
    from adapters.sql.wellness_series import PostgresEmotionSeries
    from application.wellness.retention import Budget, RunSeriesRetention

    series = Timed(PostgresEmotionSeries(db))
    job = RunSeriesRetention(series, ManualClock(NOW))  # type: ignore[arg-type]
    started = time.perf_counter()
    report = await job(Budget(float("inf")))
    total = time.perf_counter() - started
    seal_s, delete_s = sum(series.calls["seal_hours"]), sum(series.calls["delete_raw_before"])
    print(
        f"RunSeriesRetention (batches of {job.seal_batch:,} hours, {job.delete_batch:,} rows): "
        f"{report.sealed_hours:,} hours sealed in {seal_s:.1f} s "
        f"({report.sealed_hours / seal_s:,.0f}/s), {report.deleted_raw:,} raw rows deleted in "
        f"{delete_s:.1f} s ({report.deleted_raw / delete_s:,.0f}/s); run {total:.1f} s, "
        f"finished: {report.finished}"
    )
    print(f"  sealing: {series.batches('seal_hours')}")
    print(f"  deletion: {series.batches('delete_raw_before')}")
    return seal_s / report.sealed_hours, delete_s / report.deleted_raw


async def vacuum(dsn: str) -> None:
    """What the deleted rows cost afterwards (autovacuum's work; it is off on the test host)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    dead = await conn.fetchval(
        "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'emotion_samples'"
    )
    started = time.perf_counter()
    await conn.execute("VACUUM emotion_samples")
    seconds = time.perf_counter() - started
    print(f"VACUUM emotion_samples afterwards: {dead:,} dead rows in {seconds:.1f} s")
    await conn.close()


def capacity(label: str, per_hour: float, per_row: float) -> None:
    """Users one hourly run keeps up with, at 960 samples and 16 hours per user and day."""
    per_user_day = SAMPLES_PER_USER_DAY * per_row + HOURS_PER_USER_DAY * per_hour
    users = 24 * BUDGET_S / per_user_day
    need_100x = 500_000 * per_user_day / 24
    print(
        f"{label}: {per_user_day * 1000:.1f} ms of work per user and day; a {BUDGET_S:.0f} s "
        f"budget each hour keeps up with {users:,.0f} users ({users / 5000:,.0f}x today); "
        f"100x (500,000 users) needs {need_100x:,.0f} s per hourly run"
    )


async def main() -> None:
    import asyncpg

    from adapters.sql.database import Database
    from adapters.sql.migrate import upgrade_to_head

    print(f"machine: {machine()}")
    name = f"psi_retention_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"{ADMIN.rpartition('/')[0]}/{name}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://")
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        await seed(dsn)
        db = Database(url)
        try:
            old_hour, old_row = await old_job_slice(db)
            await explain_rolled_back(dsn)
            new_hour, new_row = await run_job(db)
        finally:
            await db.dispose()
        await vacuum(dsn)
        capacity("old job's statements, had they no batch cap", old_hour, old_row)
        capacity("RunSeriesRetention now", new_hour, new_row)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
