"""Issue 14 number: worker throughput, analyses completed per second, sustained for 60 s
with 2 `psi worker` processes (production profile: Postgres + Redis stream queue, the
shipped NanoDet detector, no Claude).

The queue is filled first, with no worker running (uploads answer 202 and wait in the
stream), so the figure is the workers' rate and not the upload path's. Then two workers
start and the completed rows are counted once a second; the rate is taken over a 60 s
window that starts at the first completion. If the backlog runs dry before 60 s the
figure is what was done over the time it took, and the output says so.

Run: `.venv/bin/python bench/bench_worker_throughput.py [--backlog 1500] [--workers 2]`
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import asyncpg
import httpx
from bench_food_upload import PHOTO, premium_user
from common import (
    PY,
    REPO,
    api_server,
    drop_postgres_db,
    fresh_postgres_db,
    machine,
    production_env,
)

WINDOW_S = 60.0
PROFILE_PREFIX = os.environ.get("PSI_BENCH_WORKER_PREFIX", "").split()


def fill_queue(base: str, headers: dict[str, str], photo: bytes, count: int) -> None:
    def upload(_: int) -> int:
        with httpx.Client(base_url=base, timeout=60) as client:
            r = client.post(
                "/api/v1/food/upload",
                headers=headers,
                files={"file": ("meal.jpg", photo, "image/jpeg")},
            )
            return r.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(upload, range(count)))
    refused = [s for s in statuses if s != 202]
    assert not refused, f"uploads refused: {sorted(set(refused))}"


async def completed(dsn: str) -> int:
    conn = await asyncpg.connect(dsn.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM food_history WHERE source = 'photo' AND status = 'completed'"
        )
    finally:
        await conn.close()


def start_worker(env: dict[str, str], index: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = Path(env["PSI_VAR_DIR"]) / f"bench-worker-{index}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            # PSI_BENCH_WORKER_PREFIX="-m cProfile -o worker.prof" profiles the workers.
            [PY, *PROFILE_PREFIX, "-m", "entrypoints.cli", "worker"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, log


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--detector", choices=("nanodet", "off"), default="nanodet")
    args = parser.parse_args()
    photo = PHOTO.read_bytes()
    db = fresh_postgres_db("psi_bench_worker")
    env = production_env(
        db,
        PSI_RATE_LIMIT_ENABLED="false",
        PSI_DETECTOR=args.detector,
        PSI_NUTRITION_AUTO_IMPORT="false",
    )
    workers: list[subprocess.Popen[bytes]] = []
    cpu_start = cpu_used = 0.0
    samples: list[tuple[float, int]] = []
    try:
        with api_server(env) as base:
            headers = premium_user(base, env)
            t = time.perf_counter()
            fill_queue(base, headers, photo, args.backlog)
            fill_s = time.perf_counter() - t
            logs = []
            for i in range(args.workers):
                proc, log = start_worker(env, i)
                workers.append(proc)
                logs.append(log)
            deadline = time.monotonic() + 120
            while not all("psi worker ready" in log.read_text() for log in logs):
                assert all(w.poll() is None for w in workers), [x.read_text() for x in logs]
                assert time.monotonic() < deadline, "workers did not start"
                time.sleep(0.1)
            start = None
            while True:
                done = asyncio.run(completed(db))
                now = time.perf_counter()
                if start is None and done > 0:
                    start = now
                    samples.append((0.0, done))
                    cpu_start = sum(cpu_seconds(w.pid) for w in workers)
                elif start is not None:
                    samples.append((now - start, done))
                    if now - start >= WINDOW_S or done >= args.backlog:
                        cpu_used = sum(cpu_seconds(w.pid) for w in workers) - cpu_start
                        break
                time.sleep(1.0)
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(20)
            except subprocess.TimeoutExpired:
                w.kill()
        drop_postgres_db(db)
    elapsed, done = samples[-1]
    first = samples[0][1]
    rate = (done - first) / elapsed if elapsed else 0.0
    per_second = [
        (b - a) / (tb - ta) for (ta, a), (tb, b) in itertools.pairwise(samples) if tb > ta
    ]
    drained = done >= args.backlog and elapsed < WINDOW_S
    print("## Worker throughput (issue 14)\n")
    print(
        f"Machine: {machine()}. Production profile: Postgres + Redis stream on loopback, "
        f"{args.workers} `psi worker` processes (default concurrency), detector {args.detector}, "
        f"no Claude; the API process idle while the workers run. Backlog of {args.backlog} "
        f"uploads of the 512x480 fruits JPEG, queued first ({fill_s:.1f} s).\n"
    )
    print("| what | figure | target |")
    print("|---|---|---|")
    window = f"{elapsed:.0f} s" + (" (the backlog ran dry first)" if drained else "")
    print(
        f"| analyses completed per second over {window} | {rate:.1f}/s "
        f"(slowest second {min(per_second):.1f}, fastest {max(per_second):.1f}) "
        f"| >= 15/s for 60 s ({'met' if rate >= 15 and not drained else 'NOT met'}) |"
    )
    cpu_ms = 1000 * cpu_used / max(1, done - first)
    print(
        f"| worker CPU per analysis (user + system, both processes) | {cpu_ms:.0f} ms "
        f"(so {os.cpu_count()} cores fully given to workers would do at most "
        f"{1000 * (os.cpu_count() or 1) / cpu_ms:.0f}/s) | - |"
    )
    print(
        f"\nCommand: `.venv/bin/python bench/bench_worker_throughput.py --backlog {args.backlog} "
        f"--workers {args.workers} --detector {args.detector}`"
    )


if __name__ == "__main__":
    main()
