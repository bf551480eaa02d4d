"""`psi` command line: run the API, migrate, and operator tasks.

Feature modules add commands by defining `register(subparsers, groups)` and being listed
in `COMMAND_MODULES`; `groups["data"]` is the sub-parser set of `psi data ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import signal
import sys
from types import FrameType

from entrypoints.settings import Settings, SettingsError, load_settings

COMMAND_MODULES: list[str] = ["entrypoints.cli_nutrition", "entrypoints.cli_recipes",
                              "entrypoints.worker", "entrypoints.cli_models",
                              "entrypoints.jobs.wellness", "entrypoints.jobs.privacy",
                              "entrypoints.jobs.scheduler"]


def _stopped(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    settings = load_settings()
    if settings.migrate_on_start:
        from adapters.sql.migrate import upgrade_to_head

        upgrade_to_head(settings.sql_url)
    # uvicorn handles SIGTERM while it serves (drain, graceful shutdown; see
    # entrypoints/http/drain.py) and re-raises it afterwards with the handler it found
    # here: a stop asked for is a clean exit (0), before serving and after.
    signal.signal(signal.SIGTERM, _stopped)
    from entrypoints.http.server import uvicorn_options

    uvicorn.run("entrypoints.http.app:app_factory", factory=True,
                host=args.host or settings.host, port=args.port or settings.port,
                workers=args.workers or settings.workers, **uvicorn_options(settings))
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from adapters.sql.migrate import upgrade_to_head

    settings = load_settings()
    upgrade_to_head(settings.sql_url)
    print(f"database migrated to head ({settings.sql_url.split('@')[-1]})")
    return 0


async def set_tier_command(settings: Settings, email: str, tier: str) -> None:
    """Operator path to a tier (how the first admin is made)."""
    from adapters.clock import SystemClock
    from adapters.sql.database import Database
    from adapters.sql.users import SqlUserRepository
    from domain.identity.model import Tier, normalize_email

    db = Database(settings.sql_url)
    redis = None
    try:
        users = SqlUserRepository(db)
        if settings.redis_url:
            # Through the cache, which drops its copy: the tier applies to the next
            # request of every token (requests read the tier from the cached account).
            from redis.asyncio import Redis

            from adapters.redis.user_cache import RedisCachedUserRepository

            redis = Redis.from_url(settings.redis_url)
            users = RedisCachedUserRepository(users, redis, settings.redis_prefix)
        user = await users.get_by_email(normalize_email(email))
        if user is None:
            raise SystemExit(f"no user with email {email}")
        await users.change_tier(user.id, Tier(tier), SystemClock().now())
    finally:
        if redis is not None:
            await redis.aclose()
        await db.dispose()


def _set_tier(args: argparse.Namespace) -> int:
    asyncio.run(set_tier_command(load_settings(), args.email, args.tier))
    print(f"{args.email} is now {args.tier}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="psi", description="Psi wellness backend")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the HTTP API")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--workers", type=int, help="API processes (default PSI_WORKERS or 1)")
    run.set_defaults(func=_run)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)

    users = sub.add_parser("users", help="operator tasks on accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    tier = users_sub.add_parser("set-tier", help="set a user's tier (e.g. make an admin)")
    tier.add_argument("email")
    tier.add_argument("tier", choices=["free", "premium", "admin"])
    tier.set_defaults(func=_set_tier)

    data = sub.add_parser("data", help="import reference data (USDA foods, recipes)")
    groups = {"data": data.add_subparsers(dest="data_command", required=True)}
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(f"psi: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
