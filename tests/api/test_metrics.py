"""Prometheus metrics: by route template (never the raw path), errors by code and store,
served on their own port and summed across API processes."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from domain.errors import DependencyUnavailable
from entrypoints.http.errors import envelope_of
from entrypoints.jobs.scheduler import Job, run_scheduler
from entrypoints.settings import Settings
from tests.support.app import Api, api_client, embedded_settings, production_settings
from tests.support.services import free_port

REPO = Path(__file__).resolve().parents[2]


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_settings(profile: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    port = free_port()
    if profile == "embedded":
        return embedded_settings(tmp_path, metrics_port=port)
    return production_settings(
        tmp_path,
        request.getfixturevalue("postgres_url"),
        request.getfixturevalue("redis_url"),
        metrics_port=port,
    )


async def test_requests_are_counted_by_route_template(metrics_settings: Settings, clock) -> None:
    async with api_client(metrics_settings, clock) as client:
        api = Api(client)
        user, headers, _ = await api.user()
        route = "/api/v1/users/{user_id}"
        before = _value("psi_http_requests_total", method="GET", route=route, status="200")
        before_404 = _value("psi_http_requests_total", method="GET", route=route, status="404")
        before_count = _value("psi_http_request_duration_seconds_count", method="GET", route=route)
        for _ in range(3):
            assert (
                await client.get(f"/api/v1/users/{user['id']}", headers=headers)
            ).status_code == 200
        other = "00000000-0000-4000-8000-000000000000"
        assert (await client.get(f"/api/v1/users/{other}", headers=headers)).status_code == 404
        unmatched = _value("psi_http_requests_total", method="GET", route="unmatched", status="404")
        assert (await client.get("/api/v1/no/such/thing/ada@example.com")).status_code == 404

    assert _value("psi_http_requests_total", method="GET", route=route, status="200") == before + 3
    assert (
        _value("psi_http_requests_total", method="GET", route=route, status="404") == before_404 + 1
    )
    assert (
        _value("psi_http_request_duration_seconds_count", method="GET", route=route)
        == before_count + 4
    )
    assert (
        _value("psi_http_requests_total", method="GET", route="unmatched", status="404")
        == unmatched + 1
    )
    # Raw paths (ids, personal strings) never become label values.
    labels = {v for metric in REGISTRY.collect() for s in metric.samples for v in s.labels.values()}
    assert not any(user["id"] in v or "@" in v for v in labels)


def test_dependency_errors_are_counted_by_store() -> None:
    before = _value("psi_dependency_errors_total", dependency="mongodb")
    before_code = _value("psi_http_errors_total", code="PSI-SYS-5003")
    envelope_of(DependencyUnavailable("mongodb"))
    assert _value("psi_dependency_errors_total", dependency="mongodb") == before + 1
    assert _value("psi_http_errors_total", code="PSI-SYS-5003") == before_code + 1


async def test_scheduled_job_runs_are_counted(tmp_path) -> None:
    calls = []

    async def ok(settings) -> str:
        calls.append("ok")
        return "fine"

    async def broken(settings) -> str:
        raise RuntimeError("boom")

    stop = asyncio.Event()
    jobs = [Job("metrics-test-ok", 3600, ok), Job("metrics-test-broken", 3600, broken)]
    before = (
        _value("psi_job_runs_total", job="metrics-test-ok", outcome="ok"),
        _value("psi_job_runs_total", job="metrics-test-broken", outcome="failed"),
    )
    task = asyncio.create_task(run_scheduler(embedded_settings(tmp_path), stop, jobs, tick_s=0.01))
    for _ in range(500):  # bounded: the first tick runs both jobs at once
        if calls:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    stop.set()
    await task
    assert _value("psi_job_runs_total", job="metrics-test-ok", outcome="ok") == before[0] + 1
    assert (
        _value("psi_job_runs_total", job="metrics-test-broken", outcome="failed") == before[1] + 1
    )


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.slow
def test_psi_run_with_two_processes_sums_them_on_the_metrics_port(tmp_path) -> None:
    port, metrics_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
    env.update(
        {
            "PSI_VAR_DIR": str(tmp_path),
            "PSI_METRICS_PORT": str(metrics_port),
            "PSI_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "run", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                if _get(f"http://127.0.0.1:{port}/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "psi run did not answer within 120 s"
            time.sleep(0.3)
        time.sleep(2)  # let the second process finish starting
        # Each request on a new connection: the two processes share the listening socket.
        for _ in range(40):
            assert _get(f"http://127.0.0.1:{port}/health")[0] == 200
        status, text = _get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert status == 200
        counts = [
            float(m)
            for m in re.findall(
                r'^psi_http_requests_total\{method="GET",route="/health",status="200"\} (\S+)$',
                text,
                re.M,
            )
        ]
        assert counts, text[:2000]
        # 40, and the start-up probe that got the first 200.
        assert sum(counts) == 41
        # Not on the public API port.
        assert _get(f"http://127.0.0.1:{port}/metrics")[0] == 404
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


@pytest.mark.redis
async def test_the_queue_reports_its_backlog_and_the_age_of_its_oldest_job(redis_url) -> None:
    import uuid

    from adapters.queue.redis_stream import RedisStreamQueue

    queue = RedisStreamQueue(redis_url, f"psi-test-{uuid.uuid4().hex[:8]}:")
    try:
        await queue.start()
        assert await queue.backlog(int(time.time() * 1000)) == (0, None)
        await queue.enqueue(uuid.uuid4())
        await queue.enqueue(uuid.uuid4())
        later_ms = int(time.time() * 1000) + 30_000
        depth, oldest_s = await queue.backlog(later_ms)
        assert depth == 2
        assert oldest_s is not None and 29.0 <= oldest_s <= 40.0
    finally:
        await queue._redis.delete(queue.stream)
        await queue.stop()
