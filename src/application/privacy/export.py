"""Export everything Psi holds about a person, as one JSON document, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.context import request_id_var
from application.ports.clock import Clock
from application.ports.identity import AuditLog
from application.ports.privacy import PersonalDataStore
from domain.audit import AuditEvent, AuditKind

# The contract's sections, always present (empty when a feature holds nothing); single
# documents are objects (or null), the rest arrays.
SECTIONS = (
    "user",
    "subscriptions",
    "food_history",
    "wellness_scores",
    "emotion_samples",
    "mood_check_ins",
    "preferences",
    "recipe_ratings",
    "consents",
)
SINGLE = frozenset({"user", "preferences", "consents"})

Encode = Callable[[Any], bytes]


@dataclass(slots=True)
class ExportUserData:
    stores: tuple[PersonalDataStore, ...]
    clock: Clock
    audit: AuditLog

    async def __call__(self, user_id: UUID, encode: Encode) -> AsyncIterator[bytes]:
        now = self.clock.now()
        await self.audit.record(
            AuditEvent(
                AuditKind.DATA_EXPORTED,
                now,
                actor_id=user_id,
                subject_id=user_id,
                request_id=request_id_var.get(),
            )
        )
        held = {store.name: await store.sections() for store in self.stores}
        order = list(SECTIONS) + sorted({s for ss in held.values() for s in ss} - set(SECTIONS))

        async def stream() -> AsyncIterator[bytes]:
            # One record at a time: memory stays flat whatever the size of the history.
            yield b'{"exported_at":' + encode(now)
            for section in order:
                holders = [s for s in self.stores if section in held[s.name]]
                yield b',"' + section.encode() + b'":'
                if section in SINGLE:
                    record = None
                    for store in holders:
                        async for item in store.export(user_id, section):
                            record = item
                    yield encode(record)
                    continue
                yield b"["
                first = True
                for store in holders:
                    async for item in store.export(user_id, section):
                        yield (b"" if first else b",") + encode(item)
                        first = False
                yield b"]"
            yield b"}"

        return stream()
