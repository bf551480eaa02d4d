"""`PSI_DATABASE_REPLICA_URLS`: a list of asyncpg URLs, only beside a PostgreSQL primary."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.settings import SettingsError, load_settings


def test_replica_urls_are_a_list_of_asyncpg_urls(tmp_path: Path) -> None:
    s = load_settings(
        {
            "PSI_DATABASE_URL": "postgresql://psi@primary/psi",
            "PSI_DATABASE_REPLICA_URLS": "postgres://psi@r1/psi, postgresql+asyncpg://psi@r2/psi",
            "PSI_DATABASE_REPLICA_STICKY_S": "2.5",
        },
        var_dir=tmp_path,
    )
    assert s.database_url == "postgresql+asyncpg://psi@primary/psi"
    assert s.database_replica_urls == (
        "postgresql+asyncpg://psi@r1/psi",
        "postgresql+asyncpg://psi@r2/psi",
    )
    assert s.database_replica_sticky_s == 2.5
    assert load_settings({}, var_dir=tmp_path).database_replica_urls == ()


def test_replicas_need_a_postgres_primary(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PSI_DATABASE_REPLICA_URLS"):
        load_settings({"PSI_DATABASE_REPLICA_URLS": "postgresql://r1/psi"}, var_dir=tmp_path)
