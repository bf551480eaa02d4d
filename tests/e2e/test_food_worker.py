"""Food analysis end to end on real processes: the API under uvicorn (`psi run`), the
worker (`psi worker`) as a separate process, PostgreSQL, the Redis stream queue, and
the describer pointed at a local server speaking the Anthropic Messages API.

- upload -> completed through the Redis queue and the worker process;
- a worker SIGKILLed mid-job loses nothing: a new worker takes over its unacknowledged
  delivery, the analysis completes exactly once (one history entry, one more attempt)
  and every delivery ends acknowledged (the stream's pending entries list is empty);
- 20 parallel uploads of a free user over real HTTP: exactly 3 accepted.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest
from redis.asyncio import Redis

from adapters.sql.database import Database
from adapters.sql.food_history import SqlAnalysisRepository
from domain.food.analysis import AnalysisStatus
from domain.food.history import HistoryQuery
from entrypoints.worker import READY_LINE
from tests.fixtures.images.samples import fruits, jpeg_with_gps
from tests.support.app import TEST_SECRET
from tests.support.fake_anthropic import API_KEY, FakeAnthropic, slow, tool_reply
from tests.support.services import free_port

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
MEAL = {
    "foods": [
        {"name": "apple", "grams": 180, "confidence": 0.9},
        {"name": "banana", "grams": 120, "count": 1, "confidence": 0.8},
    ],
    "description": "An apple and a banana on a white plate.",
}
CONSENT = {"biometrics": False, "food_photos": True}


class Stack:
    """Environment shared by the API and worker processes of one test."""

    def __init__(self, tmp: Path, postgres_url: str, redis_url: str, anthropic_url: str):
        self.tmp = tmp
        self.prefix = f"psi-e2e-{uuid.uuid4().hex[:8]}:"
        self.env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "PSI_ENV": "production",
            "PSI_DATABASE_URL": postgres_url,
            "PSI_REDIS_URL": redis_url,
            "PSI_REDIS_PREFIX": self.prefix,
            "PSI_JWT_SECRET": TEST_SECRET,
            "PSI_VAR_DIR": str(tmp / "var"),
            "PSI_AUTO_MIGRATE": "true",
            "PSI_NUTRITION_AUTO_IMPORT": "true",
            "PSI_ARGON2_MEMORY_KIB": "1024",
            "PSI_ARGON2_TIME_COST": "1",
            "PSI_LOG_LEVEL": "WARNING",
            "PSI_ANTHROPIC_API_KEY": API_KEY,
            "PSI_ANTHROPIC_BASE_URL": anthropic_url,
            "PSI_ANTHROPIC_MAX_RETRIES": "0",
            "PSI_SHUTDOWN_GRACE_S": "0",  # no pre-stop drain at teardown (test_faults.py)
        }
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []

    def spawn(self, args: list[str], log: Path) -> subprocess.Popen:
        out = log.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def api(self) -> subprocess.Popen:
        proc = self.spawn(["run", "--port", str(self.port)], self.tmp / "api.log")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, (self.tmp / "api.log").read_text()
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("API did not start")

    def worker(self, name: str) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        proc = self.spawn(
            ["worker", "--lease-seconds", "2", "--sweep-interval", "0.5", "--concurrency", "4"], log
        )
        deadline = time.monotonic() + 60
        while READY_LINE not in (log.read_text() if log.exists() else ""):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "worker did not start"
            time.sleep(0.1)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic(default=tool_reply(MEAL)) as server:
        yield server


def started(
    tmp_path: Path, database_url: str, redis_url: str, fake: FakeAnthropic
) -> Iterator[Stack]:
    s = Stack(tmp_path, database_url, redis_url, fake.base_url)
    s.api()
    yield s
    s.stop()


@pytest.fixture
def stack(tmp_path, postgres_url, redis_url, fake) -> Iterator[Stack]:
    yield from started(tmp_path, postgres_url, redis_url, fake)


@pytest.fixture
def own_stack(tmp_path, fresh_postgres_url, redis_url, fake) -> Iterator[Stack]:
    """A stack on a database of its own: its workers' sweeper sees this test's analyses
    only, not ones other tests left unfinished in the session's database."""
    yield from started(tmp_path, fresh_postgres_url, redis_url, fake)


async def user_headers(client: httpx.AsyncClient) -> dict[str, str]:
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": "Sup3rSecret!", "name": "E2E", "consents": CONSENT},
    )
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": "Sup3rSecret!"})
    return {"Authorization": f"Bearer {r.json()['data']['access_token']}"}


async def status_of(client, headers, analysis_id: str) -> dict:
    r = await client.get(f"/api/v1/food/analysis/{analysis_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def wait_for(
    client, headers, analysis_id: str, states: set[str], timeout_s: float = 60
) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        data = await status_of(client, headers, analysis_id)
        if data["status"] in states:
            return data
        assert time.monotonic() < deadline, data
        await asyncio.sleep(0.1)


async def in_flight(fake: FakeAnthropic, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    for _ in range(int(timeout_s / 0.05)):
        if fake.requests:
            return
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    raise AssertionError("the describer was never called")


def upload_file(data: bytes) -> dict:
    return {"file": ("meal.jpg", data, "image/jpeg")}


async def test_upload_completes_through_the_redis_queue_and_a_worker_process(stack, fake):
    stack.worker("worker")
    async with httpx.AsyncClient(base_url=stack.base, timeout=60) as client:
        headers = await user_headers(client)
        r = await client.post("/api/v1/food/upload", files=upload_file(fruits()), headers=headers)
        assert r.status_code == 202, r.text
        done = await wait_for(client, headers, r.json()["data"]["id"], {"completed", "failed"})
    assert done["status"] == "completed", done.get("error")
    # the describer's apple and banana, and the orange the shipped detector boxed
    assert [f["food"] for f in done["detected_foods"]] == ["apple", "banana", "orange"]
    apple, _, orange = done["detected_foods"]
    assert apple["portion_grams"] == 180 and apple["bbox"] is None
    assert orange["bbox"] is not None
    orange_kcal = orange["portion_grams"] * 0.47  # USDA: 47 kcal per 100 g
    # 180 g apple + 120 g banana, USDA
    assert 90 < done["nutrition"]["calories"] - orange_kcal < 250
    assert done["description"] == MEAL["description"]
    assert done["models"]["detector"] == "nanodet-g-416"
    assert done["models"]["describer"] == "claude-sonnet-5"
    assert done["models"]["fusion"]
    # mean over the foods of (recognition confidence x USDA match confidence)
    matches = [f["match"] for f in done["detected_foods"]]
    assert "Apple" in matches[0]["name"] and "Banana" in matches[1]["name"]
    assert "Orange" in matches[2]["name"]
    confidences = [f["confidence"] for f in done["detected_foods"]]
    assert confidences[:2] == [0.9, 0.8]
    assert done["confidence_score"] == pytest.approx(
        sum(c * m["confidence"] for c, m in zip(confidences, matches, strict=True)) / 3, abs=1e-4
    )
    assert done["image_url"] == f"/api/v1/food/analysis/{done['id']}/image"
    assert done["models"]["nutrition_source"] == "usda_offline"
    sent = fake.requests[-1].body
    assert sent["messages"][0]["content"][0]["type"] == "image"


async def test_a_worker_killed_mid_job_loses_nothing(
    own_stack, fake, fresh_postgres_url, redis_url
):
    stack = own_stack
    fake.push(slow(tool_reply(MEAL), 10.0))  # the first attempt is still thinking ...
    first = stack.worker("worker-1")
    async with httpx.AsyncClient(base_url=stack.base, timeout=60) as client:
        headers = await user_headers(client)
        r = await client.post(
            "/api/v1/food/upload", files=upload_file(jpeg_with_gps()), headers=headers
        )
        analysis_id = r.json()["data"]["id"]
        await wait_for(client, headers, analysis_id, {"processing"})
        await in_flight(fake)  # the describer call has been sent
        first.send_signal(signal.SIGKILL)  # ... when its worker dies
        first.wait(10)
        await asyncio.sleep(2.5)  # past the 2 s lease: nobody renews it
        assert (await status_of(client, headers, analysis_id))["status"] == "processing"

        stack.worker("worker-2")
        done = await wait_for(client, headers, analysis_id, {"completed", "failed"})
        assert done["status"] == "completed", done.get("error")
        assert done["description"] == MEAL["description"]
        await asyncio.sleep(1.5)  # a few more sweeps: nothing runs it again
        again = await status_of(client, headers, analysis_id)
        assert again == done
        history = (await client.get("/api/v1/food/history", headers=headers)).json()
        assert history["meta"]["total"] == 1 and len(history["data"]) == 1
        # The worker stored the entry's list answer (its card) with it: the page is it.
        assert history["data"][0] == done

    db = Database(fresh_postgres_url)
    try:
        stored = await SqlAnalysisRepository(db).get(uuid.UUID(analysis_id))
        assert stored.status is AnalysisStatus.COMPLETED and stored.attempts == 2
        assert (await SqlAnalysisRepository(db).history(HistoryQuery(stored.user_id))).total == 1
        (card,) = (await SqlAnalysisRepository(db).page(HistoryQuery(stored.user_id))).cards
        assert msgspec.json.decode(card) == done
    finally:
        await db.dispose()
    assert len(fake.requests) == 2  # the killed attempt and the one that finished
    redis = Redis.from_url(redis_url)
    stream, group = f"{stack.prefix}food-analysis", f"{stack.prefix}food-workers"
    try:  # the killed worker's delivery was taken over, run once and acknowledged
        assert (await redis.xpending(stream, group))["pending"] == 0
        assert await redis.xlen(stream) == 0  # acknowledged jobs leave the stream
        assert not await redis.exists(f"{stack.prefix}food-queued:{{{stream}}}:{analysis_id}")
    finally:
        await redis.aclose()


async def test_twenty_parallel_uploads_over_http_accept_exactly_three(stack):
    async with httpx.AsyncClient(
        base_url=stack.base, timeout=60, limits=httpx.Limits(max_connections=20)
    ) as client:
        headers = await user_headers(client)
        data = jpeg_with_gps()
        answers = await asyncio.gather(
            *(
                client.post("/api/v1/food/upload", files=upload_file(data), headers=headers)
                for _ in range(20)
            )
        )
    codes = sorted(r.status_code for r in answers)
    assert codes == [202] * 3 + [429] * 17, codes
    for r in answers:
        if r.status_code == 429:
            assert r.json()["error"]["code"] == "PSI-RATE-4002"
            assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["retry-after"]
