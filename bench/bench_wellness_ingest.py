"""Ingestion without HTTP, for paired before/after runs on a busy machine.

- `cpu`: decode (msgspec) + validate + HRV features + vectorised classification of a batch
  of 1,000 samples, device-summary or with a minute of real beats each (pyhrv's hour);
  samples per second of this process's CPU.
- `postgres`: the `IngestBiometrics` use case on a fresh migrated Postgres database, 30 days
  of device-summary minutes (43,200) in batches of 1,000, one at a time; wall rate and rate
  per second of this process's CPU (the rest is Postgres).

Run from the tree to measure: `PYTHONPATH=src .venv/bin/python bench/bench_wellness_ingest.py
[cpu|postgres]` (a few seconds to a minute).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "bench")]


def cpu() -> None:
    import msgspec

    from adapters.hrv.factory import build_hrv_backend
    from application.wellness.features import extract_feature_columns
    from domain.wellness.baseline import build_baseline
    from domain.wellness.emotion import classify_many
    from domain.wellness.samples import validate_columns
    from entrypoints.http.controllers.wellness_schemas import SamplesIn

    now = datetime(2026, 11, 10, 12, tzinfo=UTC)
    rr = np.load(REPO / "tests" / "fixtures" / "hrv" / "SampleNNISeriesLong.npy").astype(float)
    ends = np.cumsum(rr) / 1000
    chunks = [rr[(ends >= m * 60) & (ends < (m + 1) * 60)].tolist() for m in range(59)]
    analyzer = build_hrv_backend("fast").analyzer
    baselines = [build_baseline([], now.date())]
    for kind, reps in (("device summary", 20), ("a minute of beats", 3)):
        samples = []
        for i in range(1000):
            ts = (now - timedelta(minutes=1000 - i)).isoformat().replace("+00:00", "Z")
            samples.append(
                {
                    "timestamp": ts,
                    "heart_rate": 60.0 + i % 20,
                    "hrv_rmssd": 40.0,
                    "source": "apple_watch",
                }
                if kind == "device summary"
                else {
                    "timestamp": ts,
                    "heart_rate": 75.0,
                    "source": "polar",
                    "rr_intervals_ms": chunks[i % 59],
                }
            )
        body = json.dumps({"samples": samples}).encode()
        started = time.process_time()
        for _ in range(reps):
            data = msgspec.json.decode(body, type=SamplesIn)
            columns = validate_columns(data.samples, now).canonical()
            features = extract_feature_columns(columns, analyzer)
            classify_many(features, baselines, [0] * len(columns), None)
        spent = (time.process_time() - started) / reps
        print(f"{kind}: {1000 / spent:,.0f} samples/s of CPU")


def postgres() -> None:
    from common import drop_postgres_db, fresh_postgres_db
    from sqlalchemy import insert

    from adapters.clock import ManualClock
    from adapters.memory.identity import MemoryConsentRepository
    from adapters.sql.database import Database
    from adapters.sql.migrate import upgrade_to_head
    from adapters.sql.models import UserRow
    from adapters.sql.wellness_records import sql_mood_check_ins, sql_wellness_scores
    from adapters.sql.wellness_series import sql_emotion_series
    from application.wellness.ingest import IngestBiometrics
    from domain.privacy.consent import Consents
    from domain.wellness.samples import SampleInput

    url = fresh_postgres_db("psi_bench_ingest")

    async def run() -> None:
        db = Database(url)
        end = datetime(2026, 11, 30, tzinfo=UTC)
        user = uuid.uuid4()
        async with db.engine.begin() as conn:
            await conn.execute(
                insert(UserRow.__table__).values(
                    id=user,
                    email=f"{user.hex}@example.com",
                    name="B",
                    password_hash="x",  # noqa: S106 (no login)
                    subscription_tier="free",
                    email_verified=False,
                    created_at=end,
                    updated_at=end,
                )
            )
        consents = MemoryConsentRepository()
        await consents.put(Consents(user, True, False, end))
        ingest = IngestBiometrics(
            consents,
            sql_emotion_series(db),
            sql_wellness_scores(db),
            sql_mood_check_ins(db),
            ManualClock(end),
            None,
        )
        rng = np.random.default_rng(4)
        n = 30 * 1440
        start = end - timedelta(minutes=n)
        hr = np.clip(rng.normal(68, 9, n), 40, 160).round()
        rmssd = np.clip(rng.lognormal(np.log(40), 0.35, n), 5, 200).round(1)
        samples = [
            SampleInput(
                start + timedelta(minutes=i), float(hr[i]), "apple_watch", hrv_rmssd=float(rmssd[i])
            )
            for i in range(n)
        ]
        wall, cpu_started = time.perf_counter(), time.process_time()
        for i in range(0, n, 1000):
            await ingest(user, samples[i : i + 1000])
        wall, spent = time.perf_counter() - wall, time.process_time() - cpu_started
        print(
            f"postgres: {n / wall:,.0f} samples/s wall, {n / spent:,.0f} samples/s of "
            "this process's CPU"
        )
        await db.dispose()

    try:
        upgrade_to_head(url)
        asyncio.run(run())
    finally:
        drop_postgres_db(url)


if __name__ == "__main__":
    (cpu if (sys.argv[1:] or ["cpu"])[0] == "cpu" else postgres)()
