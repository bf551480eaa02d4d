"""CPU per `GET /api/v1/users/me` through the whole ASGI app, in process, production profile
(Postgres + Redis on loopback), to compare two source trees on a loaded machine where wrk's
figures swing. The client's own CPU is included: compare trees, not absolute figures.

Run: `DB=<existing postgres database> python bench/bench_security_fast_path.py <repo root>`
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

SECRET = "bQ7-xV2nZ9kR4wY1cN8mL3hJ6pD0fG_sE5uIoTqWzAy"  # noqa: S105 (a bench key)
PASSWORD = "Sup3rSecret!"  # noqa: S105 (a bench account)


async def measure(root: Path) -> float:
    sys.path.insert(0, str(root / "src"))
    import httpx

    from entrypoints.http.app import create_app
    from entrypoints.settings import load_settings

    settings = load_settings(
        {},
        env="production",
        var_dir=Path(tempfile.mkdtemp()),
        jwt_secret=SECRET,
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{os.environ['DB']}",
        redis_url="redis://127.0.0.1:6379/0",
        redis_prefix=f"micro-{uuid.uuid4().hex[:6]}:",
        auto_migrate=True,
        log_level="WARNING",
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        rate_limit_ip_per_min=10**8,
        rate_limit_user_per_min=10**8,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        email = f"m{uuid.uuid4().hex[:8]}@example.com"
        await client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "M"}
        )
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        for _ in range(300):
            assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
        runs = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(1000):
                await client.get("/api/v1/users/me", headers=headers)
            runs.append((time.process_time() - started) * 1000)
    return min(runs)


if __name__ == "__main__":
    tree = Path(sys.argv[1]).resolve()
    print(f"{tree}: {asyncio.run(measure(tree)):.0f} us CPU per request (min of 5 x 1000)")
