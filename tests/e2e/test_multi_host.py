"""Issue 18: the scale-out topology on real engines, each process as if on its own host.

Two API processes and two workers, each with its own var directory (no shared disk), one
scheduler (`psi jobs`), meal photos on S3 (moto's S3 server), a Redis Cluster of three
primaries with a replica each, and PostgreSQL with a streaming replica that the read-only
use cases read from. Uploads through either API complete on either worker; the history
and the photos are the same on both APIs; the export lists every stored image; the purge,
run by the scheduler's process, leaves no trace of the person in any store (Postgres
primary and replica, every Redis node, the bucket, every process's disk) and another
person's data is untouched.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from entrypoints.worker import READY_LINE
from tests.support.app import TEST_SECRET
from tests.support.replica import PostgresPair, postgres_pair
from tests.support.s3 import S3Endpoint
from tests.support.services import free_port, sqlalchemy_pg_url

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
FRUITS = ROOT / "tests" / "fixtures" / "images" / "fruits.jpg"
DATABASE = "psi"
CONSENT = {"biometrics": True, "food_photos": True}
PASSWORD = "Sup3rSecret!"


@dataclass
class Topology:
    root: Path
    env: dict[str, str]
    apis: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen] = field(default_factory=list)

    def spawn(self, name: str, args: list[str]) -> tuple[subprocess.Popen, Path]:
        var = self.root / name  # each process its own disk
        var.mkdir(parents=True, exist_ok=True)
        log = var / "process.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env={**self.env, "PSI_VAR_DIR": str(var)},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc, log

    def api(self, name: str) -> None:
        port = free_port()
        proc, log = self.spawn(name, ["run", "--port", str(port)])
        base = f"http://127.0.0.1:{port}"
        _until(lambda: _healthy(base), proc, log, "API")
        self.apis.append(base)

    def worker(self, name: str) -> None:
        proc, log = self.spawn(name, ["worker", "--concurrency", "2"])
        _until(lambda: READY_LINE in log.read_text(), proc, log, "worker")

    def run_once(self, name: str, args: list[str]) -> str:
        var = self.root / name
        var.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env={**self.env, "PSI_VAR_DIR": str(var)},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

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


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _until(ready, proc: subprocess.Popen, log: Path, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert proc.poll() is None, f"{what} exited: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"{what} did not start: {log.read_text()[-3000:]}"
        time.sleep(0.2)


def _create_database(pair: PostgresPair) -> None:
    async def create() -> None:
        conn = await asyncpg.connect(pair.primary)
        try:
            await conn.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            await conn.close()

    asyncio.run(create())


def _create_bucket(endpoint: S3Endpoint, name: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=endpoint.url, region_name=endpoint.region).create_bucket(
        Bucket=name
    )


def _bucket_keys(endpoint: S3Endpoint, bucket: str) -> list[str]:
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint.url, region_name=endpoint.region)
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", ())]


@pytest.fixture(scope="module")
def topology(
    tmp_path_factory: pytest.TempPathFactory,
    s3_endpoint: S3Endpoint,
    redis_cluster_nodes: list[str],
) -> Iterator[tuple[Topology, PostgresPair, str]]:
    root = tmp_path_factory.mktemp("hosts")
    bucket = f"psi-hosts-{uuid.uuid4().hex[:10]}"
    _create_bucket(s3_endpoint, bucket)
    with postgres_pair() as pair:
        _create_database(pair)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
        env.update(
            {
                "PSI_ENV": "production",
                "PSI_DATABASE_URL": sqlalchemy_pg_url(pair.dsn(pair.primary_port, DATABASE)),
                "PSI_DATABASE_REPLICA_URLS": sqlalchemy_pg_url(
                    pair.dsn(pair.replica_port, DATABASE)
                ),
                "PSI_REDIS_MODE": "cluster",
                "PSI_REDIS_URL": f"redis://{redis_cluster_nodes[0]}/0",
                "PSI_REDIS_CLUSTER_NODES": ",".join(redis_cluster_nodes),
                "PSI_REDIS_PREFIX": f"psi-hosts-{uuid.uuid4().hex[:6]}:",
                "PSI_IMAGE_STORE": "s3",
                "PSI_S3_BUCKET": bucket,
                "PSI_S3_ENDPOINT_URL": s3_endpoint.url,
                "PSI_S3_REGION": s3_endpoint.region,
                "PSI_S3_OWNER_KEY": "multi-host-owner-key-0123456789abcdef",
                "PSI_JWT_SECRET": TEST_SECRET,
                "PSI_AUTO_MIGRATE": "false",
                "PSI_NUTRITION_AUTO_IMPORT": "false",
                "PSI_ARGON2_MEMORY_KIB": "1024",
                "PSI_ARGON2_TIME_COST": "1",
                "PSI_LOG_LEVEL": "WARNING",
                "PSI_SHUTDOWN_GRACE_S": "0",
                "PYTHONPATH": str(ROOT / "src"),
            }
        )
        hosts = Topology(root, env)
        try:
            hosts.run_once("migrate", ["migrate"])
            hosts.run_once("import", ["data", "import-usda"])
            hosts.api("api-a")
            hosts.api("api-b")
            hosts.worker("worker-1")
            hosts.worker("worker-2")
            scheduler, log = hosts.spawn("scheduler", ["jobs"])
            yield hosts, pair, bucket
            assert scheduler.poll() is None, f"the scheduler died: {log.read_text()[-3000:]}"
        finally:
            hosts.stop()


async def _user(client: httpx.AsyncClient) -> tuple[dict, dict[str, str]]:
    email = f"hosts-{uuid.uuid4().hex[:10]}@example.com"
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Hosts", "consents": CONSENT},
    )
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    user = (await client.get("/api/v1/users/me", headers=_bearer(r))).json()["data"]
    return user, _bearer(r)


def _bearer(login: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {login.json()['data']['access_token']}"}


async def _upload(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.post(
        "/api/v1/food/upload",
        headers=headers,
        files={"file": ("meal.jpg", FRUITS.read_bytes(), "image/jpeg")},
    )
    assert r.status_code in (201, 202), r.text
    return r.json()["data"]["id"]


async def _completed(client: httpx.AsyncClient, headers: dict[str, str], ids: list[str]) -> None:
    deadline = time.monotonic() + 120
    for analysis_id in ids:
        while True:
            r = await client.get(f"/api/v1/food/analysis/{analysis_id}", headers=headers)
            assert r.status_code == 200, r.text
            status = r.json()["data"]["status"]
            if status == "completed":
                break
            assert status in ("pending", "processing"), r.text
            assert time.monotonic() < deadline, r.text
            await asyncio.sleep(0.2)


async def _history_ids(client: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    r = await client.get("/api/v1/food/history?per_page=100", headers=headers)
    assert r.status_code == 200, r.text
    return {e["id"] for e in r.json()["data"]}


async def _postgres_traces(dsn: str, user_id: str) -> list[str]:
    """Every text or uuid column of every table that still mentions the user."""
    conn = await asyncpg.connect(dsn)
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('uuid', 'text', 'character varying', 'json', 'jsonb')"
        )
        found = []
        for c in columns:
            hit = await conn.fetchval(
                f'SELECT 1 FROM "{c["table_name"]}" WHERE "{c["column_name"]}"::text '  # noqa: S608
                "LIKE '%' || $1 || '%' OR "
                f"\"{c['column_name']}\"::text LIKE '%' || $2 || '%' LIMIT 1",
                user_id,
                uuid.UUID(user_id).hex,
            )
            if hit:
                found.append(f"{c['table_name']}.{c['column_name']}")
        return found
    finally:
        await conn.close()


async def _redis_traces(nodes: list[str], user_id: str) -> list[str]:
    """Keys naming the user on every node of the cluster, replicas included."""
    found = []
    for node in nodes:
        host, port = node.rsplit(":", 1)
        client = Redis(host=host, port=int(port))
        try:
            for pattern in (f"*{user_id}*", f"*{uuid.UUID(user_id).hex}*"):
                async for key in client.scan_iter(match=pattern, count=1000):
                    found.append(f"{node}:{key!r}")
        finally:
            await client.aclose()
    return found


async def _caught_up(pair: PostgresPair) -> None:
    primary = await asyncpg.connect(pair.primary)
    replica = await asyncpg.connect(pair.replica)
    try:
        target = await primary.fetchval("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + 30
        while not await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1", target):
            assert time.monotonic() < deadline, "the replica never caught up"
            await asyncio.sleep(0.05)
    finally:
        await primary.close()
        await replica.close()


async def test_two_apis_two_workers_s3_cluster_and_replica_without_a_shared_disk(
    topology, s3_endpoint: S3Endpoint, redis_cluster_nodes: list[str]
):
    hosts, pair, bucket = topology
    api_a, api_b = hosts.apis
    async with (
        httpx.AsyncClient(base_url=api_a, timeout=60) as a,
        httpx.AsyncClient(base_url=api_b, timeout=60) as b,
    ):
        user, headers = await _user(a)
        other, other_headers = await _user(b)
        # The free tier's three photos a day: two through one API, one through the other.
        ids = [await _upload(a, headers), await _upload(b, headers), await _upload(a, headers)]
        other_ids = [await _upload(b, other_headers)]
        await _completed(b, headers, ids)
        await _completed(a, other_headers, other_ids)

        await _caught_up(pair)
        assert await _history_ids(a, headers) == set(ids)
        assert await _history_ids(b, headers) == set(ids)
        assert await _history_ids(a, other_headers) == set(other_ids)

        for client in (a, b):  # a photo stored by one host is served by the other
            for analysis_id in ids:
                r = await client.get(
                    f"/api/v1/food/analysis/{analysis_id}/image",
                    headers=headers,
                    params={"size": "thumb"},
                )
                assert r.status_code == 200 and r.content[:2] == b"\xff\xd8", r.text

        export = await b.get("/api/v1/users/me/data-export", headers=headers)
        assert export.status_code == 200, export.text
        doc = json.loads(export.content)
        refs = {e["image_ref"] for e in doc["food_history"] if e.get("image_ref")}
        assert len(refs) == len(ids)
        assert {i["key"] for i in doc["images"] if i["variant"] == "original"} == refs
        thumbs = {i["key"] for i in doc["images"] if i["variant"].startswith("thumb")}
        assert {k.split(".")[0] for k in thumbs} == {r.split(".")[0] for r in refs}
        assert other["id"] not in export.text

        keys_before = _bucket_keys(s3_endpoint, bucket)
        assert len(keys_before) == 2 * len(ids) + len(other_ids)  # originals, thumbnails
        assert not [k for k in keys_before if user["id"] in k or other["id"] in k]

        assert await _redis_traces(redis_cluster_nodes, user["id"])  # the scan sees keys
        r = await a.request(
            "DELETE", "/api/v1/users/me", headers=headers, json={"password": PASSWORD}
        )
        assert r.status_code == 202, r.text
        assert (await b.get("/api/v1/users/me", headers=headers)).status_code == 401

    # The grace period has passed (the clock, not the code, moves here), and the
    # scheduler's process runs the purge.
    conn = await asyncpg.connect(pair.dsn(pair.primary_port, DATABASE))
    try:
        await conn.execute(
            "UPDATE users SET purge_after = now() - interval '1 minute' WHERE id = $1",
            uuid.UUID(user["id"]),
        )
    finally:
        await conn.close()
    hosts.run_once("scheduler", ["jobs", "--once", "--only", "purge-deleted-accounts"])

    await _caught_up(pair)
    for port in (pair.primary_port, pair.replica_port):
        assert await _postgres_traces(pair.dsn(port, DATABASE), user["id"]) == [], port
    assert await _redis_traces(redis_cluster_nodes, user["id"]) == []
    keys_after = _bucket_keys(s3_endpoint, bucket)
    assert len(keys_after) == len(other_ids)  # the other person's photo, untouched
    assert set(keys_after) < set(keys_before)
    left_on_disk = [
        p for p in hosts.root.rglob("*") if p.is_file() and p.suffix in (".jpg", ".png", ".webp")
    ]
    assert left_on_disk == []  # no host kept a photo of anyone on its own disk
    assert await _postgres_traces(pair.dsn(pair.primary_port, DATABASE), other["id"])
