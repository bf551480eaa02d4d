from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.audit import AuditEvent
from domain.privacy.consent import Consents


class ConsentRepository(Protocol):
    async def get(self, user_id: UUID) -> Consents | None: ...

    async def put(self, consents: Consents) -> None: ...


class PersonalDataStore(Protocol):
    """One store's share of a person's data, for export and for the hard purge.

    `sections()` names the export sections this store holds; `export` yields the
    JSON-ready records of one section; `purge` deletes at most `batch_size` items and
    returns how many it deleted (0 once nothing is left), so a purge interrupted at any
    point can simply be run again.
    """

    name: str

    async def sections(self) -> list[str]: ...

    def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]: ...

    async def purge(self, user_id: UUID, batch_size: int) -> int: ...


class AuditReader(Protocol):
    async def page(
        self, offset: int, limit: int, kind: str | None
    ) -> tuple[list[AuditEvent], int]: ...

    async def delete_before(self, cutoff: datetime, batch_size: int) -> int:
        """Retention: drop events older than `cutoff`, at most `batch_size` per call."""
        ...

    async def forget_subject(self, user_id: UUID) -> int:
        """Drop the person's id from their events (the events themselves stay)."""
        ...
