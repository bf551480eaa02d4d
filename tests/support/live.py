"""A real API process (uvicorn) on a free port, for tests that need one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.services import free_port

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def live_api(env_overrides: dict[str, str], var_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
    env.update(
        {
            "PSI_VAR_DIR": str(var_dir),
            "PSI_LOG_LEVEL": "WARNING",
            "PSI_ARGON2_MEMORY_KIB": "1024",
            "PSI_ARGON2_TIME_COST": "1",
            "PSI_RATE_LIMIT_IP_PER_MIN": "1000000",
            "PSI_RATE_LIMIT_USER_PER_MIN": "1000000",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    env.update(env_overrides)
    log = open(var_dir / "api.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "entrypoints.http.app:app_factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"API exited: {(var_dir / 'api.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("API did not start within 120 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def post(url: str, body: dict, headers: dict[str, str] | None = None) -> dict:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"{}")
