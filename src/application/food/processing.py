"""The worker's side: turn a pending analysis into a result, exactly once.

`ProcessAnalysis` is the pipeline (image -> detector + describer -> fusion ->
nutrition). `RunAnalysisJob` is what a queue delivery calls: it claims the
analysis with a lease, keeps the lease alive while the pipeline runs, retries
transient failures with backoff, and stores the result only if its attempt
still holds the analysis. A delivery for a completed (or failed) analysis does
nothing, so the queue may deliver a job more than once. A claim past `max_attempts`
(each earlier attempt's worker died mid-job) fails the analysis for good, so a job
that kills its worker is not taken over forever.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.cancellation import cancel_and_wait, raise_if_cancelled
from application.food.history_view import history_card
from application.food.pricing import FoodToPrice, price_foods
from application.nutrition.lookup import LookupNutrition
from application.ports.clock import Clock
from application.ports.food import AnalysisQueue, AnalysisRepository
from application.ports.vision import FoodDetector, ImageStore, MealDescriber
from application.privacy.consents import RequireConsent
from domain.errors import FoodPhotoConsentMissing, NotFound
from domain.food.analysis import Analysis, AnalysisResult, ModelsUsed, Suggestion
from domain.food.review import (
    ModelState,
    ReviewPolicy,
    analysis_confidence,
    frequent_foods,
    review_of,
    suggestions_for,
)
from domain.food.vision import explain_fusion, fuse
from domain.privacy.consent import ConsentKind

log = logging.getLogger("psi.food.worker")


# How many of the person's latest entries their frequent foods are drawn from.
RECENT_MEALS = 200
HEARTBEAT_STOP_S = 5.0  # a job ending: the most it waits for its lease keeper to stop


@dataclass(slots=True)
class ProcessAnalysis:
    """Image -> detector + describer -> fusion -> USDA foods and grams -> review.

    Each listed food is matched to a USDA food and priced at its grams (the describer's
    estimate, else one typical unit per item counted). The analysis' confidence comes
    from the items (`domain.food.review.analysis_confidence`). When a person should look
    (nothing recognised, unsure or unmatched foods) the result says why and suggests
    foods: the models' uncertain ones, then the person's own frequent foods."""

    images: ImageStore
    detector: FoodDetector
    describer: MealDescriber
    lookup: LookupNutrition
    analyses: AnalysisRepository

    async def __call__(self, analysis: Analysis) -> AnalysisResult:
        if analysis.image_ref is None:
            raise NotFound("analysis has no image")
        image = await self.images.get(analysis.image_ref)
        detection, description = await asyncio.gather(
            self.detector.detect(image), self.describer.describe(image)
        )
        # A detector reports containers (bowl, cup, table) apart from its detections.
        context = [d.food for d in detection.context]
        fused = fuse(detection.detections, description.description, context=context)
        priced = await price_foods(
            self.lookup,
            [
                FoodToPrice(f.food, f.confidence, f.bbox, f.quantity, f.portion_grams)
                for f in fused.foods
            ],
        )
        state = ModelState(
            detector_configured=self.detector.name is not None or detection.detector is not None,
            detector_ran=detection.detector is not None,
            describer_configured=description.describer is not None,
            describer_ran=description.description is not None,
        )
        policy = ReviewPolicy()
        review = review_of(priced.foods, state, len(fused.uncertain), policy)
        suggestions: tuple[Suggestion, ...] = ()
        if review.needed:
            uncertain = await price_foods(
                self.lookup,
                [
                    FoodToPrice(f.food, f.confidence, None, f.quantity, f.portion_grams)
                    for f in fused.uncertain
                ],
            )
            history = frequent_foods(
                await self.analyses.recent_foods(analysis.user_id, RECENT_MEALS),
                policy.max_suggestions,
            )
            suggestions = suggestions_for(
                [
                    (f, item.fdc_id, item.portion_grams)
                    for f, item in zip(fused.uncertain, uncertain.foods, strict=True)
                ],
                history,
                priced.foods,
                review,
                policy,
            )
        text = description.description.text if description.description else None
        return AnalysisResult(
            foods=priced.foods,
            description=text or None,
            nutrition=priced.nutrition,
            confidence_score=analysis_confidence(priced.foods),
            models=ModelsUsed(
                detector=detection.detector,
                describer=description.describer,
                nutrition_source=priced.source,
                fusion=explain_fusion(fused, state.detector_ran, state.describer_ran),
            ),
            review=review,
            suggestions=suggestions,
        )


@dataclass(frozen=True, slots=True)
class JobPolicy:
    lease_s: float = 60.0
    max_attempts: int = 3
    backoff_s: float = 1.0  # doubled after each failed attempt
    max_backoff_s: float = 30.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff_s, self.backoff_s * 2 ** max(0, attempt - 1))


@dataclass(slots=True)
class RunAnalysisJob:
    analyses: AnalysisRepository
    process: ProcessAnalysis
    clock: Clock
    policy: JobPolicy
    consent: RequireConsent

    async def __call__(self, analysis_id: UUID) -> None:
        while True:
            raise_if_cancelled()  # a retry after a cancel its store driver let pass
            now = self.clock.now()
            claimed = await self.analyses.claim(
                analysis_id, now, now + timedelta(seconds=self.policy.lease_s)
            )
            if claimed is None:  # final already, gone, or a live worker holds the lease
                return
            attempt = claimed.attempts
            if attempt > self.policy.max_attempts:  # every attempt's worker died on it
                log.error("analysis failed for good: its worker was lost %d times", attempt - 1)
                await self.analyses.fail(
                    claimed.failed(
                        "analysis could not be completed (its worker stopped on every attempt)",
                        self.clock.now(),
                    ),
                    attempt,
                )
                return
            try:  # consent withdrawn after the upload stops the processing too
                await self.consent(claimed.user_id, ConsentKind.FOOD_PHOTOS)
            except FoodPhotoConsentMissing:
                await self.analyses.fail(
                    claimed.failed(
                        "consent to process food photos was withdrawn", self.clock.now()
                    ),
                    attempt,
                )
                return
            heartbeat = asyncio.create_task(self._keep_lease(analysis_id, attempt))
            try:
                result = await self.process(claimed)
            except NotFound:
                await self.analyses.fail(
                    claimed.failed("image not found", self.clock.now()), attempt
                )
                return
            except Exception as exc:
                reason = f"{type(exc).__name__} on attempt {attempt}"
                if attempt >= self.policy.max_attempts:
                    log.error("analysis failed for good: %s", reason)
                    await self.analyses.fail(
                        claimed.failed(
                            f"analysis could not be completed ({reason})", self.clock.now()
                        ),
                        attempt,
                    )
                    return
                log.warning("analysis attempt failed, retrying: %s", reason)
                await self.analyses.release(analysis_id, attempt)
                await asyncio.sleep(self.policy.backoff(attempt))
                continue
            finally:
                # Its end, not its CancelledError: suppressing that would swallow this
                # job's own cancel too. Bounded: a renewal in flight may be slow to end.
                await cancel_and_wait({heartbeat}, HEARTBEAT_STOP_S)
            done = claimed.completed(result, self.clock.now())
            if not await self.analyses.complete(done, attempt, history_card(done)):
                log.info("result of a superseded attempt dropped")
            return

    async def _keep_lease(self, analysis_id: UUID, attempt: int) -> None:
        interval = max(0.05, self.policy.lease_s / 3)
        while True:
            await asyncio.sleep(interval)
            lease_until = self.clock.now() + timedelta(seconds=self.policy.lease_s)
            if not await self.analyses.renew(analysis_id, attempt, lease_until):
                return
            raise_if_cancelled()  # else a dropped cancel would keep the lease for ever


@dataclass(slots=True)
class SweepUnfinished:
    """Re-queues analyses whose worker died (lease expired) or whose job was lost."""

    analyses: AnalysisRepository
    queue: AnalysisQueue
    clock: Clock
    pending_grace_s: float = 30.0
    batch: int = 100

    async def __call__(self) -> int:
        now = self.clock.now()
        ids = await self.analyses.unfinished(
            now, now - timedelta(seconds=self.pending_grace_s), self.batch
        )
        for analysis_id in ids:
            await self.queue.enqueue(analysis_id)
        return len(ids)
