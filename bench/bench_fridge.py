"""Issue 5 numbers: importing the recipe catalogue, and POST /fridge/matches under load.

- `psi data import-recipes` (3,129 Wikibooks recipes: parse, store, fit the TF-IDF index)
  into a fresh SQLite file and a fresh Postgres database, then the idempotent re-import;
- the matcher alone (in-process), p50/p95 over many fridges;
- POST /api/v1/fridge/matches through the production profile (Postgres + Redis, two API
  processes by default) with wrk at 32 connections, with a user whose allergens and diet
  filter results.

Run: `.venv/bin/python bench/bench_fridge.py [--seconds 15] [--connections 32]`
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from common import (
    REPO,
    _ms,
    api_server,
    drop_postgres_db,
    fresh_postgres_db,
    machine,
    production_env,
    register_and_login,
)

from adapters.recipes.tfidf_index import FridgeIndex
from adapters.recipes.wikibooks import read_recipes
from adapters.sql.migrate import upgrade_to_head
from domain.recipes.fridge import normalise_fridge
from domain.recipes.recipe import build_recipe
from domain.recipes.vocabulary import Allergen, Diet

FRIDGES = [
    ["eggs", "milk", "flour"],
    ["chicken breast", "rice", "onion", "garlic", "tomatoes"],
    ["spinach", "chickpeas", "lemon", "garlic", "olive oil"],
    ["potatoes", "carrots", "onions", "butter", "thyme", "beef"],
    ["pasta", "tomato", "basil", "parmesan", "olive oil", "garlic"],
    ["tofu", "soy sauce", "ginger", "spring onions", "rice", "broccoli"],
    ["lentils", "cumin", "turmeric", "onion", "tomato", "coriander", "yogurt"],
    ["apples", "sugar", "cinnamon", "flour", "butter", "eggs", "oats", "milk"],
]


def import_times(url: str, var_dir: Path) -> tuple[float, float]:
    """Wall time of `psi data import-recipes` as an operator runs it (a fresh process each
    time: parsing included), first into an empty database, then again (idempotent)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
    env.update(
        {
            "PSI_DATABASE_URL": url,
            "PSI_VAR_DIR": str(var_dir),
            "PSI_JWT_SECRET": "bQ7-xV2nZ9kR4wY1cN8mL3hJ6pD0fG_sE5uIoTqWzAy",
            "PSI_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    upgrade_to_head(url)
    times = []
    for _ in range(2):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "data", "import-recipes", "--no-nutrition"],
            env=env,
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    return times[0], times[1]


def import_in_process_s(url: str, var_dir: Path) -> float:
    """The import itself (parse, store, fit and save the index), without CLI start-up."""
    import asyncio

    from adapters.recipes.serving import ServedFridgeIndex
    from adapters.sql.database import Database
    from adapters.sql.recipes import SqlRecipeCatalogue
    from application.recipes.import_catalogue import ImportRecipes

    upgrade_to_head(url)

    async def run() -> float:
        db = Database(url)
        try:
            started = time.perf_counter()
            licence, sources = read_recipes()
            await ImportRecipes(SqlRecipeCatalogue(db), ServedFridgeIndex(var_dir / "index.npz"))(
                licence, sources
            )
            return time.perf_counter() - started
        finally:
            await db.dispose()

    return asyncio.run(run())


def matcher_ms(rounds: int = 200) -> tuple[float, float]:
    licence, sources = read_recipes()
    index = FridgeIndex.build([build_recipe(s, licence) for s in sources])
    rng = random.Random(5)
    vocabulary = sorted(index.vocabulary)
    times = []
    for i in range(rounds):
        fridge = (
            normalise_fridge(FRIDGES[i % len(FRIDGES)])
            if i % 2
            else frozenset(rng.sample(vocabulary, 12))
        )
        started = time.perf_counter()
        index.match(
            fridge, allergens=[Allergen.PEANUTS, Allergen.SESAME], diets=[Diet.VEGETARIAN], limit=10
        )
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


LUA = """
local bodies = %s
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", nil, nil, bodies[(i %% #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %%d\\n", latency:percentile(95)))
end
"""


def wrk_fridge(base: str, headers: dict[str, str], connections: int, seconds: int) -> dict:
    bodies = [json.dumps({"ingredients": f, "limit": 10}) for f in FRIDGES]
    lua_bodies = "{" + ", ".join(json.dumps(b) for b in bodies) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % lua_bodies)
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        script.name,
        "-H",
        "Content-Type: application/json",
    ]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*cmd, f"{base}/api/v1/fridge/matches"], capture_output=True, text=True, check=True
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p95_ms": int(re.search(r"P95_US (\d+)", out).group(1)) / 1000,
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "command": f"wrk -t2 -c{connections} -d{seconds}s --latency -s <8 fridges round-robin>",
    }


def put_json(url: str, body: dict, headers: dict[str, str]) -> None:
    req = urllib.request.Request(  # noqa: S310 (loopback bench URL)
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"content-type": "application/json", **headers},
    )
    urllib.request.urlopen(req, timeout=30).read()  # noqa: S310


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="API processes (production runs several: just serve-prod)",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")

    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        first, again = import_times(sqlite_url, Path(tmp))
        print(f"psi data import-recipes, SQLite: first {first:.1f} s, re-import {again:.1f} s")
        seconds = import_in_process_s(f"sqlite+aiosqlite:///{tmp}/inproc.db", Path(tmp))
        print(f"import use case alone (parse + store + fit index), fresh SQLite: {seconds:.1f} s")
    pg_url = fresh_postgres_db("psi_bench_fridge")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            first, again = import_times(pg_url, Path(tmp))
            print(
                f"psi data import-recipes, Postgres: first {first:.1f} s, re-import {again:.1f} s"
            )
        p50, p95 = matcher_ms()
        print(f"matcher alone (in-process, 3,129 recipes): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        env = production_env(pg_url)
        with api_server(env, workers=args.workers) as base:
            _, headers = register_and_login(base)
            put_json(
                f"{base}/api/v1/users/me/preferences",
                {"allergens": ["peanuts", "sesame"], "dietary_restrictions": ["vegetarian"]},
                headers,
            )
            wrk_fridge(base, headers, args.connections, 3)  # warm-up (loads the index)
            result = wrk_fridge(base, headers, args.connections, args.seconds)
        print(
            f"POST /api/v1/fridge/matches, production profile, {args.workers} API "
            f"process(es), "
            f"{args.connections} connections: {result['rps']:.0f} req/s, "
            f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
            f"p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']} "
            f"({result['command']})"
        )
    finally:
        drop_postgres_db(pg_url)


if __name__ == "__main__":
    main()
