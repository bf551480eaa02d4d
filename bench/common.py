"""Shared helpers for the benchmark scripts: start the API, drive wrk, describe the machine."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
PG_ADMIN = os.environ.get("PSI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("PSI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({cpu or platform.processor()}), "
        f"Python {platform.python_version()}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres_db(prefix: str) -> str:
    import asyncio

    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    asyncio.run(create())
    base = PG_ADMIN.rpartition("/")[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"


def drop_postgres_db(url: str) -> None:
    import asyncio

    import asyncpg

    name = url.rpartition("/")[2]

    async def drop() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(drop())


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
    env.update(
        {
            "PSI_ENV": "production",
            "PSI_DATABASE_URL": database_url,
            "PSI_REDIS_URL": REDIS,
            "PSI_REDIS_PREFIX": f"psi-bench-{uuid.uuid4().hex[:6]}:",
            "PSI_JWT_SECRET": "bQ7-xV2nZ9kR4wY1cN8mL3hJ6pD0fG_sE5uIoTqWzAy",
            "PSI_LOG_LEVEL": "INFO",
            "PSI_AUTO_MIGRATE": "true",
            "PYTHONPATH": str(REPO / "src"),
            "PSI_VAR_DIR": str(REPO / "var" / "bench"),
            # The limiter stays on, so its cost is in every figure; the quotas are raised so a
            # load test from one account and one address measures work, not 429s.
            "PSI_RATE_LIMIT_USER_PER_MIN": "100000000",
            "PSI_RATE_LIMIT_IP_PER_MIN": "100000000",
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def api_server(env: dict[str, str], workers: int = 1) -> Iterator[str]:
    """Run the API with uvicorn (uvloop + httptools), as `psi run` does. Its JSON log (one
    access line per request, as in production) goes to var/bench/api.log."""
    port = free_port()
    log_path = REPO / "var" / "bench" / "api.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if env.get("PSI_AUTO_MIGRATE") == "true":
        subprocess.run(
            [PY, "-m", "entrypoints.cli", "migrate"],
            env=env,
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "uvicorn",
            "--factory",
            "entrypoints.http.app:app_factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-proxy-headers",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env={**env, "PSI_AUTO_MIGRATE": "false"},
        cwd=REPO,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).read()  # noqa: S310 (loopback http)
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("API did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def post_json(url: str, body: dict, headers: dict[str, str] | None = None) -> dict:
    req = urllib.request.Request(  # noqa: S310 (loopback bench URL)
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        return json.loads(resp.read() or b"{}")


def register_and_login(base: str) -> tuple[str, dict[str, str]]:
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    post_json(
        f"{base}/api/v1/auth/register", {"email": email, "password": "Bench1234x", "name": "Bench"}
    )
    tokens = post_json(f"{base}/api/v1/auth/login", {"email": email, "password": "Bench1234x"})
    return email, {"Authorization": f"Bearer {tokens['data']['access_token']}"}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def wrk(
    url: str,
    headers: dict[str, str],
    connections: int = 64,
    seconds: int = 15,
    threads: int = 2,
    script: str | None = None,
) -> dict[str, float | str]:
    """Run Debian's wrk from a second process; returns requests/s, p50, p99 and errors."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # Anchored: the thread-stats table has columns like "71.50%" that must not match.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors:(.*)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sock.group(1).strip() if sock else "none",
        "command": (
            f"wrk -t{threads} -c{connections} -d{seconds}s --latency"
            + (" -s <script>" if script else "")
            + (" -H 'Authorization: Bearer <token>'" if headers else "")
            + " URL"
        ),
    }
