"""Faults on real processes: the API (`psi run`, production profile) and the worker
(`psi worker`) against dependencies this module owns and takes away mid-run:

- PostgreSQL through a TCP proxy that is cut (connections closed, new ones refused),
  then black-holed (accepts, never answers), then restored;
- a private redis-server that hangs (SIGSTOP), is killed (SIGKILL) and restarted on the
  same port from its append-only file;
- a SecantusDB MongoDB peer that hangs, is stopped and restarted on its data files.

For each: requests that need the store answer 503 PSI-SYS-5003 in the contract's error
envelope within a bounded time (never a hang, never a 500), authentication fails closed,
`/ready` answers 503 naming the store, a write acknowledged before the fault is still
there after it, a write refused during it left nothing behind, and the same process
serves again once the store is back, without a restart.

Then SIGTERM: the worker finishes the job it is running (acknowledged, one attempt) and
takes no new one; the API answers `/ready` 503 while it drains, serves the request in
flight to its end and exits 0.

The time bounds asserted here are the contract's "never a hang" (the configured timeouts
are 2 s to connect and 5 s per statement/operation), not performance figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from adapters.sql.database import Database
from adapters.sql.food_history import SqlAnalysisRepository
from adapters.sql.users import SqlUserRepository
from domain.food.analysis import AnalysisStatus
from entrypoints.settings import load_settings
from entrypoints.worker import READY_LINE
from tests.fixtures.images.samples import jpeg_with_gps
from tests.support.app import FAST_HASH, TEST_SECRET, api_client
from tests.support.fake_anthropic import API_KEY, FakeAnthropic, slow, tool_reply
from tests.support.faults import MongoServer, RedisServer
from tests.support.services import POSTGRES_ADMIN_URL, asyncpg_dsn, free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
BOUND_S = 10.0  # "never a hang": a request that needs a missing store answers within this
MEAL = {"foods": [{"name": "apple", "grams": 180, "confidence": 0.9}], "description": "An apple."}
CONSENT = {"biometrics": True, "food_photos": True}
PASSWORD = "Sup3rSecret!"


class FaultStack:
    """The API and worker processes of this module and the dependencies they use."""

    def __init__(self, tmp: Path, postgres_url: str, anthropic_url: str) -> None:
        self.tmp = tmp
        self.postgres_url = postgres_url  # direct, for checks behind the API's back
        host_port = postgres_url.split("@", 1)[1].split("/", 1)[0]
        host, _, port = host_port.partition(":")
        self.pg = TcpProxy(host, int(port or 5432))
        self.redis = RedisServer(tmp / "redis")
        self.mongo = MongoServer(tmp / "mongo")
        self.prefix = f"psi-faults-{uuid.uuid4().hex[:8]}:"
        self.mongo_db = f"psi_faults_{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.api: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.anthropic_url = anthropic_url

    @property
    def proxied_url(self) -> str:
        head, _, tail = self.postgres_url.partition("@")
        return f"{head}@127.0.0.1:{self.pg.port}/{tail.split('/', 1)[1]}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "PSI_ENV": "production",
            "PSI_DATABASE_URL": self.proxied_url,
            "PSI_REDIS_URL": self.redis.url,
            "PSI_REDIS_PREFIX": self.prefix,
            "PSI_MONGODB_URI": self.mongo.uri,
            "PSI_MONGODB_DATABASE": self.mongo_db,
            "PSI_JWT_SECRET": TEST_SECRET,
            "PSI_VAR_DIR": str(self.tmp / "var"),
            "PSI_ARGON2_MEMORY_KIB": "1024",
            "PSI_ARGON2_TIME_COST": "1",
            "PSI_RATE_LIMIT_IP_PER_MIN": "100000",
            "PSI_RATE_LIMIT_USER_PER_MIN": "100000",
            # Sign-in attempts are counted before the password is checked (issue 19): the
            # fault tests sign in many times from one address and measure the stores' faults.
            "PSI_LOGIN_FAILURES_PER_ACCOUNT_IP": "100000",
            "PSI_LOGIN_ATTEMPTS_PER_IP": "100000",
            "PSI_LOG_LEVEL": "WARNING",
            "PSI_SHUTDOWN_GRACE_S": "2",
            "PSI_ANTHROPIC_API_KEY": API_KEY,
            "PSI_ANTHROPIC_BASE_URL": self.anthropic_url,
            "PSI_ANTHROPIC_MAX_RETRIES": "0",
        }

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = (self.tmp / log).open("wb")
        return subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def log(self, name: str) -> str:
        path = self.tmp / name
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        self.pg.start()
        self.redis.start()
        self.mongo.start()
        # Both processes start at once: start-up is mostly imports.
        self.api = self._spawn(["run", "--port", str(self.port)], "api.log")
        self.worker = self._spawn(
            [
                "worker",
                "--lease-seconds",
                "3",
                "--sweep-interval",
                "1",
                "--concurrency",
                "2",
                "--drain-seconds",
                "20",
            ],
            "worker.log",
        )
        deadline = time.monotonic() + 90
        api_up = False
        while not (api_up and READY_LINE in self.log("worker.log")):
            assert self.api.poll() is None, self.log("api.log")
            assert self.worker.poll() is None, self.log("worker.log")
            assert time.monotonic() < deadline, "API or worker did not start"
            if not api_up:
                with contextlib.suppress(httpx.HTTPError):
                    api_up = httpx.get(f"{self.base}/health", timeout=1).status_code == 200
            time.sleep(0.1)

    def heal(self) -> None:
        self.pg.restore()
        for server in (self.redis, self.mongo):
            if server.process is None or server.process.poll() is not None:
                server.start()
            else:
                server.thaw()

    def stop(self) -> None:
        for proc in (self.api, self.worker):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.api, self.worker):
            if proc is None:
                continue
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.redis.kill()
        self.mongo.stop()
        self.pg.close()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(default=tool_reply(MEAL)) as server:
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory, postgres_url, fake) -> Iterator[FaultStack]:
    s = FaultStack(tmp_path_factory.mktemp("faults"), postgres_url, fake.base_url)
    try:
        s.start()
        yield s
    finally:
        s.stop()


@pytest.fixture
async def client(stack) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=stack.base, timeout=30) as c:
        yield c
    stack.heal()  # whatever a failed test left broken, for the next one


# --- helpers --------------------------------------------------------------------------


async def register(client: httpx.AsyncClient) -> tuple[str, str]:
    email = f"faults-{uuid.uuid4().hex[:10]}@example.com"
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Before", "consents": CONSENT},
    )
    assert r.status_code == 201, r.text
    return email, r.json()["data"]["id"]


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['data']['access_token']}"}


async def timed(client: httpx.AsyncClient, method: str, path: str, **kwargs) -> httpx.Response:
    started = time.monotonic()
    r = await client.request(method, path, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_S, f"{method} {path} took {elapsed:.1f} s ({r.status_code})"
    return r


def assert_unavailable(r: httpx.Response, dependency: str | None = None) -> dict:
    """503 PSI-SYS-5003 in the contract's error envelope."""
    assert r.status_code == 503, r.text
    body = r.json()
    error = body["error"]
    assert error["code"] == "PSI-SYS-5003", body
    assert error["type"] == "DependencyUnavailable"
    assert error["message"] and error["user_message"]
    assert error["details"]["retryable"] is True
    assert body["meta"]["request_id"] == r.headers["x-request-id"]
    if dependency is not None:
        assert error["details"]["dependency"] == dependency, body
    return error


async def assert_not_ready(client: httpx.AsyncClient, store: str) -> None:
    r = await timed(client, "GET", "/ready")
    error = assert_unavailable(r)
    assert error["details"]["failed"] == [store], error
    assert error["details"]["checks"][store] != "ok"


async def until_ready(client: httpx.AsyncClient, stack: FaultStack, timeout_s: float = 20) -> None:
    """The same API process reports ready again by itself."""
    pid = stack.api.pid
    deadline = time.monotonic() + timeout_s
    while True:
        r = await client.get("/ready")
        if r.status_code == 200:
            assert r.json()["status"] == "ready"
            break
        assert time.monotonic() < deadline, f"not ready again: {r.text}"
        await asyncio.sleep(0.2)
    assert stack.api.poll() is None and stack.api.pid == pid  # no restart


async def user_name(postgres_url: str, user_id: str) -> str:
    db = Database(postgres_url)
    try:
        user = await SqlUserRepository(db).get(uuid.UUID(user_id))
        assert user is not None
        return user.name
    finally:
        await db.dispose()


def z(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- PostgreSQL -----------------------------------------------------------------------


async def test_postgres_outage_is_503_and_heals_without_a_restart(stack, client):
    email, user_id = await register(client)
    headers = await login(client, email)
    r = await client.patch("/api/v1/users/me", json={"name": "Accepted"}, headers=headers)
    assert r.status_code == 200, r.text  # acknowledged before the outage

    stack.pg.cut()  # the server "goes away": every connection closed, new ones refused
    await assert_not_ready(client, "database")
    assert_unavailable(
        await timed(client, "GET", "/api/v1/food/history", headers=headers), "database"
    )
    assert_unavailable(
        await timed(client, "PATCH", "/api/v1/users/me", json={"name": "Refused"}, headers=headers),
        "database",
    )
    # Signing in needs the account: refused with 503, never a 401 or a token.
    assert_unavailable(
        await timed(
            client, "POST", "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        ),
        "database",
    )

    stack.pg.blackhole()  # a partition: connections hang instead of failing
    assert_unavailable(
        await timed(client, "GET", "/api/v1/food/history", headers=headers), "database"
    )
    await assert_not_ready(client, "database")

    stack.pg.restore()
    await until_ready(client, stack)
    r = await client.get("/api/v1/food/history", headers=headers)
    assert r.status_code == 200, r.text
    # The acknowledged write is there, the refused one left nothing.
    assert await user_name(stack.postgres_url, user_id) == "Accepted"

    # The server restarts while the API is idle: the pooled connections are dead, yet
    # the first request afterwards is served (they are replaced at checkout).
    stack.pg.cut()
    await asyncio.sleep(0.3)
    stack.pg.restore()
    r = await client.patch("/api/v1/users/me", json={"name": "After"}, headers=headers)
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/food/history", headers=headers)
    assert r.status_code == 200, r.text
    assert await user_name(stack.postgres_url, user_id) == "After"


# --- Redis ----------------------------------------------------------------------------


async def test_redis_outage_fails_closed_and_heals_without_a_restart(stack, client, fake):
    email, _ = await register(client)
    headers = await login(client, email)
    logged_out = await login(client, email)
    r = await client.post("/api/v1/auth/logout", headers=logged_out)
    assert r.status_code == 204, r.text  # the revocation is acknowledged: it must stick
    r = await client.get("/api/v1/users/me", headers=logged_out)
    assert r.json()["error"]["code"] == "PSI-AUTH-1004"

    # Authentication on its own (no rate limiter in front) must fail closed as well.
    settings = load_settings(
        {},
        env="production",
        var_dir=stack.tmp / "inproc",
        database_url=stack.postgres_url,
        redis_url=stack.redis.url,
        redis_prefix=stack.prefix,
        mongodb_uri=stack.mongo.uri,
        mongodb_database=stack.mongo_db,
        jwt_secret=TEST_SECRET,
        log_level="WARNING",
        **{**FAST_HASH, "rate_limit_enabled": False},
    )
    async with api_client(settings) as inproc:
        assert (await inproc.get("/api/v1/users/me", headers=headers)).status_code == 200

        stack.redis.freeze()  # hung: connections open, no answers
        try:
            assert_unavailable(await timed(client, "GET", "/api/v1/users/me", headers=headers))
            await assert_not_ready(client, "redis")
        finally:
            stack.redis.thaw()

        stack.redis.kill()  # crashed
        for token in (headers, logged_out):
            assert_unavailable(await timed(client, "GET", "/api/v1/users/me", headers=token))
            assert_unavailable(await inproc.get("/api/v1/users/me", headers=token), "redis")
        assert_unavailable(
            await timed(
                client, "POST", "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
            )
        )
        await assert_not_ready(client, "redis")

        stack.redis.start()  # same port, same append-only file
        await until_ready(client, stack)
        assert (await inproc.get("/api/v1/users/me", headers=headers)).status_code == 200
        r = await inproc.get("/api/v1/users/me", headers=logged_out)
        assert r.json()["error"]["code"] == "PSI-AUTH-1004"

    r = await client.get("/api/v1/users/me", headers=headers)
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/users/me", headers=logged_out)
    assert r.status_code == 401 and r.json()["error"]["code"] == "PSI-AUTH-1004", r.text
    assert (
        await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    ).status_code == 200

    # The worker came through the outage too: a new upload is analysed.
    r = await client.post(
        "/api/v1/food/upload",
        headers=headers,
        files={"file": ("meal.jpg", jpeg_with_gps(), "image/jpeg")},
    )
    assert r.status_code == 202, r.text
    analysis_id = r.json()["data"]["id"]
    deadline = time.monotonic() + 30
    while True:
        r = await client.get(f"/api/v1/food/analysis/{analysis_id}", headers=headers)
        if r.json()["data"]["status"] == "completed":
            break
        assert r.json()["data"]["status"] in {"pending", "processing"}, r.text
        assert time.monotonic() < deadline, (r.text, stack.log("worker.log")[-3000:])
        await asyncio.sleep(0.2)
    assert stack.worker.poll() is None


# --- MongoDB --------------------------------------------------------------------------


async def test_mongo_outage_is_503_for_its_routes_only_and_heals(stack, client):
    email, _ = await register(client)
    headers = await login(client, email)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    span = {
        "from": z(now - timedelta(hours=2)),
        "to": z(now + timedelta(minutes=1)),
        "resolution": "raw",
    }

    def samples(start: datetime, n: int) -> dict:
        return {
            "samples": [
                {
                    "timestamp": z(start + timedelta(minutes=i)),
                    "heart_rate": 62 + i,
                    "hrv_rmssd": 44.0,
                    "source": "garmin",
                }
                for i in range(n)
            ]
        }

    r = await client.post(
        "/api/v1/biometrics/samples", headers=headers, json=samples(now - timedelta(minutes=90), 5)
    )
    assert r.status_code == 201 and r.json()["data"]["accepted"] == 5, r.text

    stack.mongo.freeze()  # hung
    try:
        assert_unavailable(
            await timed(client, "GET", "/api/v1/emotions", params=span, headers=headers), "mongodb"
        )
        await assert_not_ready(client, "mongodb")
    finally:
        stack.mongo.thaw()

    stack.mongo.stop()  # down
    assert_unavailable(
        await timed(
            client,
            "POST",
            "/api/v1/biometrics/samples",
            headers=headers,
            json=samples(now - timedelta(minutes=60), 3),
        ),
        "mongodb",
    )
    await assert_not_ready(client, "mongodb")
    # Everything that does not need MongoDB is unaffected.
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/food/history", headers=headers)).status_code == 200

    stack.mongo.start()  # same port, same data files
    await until_ready(client, stack)
    r = await client.get("/api/v1/emotions", params=span, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["total"] == 5  # the acknowledged batch, not the refused one
    r = await client.post(
        "/api/v1/biometrics/samples", headers=headers, json=samples(now - timedelta(minutes=60), 3)
    )
    assert r.status_code == 201 and r.json()["data"]["accepted"] == 3, r.text


async def test_a_database_refusing_connections_is_503_under_load(stack, client):
    """SQLSTATE 55000 (a database with ALLOW_CONNECTIONS false; sessions in flight end
    with 57P01): every request that needs it answers 503 naming the database, none a
    500, and the log holds JSON lines only, no traceback."""
    email, _ = await register(client)
    headers = await login(client, email)
    name = stack.postgres_url.rsplit("/", 1)[1].split("?")[0]
    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        calls = [
            ("GET", "/api/v1/food/history", {}),
            ("PATCH", "/api/v1/users/me", {"json": {"name": "Refused"}}),
            ("POST", "/api/v1/auth/login", {"json": {"email": email, "password": PASSWORD}}),
        ]
        gate = asyncio.Semaphore(8)  # a bounded load: 8 at a time, 60 in all

        async def one(i: int) -> httpx.Response:
            method, path, kwargs = calls[i % len(calls)]
            async with gate:
                return await timed(client, method, path, headers=headers, **kwargs)

        responses = await asyncio.gather(*(one(i) for i in range(60)))
        assert Counter(r.status_code for r in responses) == {503: 60}
        for r in responses:
            assert_unavailable(r, "database")
        await assert_not_ready(client, "database")
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
    await until_ready(client, stack)
    assert (await client.get("/api/v1/food/history", headers=headers)).status_code == 200
    lines = stack.log("api.log").splitlines()
    assert any('"dependency_unavailable"' in line for line in lines)
    for line in lines:
        assert isinstance(json.loads(line), dict), line


# --- SIGTERM (these two end the stack's processes: keep them last) ----------------------


async def test_sigterm_lets_the_worker_finish_its_job_and_take_no_new_one(stack, client, fake):
    email, _ = await register(client)
    headers = await login(client, email)
    fake.requests.clear()
    fake.push(slow(tool_reply(MEAL), 3.0))  # the describer takes a while ...
    upload = {"file": ("meal.jpg", jpeg_with_gps(), "image/jpeg")}
    r = await client.post("/api/v1/food/upload", headers=headers, files=upload)
    first = r.json()["data"]["id"]
    deadline = time.monotonic() + 30
    while not fake.requests:  # ... and is being asked
        assert time.monotonic() < deadline, stack.log("worker.log")[-3000:]
        await asyncio.sleep(0.05)

    stack.worker.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.3)
    r = await client.post("/api/v1/food/upload", headers=headers, files=upload)
    assert r.status_code == 202, r.text
    second = r.json()["data"]["id"]
    rc = await asyncio.to_thread(stack.worker.wait, 30)
    assert rc == 0, stack.log("worker.log")[-3000:]

    r = await client.get(f"/api/v1/food/analysis/{first}", headers=headers)
    assert r.json()["data"]["status"] == "completed", r.text
    assert r.json()["data"]["description"] == MEAL["description"]
    r = await client.get(f"/api/v1/food/analysis/{second}", headers=headers)
    assert r.json()["data"]["status"] == "pending", r.text  # left for the next worker
    assert len(fake.requests) == 1  # the job ran once, to its end

    db = Database(stack.postgres_url)
    try:
        stored = await SqlAnalysisRepository(db).get(uuid.UUID(first))
        assert stored.status is AnalysisStatus.COMPLETED and stored.attempts == 1
    finally:
        await db.dispose()
    redis = Redis.from_url(stack.redis.url)
    try:  # the finished job's message was acknowledged before the worker exited
        pending = await redis.xpending_range(
            f"{stack.prefix}food-analysis", f"{stack.prefix}food-workers", "-", "+", 100
        )
        entries = [
            await redis.xrange(f"{stack.prefix}food-analysis", p["message_id"], p["message_id"])
            for p in pending
        ]
        assert first not in repr(entries), entries
    finally:
        await redis.aclose()


async def test_sigterm_drains_the_api_then_exits_cleanly(stack, client, fake):
    email, _ = await register(client)
    headers = await login(client, email)
    assert (await client.get("/ready")).status_code == 200
    fake.push(slow(tool_reply(MEAL), 8.0))
    # A request in flight: the upload waits up to 4 s for its analysis (longer than the
    # 2 s grace, so it is still running when the listener closes).
    in_flight = asyncio.create_task(
        client.post(
            "/api/v1/food/upload",
            headers={**headers, "Prefer": "wait=4"},
            files={"file": ("meal.jpg", jpeg_with_gps(), "image/jpeg")},
        )
    )
    await asyncio.sleep(0.5)
    assert not in_flight.done()

    stack.api.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.1)
    # Draining: not ready, but still serving (the grace is 2 s here).
    async with httpx.AsyncClient(base_url=stack.base, timeout=5) as other:
        r = await other.get("/ready")
        error = assert_unavailable(r)
        assert error["details"]["failed"] == ["process"]
        assert error["details"]["checks"]["process"] == "draining"
        assert (await other.get("/api/v1/users/me", headers=headers)).status_code == 200

    r = await in_flight  # finishes after the listener closed
    assert r.status_code == 202, r.text
    assert r.json()["data"]["status"] in {"pending", "processing"}
    rc = await asyncio.to_thread(stack.api.wait, 30)
    assert rc == 0, stack.log("api.log")[-3000:]
    with pytest.raises(httpx.ConnectError):
        await client.get("/health")
