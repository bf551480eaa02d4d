"""Issue 18 number: history and emotions throughput at 64 connections with 2 API processes,
reading from a streaming replica (`PSI_DATABASE_REPLICA_URLS`) against the primary alone,
in one sitting, rounds interleaved (primary, replica, primary, replica, ...).

A primary and its replica are started here (initdb + pg_basebackup, as the tests do:
`tests/support/replica.py`), both on this machine, so the replica's cores are the same
cores: on one host a replica can only move work, not add capacity; the number says
whether routing reads to it costs anything.

Run: `.venv/bin/python bench/bench_read_replicas.py [--seconds 10] [--rounds 2]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import asyncpg
from bench_food_history import seed
from bench_wellness import DAYS, ingest, register, summary_bodies, z
from common import api_server, machine, production_env, wrk
from tests.support.replica import PostgresPair, postgres_pair

DATABASE = "psi_bench"


async def _prepare(pair: PostgresPair) -> None:
    conn = await asyncpg.connect(pair.primary)
    try:
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()


async def _caught_up(pair: PostgresPair) -> None:
    primary = await asyncpg.connect(pair.primary)
    replica = await asyncpg.connect(pair.replica)
    try:
        target = await primary.fetchval("SELECT pg_current_wal_lsn()")
        caught_up = "SELECT pg_last_wal_replay_lsn() >= $1"
        while not await replica.fetchval(caught_up, target):  # noqa: ASYNC110 (another server)
            await asyncio.sleep(0.05)
    finally:
        await primary.close()
        await replica.close()


async def _vacuum(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _url(pair: PostgresPair, port: int) -> str:
    return pair.dsn(port, DATABASE).replace("postgresql://", "postgresql+asyncpg://", 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--entries", type=int, default=2_000)
    args = parser.parse_args()
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    results: dict[tuple[str, str], list[dict]] = {}
    with postgres_pair() as pair:
        asyncio.run(_prepare(pair))
        base_env = production_env(_url(pair, pair.primary_port))
        # Seed once through one API on the primary: a history of `entries` meals and
        # DAYS days of per-minute wearable summaries for one person.
        with api_server(base_env) as base:
            email, headers = _history_user(base)
            asyncio.run(seed(_url(pair, pair.primary_port), email, args.entries))
            asyncio.run(ingest(base, headers, summary_bodies(end, DAYS), 4))
        asyncio.run(_vacuum(pair.dsn(pair.primary_port, DATABASE)))
        asyncio.run(_caught_up(pair))
        paths = {
            "history": "/api/v1/food/history?per_page=20",
            "emotions": (
                f"/api/v1/emotions?resolution=hour&from={z(end - timedelta(days=DAYS))}"
                f"&to={z(end + timedelta(minutes=1))}&per_page=100"
            ),
        }
        configs = {
            "primary alone": base_env,
            "with a replica": {
                **base_env,
                "PSI_DATABASE_REPLICA_URLS": _url(pair, pair.replica_port),
                "PSI_AUTO_MIGRATE": "false",
            },
        }
        for _ in range(args.rounds):
            for config, env in configs.items():
                with api_server(env, workers=2) as base:
                    login = _login(base, email)
                    for name, path in paths.items():
                        check = _get(base + path, login)
                        assert check["data"], (config, name, check)
                        wrk(base + path, login, connections=16, seconds=2)  # warm-up
                        results.setdefault((config, name), []).append(
                            wrk(
                                base + path,
                                login,
                                connections=args.connections,
                                seconds=args.seconds,
                            )
                        )
    print("## Read replicas (issue 18)\n")
    print(
        f"Machine: {machine()}. Production profile, 2 uvicorn processes, Postgres 15 primary "
        "and a streaming replica (both local, started by the bench, same cores), Redis on "
        f"loopback, wrk at {args.connections} connections from a second process on the same "
        f"cores; {args.rounds} interleaved rounds of {args.seconds} s per figure, median "
        f"shown. History: {args.entries:,} meals, page of 20; emotions: {DAYS} days of "
        "per-minute summaries, hourly, page of 100.\n"
    )
    print("| endpoint | primary alone | with a replica | target |")
    print("|---|---|---|---|")
    for name in paths:
        alone = results[("primary alone", name)]
        replica = results[("with a replica", name)]
        a = statistics.median(r["rps"] for r in alone)
        b = statistics.median(r["rps"] for r in replica)
        print(
            f"| {name} | {a:,.0f} req/s (p99 {statistics.median(r['p99_ms'] for r in alone):.1f}"
            f" ms) | {b:,.0f} req/s (p99 {statistics.median(r['p99_ms'] for r in replica):.1f}"
            f" ms) | replica >= primary alone ({'met' if b >= a else 'NOT met'}; "
            f"rounds: {_rates(alone)} vs {_rates(replica)}) |"
        )
    print("\nCommand: `.venv/bin/python bench/bench_read_replicas.py`")


def _rates(runs: list[dict]) -> str:
    return ", ".join(f"{r['rps']:,.0f}" for r in runs)


def _history_user(base: str) -> tuple[str, dict[str, str]]:
    headers = register(base)
    me = _get(f"{base}/api/v1/users/me", headers)
    return me["data"]["email"], headers


def _login(base: str, email: str) -> dict[str, str]:
    body = json.dumps({"email": email, "password": "Bench1234x"}).encode()  # bench_wellness
    request = urllib.request.Request(  # noqa: S310 (our own http URL)
        f"{base}/api/v1/auth/login", data=body, headers={"content-type": "application/json"}
    )
    token = json.loads(urllib.request.urlopen(request, timeout=30).read())["data"]["access_token"]  # noqa: S310
    return {"Authorization": f"Bearer {token}"}


def _get(url: str, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own http URL)
    return json.loads(urllib.request.urlopen(request, timeout=30).read())  # noqa: S310


if __name__ == "__main__":
    main()
