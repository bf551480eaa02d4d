from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.privacy.consent import Consents


class ConsentRepository(Protocol):
    async def get(self, user_id: UUID) -> Consents | None: ...

    async def put(self, consents: Consents) -> None: ...
