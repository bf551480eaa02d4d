"""How `psi run` serves: the one place uvicorn is configured.

The HTTP protocol is named by its import path (`entrypoints/http/server.py`), so this module,
and the CLI that every process entrypoint shares, import nothing of the HTTP layer.
"""

from __future__ import annotations

from typing import Any

from entrypoints.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "http": "entrypoints.http.server:PsiHttpProtocol",
        "loop": "uvloop",
        "server_header": False,
        "timeout_keep_alive": 5,
        # log_config=None: uvicorn's records go through the root logger (one JSON
        # pipeline), not its own plain-text handlers.
        "log_level": "warning",
        "log_config": None,
        "access_log": False,
        "proxy_headers": False,
        "timeout_graceful_shutdown": int(settings.shutdown_timeout_s),
    }
