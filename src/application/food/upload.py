"""`POST /food/upload`: consent, a clean image, the daily quota, a pending analysis, a job."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC
from uuid import UUID, uuid4

from application.food.quota import charge_quota, refuse_if_spent
from application.ports.clock import Clock
from application.ports.food import AnalysisQueue, AnalysisQuota, AnalysisRepository
from application.ports.vision import ImageSanitiser, ImageStore
from application.privacy.consents import RequireConsent
from domain.food.analysis import Analysis
from domain.food.quota import QuotaStatus
from domain.identity.model import Tier
from domain.privacy.consent import ConsentKind

log = logging.getLogger("psi.food.upload")


@dataclass(frozen=True, slots=True)
class Upload:
    analysis: Analysis
    quota: QuotaStatus | None  # None: the tier has no daily limit


class DecodeSlots:
    """At most `size` image decodes at once in this process (each can take a core and
    hundreds of MB for a large photo); the others wait for a slot."""

    def __init__(self, size: int = 2) -> None:
        self.size = max(1, size)
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._semaphore is None:
            self._loop, self._semaphore = loop, asyncio.Semaphore(self.size)
        async with self._semaphore:
            yield


@dataclass(slots=True)
class UploadMeal:
    consent: RequireConsent
    sanitiser: ImageSanitiser
    images: ImageStore
    analyses: AnalysisRepository
    queue: AnalysisQueue
    quota: AnalysisQuota
    clock: Clock
    decode_slots: DecodeSlots = field(default_factory=DecodeSlots)

    async def allowed(self, user_id: UUID, tier: Tier) -> None:
        """Checked before the body is read: no consent or no allowance left, no bytes
        processed."""
        await self.consent(user_id, ConsentKind.FOOD_PHOTOS)
        await refuse_if_spent(self.quota, user_id, tier, self.clock.now().astimezone(UTC))

    async def __call__(self, user_id: UUID, tier: Tier, data: bytes) -> Upload:
        await self.allowed(user_id, tier)
        # Cheapest first: the header (format, dimensions) without decoding, then the
        # quota (taken atomically), then the decode, a few at a time per process. A
        # refused image gives its quota back.
        self.sanitiser.check_header(data)
        now = self.clock.now().astimezone(UTC)
        status = await charge_quota(self.quota, user_id, tier, now)
        key: str | None = None
        try:
            async with self.decode_slots.slot():
                # Judged by decoding, EXIF dropped, before anything is stored.
                image = await asyncio.to_thread(self.sanitiser.sanitise, data)
            key = await self.images.put(image, str(user_id))
            analysis = Analysis.from_photo(uuid4(), user_id, key, now)
            await self.analyses.add(analysis, None)  # pending: no card yet
        except BaseException:
            if status is not None:
                await self.quota.refund(user_id, status.window)
            if key is not None:
                await self.images.delete(key)
            raise
        try:
            await self.queue.enqueue(analysis.id)
        except Exception as exc:  # the sweeper re-queues pending analyses whose job was lost
            log.warning("enqueue failed, left for the sweeper: %s", type(exc).__name__)
        return Upload(analysis, status)
