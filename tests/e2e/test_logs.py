"""One logging pipeline for every process: what `psi migrate`, `psi run` (uvicorn),
`psi worker`, `psi jobs` and `psi users` write while they serve personal data, bad
input and failing dependencies (Postgres cut, Redis killed) is one JSON object a line,
and none of the test's personal strings (an email, a name, a password, a mood note, a
disliked food), no traceback, no SQL parameters.
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
from pathlib import Path

import httpx
import pytest

from entrypoints.worker import READY_LINE
from tests.support.app import TEST_SECRET
from tests.support.faults import RedisServer
from tests.support.services import (
    create_postgres_database,
    drop_postgres_database,
    free_port,
    sqlalchemy_pg_url,
)
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]

SECRET_TAG = uuid.uuid4().hex[:8]
EMAIL = f"augusta.byron.{SECRET_TAG}@example.com"
NAME = f"Augusta Byron-King {SECRET_TAG}"
PASSWORD = f"Analytical-Engine-1843-{SECRET_TAG}"
NOTE = f"anxious after the oncology appointment {SECRET_TAG}"
DISLIKED = f"marzipan-{SECRET_TAG}"
PERSONAL = [EMAIL, f"augusta.byron.{SECRET_TAG}", NAME, PASSWORD, NOTE, DISLIKED]
CONSENT = {"biometrics": True, "food_photos": True}


class Processes:
    """The processes of this test, each writing stdout and stderr to one file."""

    def __init__(self, tmp: Path, database_dsn: str) -> None:
        self.tmp = tmp
        host_port = database_dsn.split("@", 1)[1].split("/", 1)[0]
        host, _, port = host_port.partition(":")
        self.pg = TcpProxy(host, int(port or 5432))
        self.database = database_dsn.rsplit("/", 1)[1]
        self.redis = RedisServer(tmp / "redis")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.running: list[subprocess.Popen] = []
        self.outputs: list[Path] = []

    def env(self) -> dict[str, str]:
        url = sqlalchemy_pg_url(f"postgresql://postgres@127.0.0.1:{self.pg.port}/{self.database}")
        return {
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "PSI_ENV": "production",
            "PSI_DATABASE_URL": url,
            "PSI_REDIS_URL": self.redis.url,
            "PSI_REDIS_PREFIX": f"psi-logs-{SECRET_TAG}:",
            "PSI_JWT_SECRET": TEST_SECRET,
            "PSI_VAR_DIR": str(self.tmp / "var"),
            "PSI_ARGON2_MEMORY_KIB": "1024",
            "PSI_ARGON2_TIME_COST": "1",
            "PSI_RATE_LIMIT_IP_PER_MIN": "100000",
            "PSI_RATE_LIMIT_USER_PER_MIN": "100000",
            "PSI_LOG_LEVEL": "INFO",
            "PSI_LOG_JSON": "true",
            "PSI_SHUTDOWN_GRACE_S": "1",
        }

    def _output(self, name: str) -> Path:
        path = self.tmp / f"{len(self.outputs):02d}-{name}.log"
        self.outputs.append(path)
        return path

    def command(self, name: str, *args: str) -> int:
        with self._output(name).open("wb") as out:
            return subprocess.run(
                [sys.executable, "-m", "entrypoints.cli", *args],
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=300,
                check=False,
            ).returncode

    def spawn(self, name: str, *args: str) -> Path:
        path = self._output(name)
        out = path.open("wb")
        self.running.append(
            subprocess.Popen(
                [sys.executable, "-m", "entrypoints.cli", *args],
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        )
        return path

    def stop(self) -> None:
        for proc in self.running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.running:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@pytest.fixture
async def processes(tmp_path):
    dsn = await create_postgres_database()  # empty: `psi migrate` builds the schema
    procs = Processes(tmp_path, dsn)
    procs.pg.start()
    procs.redis.start()
    try:
        yield procs
    finally:
        procs.stop()
        procs.redis.kill()
        procs.pg.close()
        await drop_postgres_database(dsn)


def _wait_started(procs: Processes, api_log: Path, worker_log: Path) -> None:
    deadline = time.monotonic() + 180  # start-up is imports: slow on a busy machine
    api_up = False
    while not (api_up and READY_LINE in worker_log.read_text(errors="replace")):
        assert all(p.poll() is None for p in procs.running), api_log.read_text()
        assert time.monotonic() < deadline, "API or worker did not start"
        if not api_up:
            with contextlib.suppress(httpx.HTTPError):
                api_up = httpx.get(f"{procs.base}/health", timeout=1).status_code == 200
        time.sleep(0.1)


async def _personal_traffic(client: httpx.AsyncClient, expect_ok: bool) -> None:
    """Personal data in bodies, in good and bad requests; with the stores down (expect_ok
    False) the answers are 503s, never 500s."""
    register = {"email": EMAIL, "password": PASSWORD, "name": NAME, "consents": CONSENT}
    answers = [
        await client.post("/api/v1/auth/register", json=register),
        await client.post("/api/v1/auth/register", json={**register, "email": NAME}),
        await client.post("/api/v1/auth/register", json={**register, "note": NOTE}),
        await client.post(
            "/api/v1/auth/register",
            content=f'{{"email": "{EMAIL}", "password": "{PASSWORD}"'.encode(),
            headers={"content-type": "application/json"},
        ),
        await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": NOTE}),
    ]
    login = await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    answers.append(login)
    if login.status_code == 200:
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        answers += [
            await client.patch("/api/v1/users/me", json={"name": NAME}, headers=headers),
            await client.post(
                "/api/v1/mood-check-ins",
                headers=headers,
                json={"valence": 2, "label": "calm", "note": NOTE},
            ),
            await client.post(
                "/api/v1/mood-check-ins", headers=headers, json={"valence": "very", "note": NOTE}
            ),
            await client.put(
                "/api/v1/users/me/preferences", headers=headers, json={"disliked_foods": [DISLIKED]}
            ),
            await client.put(
                "/api/v1/users/me/preferences",
                headers=headers,
                json={"disliked_foods": DISLIKED, "email": EMAIL},
            ),
            await client.get("/api/v1/users/me", headers=headers),
        ]
        # A NUL in a text column: Postgres refuses the statement, whose error quotes the
        # bound parameters. Whatever the answer (issue 19 makes it a 400), the log
        # must not hold them.
        await client.patch("/api/v1/users/me", json={"name": f"{NAME}\u0000"}, headers=headers)
    statuses = [r.status_code for r in answers]
    assert 500 not in statuses, [r.text for r in answers]
    if expect_ok:
        assert login.status_code == 200, login.text
    else:
        assert 503 in statuses, statuses


async def test_every_process_writes_json_lines_without_personal_data(processes):
    procs = processes
    assert procs.command("migrate", "migrate") == 0
    api_log = procs.spawn("api", "run", "--port", str(procs.port))
    worker_log = procs.spawn("worker", "worker", "--sweep-interval", "1")
    _wait_started(procs, api_log, worker_log)

    async with httpx.AsyncClient(base_url=procs.base, timeout=30) as client:
        await _personal_traffic(client, expect_ok=True)
        assert procs.command("set-tier", "users", "set-tier", EMAIL, "premium") == 0
        assert procs.command("set-tier-unknown", "users", "set-tier", f"x{EMAIL}", "premium") != 0
        assert procs.command("jobs", "jobs", "--once") == 0

        procs.pg.cut()  # Postgres goes away: every connection closed, new ones refused
        await _personal_traffic(client, expect_ok=False)
        assert procs.command("migrate-down", "migrate") != 0
        assert procs.command("set-tier-down", "users", "set-tier", EMAIL, "admin") != 0
        assert procs.command("jobs-down", "jobs", "--once") != 0
        procs.pg.restore()

        procs.redis.kill()  # Redis crashes: sessions, limits and the queue are gone
        await _personal_traffic(client, expect_ok=False)
        await asyncio.sleep(2)  # the worker's reads fail meanwhile
        procs.redis.start()
        await _personal_traffic(client, expect_ok=True)
    procs.stop()

    seen_events: set[str] = set()
    for path in procs.outputs:
        text = path.read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{path.name}:{number}: {line[:300]}"
            try:
                event = json.loads(line)
            except ValueError:
                pytest.fail(f"not a JSON line: {where}")
            assert isinstance(event, dict), where
            assert {"event", "level", "timestamp"} <= event.keys(), where
            seen_events.add(str(event["event"]))
            lowered = line.lower()
            for secret in PERSONAL:
                assert secret.lower() not in lowered, f"personal data: {where}"
            assert "traceback" not in lowered, where
    # The lines asked for were written: migrations, requests, failures, jobs, the CLI.
    assert {
        "request",
        "dependency_unavailable",
        "database_migrated",
        "job_done",
        "command_failed",
        READY_LINE,
    } <= seen_events, seen_events
