"""The built wheel installs into a fresh virtualenv and works from any directory:
`psi migrate` finds the migrations inside the distribution, `psi run` serves, and the
var dir is the working directory's `var/`, never site-packages."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.support.services import free_port

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(REPO),
        ]
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = out.glob("psi-*.whl")
    return found


def test_the_wheel_carries_the_migrations_and_the_reference_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "adapters/sql/schema_migrations/env.py" in names
    assert any(n.startswith("adapters/sql/schema_migrations/versions/0001") for n in names)
    assert any(n.startswith("adapters/nutrition/data/") for n in names)
    assert any(n.startswith("adapters/recipes/data/") for n in names)
    assert "adapters/email/templates/password_reset.html" in names  # account mail
    assert not any(n.startswith(("var/", "tests/")) for n in names)


def test_a_fresh_venv_migrates_and_serves_from_any_directory(wheel: Path, tmp_path) -> None:
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)])
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    purelib = Path(
        _run(
            [
                str(bin_dir / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ]
        ).stdout.strip()
    )
    # The dependencies come from the test's own environment (appended after the new venv's
    # site-packages, whose .pth files are not processed: the project's editable install
    # is not seen), the project itself only from the wheel.
    deps = [
        p for p in {sysconfig.get_paths()["purelib"], *site.getsitepackages()} if Path(p).is_dir()
    ]
    (purelib / "psi_test_dependencies.pth").write_text("\n".join(deps) + "\n")
    installed = _run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel),
        ]
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    workdir = tmp_path / "somewhere"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PSI_", "PYTHONPATH"))}
    env.update({"PSI_ARGON2_MEMORY_KIB": "1024", "PSI_ARGON2_TIME_COST": "1"})
    where = _run(
        [str(bin_dir / "python"), "-c", "import adapters; print(adapters.__file__)"],
        cwd=workdir,
        env=env,
    )
    assert where.stdout.strip().startswith(str(purelib)), where

    migrated = _run([str(bin_dir / "psi"), "migrate"], cwd=workdir, env=env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    assert (workdir / "var" / "psi.db").is_file()
    assert not (purelib / "var").exists()

    port = free_port()
    log = open(tmp_path / "run.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(bin_dir / "psi"), "run", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "psi run did not answer within 120 s"
                time.sleep(0.3)
        assert b"ok" in body
        log.seek(0)
        assert f'"url":"http://127.0.0.1:{port}/api/v1"' in log.read()
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
