"""POST /mood-check-ins: the valence the body cannot measure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.ports.clock import Clock
from application.ports.wellness import MoodCheckIns
from domain.wellness.mood import MoodCheckIn, new_check_in


@dataclass(slots=True)
class RecordMoodCheckIn:
    moods: MoodCheckIns
    clock: Clock

    async def __call__(
        self,
        user_id: UUID,
        *,
        valence: int,
        arousal: int | None = None,
        label: str | None = None,
        note: str | None = None,
        timestamp: datetime | None = None,
    ) -> MoodCheckIn:
        check_in = new_check_in(
            id=uuid.uuid4(),
            user_id=user_id,
            now=self.clock.now(),
            valence=valence,
            arousal=arousal,
            label=label,
            note=note,
            timestamp=timestamp,
        )
        await self.moods.add(check_in)
        return check_in
