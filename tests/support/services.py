"""Real services for the test suite: PostgreSQL, Redis and a MongoDB wire peer.

Outside CI a missing service skips the tests that need it, naming the variable that
points at one; with CI=true it fails the run instead, so CI can never go green
without having exercised the real stores.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"

POSTGRES_ADMIN_URL = os.environ.get(
    "PSI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("PSI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MONGODB_URI = os.environ.get("PSI_TEST_MONGODB_URI")


def unavailable(what: str, env: str, error: BaseException | str) -> None:
    message = f"{what} is unreachable ({error}); set {env} to point the tests at one"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def sqlalchemy_pg_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


def with_database(dsn: str, name: str) -> str:
    base, _, _ = dsn.rpartition("/")
    return f"{base}/{name}"


async def create_postgres_database() -> str:
    """A fresh database per test session, so parallel runs never share rows."""
    import asyncpg

    name = f"psi_test_{uuid.uuid4().hex[:12]}"
    try:
        conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", "PSI_TEST_POSTGRES_URL", exc)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(asyncpg_dsn(POSTGRES_ADMIN_URL), name)


async def drop_postgres_database(dsn: str) -> None:
    import asyncpg

    name = dsn.rpartition("/")[2]
    conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def check_redis() -> str:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        await client.ping()
    except Exception as exc:
        unavailable("Redis", "PSI_TEST_REDIS_URL", exc)
    finally:
        await client.aclose()
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MongoPeer:
    """A SecantusDB server in a child process, spoken to over real TCP."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.uri = ""

    def start(self) -> str:
        if MONGODB_URI:
            self.uri = MONGODB_URI
            return self.uri
        exe = shutil.which("secantusd-py") or str(Path(sys.executable).parent / "secantusd-py")
        if not Path(exe).exists():
            unavailable(
                "SecantusDB (pip install SecantusDB)",
                "PSI_TEST_MONGODB_URI",
                "secantusd-py not installed",
            )
        port = free_port()
        self.process = subprocess.Popen(
            [exe, "--host", "127.0.0.1", "--port", str(port), "--storage-path", ":memory:"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                unavailable("SecantusDB", "PSI_TEST_MONGODB_URI", "server exited at start")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            unavailable("SecantusDB", "PSI_TEST_MONGODB_URI", "did not listen within 30 s")
        self.uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"
        return self.uri

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
