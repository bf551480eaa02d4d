"""Issue 15 number: `GET /nutrition/foods?q=` p95 at 32 connections on one API process.

Production profile (Postgres + Redis), the shipped USDA catalogue imported into a fresh
database, one uvicorn process, wrk cycling over 24 everyday food names (each request asks
the next name; a page of 20 with portions and default portions), p95 read from wrk's own
latency distribution (a Lua `done` hook).

Run: `PYTHONPATH=src .venv/bin/python bench/bench_nutrition_search.py [--seconds 15]`
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
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

from adapters.nutrition.catalogue_csv import UsdaCatalogueSource
from adapters.sql.database import Database
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.nutrition_store import SqlNutritionStore
from application.nutrition.import_usda import ImportUsda

NAMES = [
    "apple",
    "banana",
    "rice",
    "chicken breast",
    "2 eggs",
    "salmon",
    "milk",
    "bread",
    "broccoli",
    "pizza",
    "coffee",
    "oatmeal",
    "greek yogurt",
    "peanut butter",
    "almonds",
    "tomato",
    "pasta",
    "cheddar cheese",
    "orange juice",
    "avocado",
    "grilled chicken",
    "sweet potato",
    "black beans",
    "olive oil",
]

LUA = """
local names = {%s}
local i = 0
request = function()
  i = i + 1
  local q = names[(i %% #names) + 1]
  return wrk.format("GET", "/api/v1/nutrition/foods?q=" .. q)
end
done = function(summary, latency, requests)
  io.write(string.format("P50 %%.3f\\nP95 %%.3f\\nP99 %%.3f\\nRPS %%.1f\\nERR %%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


async def fill(url: str) -> int:
    db = Database(url)
    try:
        report = await ImportUsda(UsdaCatalogueSource(), SqlNutritionStore(db))()
        return report.imported
    finally:
        await db.dispose()


def run(seconds: int, connections: int) -> None:
    url = fresh_postgres_db("psi_bench_nutrition_search")
    try:
        upgrade_to_head(url)
        foods = asyncio.run(fill(url))
        env = production_env(url)
        with (
            api_server(env, workers=1) as base,
            tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script,
        ):
            _, headers = register_and_login(base)
            script.write(LUA % ", ".join(f'"{n.replace(" ", "%20")}"' for n in NAMES))
            script.flush()
            # Warm: one pass over the names (first requests compile, fill caches).
            subprocess.run(
                [
                    "wrk",
                    "-t1",
                    "-c1",
                    "-d2s",
                    "-s",
                    script.name,
                    "-H",
                    f"Authorization: {headers['Authorization']}",
                    base,
                ],
                capture_output=True,
                check=True,
            )
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "-s",
                    script.name,
                    "-H",
                    f"Authorization: {headers['Authorization']}",
                    base,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            # For scale, on the same server and load: the cheapest authenticated read.
            scale = wrk(
                f"{base}/api/v1/users/me", headers, connections=connections, seconds=seconds
            )
        figures = dict(
            line.split(" ", 1)
            for line in out.splitlines()
            if line[:3] in {"P50", "P95", "P99", "RPS", "ERR"}
        )
        print(f"Machine: {machine()}. {foods:,} USDA foods (shipped catalogue) in Postgres.")
        print(
            f"GET /api/v1/nutrition/foods?q=<24 names round-robin>, production profile, "
            f"1 API process, {connections} connections, {seconds} s: "
            f"{float(figures['RPS']):.0f} req/s, p50 {float(figures['P50']):.1f} ms, "
            f"p95 {float(figures['P95']):.1f} ms, p99 {float(figures['P99']):.1f} ms, "
            f"errors {figures['ERR'].strip()} "
            f"(wrk -t2 -c{connections} -d{seconds}s -s <names.lua>)"
        )
        print(
            f"For scale, GET /api/v1/users/me on the same server, same wrk settings: "
            f"{scale['rps']:.0f} req/s, p50 {scale['p50_ms']:.1f} ms, "
            f"p99 {scale['p99_ms']:.1f} ms"
        )
    finally:
        drop_postgres_db(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    run(args.seconds, args.connections)
