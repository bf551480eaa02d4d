"""Upload, processing, retries, the sweeper and corrections, on in-memory adapters, the
real image sanitiser and the real USDA foods (a stand-in only for the describer port)."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from PIL import Image

from adapters.clock import ManualClock
from adapters.images.memory_store import MemoryImageStore
from adapters.images.sanitiser import PillowImageSanitiser
from adapters.memory.food_history import (
    MemoryAnalysisQuota,
    MemoryAnalysisRepository,
    RecordingAnalysisQueue,
)
from adapters.memory.identity import MemoryConsentRepository
from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.nutrition.usda_csv import UsdaCsvSource
from adapters.vision.claude import UnconfiguredDescriber
from adapters.vision.unconfigured import UnconfiguredDetector
from application.food.history import AddManualEntry, CorrectEntry, Correction, DeleteEntry
from application.food.processing import (
    JobPolicy,
    ProcessAnalysis,
    RunAnalysisJob,
    SweepUnfinished,
)
from application.food.upload import UploadMeal
from application.nutrition.lookup import LookupNutrition
from application.privacy.consents import RequireConsent
from domain.errors import (
    DailyQuotaExceeded,
    FoodPhotoConsentMissing,
    NotFound,
    UnsupportedImage,
)
from domain.food.analysis import AnalysisStatus
from domain.food.history import HistoryQuery
from domain.food.vision import (
    BoundingBox,
    DescribedFood,
    Description,
    DescriptionReport,
    Detection,
    DetectionReport,
    SanitisedImage,
)
from domain.identity.model import Tier
from domain.privacy.consent import Consents
from tests.fixtures.images.samples import jpeg_with_gps, truncated_jpeg

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def lookup() -> LookupNutrition:
    store = MemoryNutritionStore()
    asyncio.run(store.upsert_many(list(UsdaCsvSource().foods(include_branded=False))))
    return LookupNutrition(store)


class ScriptedDescriber:
    """The describer port answering from a script (the Claude adapter has its own tests)."""

    def __init__(self, *foods: DescribedFood, text: str = "A plate.") -> None:
        self.report = DescriptionReport.success("claude-test", Description(foods, text))

    @property
    def name(self) -> str:
        return "claude-test"

    async def describe(self, image: SanitisedImage) -> DescriptionReport:
        return self.report


class FlakyImages(MemoryImageStore):
    """An image store whose reads fail `failures` times first (a storage hiccup)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def get(self, key: str) -> SanitisedImage:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("storage hiccup")
        return await super().get(key)


@dataclass
class World:
    lookup: LookupNutrition
    images: MemoryImageStore = field(default_factory=MemoryImageStore)
    describer: object = field(default_factory=UnconfiguredDescriber)
    detector: object = field(default_factory=UnconfiguredDetector)
    clock: ManualClock = field(
        default_factory=lambda: ManualClock(datetime(2026, 11, 10, 12, tzinfo=UTC))
    )
    analyses: MemoryAnalysisRepository = field(default_factory=MemoryAnalysisRepository)
    queue: RecordingAnalysisQueue = field(default_factory=RecordingAnalysisQueue)
    quota: MemoryAnalysisQuota = field(default_factory=MemoryAnalysisQuota)
    consents: MemoryConsentRepository = field(default_factory=MemoryConsentRepository)
    policy: JobPolicy = field(
        default_factory=lambda: JobPolicy(lease_s=30, max_attempts=3, backoff_s=0.001)
    )

    def consent(self, user: UUID, food_photos: bool = True) -> None:
        self.consents.items[user] = Consents(user, False, food_photos, self.clock.now())

    @property
    def upload(self) -> UploadMeal:
        return UploadMeal(
            RequireConsent(self.consents),
            PillowImageSanitiser(),
            self.images,
            self.analyses,
            self.queue,
            self.quota,
            self.clock,
        )

    @property
    def job(self) -> RunAnalysisJob:
        process = ProcessAnalysis(
            self.images, self.detector, self.describer, self.lookup, self.analyses
        )
        return RunAnalysisJob(
            self.analyses, process, self.clock, self.policy, RequireConsent(self.consents)
        )


@pytest.fixture
def world(lookup) -> World:
    return World(lookup)


async def test_upload_strips_exif_and_queues_a_pending_analysis(world):
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    assert up.analysis.status is AnalysisStatus.PENDING
    assert world.queue.jobs == [up.analysis.id]
    assert up.quota.limit == 3 and up.quota.remaining == 2
    stored = world.images.images[up.analysis.image_ref]
    with Image.open(io.BytesIO(stored.data)) as img:
        assert not img.getexif() and "exif" not in img.info


async def test_no_consent_no_upload(world):
    user = uuid4()
    world.consent(user, food_photos=False)
    with pytest.raises(FoodPhotoConsentMissing):
        await world.upload(user, Tier.FREE, jpeg_with_gps())
    assert not world.images.images and not world.queue.jobs


async def test_fourth_free_upload_is_refused_and_refused_images_use_no_quota(world):
    user = uuid4()
    world.consent(user)
    with pytest.raises(UnsupportedImage):
        await world.upload(user, Tier.FREE, truncated_jpeg())
    for _ in range(3):
        await world.upload(user, Tier.FREE, jpeg_with_gps())
    with pytest.raises(DailyQuotaExceeded) as err:
        await world.upload(user, Tier.FREE, jpeg_with_gps())
    assert err.value.details["limit"] == 3
    assert err.value.details["reset_time"] == "2026-11-11T00:00:00Z"
    assert err.value.retry_after_s == 12 * 3600
    assert len(world.analyses.rows) == 3
    world.clock.advance(days=1)
    await world.upload(user, Tier.FREE, jpeg_with_gps())  # a new UTC day
    premium = uuid4()
    world.consent(premium)
    for _ in range(5):
        assert (await world.upload(premium, Tier.PREMIUM, jpeg_with_gps())).quota is None


async def test_job_completes_with_describer_foods_and_usda_nutrition(world):
    world.describer = ScriptedDescriber(
        DescribedFood("apple", grams=182, confidence=0.9),
        DescribedFood("banana", count=2, confidence=0.7),
        text="An apple and two bananas.",
    )
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    assert await world.queue.drain(world.job) == 1
    done = await world.analyses.get(up.analysis.id, user)
    assert done.status is AnalysisStatus.COMPLETED and done.attempts == 1
    apple, banana = done.foods
    assert apple.food == "apple" and apple.portion_grams == 182.0 and apple.bbox is None
    assert banana.quantity == 2 and banana.portion_grams > 150  # two USDA banana portions
    assert 300 < done.nutrition.calories < 800  # 182 g apple + two USDA banana portions
    assert done.description == "An apple and two bananas."
    assert done.models.detector is None and done.models.describer == "claude-test"
    assert done.models.nutrition_source == "usda_offline"  # the shipped USDA extract
    # The documented formula: mean over the foods of recognition x USDA match confidence.
    assert apple.match is not None and banana.match is not None
    assert "Apple" in apple.match.name and "Banana" in banana.match.name
    assert done.confidence_score == pytest.approx(
        (0.9 * apple.match.confidence + 0.7 * banana.match.confidence) / 2, abs=1e-4
    )
    assert done.review is not None and not done.review.needed and done.suggestions == ()
    assert done.models.fusion.startswith("describer only")
    page = await world.analyses.history(HistoryQuery(user))
    assert page.total == 1 and page.items[0].id == done.id


async def test_redelivery_of_a_completed_analysis_does_nothing(world):
    world.describer = ScriptedDescriber(DescribedFood("apple", grams=100))
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    await world.job(up.analysis.id)
    first = await world.analyses.get(up.analysis.id)
    world.clock.advance(hours=1)
    await world.job(up.analysis.id)
    assert await world.analyses.get(up.analysis.id) == first
    assert world.analyses.totals[user] == 1


async def test_transient_failures_are_retried_then_fail_for_good(world):
    world.images = FlakyImages(failures=1)
    world.describer = ScriptedDescriber(DescribedFood("rice", grams=150))
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    await world.job(up.analysis.id)
    done = await world.analyses.get(up.analysis.id)
    assert done.status is AnalysisStatus.COMPLETED and done.attempts == 2

    world.images.failures = 10
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    await world.job(up.analysis.id)
    failed = await world.analyses.get(up.analysis.id)
    assert failed.status is AnalysisStatus.FAILED and failed.attempts == 3
    assert "ConnectionError" in failed.error
    assert world.analyses.totals[user] == 1  # failed analyses are not history


async def test_missing_image_fails_without_retry(world):
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    await world.images.delete(up.analysis.image_ref)
    await world.job(up.analysis.id)
    failed = await world.analyses.get(up.analysis.id)
    assert failed.status is AnalysisStatus.FAILED and failed.attempts == 1


async def test_sweeper_requeues_expired_leases_and_lost_jobs(world):
    user = uuid4()
    world.consent(user)
    leased = (await world.upload(user, Tier.FREE, jpeg_with_gps())).analysis
    lost = (await world.upload(user, Tier.FREE, jpeg_with_gps())).analysis
    world.queue.jobs.clear()
    now = world.clock.now()
    await world.analyses.claim(leased.id, now, now.replace(minute=1))  # a worker died
    sweep = SweepUnfinished(world.analyses, world.queue, world.clock, pending_grace_s=60)
    assert await sweep() == 0  # lease still running, pending one still young
    world.clock.advance(minutes=5)
    assert await sweep() == 2
    assert set(world.queue.jobs) == {leased.id, lost.id}
    await world.queue.drain(world.job)
    for a in (leased, lost):
        assert (await world.analyses.get(a.id)).status is AnalysisStatus.COMPLETED
    assert await sweep() == 0


async def test_correction_and_manual_entry_and_delete(world):
    user, other = uuid4(), uuid4()
    entry = await AddManualEntry(world.analyses, world.lookup, world.clock)(
        user, "banana", 120, None
    )
    assert entry.status is AnalysisStatus.COMPLETED and entry.foods[0].portion_grams == 120
    assert 90 < entry.nutrition.calories < 130  # USDA: 89 kcal per 100 g
    correct = CorrectEntry(world.analyses, world.lookup)
    fixed = await correct(user, entry.id, [Correction("white rice", 200), Correction("apple", 100)])
    assert fixed.corrected and [f.food for f in fixed.foods] == ["white rice", "apple"]
    assert fixed.nutrition.calories > entry.nutrition.calories
    with pytest.raises(NotFound):
        await correct(other, entry.id, [Correction("apple", 100)])
    delete = DeleteEntry(world.analyses, world.images)
    with pytest.raises(NotFound):
        await delete(other, entry.id)
    await delete(user, entry.id)
    assert (await world.analyses.history(HistoryQuery(user))).total == 0


async def test_consent_withdrawn_after_upload_stops_the_processing(world):
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    world.consent(user, food_photos=False)
    assert await world.queue.drain(world.job) == 1
    done = await world.analyses.get(up.analysis.id, user)
    assert done.status is AnalysisStatus.FAILED
    assert "consent" in done.error and done.description is None


async def test_a_job_whose_worker_dies_on_every_attempt_fails_for_good(world):
    world.describer = ScriptedDescriber(DescribedFood("apple", grams=100))
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    for _ in range(world.policy.max_attempts):  # claimed, then its worker is killed
        now = world.clock.now()
        assert await world.analyses.claim(up.analysis.id, now, now + timedelta(minutes=1))
        world.clock.advance(minutes=5)
    await world.job(up.analysis.id)  # the delivery taken over once more
    failed = await world.analyses.get(up.analysis.id)
    assert failed.status is AnalysisStatus.FAILED
    assert failed.attempts == world.policy.max_attempts + 1 and "worker" in failed.error
    await world.job(up.analysis.id)  # and any later delivery is a no-op
    assert await world.analyses.get(up.analysis.id) == failed


class SlowRenewals(MemoryAnalysisRepository):
    """Lease renewals that wait until cancelled, through a driver that either lets the
    cancel pass as a normal return (what `asyncio.wait_for` does on Python 3.11 when the
    cancel comes as its reply does, gh-86296) or takes `cleanup_s` to end on it."""

    def __init__(self, drops_cancel: bool, cleanup_s: float = 0.0) -> None:
        super().__init__()
        self.drops_cancel, self.cleanup_s = drops_cancel, cleanup_s
        self.renewals = 0
        self.renewing, self.cleaning = asyncio.Event(), asyncio.Event()

    async def renew(self, analysis_id: UUID, attempt: int, lease_until: datetime) -> bool:
        self.renewals += 1
        self.renewing.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cleaning.set()
            await asyncio.sleep(self.cleanup_s)
            if not self.drops_cancel:
                raise
        return await super().renew(analysis_id, attempt, lease_until)


class DescriberWaiting:
    """The describer port answering once `until` is set."""

    def __init__(self, until: asyncio.Event) -> None:
        self.until = until

    @property
    def name(self) -> str:
        return "claude-test"

    async def describe(self, image: SanitisedImage) -> DescriptionReport:
        await self.until.wait()
        return DescriptionReport.success("claude-test", Description((), "A plate."))


async def _running_job(world: World, reached: asyncio.Event) -> tuple[UUID, asyncio.Task[None]]:
    """An upload's job started and run until `reached` is set."""
    user = uuid4()
    world.consent(user)
    up = await world.upload(user, Tier.FREE, jpeg_with_gps())
    job = asyncio.create_task(world.job(up.analysis.id))
    async with asyncio.timeout(10):
        await reached.wait()
    return up.analysis.id, job


async def test_a_cancelled_job_ends_although_its_lease_renewal_dropped_the_cancel(world):
    world.analyses = SlowRenewals(drops_cancel=True)
    world.policy = JobPolicy(lease_s=0.15)  # a renewal every 0.05 s
    world.describer = DescriberWaiting(asyncio.Event())  # the job runs until cancelled
    _, job = await _running_job(world, world.analyses.renewing)
    job.cancel()
    await asyncio.wait({job}, timeout=10)  # the old job waited on its lease keeper forever
    assert job.cancelled()
    renewals = world.analyses.renewals
    await asyncio.sleep(0.2)
    assert world.analyses.renewals == renewals  # nobody keeps the lease any more


async def test_a_job_cancelled_while_its_lease_keeper_ends_ends_cancelled(world):
    world.analyses = SlowRenewals(drops_cancel=False, cleanup_s=0.5)
    world.policy = JobPolicy(lease_s=0.15)
    world.describer = DescriberWaiting(world.analyses.renewing)  # done while it renews
    analysis_id, job = await _running_job(world, world.analyses.renewing)
    async with asyncio.timeout(10):
        await world.analyses.cleaning.wait()  # the job waits for its keeper to end
    job.cancel()
    await asyncio.wait({job}, timeout=10)
    assert job.cancelled()  # not swallowed: the result is not stored, the job runs again
    stored = await world.analyses.get(analysis_id)
    assert stored.status is AnalysisStatus.PROCESSING


class ImagesFailingOnACancel(MemoryImageStore):
    """An image store whose first read waits, and fails (its own error, not the cancel)
    when cancelled: a driver that turns a cancel into a connection error."""

    def __init__(self) -> None:
        super().__init__()
        self.reading = asyncio.Event()
        self.reads = 0

    async def get(self, key: str) -> SanitisedImage:
        self.reads += 1
        if self.reads == 1:
            self.reading.set()
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                raise ConnectionError("read interrupted") from None
        return await super().get(key)


async def test_a_cancelled_job_makes_no_new_attempt_when_its_driver_failed_instead(world):
    world.images = ImagesFailingOnACancel()
    analysis_id, job = await _running_job(world, world.images.reading)
    job.cancel()
    await asyncio.wait({job}, timeout=10)
    assert job.cancelled()
    assert world.images.reads == 1
    stored = await world.analyses.get(analysis_id)
    assert stored.status is AnalysisStatus.PENDING and stored.attempts == 1  # released


class ScriptedDetector:
    """The detector port answering from a script (the ONNX adapter has its own tests)."""

    def __init__(self, *found: tuple[str, float]) -> None:
        self.found = found

    @property
    def name(self) -> str:
        return "detector-test"

    async def detect(self, image: SanitisedImage) -> DetectionReport:
        boxes = [
            Detection(food, confidence, BoundingBox(10 * i, 10, 10 * i + 50, 60))
            for i, (food, confidence) in enumerate(self.found)
        ]
        return DetectionReport("detector-test", tuple(boxes))


async def _analyse(world: World, user: UUID):
    up = await world.upload(user, Tier.PREMIUM, jpeg_with_gps())
    await world.queue.drain(world.job)
    return await world.analyses.get(up.analysis.id, user)


async def test_counted_items_multiply_one_typical_unit_and_containers_are_context(world):
    world.detector = ScriptedDetector(
        ("banana", 0.9), ("banana", 0.8), ("banana", 0.85), ("bowl", 0.95), ("dining table", 0.7)
    )
    one = await world.lookup("banana")
    user = uuid4()
    world.consent(user)
    done = await _analyse(world, user)
    (banana,) = done.foods  # the bowl and the table are not food
    assert banana.food == "banana" and banana.quantity == 3 and banana.confidence == 0.9
    assert banana.portion_grams == pytest.approx(3 * one.portion_grams, abs=0.1)
    assert banana.match is not None and banana.fdc_id == one.fdc_id == banana.match.fdc_id
    assert banana.match.confidence == pytest.approx(one.match_confidence, abs=1e-4)
    assert done.confidence_score == pytest.approx(0.9 * banana.match.confidence, abs=1e-4)
    assert "detector only" in done.models.fusion and "bowl" in done.models.fusion
    # A sure, matched food and no describer to blame: nothing to review.
    assert not done.review.needed and done.suggestions == ()


async def test_nothing_recognised_says_why_and_suggests_the_persons_frequent_foods(world):
    user = uuid4()
    world.consent(user)
    add = AddManualEntry(world.analyses, world.lookup, world.clock)
    for food, grams in (
        ("apple", 150),
        ("banana", 118),
        ("apple", 160),
        ("white rice", 200),
        ("apple", 170),
    ):
        await add(user, food, grams, None)
        world.clock.advance(minutes=1)
    other = uuid4()
    await add(other, "pizza", 300, None)  # never suggested to someone else
    done = await _analyse(world, user)
    assert done.status is AnalysisStatus.COMPLETED and done.foods == ()
    assert done.confidence_score == 0.0
    assert done.review.needed
    assert "We couldn't recognise any food in this photo." in done.review.reasons
    assert "No meal-description model is configured." in done.review.reasons
    foods = [(s.food, s.source.value) for s in done.suggestions]
    assert foods == [("apple", "history"), ("white rice", "history"), ("banana", "history")]
    apple = done.suggestions[0]
    assert apple.portion_grams == 170  # the latest portion
    assert apple.fdc_id == (await world.lookup("apple")).fdc_id


async def test_unsure_detections_ask_for_a_look_and_the_doubtful_are_only_suggested(world):
    world.detector = ScriptedDetector(("pizza", 0.42), ("carrot", 0.2))
    user = uuid4()
    world.consent(user)
    done = await _analyse(world, user)
    assert [f.food for f in done.foods] == ["pizza"]  # carrot at 0.2 is not asserted
    assert done.review.needed
    assert any("not sure about pizza" in r for r in done.review.reasons)
    assert any("too uncertain" in r for r in done.review.reasons)
    (carrot,) = done.suggestions
    assert carrot.food == "carrot" and carrot.source.value == "detector"
    found = await world.lookup("carrot")
    assert carrot.fdc_id == found.fdc_id and carrot.portion_grams == found.portion_grams
    assert "1 below 0.3 confidence offered as suggestions" in done.models.fusion


async def test_a_photo_of_no_food_invents_nothing(world):
    """A portrait: the detector sees a person and a cup, nothing edible."""
    world.detector = ScriptedDetector(("cup", 0.9))
    user = uuid4()
    world.consent(user)
    done = await _analyse(world, user)
    assert done.status is AnalysisStatus.COMPLETED and done.foods == ()
    assert done.nutrition.calories is None and done.review.needed
    assert done.review.reasons[0] == "We couldn't recognise any food in this photo."
    assert done.suggestions == ()  # no history yet: nothing made up either


async def test_a_correction_settles_the_review(world):
    user = uuid4()
    world.consent(user)
    done = await _analyse(world, user)
    assert done.review.needed
    fixed = await CorrectEntry(world.analyses, world.lookup)(
        user, done.id, [Correction("apple", 150)]
    )
    assert not fixed.review.needed and fixed.suggestions == ()
    assert fixed.foods[0].match is not None
