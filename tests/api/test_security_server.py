"""The served process as `psi run` starts it (issue 19), over raw sockets: the 413 reaches a
client that writes its whole body before reading, slow request heads are dropped, the
parser's own 400 is the envelope, and no `server` header names the software."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.services import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, int]]:
    var_dir = tmp_path_factory.mktemp("served")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
    env.update(
        {
            "PSI_VAR_DIR": str(var_dir),
            "PSI_LOG_LEVEL": "WARNING",
            "PSI_ARGON2_MEMORY_KIB": "1024",
            "PSI_ARGON2_TIME_COST": "1",
            "PSI_RATE_LIMIT_IP_PER_MIN": "1000000",
            "PSI_HEADER_TIMEOUT_S": "1",
            "PYTHONPATH": str(REPO / "src"),
        }
    )
    log = open(var_dir / "api.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "entrypoints.cli",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError((var_dir / "api.log").read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def test_413_reaches_a_client_that_sends_the_whole_body_first(served):
    body = b"x" * (12 * 1024 * 1024)
    with socket.create_connection(served, timeout=30) as sock:
        # `Connection: close` as urllib sends it: the server closes after answering, and
        # a close with unread bytes pending is a reset that destroys the answer.
        sock.sendall(
            b"POST /api/v1/auth/register HTTP/1.1\r\nHost: t\r\n"
            b"Connection: close\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        sock.sendall(body)  # all of it, before reading a byte (urllib, mobile stacks)
        status, headers, payload = _read_response(sock)
    assert status == 413
    assert json.loads(payload)["error"]["code"] == "PSI-VAL-1013"
    assert headers["cache-control"] == "no-store"


def test_no_server_header(served):
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
        status, headers, _ = _read_response(sock)
    assert status == 200
    assert "server" not in headers


def test_a_slow_request_head_is_dropped(served):
    with socket.create_connection(served, timeout=30) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n")  # never finished
        assert sock.recv(1024) == b""  # closed by the server (header deadline: 1 s here)


def test_the_parser_400_is_the_envelope(served):
    with socket.create_connection(served, timeout=10) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHo st: t\r\n\r\n")
        status, headers, payload = _read_response(sock)
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    assert json.loads(payload)["error"]["code"] == "PSI-VAL-1001"


def _request(
    served, method: str, path: str, body: dict | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        f"http://{served[0]}:{served[1]}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"content-type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_an_oversized_upload_gets_its_413_after_the_whole_body(served):
    email = f"up-{os.urandom(4).hex()}@example.com"
    assert (
        _request(
            served,
            "POST",
            "/api/v1/auth/register",
            {"email": email, "password": "Sup3rSecret!", "name": "U"},
        )[0]
        == 201
    )
    tokens = _request(
        served, "POST", "/api/v1/auth/login", {"email": email, "password": "Sup3rSecret!"}
    )[1]["data"]
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (
        _request(
            served,
            "PUT",
            "/api/v1/users/me/consents",
            {"biometrics": False, "food_photos": True},
            auth,
        )[0]
        == 200
    )
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + b"\xff" * (12 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    for declared in (True, False):  # with a Content-Length, and chunked
        with socket.create_connection(served, timeout=30) as sock:
            head = (
                f"POST /api/v1/food/upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                f"Authorization: {auth['Authorization']}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            )
            if declared:
                sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            else:
                sock.sendall(f"{head}Transfer-Encoding: chunked\r\n\r\n".encode())
                for i in range(0, len(body), 1 << 20):
                    part = body[i : i + (1 << 20)]
                    sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            status, _, payload = _read_response(sock)
        assert status == 413, payload
        assert json.loads(payload)["error"]["code"] == "PSI-FOOD-2002"
