"""Apply Alembic migrations: the only way the SQL schema changes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

_REPO = Path(__file__).resolve().parents[3]


def alembic_config(url: str) -> Config:
    cfg = Config(str(_REPO / "alembic.ini"))
    cfg.set_main_option("script_location", str(_REPO / "migrations"))
    cfg.attributes["url"] = url
    return cfg


def upgrade_to_head(url: str) -> None:
    """Blocking: call from a thread when an event loop is running."""
    if url.startswith("sqlite"):
        db_file = url.split(":///", 1)[-1]
        if db_file and db_file != ":memory:":
            Path(db_file).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
