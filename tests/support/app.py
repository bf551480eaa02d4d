"""Building the real app for API tests, in either profile."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from adapters.clock import ManualClock
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, load_settings

# Cheap argon2 for speed; tests of the hasher itself use the production parameters.
# Generous request limits: API tests register and log in many users from one address;
# the rate-limit tests set the production numbers themselves.
FAST_HASH = {
    "argon2_memory_kib": 1024,
    "argon2_time_cost": 1,
    "rate_limit_ip_per_min": 100_000,
    "rate_limit_user_per_min": 100_000,
}
# Production refuses a low-entropy secret (entrypoints.secret_policy.secret_weakness).
TEST_SECRET = "tS9-vQ2mZ7kR1wY8bN4cL6hJ0pD5fG_aE3uIoXqWzVy"


def embedded_settings(var_dir: Path, **overrides: Any) -> Settings:
    return load_settings({}, var_dir=var_dir, log_level="WARNING", **{**FAST_HASH, **overrides})


def production_settings(
    var_dir: Path,
    database_url: str,
    redis_url: str,
    mongodb_uri: str | None = None,
    **overrides: Any,
) -> Settings:
    return load_settings(
        {},
        env="production",
        var_dir=var_dir,
        database_url=database_url,
        redis_url=redis_url,
        redis_prefix=f"psi-test-{uuid.uuid4().hex[:8]}:",
        mongodb_uri=mongodb_uri,
        mongodb_database=f"psi_test_{uuid.uuid4().hex[:8]}",
        jwt_secret=TEST_SECRET,
        auto_migrate=True,
        log_level="WARNING",
        **{**FAST_HASH, **overrides},
    )


@asynccontextmanager
async def api_client(
    settings: Settings, clock: ManualClock | None = None
) -> AsyncIterator[AsyncTestClient]:
    app = create_app(settings, clock=clock)
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        yield client


class Api:
    """A thin helper over the client for the common account steps."""

    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client

    async def register(
        self,
        email: str | None = None,
        password: str = "Sup3rSecret!",
        name: str = "Test User",
        **extra: Any,
    ) -> dict:
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        r = await self.client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": password, "name": name, **extra},
        )
        assert r.status_code == 201, r.text
        return {**r.json()["data"], "password": password}

    async def login(self, email: str, password: str = "Sup3rSecret!") -> dict:
        r = await self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert r.status_code == 200, r.text
        return r.json()["data"]

    async def user(self, **extra: Any) -> tuple[dict, dict[str, str], dict]:
        """Register and log in: (user, auth headers, token pair)."""
        user = await self.register(**extra)
        tokens = await self.login(user["email"], user["password"])
        return user, {"Authorization": f"Bearer {tokens['access_token']}"}, tokens
