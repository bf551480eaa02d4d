"""Apply Alembic migrations: the only way the SQL schema changes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

# An installed wheel carries the migrations inside this package; a source checkout keeps
# them at the top level (migrations/), where Alembic's own command line finds them too.
_PACKAGED = Path(__file__).resolve().parent / "schema_migrations"
_CHECKOUT = Path(__file__).resolve().parents[3] / "migrations"


def migrations_dir() -> Path:
    return _PACKAGED if (_PACKAGED / "env.py").is_file() else _CHECKOUT


def alembic_config(url: str) -> Config:
    """The Alembic configuration, built in code: no alembic.ini needs to be found."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("file_template", "%%(rev)s")
    cfg.attributes["url"] = url
    return cfg


def upgrade_to_head(url: str) -> None:
    """Blocking: call from a thread when an event loop is running."""
    if url.startswith("sqlite"):
        db_file = url.split(":///", 1)[-1]
        if db_file and db_file != ":memory:":
            Path(db_file).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
