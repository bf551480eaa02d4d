"""Storage figures for docs/operations.md ("Scaling"): bytes per meal photo (the sanitised
original the API stores and the 256 px thumbnail it caches) from the fixture images, and
bytes per row of the emotion series on PostgreSQL, in the schema's own tables, plus a
prototype of the series partitioned by month: what dropping a month costs against
deleting it.

Sizes, not speeds: the byte counts do not depend on the machine; the drop/delete times
are indicative only (a shared, loaded host).

Run: `PYTHONPATH=src python bench/measure_storage.py` (PSI_BENCH_POSTGRES_URL: a server to
create a scratch database on, default postgresql://postgres@127.0.0.1:5432/postgres;
PSI_BENCH_USERS x PSI_BENCH_DAYS of per-minute samples, default 20 x 14).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src")]

ADMIN = os.environ.get("PSI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
USERS = int(os.environ.get("PSI_BENCH_USERS", "20"))
DAYS = int(os.environ.get("PSI_BENCH_DAYS", "14"))


def images() -> None:
    from adapters.images.sanitiser import PillowImageSanitiser
    from adapters.images.thumbnails import PillowResizer
    from application.food.images import THUMB_MAX_SIDE

    sanitiser, resizer = PillowImageSanitiser(), PillowResizer()
    print("| fixture | upload bytes | stored original | thumbnail (256 px) |")
    print("|---|---|---|---|")
    totals = [0, 0, 0]
    files = sorted((ROOT / "tests/fixtures/images").glob("*.jpg"))
    for path in files:
        data = path.read_bytes()
        clean = sanitiser.sanitise(data)
        thumb = resizer.thumbnail(clean, THUMB_MAX_SIDE)
        row = [len(data), len(clean.data), len(thumb)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(
            f"| {path.name} ({clean.width}x{clean.height}) | {row[0]:,} | {row[1]:,} | {row[2]:,} |"
        )
    n = len(files)
    print(f"| mean | {totals[0] // n:,} | {totals[1] // n:,} | {totals[2] // n:,} |")


SAMPLE = """
INSERT INTO {table} (user_id, timestamp, source, heart_rate, hrv_rmssd, hrv_sdnn, pnn50,
                     stress_score, emotion, confidence, artefact_share, steps, activity,
                     interval_s)
SELECT u, now() - make_interval(mins => m), 'watch', 60 + random() * 30,
       20 + random() * 60, 30 + random() * 60, random() * 40, (random() * 100)::int,
       'calm', random(), 0, (random() * 80)::int, 'rest', 60
FROM unnest($1::uuid[]) AS u, generate_series(0, $2 - 1) AS m
"""


async def series() -> None:
    import asyncpg

    from adapters.sql.migrate import upgrade_to_head

    name = f"psi_storage_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"{ADMIN.rpartition('/')[0]}/{name}"
    try:
        await asyncio.to_thread(
            upgrade_to_head, dsn.replace("postgresql://", "postgresql+asyncpg://")
        )
        conn = await asyncpg.connect(dsn)
        users = [uuid.uuid4() for _ in range(USERS)]
        minutes = DAYS * 24 * 60
        # The schema's table without its foreign key (no accounts needed for a size).
        await conn.execute("CREATE TABLE s (LIKE emotion_samples INCLUDING ALL)")
        await conn.execute("CREATE TABLE h (LIKE emotion_hourly INCLUDING ALL)")
        await conn.execute(SAMPLE.format(table="s"), users, minutes)
        emotions = ("calm", "relaxed", "focused", "stressed", "anxious", "fatigued", "active")
        counts = ", ".join(f"n_{e}, c_{e}" for e in (*emotions, "unknown"))
        values = ", ".join(["(random() * 20)::int, random() * 15"] * (len(emotions) + 1))
        await conn.execute(
            f"""INSERT INTO h (user_id, start, count, hr_min, hr_max, hr_sum, rmssd_sum,
                   ln_rmssd_sum, rmssd_count, stress_sum, sealed, {counts}, reading_emotion,
                   reading_confidence, reading_stress, reading_heart_rate, reading_hrv_rmssd)
               SELECT u, date_trunc('hour', now()) - make_interval(hours => k),
               60, 50, 90, 4000, 2400, 220, 60, 3000, true, {values}, 'calm', 0.7, 30, 68, 41
               FROM unnest($1::uuid[]) AS u, generate_series(0, $2 - 1) AS k""",  # noqa: S608 (fixed names)
            users,
            DAYS * 24,
        )
        await conn.execute("VACUUM ANALYZE s")
        await conn.execute("VACUUM ANALYZE h")
        rows = USERS * minutes
        for table, count in (("s", rows), ("h", USERS * DAYS * 24)):
            heap = await conn.fetchval(f"SELECT pg_table_size('{table}')")
            total = await conn.fetchval(f"SELECT pg_total_relation_size('{table}')")
            label = "emotion_samples" if table == "s" else "emotion_hourly"
            print(
                f"{label}: {count:,} rows, {heap / count:.0f} B/row heap, "
                f"{total / count:.0f} B/row with indexes"
            )

        # The prototype: the same rows in monthly range partitions of `timestamp`.
        await conn.execute(
            "CREATE TABLE p (LIKE emotion_samples INCLUDING DEFAULTS)"
            " PARTITION BY RANGE (timestamp)"
        )
        await conn.execute("ALTER TABLE p ADD PRIMARY KEY (user_id, timestamp, source)")
        await conn.execute(
            """DO $$ DECLARE m date := date_trunc('month', now() - interval '1 year');
            BEGIN WHILE m <= now() + interval '1 month' LOOP
              EXECUTE format('CREATE TABLE %I PARTITION OF p FOR VALUES FROM (%L) TO (%L)',
                             'p_' || to_char(m, 'YYYYMM'), m, m + interval '1 month');
              m := m + interval '1 month';
            END LOOP; END $$"""
        )
        await conn.execute("INSERT INTO p SELECT * FROM s")
        oldest = await conn.fetchval("SELECT min(date_trunc('month', timestamp)) FROM p")
        in_month = await conn.fetchval(
            "SELECT count(*) FROM p WHERE timestamp >= $1 AND timestamp < $1 + interval '1 month'",
            oldest,
        )
        started = time.perf_counter()
        await conn.execute(
            "DELETE FROM s WHERE timestamp >= $1 AND timestamp < $1 + interval '1 month'", oldest
        )
        delete_s = time.perf_counter() - started
        part = f"p_{oldest:%Y%m}"
        started = time.perf_counter()
        await conn.execute(f"ALTER TABLE p DETACH PARTITION {part}; DROP TABLE {part}")
        drop_s = time.perf_counter() - started
        print(
            f"retention of one month ({in_month:,} rows): DELETE {delete_s * 1000:.0f} ms "
            f"(then dead rows for VACUUM), DETACH + DROP PARTITION {drop_s * 1000:.1f} ms"
        )
        plan = await conn.fetch(
            "EXPLAIN SELECT * FROM p WHERE user_id = $1 AND timestamp >= now() - interval '1 day'",
            users[0],
        )
        scanned = [r[0].strip() for r in plan if "Scan" in r[0]]
        print("a day's read scans:", "; ".join(scanned))
        await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    images()
    asyncio.run(series())
