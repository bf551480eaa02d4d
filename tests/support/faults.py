"""Dependencies a test owns, so it can take them away and bring them back: a private
redis-server and a SecantusDB (MongoDB wire) server, each a child process that keeps
its data on disk across a restart on the same port. PostgreSQL is taken away through
`tests.support.tcp_proxy.TcpProxy` instead (the server is shared)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.services import free_port, unavailable


def _wait_listening(port: int, proc: subprocess.Popen, what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited at start ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout_s} s")


class _Child:
    what = "server"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> _Child:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_listening(self.port, self.process, self.what)
        return self

    def kill(self) -> None:
        """Crash: SIGKILL, no chance to flush anything it had not made durable."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        """A clean stop (SIGTERM)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def freeze(self) -> None:
        """Hang without closing anything (SIGSTOP): connections stay open, nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


class RedisServer(_Child):
    """redis-server with an fsync-always append-only file (how production must run it:
    it holds revocations), so a crash loses no acknowledged write."""

    what = "redis-server"

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        exe = shutil.which("redis-server")
        if exe is None:
            unavailable("redis-server (the binary)", "PATH", "redis-server not found")
        self.exe = str(exe)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            self.exe,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            str(self.data_dir),
        ]


class MongoServer(_Child):
    """SecantusDB with WiredTiger files under `data_dir` (reopened intact on restart)."""

    what = "SecantusDB"

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        exe = shutil.which("secantusd-py") or str(Path(sys.executable).parent / "secantusd-py")
        if not Path(exe).exists():
            unavailable(
                "SecantusDB (pip install SecantusDB)",
                "PSI_TEST_MONGODB_URI",
                "secantusd-py not installed",
            )
        self.exe = exe

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def command(self) -> list[str]:
        return [
            self.exe,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            str(self.data_dir),
            "--log-level",
            "ERROR",
        ]
