"""`psi worker` and `psi jobs` end promptly on SIGTERM while a sweep or a job is waiting
on PostgreSQL (on a table the test holds locked): what runs then is cancelled and waited
for a bounded time, not to its end (docs/dev-conventions.md, "Habits")."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text

from adapters.sql.database import Database
from tests.e2e.test_food_worker import Stack

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
EXIT_S = 15.0  # the stop bounds add up to about 10 s; a job left to its end never exits


@asynccontextmanager
async def locked(db: Database, table: str) -> AsyncIterator[None]:
    """`table` locked against every reader until the block ends."""
    async with db.engine.connect() as conn, conn.begin():
        await conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        yield


async def waiting_on_a_lock(db: Database, count: int, timeout_s: float = 60) -> None:
    """Until `count` sessions of this database wait on a lock (ours: the reads blocked)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + timeout_s
    while True:
        async with db.engine.connect() as conn:
            if (await conn.execute(query)).scalar_one() >= count:
                return
        assert time.monotonic() < deadline, "nothing reached the locked table"
        await asyncio.sleep(0.1)


def exit_status_after_sigterm(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(EXIT_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {EXIT_S:.0f} s after SIGTERM") from None


@pytest.fixture
async def db(fresh_postgres_url) -> AsyncIterator[Database]:
    database = Database(fresh_postgres_url)
    yield database
    await database.dispose()


@pytest.fixture
def stack(tmp_path, fresh_postgres_url, redis_url):
    stack = Stack(tmp_path, fresh_postgres_url, redis_url, "http://127.0.0.1:9")
    # A statement may wait this long: the blocked read stands for a job that takes long
    # (a retention run is up to 100 batches), not one that fails at the 5 s default.
    stack.env["PSI_DB_STATEMENT_TIMEOUT_MS"] = "60000"
    yield stack
    stack.stop()


async def test_the_worker_exits_promptly_on_sigterm_during_a_sweep(stack, db):
    worker = stack.worker("worker")  # sweeps every 0.5 s
    async with locked(db, "food_history"):
        await waiting_on_a_lock(db, 1)
        status = await asyncio.to_thread(exit_status_after_sigterm, worker)
    assert status == 0, (stack.tmp / "worker.log").read_text()[-3000:]


async def test_the_scheduler_exits_promptly_on_sigterm_during_a_job(stack, db):
    job = ["--only", "expire-subscriptions"]
    async with locked(db, "subscription_history"):
        scheduler = stack.spawn(["jobs", *job], stack.tmp / "jobs.log")
        once = stack.spawn(["jobs", "--once", *job], stack.tmp / "once.log")
        await waiting_on_a_lock(db, 2)
        statuses = await asyncio.gather(
            asyncio.to_thread(exit_status_after_sigterm, scheduler),
            asyncio.to_thread(exit_status_after_sigterm, once),
        )
    assert statuses == [0, 1]  # --once says its job did not finish
