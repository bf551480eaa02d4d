"""A Redis Cluster (three primaries, a replica each), a Sentinel-watched primary with
one replica, and a guarded one (passwords of their own on the primary and its sentinel,
optionally TLS only), started from `redis-server` on loopback ports in temporary
directories.

PSI_TEST_REDIS_CLUSTER_NODES (host:port,...) points the tests at an existing cluster
instead; without `redis-server`/`redis-cli` the tests that need one skip (fail in CI).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from redis.asyncio import Redis

from tests.support.services import free_port, unavailable
from tests.support.tls import ServerCertificate

CLUSTER_NODES = os.environ.get("PSI_TEST_REDIS_CLUSTER_NODES")
SENTINEL_MASTER = "psi-test"


def cluster_port() -> int:
    """A free port whose cluster bus port (10000 higher) is free too (so at most 55535)."""
    while True:
        port = random.randint(20_000, 55_000)
        try:
            for p in (port, port + 10_000):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port


def _binaries() -> tuple[str, str]:
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if server is None or cli is None:
        unavailable(
            "redis-server and redis-cli (to start a Redis Cluster)",
            "PSI_TEST_REDIS_CLUSTER_NODES",
            "not on PATH",
        )
    assert server is not None and cli is not None
    return server, cli


def cli(port: int, *args: str, timeout: float = 10, options: Sequence[str] = ()) -> str:
    """`options`: redis-cli's own (credentials, TLS) before the command."""
    done = subprocess.run(
        [shutil.which("redis-cli") or "redis-cli", "-p", str(port), *options, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout


def _wait(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} within {seconds:.0f} s")


class LocalRedis:
    """redis-server processes under one temporary directory."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="psi-redis-"))
        self.processes: dict[int, subprocess.Popen] = {}

    def server(self, port: int, *extra: str, cli_options: Sequence[str] = ()) -> None:
        server, _ = _binaries()
        workdir = self.dir / str(port)
        workdir.mkdir()
        self.processes[port] = subprocess.Popen(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(workdir),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(workdir / "redis.log"),
                # Replicas sync at once (the default waits 5 s for more replicas).
                "--repl-diskless-sync-delay",
                "0",
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(
            lambda: cli(port, "PING", options=cli_options).strip() == "PONG",
            f"redis-server :{port} did not start",
        )

    def sentinel(
        self,
        port: int,
        primary: int,
        quorum: int,
        *,
        conf: str = "",
        cli_options: Sequence[str] = (),
    ) -> None:
        """`conf`: more sentinel.conf lines, after (so overriding) the usual ones."""
        server, _ = _binaries()
        path = self.dir / f"sentinel-{port}.conf"
        path.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {self.dir}\n"
            f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {primary} {quorum}\n"
            f"sentinel down-after-milliseconds {SENTINEL_MASTER} 1000\n"
            f"sentinel failover-timeout {SENTINEL_MASTER} 5000\n"
            f"{conf}"
        )
        self.processes[port] = subprocess.Popen(
            [server, str(path), "--sentinel"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(
            lambda: cli(port, "PING", options=cli_options).strip() == "PONG",
            f"sentinel :{port} did not start",
        )

    def kill(self, port: int) -> None:
        process = self.processes.pop(port)
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        shutil.rmtree(self.dir, ignore_errors=True)


class LocalCluster(LocalRedis):
    def start(self) -> list[int]:
        _, redis_cli = _binaries()
        self.ports = [cluster_port() for _ in range(6)]
        for port in self.ports:
            conf = str(self.dir / f"nodes-{port}.conf")
            self.server(
                port,
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                conf,
                "--cluster-node-timeout",
                "2000",
                # A replica may take over however long its link was down.
                "--cluster-replica-validity-factor",
                "0",
            )
        subprocess.run(
            [
                redis_cli,
                "--cluster",
                "create",
                *(f"127.0.0.1:{p}" for p in self.ports),
                "--cluster-replicas",
                "1",
                "--cluster-yes",
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        for port in self.ports:
            _wait(lambda p=port: "cluster_state:ok" in cli(p, "CLUSTER", "INFO"), "cluster not ok")
        for port in self.ports:
            _wait(
                lambda p=port: (
                    "role:master" in (info := cli(p, "INFO", "replication"))
                    or "master_link_status:up" in info
                ),
                "a replica did not sync",
            )
        return self.ports

    def primaries(self) -> list[int]:
        return [p for p in self.processes if "role:master" in cli(p, "INFO", "replication")]

    def replica_of(self, primary: int) -> int:
        for port in self.processes:
            info = cli(port, "INFO", "replication")
            if "role:slave" in info and f"master_port:{primary}" in info:
                return port
        raise LookupError(primary)


class LocalSentinel(LocalRedis):
    def start(self) -> tuple[int, int, list[int]]:
        self.primary, self.replica = free_port(), free_port()
        self.server(self.primary)
        self.server(self.replica, "--replicaof", "127.0.0.1", str(self.primary))
        self.sentinels = [free_port() for _ in range(3)]
        for port in self.sentinels:
            self.sentinel(port, self.primary, quorum=2)
        _wait(
            lambda: "master_link_status:up" in cli(self.replica, "INFO", "replication"),
            "replica did not sync",
        )
        return self.primary, self.replica, self.sentinels

    def current_primary(self) -> int:
        out = cli(self.sentinels[0], "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER)
        return int(out.split()[1])


class GuardedSentinel(LocalRedis):
    """A primary and one sentinel, each with a password of its own: the primary's
    `requirepass` (the sentinel monitors it with `auth-pass`) and the sentinel's ACL user.
    With `tls`, neither has a plaintext port: TLS only, from the given certificate."""

    SENTINEL_USER = "psi-sentinel"

    def __init__(
        self, data_password: str, sentinel_password: str, tls: ServerCertificate | None = None
    ) -> None:
        super().__init__()
        self.data_password = data_password
        self.sentinel_password = sentinel_password
        self.tls = tls

    def _tls_cli(self) -> list[str]:
        return ["--tls", "--cacert", str(self.tls.ca)] if self.tls else []

    def start(self) -> None:
        self.primary, self.sentinel_port = free_port(), free_port()
        tls_args: list[str] = []
        tls_conf = ""
        if self.tls:
            files = {
                "tls-cert-file": self.tls.cert,
                "tls-key-file": self.tls.key,
                "tls-ca-cert-file": self.tls.ca,
            }
            tls_args = ["--port", "0", "--tls-port", str(self.primary), "--tls-auth-clients", "no"]
            tls_args += [arg for name, path in files.items() for arg in (f"--{name}", str(path))]
            tls_conf = (
                f"port 0\ntls-port {self.sentinel_port}\ntls-auth-clients no\n"
                "tls-replication yes\n"
                + "".join(f"{name} {path}\n" for name, path in files.items())
            )
        self.server(
            self.primary,
            "--requirepass",
            self.data_password,
            *tls_args,
            cli_options=["-a", self.data_password, "--no-auth-warning", *self._tls_cli()],
        )
        self.sentinel_cli = [
            "--user",
            self.SENTINEL_USER,
            "--pass",
            self.sentinel_password,
            "--no-auth-warning",
            *self._tls_cli(),
        ]
        self.sentinel(
            self.sentinel_port,
            self.primary,
            quorum=1,
            conf=(
                f"sentinel auth-pass {SENTINEL_MASTER} {self.data_password}\n"
                f"user default off\nuser {self.SENTINEL_USER} on >{self.sentinel_password} "
                "~* &* +@all\n" + tls_conf
            ),
            cli_options=self.sentinel_cli,
        )
        # The sentinel reports the primary only once it has reached it (with auth-pass).
        _wait(
            lambda: (
                "flags\nmaster\n"
                in cli(
                    self.sentinel_port,
                    "SENTINEL",
                    "MASTER",
                    SENTINEL_MASTER,
                    options=self.sentinel_cli,
                )
            ),
            "the sentinel did not reach its primary",
        )


class SlotMigration:
    """One slot of a cluster moved from its primary to another, step by step as
    `redis-cli --cluster reshard` does: the target IMPORTING and the source MIGRATING it,
    `move` some of its keys, then `finish` (the keys left, then SETSLOT NODE on the
    target, the source and the other primaries). Leaving the block finishes a migration
    that was begun, so the shared cluster is left with every slot served."""

    def __init__(self, nodes: list[str], slot: int) -> None:
        self.nodes, self.slot = nodes, slot
        self.began = self.finished = False

    async def __aenter__(self) -> SlotMigration:
        host, _, port = self.nodes[0].rpartition(":")
        seed = Redis(host=host, port=int(port))
        try:
            ranges = await seed.execute_command("CLUSTER", "SLOTS")
        finally:
            await seed.aclose()
        primaries = {bytes(p[2]): (p[0].decode() or host, int(p[1])) for _, _, p, *_ in ranges}
        source_id = next(bytes(p[2]) for s, e, p, *_ in ranges if s <= self.slot <= e)
        target_id = next(i for i in sorted(primaries) if i != source_id)
        self.source, self.target = primaries[source_id], primaries[target_id]
        self._ids = {primaries[i]: i for i in primaries}
        self._clients = {node: Redis(host=node[0], port=node[1]) for node in primaries.values()}
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.began and not self.finished:
                await self.finish()
        finally:
            for client in self._clients.values():
                await client.aclose()

    def client(self, node: tuple[str, int]) -> Redis:
        return self._clients[node]

    async def begin(self) -> None:
        await self.client(self.target).execute_command(
            "CLUSTER", "SETSLOT", self.slot, "IMPORTING", self._ids[self.source]
        )
        self.began = True
        await self.client(self.source).execute_command(
            "CLUSTER", "SETSLOT", self.slot, "MIGRATING", self._ids[self.target]
        )

    async def move(self, *keys: str) -> None:
        host, port = self.target
        await self.client(self.source).execute_command(
            "MIGRATE", host, port, "", 0, 5000, "KEYS", *keys
        )

    async def finish(self) -> None:
        source = self.client(self.source)
        while keys := await source.execute_command("CLUSTER", "GETKEYSINSLOT", self.slot, 100):
            await self.move(*(k.decode() for k in keys))
        target_id = self._ids[self.target]
        for node in sorted(self._clients, key=lambda n: (n != self.target, n != self.source)):
            await self.client(node).execute_command(
                "CLUSTER", "SETSLOT", self.slot, "NODE", target_id
            )
        self.finished = True
