"""One suite for the nutrition store port, run on memory, SQLite (FTS5) and Postgres."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.sql.nutrition_models import NutritionFoodRow
from adapters.sql.nutrition_store import SqlNutritionStore
from application.nutrition.lookup import LookupNutrition, ranked_matches
from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.nutrients import Nutrients


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request):
    if request.param == "memory":
        return MemoryNutritionStore()
    return SqlNutritionStore(request.getfixturevalue(f"{request.param}_db"))


def word() -> str:
    """A word no other test uses, so suites can share one Postgres database."""
    return "zq" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])


def food(
    name: str,
    data_type: DataType = DataType.SR_LEGACY,
    *,
    fdc_id: int | None = None,
    calories: float | None = 50.0,
    portion: Portion | None = None,
    **micros,
) -> Food:
    return Food(
        id=fdc_id or offline_food_id(data_type, name),
        fdc_id=fdc_id,
        name=name,
        data_type=data_type,
        category="Fruits and Fruit Juices",
        portion=portion,
        per_100g=Nutrients(
            calories=calories,
            protein_g=1.0,
            carbs_g=12.0,
            fat_g=0.2,
            fiber_g=None,
            sugar_g=9.5,
            **micros,
        ),
    )


async def test_round_trip_keeps_every_field(store) -> None:
    w = word()
    original = food(
        f"{w}, raw",
        DataType.FOUNDATION,
        fdc_id=None,
        portion=Portion(118.0, "medium"),
        vitamins={"vitamin_c_mg": 8.7, "folate_ug": 20.0},
        minerals={"potassium_mg": 358.0},
        lipids={"saturated_fat_g": 0.112},
    )
    original = replace(
        original,
        ndb_number="09040",
        portions=(Portion(225.0, "1 cup, mashed"), Portion(118.0, '1 medium (7" to 7-7/8" long)')),
    )
    await store.upsert_many([original])
    [back] = await store.get_many([original.id])
    assert back == original
    [found] = await store.candidates(w, match_all=True, limit=10)
    assert found == original


async def test_upsert_is_idempotent_and_replaces(store) -> None:
    w = word()
    before = await store.count()
    first = food(f"{w} pear, raw")
    await store.upsert_many([first, first])
    await store.upsert_many([first])
    assert await store.count() == before + 1
    changed = food(f"{w} pear, raw", calories=57.0)
    await store.upsert_many([changed])
    [back] = await store.get_many([first.id])
    assert back.per_100g.calories == 57.0


async def test_candidates_match_word_prefixes_all_or_any(store) -> None:
    w = word()
    foods = [
        food(f"{w} apples, raw"),
        food(f"{w} applesauce, canned"),
        food(f"{w} apple juice"),
        food(f"{w} pineapple, raw"),
    ]
    await store.upsert_many(foods)
    names = {f.name for f in await store.candidates(f"{w} apple", match_all=True, limit=50)}
    # "apple" is a prefix of apple/apples/applesauce, not of pineapple.
    assert names == {f"{w} apples, raw", f"{w} applesauce, canned", f"{w} apple juice"}
    # Any word: other tests' foods may match too (shared database), so look at ours only.
    names = {
        f.name
        for f in await store.candidates("juice raw", match_all=False, limit=10_000)
        if f.name.startswith(w)
    }
    assert names == {f"{w} apples, raw", f"{w} apple juice", f"{w} pineapple, raw"}
    assert await store.candidates(f"{w} banana", match_all=True, limit=50) == []


async def test_candidates_are_ordered_by_data_set_then_length_and_limited(store) -> None:
    w = word()
    foods = [
        food(f"{w} kiwi, raw, gold", DataType.SURVEY),
        food(f"{w} kiwi, raw", DataType.BRANDED),
        food(f"{w} kiwi, raw, green, organic", DataType.FOUNDATION),
        food(f"{w} kiwi", DataType.SURVEY),
    ]
    await store.upsert_many(foods)
    got = await store.candidates(f"{w} kiwi", match_all=True, limit=3)
    assert [f.name for f in got] == [
        f"{w} kiwi, raw, green, organic",
        f"{w} kiwi",
        f"{w} kiwi, raw, gold",
    ]
    generic = await store.candidates(f"{w} kiwi", match_all=True, limit=10, include_branded=False)
    assert all(f.data_type.is_generic for f in generic) and len(generic) == 3


async def test_normalised_queries_meet_normalised_names(store) -> None:
    w = word()
    await store.upsert_many([food(f"{w} Crème Brûlée Tomatoes (Includes USDA program)")])
    for query in (f"{w} creme brulee tomato", f"{w.upper()} CRÈME", f"{w} tomatoes!"):
        assert len(await store.candidates(query, match_all=True, limit=5)) == 1
    # Words only in the parenthesised remark are not indexed.
    assert await store.candidates(f"{w} program", match_all=True, limit=5) == []


async def test_counts_and_unknown_ids(store) -> None:
    w = word()
    before, before_generic = await store.count(), await store.count(generic_only=True)
    await store.upsert_many([food(f"{w} plum"), food(f"{w} PLUM BAR", DataType.BRANDED)])
    assert await store.count() == before + 2
    assert await store.count(generic_only=True) == before_generic + 1
    assert await store.get_many([1, 2, 3]) == []
    assert await store.get_many([]) == []
    assert await store.candidates("", match_all=True, limit=5) == []
    assert await store.candidates("!!", match_all=False, limit=5) == []


async def test_lookup_ranks_the_same_on_every_store(store) -> None:
    w = word()
    foods = [
        food(f"{w} mango, raw", DataType.SR_LEGACY, portion=Portion(165.0)),
        food(f"{w} mango nectar, canned", DataType.SR_LEGACY),
        food(f"{w} mango, dried, sweetened", DataType.SURVEY),
        food(f"{w} MANGO SLICES", DataType.BRANDED),
    ]
    await store.upsert_many(foods)
    ranked = await ranked_matches(store, f"{w} mango", include_branded=True)
    assert [m.food.name for m in ranked] == [
        f"{w} mango, raw",
        f"{w} mango, dried, sweetened",
        f"{w} MANGO SLICES",
        f"{w} mango nectar, canned",
    ]
    found = await LookupNutrition(store)(f"{w} mango")
    assert (found.food_name, found.portion_grams) == (f"{w} mango, raw", 165.0)


def test_sql_table_is_part_of_the_shared_metadata() -> None:
    from adapters.sql.metadata import metadata

    assert NutritionFoodRow.__tablename__ in metadata.tables


async def test_migration_builds_the_search_index(sqlite_db, postgres_db) -> None:
    """Migrations (not create_all) made the table and its search structures."""
    async with sqlite_db.engine.connect() as conn:
        names = set(
            (
                await conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'nutrition_foods%'"
                )
            ).scalars()
        )
    assert {
        "nutrition_foods",
        "nutrition_foods_fts",
        "nutrition_foods_ai",
        "nutrition_foods_ad",
        "nutrition_foods_au",
    } <= names
    async with postgres_db.engine.connect() as conn:
        index = (
            await conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_nutrition_foods_search'"
            )
        ).scalar_one()
    assert "gin" in index and "to_tsvector" in index


async def test_keyed_foods_keep_fdc_id_ndb_number_and_every_portion(store) -> None:
    w = word()
    keyed = replace(
        food(f"{w} bananas, raw", fdc_id=173944),
        ndb_number="09040",
        portion=Portion(118.0, "1 medium"),
        portions=(Portion(150.0, "1 cup, sliced"), Portion(118.0, "1 medium")),
    )
    unkeyed = food(f"{w} bananas, raw, survey", DataType.SURVEY)
    await store.upsert_many([keyed, unkeyed])
    back = {f.id: f for f in await store.get_many([keyed.id, unkeyed.id])}
    assert back[keyed.id] == keyed
    assert (back[keyed.id].fdc_id, back[keyed.id].ndb_number) == (173944, "09040")
    assert [p.name for p in back[keyed.id].portions] == ["1 cup, sliced", "1 medium"]
    assert back[unkeyed.id].portions == () and back[unkeyed.id].ndb_number is None
