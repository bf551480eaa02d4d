"""`POST /food/upload`: consent, a clean image, the daily quota, a pending analysis, a job."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC
from uuid import UUID, uuid4

from application.food.quota import charge_quota
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


@dataclass(slots=True)
class UploadMeal:
    consent: RequireConsent
    sanitiser: ImageSanitiser
    images: ImageStore
    analyses: AnalysisRepository
    queue: AnalysisQueue
    quota: AnalysisQuota
    clock: Clock

    async def allowed(self, user_id: UUID) -> None:
        """Checked before the body is read: no consent, no bytes processed."""
        await self.consent(user_id, ConsentKind.FOOD_PHOTOS)

    async def __call__(self, user_id: UUID, tier: Tier, data: bytes) -> Upload:
        await self.allowed(user_id)
        # Judged by decoding, EXIF dropped: before anything is stored or counted, so a
        # refused image never uses quota.
        image = await asyncio.to_thread(self.sanitiser.sanitise, data)
        now = self.clock.now().astimezone(UTC)
        status = await charge_quota(self.quota, user_id, tier, now)
        key: str | None = None
        try:
            key = await self.images.put(image, str(user_id))
            analysis = Analysis.from_photo(uuid4(), user_id, key, now)
            await self.analyses.add(analysis)
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
