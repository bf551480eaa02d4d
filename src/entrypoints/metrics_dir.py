"""Where the API processes' metrics meet (prometheus_client's multiprocess mode).

Kept apart from `entrypoints.metrics`: the directory must be set before prometheus_client
is first imported, as it picks its value store then.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess(directory: Path) -> None:
    """Empty `directory` and make every process started from here (uvicorn's workers
    included) record its samples there."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
