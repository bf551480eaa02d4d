"""`AnalysisRepository`, `FoodHistoryView` and `AnalysisQuota` contracts, for every
adapter: in-memory, SQLite, PostgreSQL (and Redis for the quota). The same history
filters and sorts, the same conditional state changes, the same O(1) totals, the same
cards kept as given, the same atomic quota."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid4

import msgspec
import pytest
from redis.asyncio import Redis
from sqlalchemy.exc import TimeoutError as SqlPoolTimeout

from adapters.memory.food_history import MemoryAnalysisQuota, MemoryAnalysisRepository
from adapters.redis.quota_food import RedisAnalysisQuota
from adapters.sql.database import Database
from adapters.sql.food_history import SqlAnalysisRepository
from adapters.sql.food_quota import SqlAnalysisQuota
from adapters.sql.models import UserRow
from adapters.sql.pg_direct import pg_connection
from application.food.history_view import AnalysisOut, history_card
from application.ports.food import AnalysisQuota, AnalysisRepository, HistoryCards
from domain.food.analysis import (
    Analysis,
    AnalysisResult,
    AnalysisStatus,
    EntrySource,
    FoodItem,
    ModelsUsed,
    Review,
    Suggestion,
    SuggestionSource,
    UsdaMatch,
)
from domain.food.history import HistoryFilters, HistoryQuery, HistorySort
from domain.food.quota import utc_day_window
from domain.food.vision import BoundingBox
from domain.nutrition.nutrients import Nutrients

pytestmark = pytest.mark.asyncio
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


class Users:
    """Creates user rows where the store has a users table (foreign keys)."""

    def __init__(self, db: Database | None) -> None:
        self.db = db

    async def new(self) -> UUID:
        uid = uuid4()
        if self.db is not None:
            async with self.db.engine.begin() as conn:
                await conn.execute(
                    UserRow.__table__.insert().values(
                        id=uid,
                        email=f"{uid.hex}@example.com",
                        name="Test",
                        password_hash="x",
                        subscription_tier="free",
                        email_verified=False,
                        created_at=T0,
                        updated_at=T0,
                    )
                )
        return uid


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def repo(request: pytest.FixtureRequest) -> tuple[AnalysisRepository, Users]:
    if request.param == "memory":
        return MemoryAnalysisRepository(), Users(None)
    db: Database = request.getfixturevalue(f"{request.param}_db")
    return SqlAnalysisRepository(db), Users(db)


async def add(store: AnalysisRepository, entry: Analysis) -> None:
    """`add` as the use cases call it: a completed entry with its card."""
    done = entry.status is AnalysisStatus.COMPLETED
    await store.add(entry, history_card(entry) if done else None)


async def correct(
    store: AnalysisRepository,
    user: UUID,
    entry_id: UUID,
    foods: tuple[FoodItem, ...],
    nutrition: Nutrients,
    source: str | None,
) -> Analysis | None:
    """A correction as `CorrectEntry` makes it: the stored entry, corrected, and its card."""
    current = await store.get(entry_id, user)
    assert current is not None
    updated = current.corrected_with(foods, nutrition, source)
    return updated if await store.correct(updated, history_card(updated)) else None


def manual(
    user: UUID, food: str, calories: float | None, at: datetime, confidence: float = 1.0
) -> Analysis:
    item = FoodItem(food, confidence, portion_grams=100.0, fdc_id=None)
    entry = Analysis.manual(
        uuid4(), user, item, Nutrients(calories=calories, protein_g=1.0), at, None, "usda_fdc"
    )
    return entry


def result(*foods: str) -> AnalysisResult:
    items = tuple(FoodItem(f, 0.8, BoundingBox(1, 2, 30.5, 40), 2, 150.0, 1234) for f in foods)
    nutrition = Nutrients(calories=420.5, vitamins={"vitamin_c_mg": 3.2})
    return AnalysisResult(items, "A meal.", nutrition, 0.8, ModelsUsed("yolo11n", None, "usda_fdc"))


async def test_photo_analysis_round_trip_and_conditional_transitions(repo):
    store, users = repo
    user = await users.new()
    a = Analysis.from_photo(uuid4(), user, f"{user}/{'a' * 32}.jpg", T0)
    await add(store, a)
    assert await store.get(a.id) == a
    assert await store.get(a.id, await users.new()) is None  # someone else's

    claimed = await store.claim(a.id, T0, T0 + LEASE)
    assert claimed.status is AnalysisStatus.PROCESSING and claimed.attempts == 1
    assert await store.claim(a.id, T0 + LEASE / 2, T0 + 2 * LEASE) is None  # lease alive
    assert await store.renew(a.id, 1, T0 + 2 * LEASE)
    assert not await store.renew(a.id, 2, T0 + 2 * LEASE)  # not that attempt
    stolen = await store.claim(a.id, T0 + 2 * LEASE, T0 + 3 * LEASE)  # the worker died
    assert stolen.attempts == 2
    late = claimed.completed(result("apple"), T0 + LEASE)
    assert not await store.complete(
        late, 1, history_card(late)
    )  # the superseded attempt's result is dropped
    done = stolen.completed(result("apple", "Hot Dogs"), T0 + 2 * LEASE + timedelta(seconds=2))
    assert await store.complete(done, 2, history_card(done))
    assert not await store.complete(done, 2, history_card(done))  # once
    assert await store.claim(a.id, T0 + timedelta(days=9), T0 + timedelta(days=10)) is None
    got = await store.get(a.id, user)
    assert got.status is AnalysisStatus.COMPLETED and got.analysis_duration_ms == 2000
    assert got.foods == done.foods and got.nutrition == done.nutrition
    assert got.models == done.models and got.description == "A meal."
    assert got.food_names == ["apple", "hot dog"]
    page = await store.history(HistoryQuery(user))
    assert page.total == 1 and page.items[0] == got


async def test_release_fail_and_unfinished(repo):
    store, users = repo
    user = await users.new()
    a = Analysis.from_photo(uuid4(), user, f"{user}/{'b' * 32}.png", T0)
    b = Analysis.from_photo(uuid4(), user, f"{user}/{'c' * 32}.png", T0 + timedelta(minutes=5))
    await add(store, a)
    await add(store, b)
    c = await store.claim(a.id, T0, T0 + LEASE)
    assert await store.unfinished(T0, T0, 10) == []
    assert set(await store.unfinished(T0 + LEASE, T0 + timedelta(minutes=10), 10)) == {a.id, b.id}
    assert await store.release(a.id, c.attempts)
    assert (await store.get(a.id)).status is AnalysisStatus.PENDING
    c2 = await store.claim(a.id, T0, T0 + LEASE)
    assert c2.attempts == 2
    assert await store.fail(c2.failed("boom", T0), c2.attempts)
    failed = await store.get(a.id)
    assert failed.status is AnalysisStatus.FAILED and failed.error == "boom"
    assert not await store.fail(c2.failed("again", T0), None)  # final already
    assert (await store.history(HistoryQuery(user))).total == 0


async def test_correct_and_delete_keep_the_total(repo):
    store, users = repo
    user, other = await users.new(), await users.new()
    e = manual(user, "banana", 107.0, T0)
    await add(store, e)
    await add(store, manual(user, "apple", 52.0, T0 + timedelta(hours=1)))
    assert (await store.history(HistoryQuery(user))).total == 2
    fixed = await correct(
        store,
        user,
        e.id,
        (FoodItem("rice", 1.0, portion_grams=200),),
        Nutrients(calories=260.0),
        "usda_fdc",
    )
    assert fixed.corrected and (await store.get(e.id)).food_names == ["rice"]
    theirs = replace(fixed, user_id=other)  # someone else's entry is not corrected
    assert not await store.correct(theirs, history_card(theirs))
    assert (await store.get(e.id)).food_names == ["rice"]
    assert await store.delete(other, e.id) is None
    assert (await store.delete(user, e.id)).id == e.id
    assert await store.delete(user, e.id) is None
    page = await store.history(HistoryQuery(user))
    assert page.total == 1 and [i.food_names for i in page.items] == [["apple"]]


async def test_history_filters_sorts_and_pages_alike(repo):
    store, users = repo
    user, other = await users.new(), await users.new()
    rows = [
        ("apple", 52.0, 0.9),
        ("banana", 107.0, 0.5),
        ("apple pie", 300.0, 0.7),
        ("rice", None, 0.6),
        ("Apples", 80.0, 0.8),
        ("banana", 107.0, 0.4),
    ]
    made = []
    for i, (food, cal, conf) in enumerate(rows):
        entry = manual(user, food, cal, T0 + timedelta(days=i), conf)
        made.append(entry)
        await add(store, entry)
    await add(store, manual(other, "apple", 52.0, T0))
    pending = Analysis.from_photo(uuid4(), user, f"{user}/{'d' * 32}.jpg", T0)
    await add(store, pending)  # not history until completed

    async def ids(**kw) -> tuple[list[int], int]:
        filters = kw.pop("filters", HistoryFilters())
        page = await store.history(HistoryQuery(user, filters=filters, **kw))
        return [made.index(next(m for m in made if m.id == a.id)) for a in page.items], page.total

    assert await ids() == ([5, 4, 3, 2, 1, 0], 6)
    assert await ids(per_page=2, page=2) == ([3, 2], 6)
    assert await ids(per_page=4, page=3) == ([], 6)
    assert await ids(descending=False) == ([0, 1, 2, 3, 4, 5], 6)
    # nulls last; ties newest first
    assert await ids(sort=HistorySort.CALORIES) == ([2, 5, 1, 4, 0, 3], 6)
    assert await ids(sort=HistorySort.CALORIES, descending=False) == ([0, 4, 5, 1, 2, 3], 6)
    assert await ids(sort=HistorySort.CONFIDENCE_SCORE) == ([0, 4, 2, 3, 1, 5], 6)
    assert await ids(filters=HistoryFilters(food="apple")) == ([4, 0], 2)  # not "apple pie"
    assert await ids(filters=HistoryFilters(food="Apple  PIE")) == ([2], 1)
    assert await ids(filters=HistoryFilters(food="pizza")) == ([], 0)
    assert await ids(filters=HistoryFilters(min_calories=80, max_calories=107)) == ([5, 4, 1], 3)
    day = (T0 + timedelta(days=2)).date()
    assert await ids(filters=HistoryFilters(date_from=day, date_to=day)) == ([2], 1)
    assert await ids(filters=HistoryFilters(date_from=day)) == ([5, 4, 3, 2], 4)
    assert await ids(filters=HistoryFilters(date_to=date(2026, 3, 2))) == ([1, 0], 2)
    assert await ids(
        filters=HistoryFilters(food="banana", min_calories=100),
        sort=HistorySort.CREATED_AT,
        per_page=1,
    ) == ([5], 2)


async def test_history_cards_answer_exactly_what_the_analyses_answer(repo):
    """The list endpoint's page (the stored cards) gives, byte for byte, the JSON the
    domain path gives (`AnalysisOut.of` of the stored entry), for the same entries, order
    and total: ints stay ints, confidences and boxes are rounded alike (a card rendered
    before storage shows what the stored entry shows), absent documents answer as before."""
    store, users = repo
    user = await users.new()
    odd = T0 + timedelta(hours=3, microseconds=654_321)
    photo = Analysis.from_photo(uuid4(), user, f"{user}/{'e' * 32}.jpg", odd).claimed(odd, LEASE)
    items = (
        FoodItem(
            "Hot Dogs",
            0.876_543_21,
            BoundingBox(10, 20, 110, 180),
            2,
            150.0,
            1234,
            UsdaMatch("Frankfurter, beef", 1234, "sr_legacy", 0.612_345_67),
        ),
        FoodItem(
            "apple",
            1,
            BoundingBox(1.25, 2.35, 30.55, 40.149),
            1,
            95,
            None,
            UsdaMatch("Apples, raw", None, "foundation", 1),
        ),
        FoodItem("rice", 0.5, None, 1, None, 169_756),
    )
    review = Review(True, ("We found no nutrition data for rice: please pick the food.",))
    suggestions = (
        Suggestion("white rice", 158, 169_756, SuggestionSource.HISTORY),
        Suggestion("carrot", 61.0, None, SuggestionSource.DETECTOR),
    )
    nutrition = Nutrients(
        calories=420,
        protein_g=12.5,
        carbs_g=None,
        fat_g=0.0,
        vitamins={"vitamin_c_mg": 12, "vitamin_a_rae_ug": 40.5},
        minerals={"iron_mg": 1.2},
        lipids={"saturated_fat_g": 1.0},
    )
    done = photo.completed(
        AnalysisResult(
            items,
            "Three things.",
            nutrition,
            0.812_345_6,
            ModelsUsed("yolo11n", "claude", "usda_fdc", "describer names and grams"),
            review,
            suggestions,
        ),
        odd + timedelta(seconds=2, microseconds=1),
    )
    await add(store, photo)
    assert await store.complete(done, 1, history_card(done))
    await add(store, manual(user, "banana", 107.0, T0 + timedelta(hours=1), confidence=0.9))
    east = timezone(timedelta(hours=2))
    bare = Analysis(
        id=uuid4(),
        user_id=user,
        source=EntrySource.MANUAL,
        status=AnalysisStatus.COMPLETED,
        created_at=T0.astimezone(east),
    )
    await add(store, bare)  # no foods, nutrition, models or timestamps besides created_at
    corrected = await correct(
        store,
        user,
        bare.id,
        (FoodItem("pear", 1.0, portion_grams=80),),
        Nutrients(calories=46.4),
        "usda_fdc",
    )
    assert corrected is not None
    await add(
        store,
        replace(
            manual(user, "kiwi", None, T0 - timedelta(days=1)),
            nutrition=None,
            models=None,
            eaten_at=None,
        ),
    )

    queries = [
        HistoryQuery(user),
        HistoryQuery(user, per_page=2, page=2),
        HistoryQuery(user, per_page=3, page=9),
        HistoryQuery(user, descending=False),
        HistoryQuery(user, sort=HistorySort.CALORIES),
        HistoryQuery(user, sort=HistorySort.CONFIDENCE_SCORE, descending=False),
        HistoryQuery(user, filters=HistoryFilters(food="hot dog")),
        HistoryQuery(await users.new()),
    ]
    # Each entry's card was rendered before it was stored (as the use cases do); a page
    # of cards answers what the stored entries answer, byte for byte.
    seen = 0
    for query in queries:
        page = await store.history(query)
        cards = await store.page(query)
        assert cards.total == page.total
        assert [msgspec.json.encode(msgspec.Raw(c)) for c in cards.cards] == [
            msgspec.json.encode(AnalysisOut.of(a)) for a in page.items
        ]
        seen += len(cards.cards)
    assert seen == 4 + 2 + 0 + 4 + 4 + 4 + 1 + 0
    first = msgspec.json.decode((await store.page(HistoryQuery(user))).cards[0])
    assert first["created_at"] == "2026-03-01T15:00:00Z"
    assert first["detected_foods"][0]["confidence"] == 0.8765
    assert first["detected_foods"][1]["bbox"] == [1.2, 2.4, 30.6, 40.1]  # via 2 decimals
    assert first["detected_foods"][0]["match"] == {
        "name": "Frankfurter, beef",
        "fdc_id": 1234,
        "data_type": "sr_legacy",
        "confidence": 0.6123,
    }
    assert first["detected_foods"][2]["match"] is None
    assert first["review"] == {"needed": True, "reasons": list(review.reasons)}
    assert first["suggestions"] == [
        {"food": "white rice", "portion_grams": 158, "fdc_id": 169_756, "source": "history"},
        {"food": "carrot", "portion_grams": 61.0, "fdc_id": None, "source": "detector"},
    ]
    assert first["image_url"] == f"/api/v1/food/analysis/{photo.id}/image"
    assert first["models"]["fusion"] == "describer names and grams"
    assert first["nutrition"] == {
        "calories": 420,
        "protein_g": 12.5,
        "carbs_g": None,
        "fat_g": 0.0,
        "fiber_g": None,
        "sugar_g": None,
        "vitamins": first["nutrition"]["vitamins"],
        "minerals": {"iron_mg": 1.2},
    }


async def test_cards_are_kept_as_given_and_follow_their_entry(repo):
    """A card is opaque to the store: written with its entry, replaced by a correction,
    gone with a delete; a pending analysis has none, and no completed entry is written
    without one."""
    store, users = repo
    user = await users.new()
    apple = manual(user, "apple", 52.0, T0)
    await store.add(apple, '{"any":"text"}')
    assert (await store.page(HistoryQuery(user))).cards == ['{"any":"text"}']

    photo = Analysis.from_photo(uuid4(), user, f"{user}/{'f' * 32}.jpg", T0 + timedelta(hours=1))
    await store.add(photo, None)
    assert (await store.page(HistoryQuery(user))).total == 1  # pending: not history
    claimed = await store.claim(photo.id, T0, T0 + LEASE)
    done = claimed.completed(result("kiwi"), T0 + timedelta(hours=1))
    with pytest.raises(ValueError):
        await store.complete(done, claimed.attempts, None)  # type: ignore[arg-type]
    assert await store.complete(done, claimed.attempts, "kiwi card")
    assert await store.page(HistoryQuery(user)) == HistoryCards(["kiwi card", '{"any":"text"}'], 2)

    fixed = apple.corrected_with((FoodItem("pear", 1.0, portion_grams=80),), Nutrients(), None)
    assert await store.correct(fixed, "pear card")
    filtered = HistoryQuery(user, filters=HistoryFilters(food="pear"))
    assert await store.page(filtered) == HistoryCards(["pear card"], 1)
    await store.delete(user, photo.id)
    assert await store.page(HistoryQuery(user)) == HistoryCards(["pear card"], 1)
    with pytest.raises(ValueError):
        await store.add(manual(user, "rice", 130.0, T0), None)
    assert (await store.page(HistoryQuery(user))).total == 1


async def test_postgres_page_reads_give_their_connections_back(postgres_url, caplog):
    """The unfiltered page runs on a pooled asyncpg connection directly: every connection
    goes back (an overflow one is closed cleanly), a read cancelled mid-way costs its
    connection and nothing else, and a refused statement leaves the pool as it was."""
    db = Database(postgres_url, pool_size=1)  # and one overflow connection
    try:
        store, users = SqlAnalysisRepository(db), Users(db)
        user = await users.new()
        await add(store, manual(user, "apple", 52.0, T0))
        pool = db.engine.pool
        pages = await asyncio.gather(*(store.page(HistoryQuery(user)) for _ in range(12)))
        assert {p.total for p in pages} == {1} and pool.checkedout() == 0
        for _ in range(5):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(store.page(HistoryQuery(user)), 0.0005)
        assert pool.checkedout() == 0
        assert (await store.page(HistoryQuery(user))).total == 1
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    finally:
        await db.dispose()


# -- quota ---------------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite", "postgres", "redis"])
def quota_kind(request: pytest.FixtureRequest) -> tuple[str, object]:
    if request.param == "memory":
        return "memory", None
    if request.param == "redis":
        return "redis", request.getfixturevalue("redis_url")
    return "sql", request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
async def quota(quota_kind) -> AsyncIterator[tuple[AnalysisQuota, Users]]:
    kind, handle = quota_kind
    if kind == "memory":
        yield MemoryAnalysisQuota(), Users(None)
    elif kind == "redis":
        client = Redis.from_url(handle)
        yield RedisAnalysisQuota(client, f"psi-test-{uuid4().hex[:8]}:"), Users(None)
        await client.aclose()
    else:
        yield SqlAnalysisQuota(handle), Users(handle)


async def test_quota_takes_up_to_the_limit_per_day_and_refunds(quota):
    store, users = quota
    user, other = await users.new(), await users.new()
    today = utc_day_window(T0)
    assert [await store.consume(user, today, 3) for _ in range(4)] == [
        (True, 1),
        (True, 2),
        (True, 3),
        (False, 3),
    ]
    assert await store.used(user, today) == 3
    await store.refund(user, today)
    assert await store.consume(user, today, 3) == (True, 3)
    assert await store.consume(other, today, 3) == (True, 1)
    tomorrow = utc_day_window(T0 + timedelta(days=1))
    assert await store.consume(user, tomorrow, 3) == (True, 1)
    assert await store.used(user, tomorrow) == 1


async def test_twenty_concurrent_takes_give_exactly_the_limit(quota):
    store, users = quota
    user = await users.new()
    today = utc_day_window(T0)
    outcomes = await asyncio.gather(*(store.consume(user, today, 3) for _ in range(20)))
    assert sorted(taken for taken, _ in outcomes) == [False] * 17 + [True] * 3
    assert sorted(used for taken, used in outcomes if taken) == [1, 2, 3]
    assert await store.used(user, today) == 3


async def test_postgres_direct_reads_are_served_first_come_first_served(postgres_url):
    """More readers than pooled connections queue in arrival order (the pool's own queue
    let newcomers overtake waiters and starved some for seconds), and a reader that
    cannot get a turn within the pool timeout fails as a pool timeout."""
    db = Database(postgres_url, pool_size=2, statement_timeout_ms=300)
    try:
        order: list[int] = []

        async def reader(i: int) -> None:
            async with pg_connection(db) as conn:
                order.append(i)
                await conn.fetchval("SELECT pg_sleep(0.01)")

        tasks = []
        for i in range(12):
            tasks.append(asyncio.create_task(reader(i)))
            await asyncio.sleep(0)  # each reader asks in turn
        await asyncio.gather(*tasks)
        # Readers whose turns come at the same moment (the first two, or two let in by
        # connections handed back together) may swap while connecting; nobody is passed
        # over by more than that.
        assert sorted(order) == list(range(12))
        assert max(abs(position - reader) for position, reader in enumerate(order)) <= 1

        async with pg_connection(db), pg_connection(db):
            with pytest.raises(SqlPoolTimeout):
                async with pg_connection(db):
                    pass
        assert db.engine.pool.checkedout() == 0
    finally:
        await db.dispose()


async def test_recent_foods_and_image_refs_are_the_owners_alone(repo):
    store, users = repo
    user, other = await users.new(), await users.new()
    for i, food in enumerate(("apple", "banana", "rice")):
        await add(store, manual(user, food, 100.0, T0 + timedelta(hours=i)))
    await add(store, manual(other, "pizza", 300.0, T0))
    key = f"{user}/{'d' * 32}.jpg"
    photo = Analysis.from_photo(uuid4(), user, key, T0 + timedelta(hours=5))
    await add(store, photo)  # pending: not history, so not among the recent foods
    recent = await store.recent_foods(user, 2)
    assert [[f.food for f in meal] for meal in recent] == [["rice"], ["banana"]]
    assert [[f.food for f in m] for m in await store.recent_foods(other, 10)] == [["pizza"]]

    assert await store.image_ref(photo.id, user, completed_only=False) == key
    assert await store.image_ref(photo.id, user, completed_only=True) is None  # pending
    assert await store.image_ref(photo.id, other, completed_only=False) is None
    assert await store.image_ref(uuid4(), user, completed_only=False) is None
    claimed = await store.claim(photo.id, T0 + timedelta(hours=5), T0 + timedelta(hours=6))
    kiwi = claimed.completed(result("kiwi"), T0 + timedelta(hours=5))
    assert await store.complete(kiwi, claimed.attempts, history_card(kiwi))
    assert await store.image_ref(photo.id, user, completed_only=True) == key
    assert [f.food for f in (await store.recent_foods(user, 1))[0]] == ["kiwi"]
    manual_entry = (await store.history(HistoryQuery(user, per_page=50))).items[-1]
    assert await store.image_ref(manual_entry.id, user, completed_only=False) is None
