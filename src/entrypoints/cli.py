"""`psi` command line: run the API, migrate, and operator tasks.

Feature modules add commands by defining `register(subparsers, groups)` and being listed
in `COMMAND_MODULES`; `groups["data"]` is the sub-parser set of `psi data ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import re
import signal
import sys
from importlib import metadata
from types import FrameType
from typing import NoReturn

from entrypoints.settings import Settings, SettingsError, load_settings, redact_url

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
    host, port = args.host or settings.host, args.port or settings.port
    workers = args.workers or settings.workers
    if settings.metrics_port is not None:
        from entrypoints.metrics_dir import prepare_multiprocess

        prepare_multiprocess(settings.var_dir / "metrics" / f"api-{port}")
        from entrypoints.metrics import serve

        serve(settings.metrics_port, settings.metrics_host)
        print(f"psi metrics on http://{_url_host(settings.metrics_host)}:"
              f"{settings.metrics_port}/metrics", file=sys.stderr, flush=True)
    print(f"psi {_version()} serving http://{_url_host(host)}:{port}/api/v1 "
          f"({settings.env} profile, {workers} API process{'es' if workers > 1 else ''}, "
          f"database {redact_url(settings.sql_url)})", file=sys.stderr, flush=True)
    uvicorn.run("entrypoints.http.app:app_factory", factory=True,
                host=host, port=port, workers=workers, log_level="warning",
                access_log=False, proxy_headers=False,
                timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
                loop="uvloop", http="httptools")
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from adapters.sql.migrate import upgrade_to_head

    settings = load_settings()
    print(f"psi: migrating {redact_url(settings.sql_url)}", file=sys.stderr, flush=True)
    upgrade_to_head(settings.sql_url)
    print(f"database migrated to head ({redact_url(settings.sql_url)})")
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _version() -> str:
    try:
        return metadata.version("psi")
    except metadata.PackageNotFoundError:
        return "unknown"


async def set_tier_command(settings: Settings, email: str, tier: str) -> None:
    """Operator path to a tier (how the first admin is made)."""
    from adapters.clock import SystemClock
    from adapters.sql.database import Database
    from adapters.sql.users import SqlUserRepository
    from domain.identity.model import Tier, normalize_email

    db = Database(settings.sql_url)
    try:
        users = SqlUserRepository(db)
        user = await users.get_by_email(normalize_email(email))
        if user is None:
            raise CommandFailed(f"no user with email {email}")
        await users.change_tier(user.id, Tier(tier), SystemClock().now())
    finally:
        await db.dispose()


def _set_tier(args: argparse.Namespace) -> int:
    asyncio.run(set_tier_command(load_settings(), args.email, args.tier))
    print(f"{args.email} is now {args.tier}")
    return 0


class CommandFailed(Exception):
    """A command cannot do what was asked; its message is the one line the operator sees."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (usage stays behind `--help`)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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


_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s]+@", re.I)
_CONNECTION_ERRORS = ("ConnectionError", "DependencyUnavailable", "ServerSelectionTimeoutError",
                      "CannotConnectNowError", "TooManyConnectionsError")


def _one_line(exc: BaseException) -> str:
    # A driver error wrapped by SQLAlchemy carries the statement and its bound parameters
    # (personal data) in its text: show the driver's own message only.
    shown = getattr(exc, "orig", None) or exc
    text = " ".join(str(shown).split())[:300]
    return _URL_PASSWORD.sub(r"\g<scheme>:***@", text)


def _is_unreachable(exc: BaseException) -> bool:
    """A dependency that could not be reached (driver classes differ: match by name along
    the cause chain, as only the message for the operator depends on it)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) or type(seen).__name__ in _CONNECTION_ERRORS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(f"psi: configuration error: {exc}", file=sys.stderr)
        return 2
    except CommandFailed as exc:
        print(f"psi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if _is_unreachable(exc):
            print(f"psi: cannot reach a dependency ({type(exc).__name__}): {_one_line(exc)}",
                  file=sys.stderr)
            return 3
        print(f"psi: {args.command} failed ({type(exc).__name__}): {_one_line(exc)}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
