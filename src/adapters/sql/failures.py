"""When the database (Postgres through SQLAlchemy or asyncpg, or SQLite) cannot serve.

Postgres says it with SQLSTATE classes and codes: 08 connection exception, 28 the
login refused, 3D the database gone, 53 out of resources (too many connections), 57
operator intervention (shutdown 57P01/57P02, starting up 57P03, a cancelled or timed out
statement 57014), 58 system error, 55000 "object not in prerequisite state" (a database
with ALLOW_CONNECTIONS false, or being dropped), 55P03 a lock not granted in time,
40001/40P01 a serialisation failure or deadlock to retry, 25006 a read-only transaction
(a standby after a failover). Constraint, syntax and data errors are the caller's and
pass through.
"""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa

from adapters.failures import Dependency, socket_failure

UNAVAILABLE_CLASSES = frozenset({"08", "28", "3D", "53", "57", "58"})
UNAVAILABLE_CODES = frozenset({"55000", "55P03", "40001", "40P01", "25006"})
# SQLite's primary result codes for a file it cannot use now (busy, locked, I/O error,
# cannot open, disk full, out of memory), as `sqlite3.Error.sqlite_errorname` spells them.
SQLITE_UNAVAILABLE = frozenset(
    {
        "SQLITE_BUSY",
        "SQLITE_LOCKED",
        "SQLITE_IOERR",
        "SQLITE_CANTOPEN",
        "SQLITE_FULL",
        "SQLITE_NOMEM",
        "SQLITE_PROTOCOL",
    }
)


def _sqlstate_unavailable(code: object) -> bool:
    return isinstance(code, str) and (code in UNAVAILABLE_CODES or code[:2] in UNAVAILABLE_CLASSES)


def _driver_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        return _sqlstate_unavailable(exc.sqlstate)
    if isinstance(exc, asyncpg.InterfaceError):  # "connection is closed", "pool is closing"
        return "closed" in str(exc) or "closing" in str(exc)
    name = getattr(exc, "sqlite_errorname", None)
    if isinstance(name, str):
        return "_".join(name.split("_")[:2]) in SQLITE_UNAVAILABLE  # SQLITE_IOERR_WRITE
    return socket_failure(exc)


def sql_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sa.TimeoutError | sa.DisconnectionError):  # pool wait, dead link
        return True
    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        # The asyncpg dialect's error carries SQLSTATE itself and the driver's own
        # exception as its cause.
        if _sqlstate_unavailable(getattr(orig, "sqlstate", None)):
            return True
        return any(
            isinstance(e, BaseException) and _driver_unavailable(e)
            for e in (orig, getattr(orig, "__cause__", None))
        )
    return _driver_unavailable(exc)


DATABASE = Dependency("database", sql_unavailable)
