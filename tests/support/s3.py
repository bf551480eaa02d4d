"""A real S3 wire server for the tests: moto's server on a loopback port, in a thread.

The object store adapters talk HTTP to it exactly as to AWS S3 or MinIO. Outside CI a
missing `moto[server]` (the dev extra) skips the tests that need it, naming the
variable that points them at another S3 endpoint; with CI=true it fails the run.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.services import unavailable

S3_ENDPOINT = os.environ.get("PSI_TEST_S3_ENDPOINT_URL")
REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class S3Endpoint:
    url: str
    region: str = REGION


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def s3_server() -> Iterator[S3Endpoint]:
    # Any credentials do for moto; real ones must never be picked up from the machine.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "psi-test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "psi-test-secret")
    if S3_ENDPOINT:
        yield S3Endpoint(S3_ENDPOINT)
        return
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        unavailable("an S3 server (moto[server], the dev extra)", "PSI_TEST_S3_ENDPOINT_URL", exc)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Endpoint(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
