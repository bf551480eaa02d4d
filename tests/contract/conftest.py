"""Fixtures shared by the contract suites (one copy, not one per module)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["memory", "sqlite", "postgres", "mongo"])
def document_store(request):
    """(kind, handle) for a port with a memory, SQL and MongoDB adapter: the handle is
    None (memory), a `Database` (sqlite, postgres) or a Mongo `AsyncDatabase`."""
    if request.param == "memory":
        return "memory", None
    if request.param == "mongo":
        return "mongo", request.getfixturevalue("mongo_db")
    return request.param, request.getfixturevalue(f"{request.param}_db")


@pytest.fixture(params=["sqlite", "postgres"])
def sql_db(request):
    """A migrated `Database` of each SQL dialect, for ports with SQL adapters only."""
    return request.getfixturevalue(f"{request.param}_db")
