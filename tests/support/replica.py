"""A PostgreSQL primary and a streaming replica of it, started by the tests.

Our own pair (initdb into a temporary folder, `pg_basebackup -R` for the replica, each on
a free loopback port), not the machine's shared server: streaming from that one would
need its `pg_hba.conf` and WAL settings changed. Both run with fsync off: the pair is
thrown away after the session, and start and stop in about four seconds.

The binaries are PostgreSQL's (`initdb`, `pg_ctl`, `pg_basebackup`; the folder from
`PSI_TEST_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`, else `PATH`). Outside CI
their absence skips the tests that need the pair; with CI=true it fails the run.
PostgreSQL refuses to run as root: as root, the servers run as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.services import unavailable

_NEEDED = ("initdb", "pg_ctl", "pg_basebackup")


def _bin_dir() -> Path | None:
    candidates = [os.environ.get("PSI_TEST_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).is_file() for tool in _NEEDED):
            return Path(folder)
    found = shutil.which("initdb")
    if found and all(shutil.which(tool) for tool in _NEEDED):
        return Path(found).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class PostgresPair:
    primary_port: int
    replica_port: int

    def dsn(self, port: int, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary(self) -> str:
        return self.dsn(self.primary_port)

    @property
    def replica(self) -> str:
        return self.dsn(self.replica_port)


class _Runner:
    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.as_postgres = os.geteuid() == 0

    def __call__(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            logs = "".join(
                f"\n--- {log.name}\n{log.read_text()[-2000:]}" for log in self.folder.glob("*.log")
            )
            raise RuntimeError(f"{tool} failed: {result.stderr.strip()}{logs}")


_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{folder}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 60
"""


@contextmanager
def postgres_pair() -> Iterator[PostgresPair]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        unavailable(
            "PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup)",
            "PSI_TEST_PG_BIN",
            "not found",
        )
        raise AssertionError("unreachable")
    folder = Path(tempfile.mkdtemp(prefix="psi-pg-pair-"))
    run = _Runner(bin_dir, folder)
    if run.as_postgres:
        postgres = pwd.getpwnam("postgres")
        os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    primary, replica = folder / "primary", folder / "replica"
    pair = PostgresPair(_free_port(), _free_port())
    started: list[Path] = []
    try:
        run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(_CONF.format(port=pair.primary_port, folder=folder))
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        run("pg_ctl", "-D", str(primary), "-l", str(folder / "primary.log"), "-w", "start")
        started.append(primary)
        run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres"),
            *("-D", str(replica), "-R", "-X", "stream", "-c", "fast"),
        )
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {pair.replica_port}\n")
        run("pg_ctl", "-D", str(replica), "-l", str(folder / "replica.log"), "-w", "start")
        started.append(replica)
        yield pair
    finally:
        for data in reversed(started):
            with contextlib.suppress(RuntimeError):  # already stopped
                run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
