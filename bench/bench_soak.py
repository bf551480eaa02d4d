"""Issue 7 soak: the production run under a steady mixed load, watching errors and memory.

Starts what `just serve-prod` starts, against Postgres + Redis: `psi migrate`, then
`psi run --workers N` (N API processes under uvicorn's supervisor), `psi worker` and
`psi jobs`. Seeds a few users (food history rows, a day of wearable samples), measures the
capacity of a mixed authenticated read workload (`/users/me`, food history, emotions and
wellness reads) with wrk, then holds about 70 % of it for `--duration` seconds. wrk2's
fixed-rate mode is not available, so the rate is set with a per-request delay in wrk's Lua
script (`delay()`), calibrated on a few short runs. Resident memory (VmRSS from /proc,
summed over each process tree) is sampled every `--sample-every` seconds.

Prints a markdown section for docs/benchmarks.md.
Run: `.venv/bin/python bench/bench_soak.py [--duration 600] [--workers 2]`
(`just bench --skip bench_soak` leaves it out of a full run.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from common import (
    PY,
    REDIS,
    REPO,
    drop_postgres_db,
    free_port,
    fresh_postgres_db,
    machine,
    post_json,
    production_env,
)

PASSWORD = "Bench1234x"  # noqa: S105 (a throwaway bench account)
LOG_DIR = REPO / "var" / "bench"


# Processes ---------------------------------------------------------------------------------
class ProductionRun:
    """`just serve-prod` without just: API processes, the worker and the scheduler."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}

    def __enter__(self) -> ProductionRun:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        env = {
            **self.env,
            "PSI_HOST": "127.0.0.1",
            "PSI_PORT": str(self.port),
            "PSI_AUTO_MIGRATE": "false",
        }
        subprocess.run(
            [PY, "-m", "entrypoints.cli", "migrate"],
            env=env,
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = {
            "api": ["run", "--workers", str(self.workers)],
            "worker": ["worker"],
            "jobs": ["jobs"],
        }
        try:
            for name, args in commands.items():
                log = (LOG_DIR / f"soak-{name}.log").open("wb")
                self.procs[name] = subprocess.Popen(
                    [PY, "-m", "entrypoints.cli", *args],
                    env=env,
                    cwd=REPO,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"psi {name} exited ({proc.returncode}); see var/bench/soak-{name}.log"
                    )
            try:
                urllib.request.urlopen(f"{self.base}/health", timeout=1).read()  # noqa: S310
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("API did not start")

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: this run only
                proc.wait()

    def alive(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is None]

    def rss_mib(self) -> dict[str, float]:
        """VmRSS summed over each started process and all its descendants."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        out = {}
        for name, proc in self.procs.items():
            total_kib, todo = 0, [proc.pid]
            while todo:
                pid = todo.pop()
                todo.extend(children.get(pid, []))
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
                total_kib += int(m.group(1)) if m else 0
            out[name] = total_kib / 1024
        out["total"] = sum(out.values())
        return out


# Data ----------------------------------------------------------------------------------------
def z(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def get_json(url: str, token: str) -> tuple[int, dict]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, {}


def seed_users(run: ProductionRun, db_url: str, users: int, entries: int) -> list[str]:
    """Users with food history rows and the last 1,000 minutes of wearable samples."""
    from bench_food_history import seed  # the same rows as the food history bench

    tokens = []
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    for i in range(users):
        email = f"soak-{uuid.uuid4().hex[:10]}@example.com"
        post_json(
            f"{run.base}/api/v1/auth/register",
            {
                "email": email,
                "password": PASSWORD,
                "name": f"Soak {i}",
                "consents": {"biometrics": True, "food_photos": False},
            },
        )
        token = post_json(f"{run.base}/api/v1/auth/login", {"email": email, "password": PASSWORD})[
            "data"
        ]["access_token"]
        asyncio.run(seed(db_url, email, entries))
        samples = [
            {
                "timestamp": z(end - timedelta(minutes=m)),
                "heart_rate": 60 + m % 17,
                "hrv_rmssd": 30.0 + m % 23,
                "source": "apple_watch",
            }
            for m in range(1, 1001)
        ]
        post_json(
            f"{run.base}/api/v1/biometrics/samples",
            {"samples": samples},
            {"Authorization": f"Bearer {token}"},
        )
        tokens.append(token)
    return tokens


def workload(run: ProductionRun, token: str) -> tuple[list[str], list[str]]:
    """The mixed read paths, each checked to answer 200 (kept) or not (left out)."""
    today = datetime.now(UTC).date()
    now = datetime.now(UTC).replace(microsecond=0)
    candidates = [
        "/api/v1/users/me",
        "/api/v1/food/history?per_page=20",
        "/api/v1/food/history?per_page=20&sort=-calories&min_calories=300",
        "/api/v1/emotions/current",
        f"/api/v1/emotions?resolution=hour&from={z(now - timedelta(days=1))}&to={z(now)}",
        "/api/v1/wellness/today",
        f"/api/v1/wellness/scores?date_from={today - timedelta(days=7)}&date_to={today}",
    ]
    kept, dropped = [], []
    for path in candidates:
        (kept if get_json(run.base + path, token)[0] == 200 else dropped).append(path)
    return kept, dropped


def lua_script(paths: list[str], tokens: list[str], delay_ms: float) -> str:
    quoted = ", ".join(json.dumps(p) for p in paths)
    toks = ", ".join(json.dumps(t) for t in tokens)
    return f"""
local paths = {{{quoted}}}
local tokens = {{{toks}}}
local n = 0
function init(args)
  n = math.random(0, 9973)  -- threads start at different places in the mix
end
function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  local token = tokens[(math.floor(n / #paths) % #tokens) + 1]
  return wrk.format("GET", path, {{["Authorization"] = "Bearer " .. token}})
end
local delay_ms = {delay_ms:.3f}
function delay()  -- whole milliseconds only: dither to keep the fraction on average
  local whole = math.floor(delay_ms)
  if math.random() < delay_ms - whole then return whole + 1 end
  return whole
end
"""


# wrk ------------------------------------------------------------------------------------------
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def run_wrk(base: str, script: str, connections: int, seconds: int) -> dict:
    """wrk with the Lua mix; request count, rate, latencies and every kind of error."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        threads = min(2, connections)
        cmd = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            f.name,
            base,
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # Anchored: the stdev column ("71.50%") must not be read as the 50th percentile.
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, sock.groups())) if sock else 0,
        "command": " ".join(cmd[:-3]) + " -s soak.lua URL",
    }


def calibrate(
    base: str,
    paths: list[str],
    tokens: list[str],
    connections: int,
    target_rps: float,
    seconds: int,
) -> tuple[float, dict]:
    """The per-request delay that holds `target_rps` on `connections` (closed loop: each
    connection sends every delay + latency ms), found by two corrections."""
    delay = connections * 1000 / target_rps
    for attempt in range(3):
        result = run_wrk(base, lua_script(paths, tokens, delay), connections, seconds)
        if abs(result["rps"] - target_rps) / target_rps < 0.05 or attempt == 2:
            return delay, result
        latency_ms = max(0.0, connections * 1000 / max(result["rps"], 1e-9) - delay)
        delay = max(0.0, connections * 1000 / target_rps - latency_ms)
    raise AssertionError("unreachable")


def forget_redis_prefix(prefix: str) -> None:
    from redis import Redis

    r = Redis.from_url(REDIS)
    try:
        keys = list(r.scan_iter(match=f"{prefix}*", count=1000))
        for i in range(0, len(keys), 1000):
            r.unlink(*keys[i : i + 1000])
    finally:
        r.close()


# Main -------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=600, help="soak seconds (default 600)")
    parser.add_argument("--workers", type=int, default=2, help="API processes (psi run)")
    parser.add_argument("--load", type=float, default=0.7, help="share of measured capacity")
    parser.add_argument("--capacity-seconds", type=int, default=10)
    parser.add_argument("--capacity-connections", type=int, default=32)
    parser.add_argument("--connections", type=int, default=16, help="soak connections")
    parser.add_argument("--sample-every", type=float, default=10.0, help="RSS sampling, s")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--entries", type=int, default=200, help="food rows per user")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")

    db = fresh_postgres_db("psi_bench_soak")
    env = production_env(db)
    try:
        with ProductionRun(env, args.workers) as run:
            rss_idle = run.rss_mib()
            tokens = seed_users(run, db, args.users, args.entries)
            paths, dropped = workload(run, tokens[0])
            mix = lua_script(paths, tokens, 0)
            run_wrk(run.base, mix, args.capacity_connections, 3)  # warm-up
            capacity = run_wrk(run.base, mix, args.capacity_connections, args.capacity_seconds)
            target = capacity["rps"] * args.load
            delay, calibration = calibrate(
                run.base, paths, tokens, args.connections, target, seconds=5
            )

            samples: list[tuple[float, dict[str, float]]] = []
            outcome: dict = {}
            soak = threading.Thread(
                target=lambda: outcome.update(
                    run_wrk(
                        run.base, lua_script(paths, tokens, delay), args.connections, args.duration
                    )
                )
            )
            started = time.monotonic()
            soak.start()
            while soak.is_alive():
                samples.append((time.monotonic() - started, run.rss_mib()))
                soak.join(args.sample_every)
            samples.append((time.monotonic() - started, run.rss_mib()))
            alive = run.alive()
    finally:
        drop_postgres_db(db)
        forget_redis_prefix(env["PSI_REDIS_PREFIX"])
    report(
        args,
        capacity,
        target,
        delay,
        calibration,
        outcome,
        samples,
        rss_idle,
        paths,
        dropped,
        alive,
    )
    return 0


def report(
    args, capacity, target, delay, calibration, outcome, samples, rss_idle, paths, dropped, alive
) -> None:
    start, middle, end = samples[0][1], samples[len(samples) // 2][1], samples[-1][1]
    errors = outcome["non_2xx"] + outcome["socket_errors"]
    groups = ["api", "worker", "jobs", "total"]

    def growth(a: float, b: float) -> str:
        return f"{b - a:+.1f} MiB ({(b - a) / a * 100:+.1f} %)" if a else "-"

    print("## Soak (issue 7) — bench/bench_soak.py\n")
    print(
        f"Machine: {machine()}. The production run of `just serve-prod`: `psi run --workers "
        f"{args.workers}` (uvicorn, uvloop, httptools), `psi worker`, `psi jobs`, against "
        "Postgres + Redis on loopback; rate limiter on with raised quotas; wrk in another "
        f"process on the same cores. {args.users} users, each with {args.entries} food "
        "history rows and 1,000 minutes of wearable samples; every request names one of "
        "their tokens in turn.\n"
    )
    names = ", ".join(f"`{p}`" for p in paths)
    left_out = f"; left out (not 200 at start): {', '.join(dropped)}" if dropped else ""
    print(f"Workload (round robin over paths and users): {names}{left_out}.\n")
    print("| what | figure |")
    print("|---|---|")
    print(
        f"| capacity, {args.capacity_connections} connections, {args.capacity_seconds} s, "
        f"no delay | {capacity['rps']:.0f} req/s, p50 {capacity['p50_ms']:.1f} ms, p99 "
        f"{capacity['p99_ms']:.1f} ms, errors "
        f"{capacity['non_2xx'] + capacity['socket_errors']} |"
    )
    print(
        f"| soak target ({args.load:.0%} of capacity) | {target:.0f} req/s: "
        f"{args.connections} connections, {delay:.0f} ms delay per request (calibration "
        f"run: {calibration['rps']:.0f} req/s) |"
    )
    print(
        f"| soak, {args.duration} s | {outcome['requests']:,} requests, "
        f"{outcome['rps']:.0f} req/s ({outcome['rps'] / capacity['rps']:.0%} of capacity), "
        f"p50 {outcome['p50_ms']:.1f} ms, p99 {outcome['p99_ms']:.1f} ms |"
    )
    print(
        f"| errors (non-2xx + socket errors) | **{errors}** ({outcome['non_2xx']} non-2xx, "
        f"{outcome['socket_errors']} socket) |"
    )
    print(f"| processes alive at the end | {', '.join(alive) or 'none'} |")
    print()
    print("| RSS (MiB) | " + " | ".join(groups) + " |")
    print("|---|" + "---|" * len(groups))
    for label, values in [
        ("idle, after start-up", rss_idle),
        (f"soak start (t = {samples[0][0]:.0f} s)", start),
        (f"middle (t = {samples[len(samples) // 2][0]:.0f} s)", middle),
        (f"end (t = {samples[-1][0]:.0f} s)", end),
    ]:
        print(f"| {label} | " + " | ".join(f"{values[g]:.1f}" for g in groups) + " |")
    print("| growth start → end | " + " | ".join(growth(start[g], end[g]) for g in groups) + " |")
    print("| growth middle → end | " + " | ".join(growth(middle[g], end[g]) for g in groups) + " |")
    series = ", ".join(f"{v['total']:.0f}" for _, v in samples)
    print(f"\nTotal RSS every {args.sample_every:.0f} s (MiB): {series}.")
    print(
        f"\nCommand: `{outcome['command']}` (a Lua mix with a per-request `delay()`); "
        f"script `bench/bench_soak.py {' '.join(sys.argv[1:])}`.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
