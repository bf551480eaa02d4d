"""Issue 2 numbers: GET /api/v1/users/me on the production profile (Postgres + Redis, one
API process) at 64 connections, and the argon2 cost per hash.

Prints a markdown section for docs/benchmarks.md. Run: `.venv/bin/python bench/bench_identity.py`
"""

from __future__ import annotations

import statistics
import sys
import time
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


def argon2_cost_ms(samples: int = 20) -> tuple[float, float]:
    from adapters.security.passwords import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    hash_times, verify_times = [], []
    for _ in range(samples):
        t = time.perf_counter()
        digest = hasher.hash("Bench1234x")
        hash_times.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        hasher.verify(digest, "Bench1234x")
        verify_times.append((time.perf_counter() - t) * 1000)
    return statistics.median(hash_times), statistics.median(verify_times)


def main() -> None:
    db = fresh_postgres_db("psi_bench_identity")
    try:
        with api_server(production_env(db)) as base:
            _, headers = register_and_login(base)
            wrk(f"{base}/api/v1/users/me", headers, seconds=3)  # warm-up
            result = wrk(f"{base}/api/v1/users/me", headers, connections=64, seconds=15)
    finally:
        drop_postgres_db(db)
    hash_ms, verify_ms = argon2_cost_ms()
    ok = result["rps"] >= 2000 and result["p99_ms"] < 50
    print("## Identity (issue 2)\n")
    print(
        f"Machine: {machine()}. Production profile: Postgres 15 + Redis on loopback, one "
        "uvicorn process (uvloop, httptools), rate limiter on with raised quotas (one "
        "Redis script per request covers the limit and the revocation check).\n"
    )
    print("| what | figure | target |")
    print("|---|---|---|")
    print(
        f"| `GET /api/v1/users/me`, 64 connections, 15 s | {result['rps']:.0f} req/s, "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"non-2xx {result['non_2xx']}, socket errors {result['socket_errors']} | "
        f">= 2,000 req/s, p99 < 50 ms ({'met' if ok else 'NOT met'}) |"
    )
    print(
        f"| argon2id hash (m=19 MiB, t=2, p=1) | {hash_ms:.1f} ms per hash, "
        f"{verify_ms:.1f} ms per verify (median of 20) | OWASP minimum parameters |"
    )
    print(
        f"\nCommand: `{result['command']}` against `/api/v1/users/me` with a bearer token; "
        "script `bench/bench_identity.py`.\n"
    )


if __name__ == "__main__":
    main()
