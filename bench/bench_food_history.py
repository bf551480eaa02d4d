"""Issue 3 number: `GET /api/v1/food/history` (page of 20) for a user with 10,000 entries,
production profile (Postgres + Redis), one API process, wrk at 64 connections.

Seeds the rows straight into Postgres (completed analyses with three foods each and
full nutrition, like real ones, with the pre-rendered answer the store keeps for each)
and the per-user counter that makes `meta.total` O(1).
Prints a markdown section for docs/benchmarks.md.
Run: `.venv/bin/python bench/bench_food_history.py [--entries 10000] [--seconds 15]`
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from common import (
    api_server,
    drop_postgres_db,
    fresh_postgres_db,
    machine,
    production_env,
    register_and_login,
    wrk,
)


async def seed(db_url: str, email: str, entries: int) -> None:
    from sqlalchemy import select

    from adapters.sql.database import Database
    from adapters.sql.food_rows import to_row
    from adapters.sql.models import FoodHistoryRow, UserCounterRow, UserRow
    from application.food.history_view import history_card
    from domain.food.analysis import Analysis, AnalysisResult, FoodItem, ModelsUsed
    from domain.food.vision import BoundingBox
    from domain.nutrition.nutrients import Nutrients

    db = Database(db_url)
    users = UserRow.__table__
    async with db.engine.connect() as conn:
        query = select(users.c.id).where(users.c.email == email)
        user_id = (await conn.execute(query)).scalar_one()
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    foods = ["apple", "banana", "white rice", "chicken breast", "broccoli", "pizza"]
    rows = []
    for i in range(entries):
        created = t0 + timedelta(minutes=53 * i)
        a = Analysis.from_photo(
            uuid.uuid4(), user_id, f"{user_id}/{uuid.uuid4().hex}.jpg", created
        ).claimed(created, timedelta(seconds=60))
        items = tuple(
            FoodItem(
                foods[(i + k) % len(foods)],
                0.6 + 0.1 * k,
                BoundingBox(10 * k, 20, 100 + 10 * k, 180),
                1,
                80.0 + 40 * k,
                170_000 + k,
            )
            for k in range(3)
        )
        nutrition = Nutrients(
            calories=200.0 + i % 700,
            protein_g=12.5,
            carbs_g=40.1,
            fat_g=8.2,
            fiber_g=4.0,
            sugar_g=9.3,
            vitamins={"vitamin_c_mg": 12.0, "vitamin_a_rae_ug": 40.0},
            minerals={"iron_mg": 1.2, "potassium_mg": 420.0},
        )
        done = a.completed(
            AnalysisResult(
                items,
                "A plate of food.",
                nutrition,
                0.5 + (i % 50) / 100,
                ModelsUsed("yolo11n", None, "usda_fdc"),
            ),
            created + timedelta(seconds=2),
        )
        rows.append({**to_row(done), "card": history_card(done)})  # as the worker writes
    async with db.engine.begin() as conn:
        for start in range(0, len(rows), 1000):
            await conn.execute(FoodHistoryRow.__table__.insert(), rows[start : start + 1000])
        await conn.execute(
            UserCounterRow.__table__.insert().values(
                user_id=user_id, name="food_history", value=entries
            )
        )
    async with db.engine.begin() as conn:  # committed: statistics a live table would have
        await conn.exec_driver_sql("ANALYZE food_history")
        await conn.exec_driver_sql("ANALYZE user_counters")
    await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="API processes")
    args = parser.parse_args()
    db = fresh_postgres_db("psi_bench_food")
    try:
        # The per-user request limiter (100/min) would answer most of a load test with 429.
        env = production_env(db)
        with api_server(env, workers=args.workers) as base:
            email, headers = register_and_login(base)
            asyncio.run(seed(db, email, args.entries))
            url = f"{base}/api/v1/food/history?per_page=20"
            wrk(url, headers, seconds=3)  # warm-up
            result = wrk(url, headers, connections=args.connections, seconds=args.seconds)
    finally:
        drop_postgres_db(db)
    ok = result["rps"] >= 2000 and result["p99_ms"] < 50
    print("## Food history (issue 3)\n")
    print(
        f"Machine: {machine()}. Production profile: Postgres + Redis on loopback, "
        f"{args.workers} uvicorn process(es) (uvloop, httptools); wrk in a second process "
        "on the same cores.\n"
    )
    print("| what | figure | target |")
    print("|---|---|---|")
    print(
        f"| `GET /api/v1/food/history?per_page=20`, user with {args.entries:,} entries, "
        f"{args.connections} connections, {args.seconds} s | {result['rps']:.0f} req/s, "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"non-2xx {result['non_2xx']}, socket errors {result['socket_errors']} | "
        f">= 2,000 req/s, p99 < 50 ms ({'met' if ok else 'NOT met'}) |"
    )
    print(f"\nCommand: `{result['command']}`")


if __name__ == "__main__":
    main()
