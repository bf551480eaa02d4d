"""`psi` command line: run the API, migrate, and operator tasks.

Feature modules add commands by defining `register(subparsers, groups)` and being listed
in `COMMAND_MODULES`; `groups["data"]` is the sub-parser set of `psi data ...`.

Every line a command writes goes through the one logging pipeline (JSON by default,
`PSI_LOG_JSON=false` for a console); a failure is one `error` line naming what went
wrong, with exit 2 (usage or configuration), 3 (a dependency unreachable) or 1.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import signal
import sys
from importlib import metadata
from types import FrameType
from typing import NoReturn, TextIO

import structlog

from entrypoints.logging import announce, configure_logging, exception_fields
from entrypoints.settings import Settings, SettingsError, load_settings, redact_url

log = structlog.get_logger("psi.cli")

COMMAND_MODULES: list[str] = [
    "entrypoints.cli_nutrition",
    "entrypoints.cli_recipes",
    "entrypoints.worker",
    "entrypoints.cli_models",
    "entrypoints.jobs.wellness",
    "entrypoints.jobs.privacy",
    "entrypoints.jobs.scheduler",
    "entrypoints.cli_openapi",
]


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
    host, port = args.host or settings.host, args.port or settings.port
    workers = args.workers or settings.workers
    if settings.metrics_port is not None:
        from entrypoints.metrics_dir import prepare_multiprocess

        prepare_multiprocess(settings.var_dir / "metrics" / f"api-{port}")
        from entrypoints.metrics import serve

        serve(settings.metrics_port, settings.metrics_host)
        announce(
            "metrics_serving",
            url=f"http://{_url_host(settings.metrics_host)}:{settings.metrics_port}/metrics",
        )
    announce(
        "serving",
        url=f"http://{_url_host(host)}:{port}/api/v1",
        version=_version(),
        profile=settings.env,
        processes=workers,
        database=redact_url(settings.sql_url),
    )
    from entrypoints.serving import uvicorn_options

    uvicorn.run(
        "entrypoints.http.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **uvicorn_options(settings),
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from adapters.sql.migrate import upgrade_to_head

    settings = load_settings()
    announce("migrating", database=redact_url(settings.sql_url))
    upgrade_to_head(settings.sql_url)
    log.info("database_migrated", database=redact_url(settings.sql_url))
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _version() -> str:
    try:
        return metadata.version("psi")
    except metadata.PackageNotFoundError:
        return "unknown"


class CommandFailed(Exception):
    """A command cannot do what was asked; its message (no personal data) is the reason."""


async def set_tier_command(settings: Settings, email: str, tier: str) -> None:
    """Operator path to a tier (how the first admin is made)."""
    from adapters.clock import SystemClock
    from adapters.sql.database import Database
    from adapters.sql.users import SqlUserRepository
    from application.ports.identity import UserRepository
    from domain.identity.model import Tier, normalize_email

    db = Database(settings.sql_url)
    redis = None
    try:
        users: UserRepository = SqlUserRepository(db)
        if settings.redis_url:
            # Through the cache, which drops its copy: the tier applies to the next
            # request of every token (requests read the tier from the cached account).
            from adapters.redis.connect import connect
            from adapters.redis.user_cache import RedisCachedUserRepository
            from entrypoints.providers.infrastructure import redis_topology

            redis = connect(redis_topology(settings) or settings.redis_url)
            users = RedisCachedUserRepository(users, redis, settings.redis_prefix)
        user = await users.get_by_email(normalize_email(email))
        if user is None:
            raise CommandFailed("no user with that email")  # the email stays out of logs
        await users.change_tier(user.id, Tier(tier), SystemClock().now())
    finally:
        if redis is not None:
            await redis.aclose()
        await db.dispose()


def _set_tier(args: argparse.Namespace) -> int:
    asyncio.run(set_tier_command(load_settings(), args.email, args.tier))
    log.info("tier_changed", tier=args.tier)  # the email stays out of the log
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one log line (usage stays behind `--help`)."""

    def error(self, message: str) -> NoReturn:
        log.error("usage_error", reason=message, help=f"{self.prog} --help")
        self.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="psi", description="Psi wellness backend")
    parser.add_argument("--version", action="version", version=f"psi {_version()}")
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


# Long-running processes log to stdout, as a service does; a one-shot command's stdout is
# its answer (`psi openapi export > openapi.json`), so its log lines go to stderr.
SERVICE_COMMANDS = frozenset({"run", "worker", "jobs"})


def _configure_logging(stream: TextIO) -> None:
    """Every command logs through the one pipeline: the defaults first (so what loading the
    settings says is a JSON line too), then the settings' level and format."""
    configure_logging(stream=stream)
    try:
        settings = load_settings()
    except SettingsError:
        return
    configure_logging(settings.log_level, settings.log_json, stream=stream)


def _is_unreachable(exc: BaseException) -> bool:
    """A store that could not be reached, anywhere along the cause chain: what an adapter
    already translated, or what a store's client raised outside an adapter (alembic's
    connection in `psi migrate`), judged by the adapters' own rules."""
    from adapters.failures import socket_failure
    from adapters.mongo.failures import MONGODB
    from adapters.redis.failures import REDIS
    from adapters.sql.failures import DATABASE
    from domain.errors import DependencyUnavailable

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DependencyUnavailable) or socket_failure(seen):
            return True
        if any(store.translate(seen) is not None for store in (DATABASE, REDIS, MONGODB)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def main(argv: list[str] | None = None) -> int:
    configure_logging(stream=sys.stderr)  # a usage error while parsing is a JSON line too
    args = build_parser().parse_args(argv)
    _configure_logging(sys.stdout if args.command in SERVICE_COMMANDS else sys.stderr)
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        # The setting's name and the rule it broke; values never reach the message.
        log.error("configuration_error", reason=str(exc))
        return 2
    except CommandFailed as exc:
        log.error("command_failed", command=args.command, reason=str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A store down, a bug: one line by type and code path, no traceback (its messages
        # can carry the personal data the command was given).
        if _is_unreachable(exc):
            log.error("dependency_unreachable", command=args.command, **exception_fields(exc))
            return 3
        log.error("command_failed", command=args.command, **exception_fields(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
